"""What `socialreg new account` and `socialreg new campaign` ask, in the order they ask it.

The prompts are written for someone who has never seen YAML; the hints come from the schemas'
descriptions unless a question says something more useful. Choices come from org/ (units,
platforms, supervisors, the accounts ads may run from), and answers are checked against what
the organisation's files already say, so that a request rarely fails at the end.

`SECTIONS` is the one table of the questions and their order, grouped as the source documents'
checklists are (purpose and audience, people, the account, routines, decision). The wizard asks
from it, and the issue forms ask the same questions in the same order (tests/test_wizard_order.py
checks the forms against it; a form generator reads each section's title and intro, and each
question's name, prompt, record path, kind, choices and whether it is optional).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import Any

from socialreg.dates import add_months
from socialreg.identity.catalogue import catalogue_from_policy
from socialreg.load.model import RecordKind
from socialreg.patterns import url_matches
from socialreg.rules.handle_address import suggested_address
from socialreg.wizard.form import (
    Answers,
    Choice,
    Context,
    ListQuestion,
    Question,
    Section,
    Step,
    flatten,
    is_id,
    suggest_id,
)
from socialreg.wording import a_or_an

# Rule codes whose options the questions follow (see `socialreg explain CODE`).
MONITORING_RULE = "SR105"


# --- choices -------------------------------------------------------------------------------------


def _units(context: Context, answers: Answers) -> list[Choice]:
    return [
        Choice(unit_id, str(unit.get("name", "")) if isinstance(unit, dict) else "")
        for unit_id, unit in context.units.items()
    ]


def _platforms(context: Context, answers: Answers) -> list[Choice]:
    platforms = context.policy.get("platforms")
    if not isinstance(platforms, dict):
        return []
    return [
        Choice(key, str(value.get("name", "")) if isinstance(value, dict) else "")
        for key, value in platforms.items()
    ]


def _supervisors(context: Context, answers: Answers) -> list[Choice]:
    return [
        Choice(str(person.get("github", "")), str(person.get("name", "")))
        for person in _unit_supervisors(context, answers.get("unit"))
    ]


def _unit_supervisors(context: Context, unit_id: Any) -> list[dict[str, Any]]:
    unit = context.units.get(unit_id) if isinstance(unit_id, str) else None
    supervisors = unit.get("supervisors") if isinstance(unit, dict) else None
    return [person for person in supervisors or [] if isinstance(person, dict)]


def _frequencies(context: Context, answers: Answers) -> list[Choice]:
    allowed = context.option(MONITORING_RULE, "allowed_frequencies", ["twice-daily", "daily"])
    labels = {
        "twice-daily": "morning and afternoon, every day",
        "daily": "every day, weekends and holidays too",
        "weekdays": "Monday to Friday",
    }
    return [Choice(str(value), labels.get(str(value), "")) for value in allowed]


def _statuses_for_account(context: Context, answers: Answers) -> list[Choice]:
    """The lifecycle (README): an account still to be opened is a request; one that exists
    already is active or a pilot."""
    if answers.get("exists") is not True:
        return [Choice("requested", "approved first, opened on the platform afterwards")]
    return [
        Choice("active", "a lasting account"),
        Choice("pilot", "a trial with an end date, then activated, extended or archived"),
    ]


def _status_default(context: Context, answers: Answers) -> str | None:
    # A request has one status; for an existing account the person chooses.
    return "requested" if answers.get("exists") is not True else None


def _exists_default(context: Context, answers: Answers) -> str:
    # `--status active` or `pilot` among the options says the account exists.
    return "yes" if answers.get("status") in ("active", "pilot") else "no"


def _statuses_for_campaign(context: Context, answers: Answers) -> list[Choice]:
    return [
        Choice("draft", "the brief is still being written"),
        Choice("submitted", "the brief has been sent to the communications office"),
    ]


def _branding_approvers(context: Context, answers: Answers) -> list[Choice]:
    owner = context.organization.get("branding_owner")
    handles = owner.get("github") if isinstance(owner, dict) else None
    name = str(owner.get("name", "")) if isinstance(owner, dict) else ""
    return [Choice(str(handle), name) for handle in handles or []]


def _senders(context: Context, answers: Answers) -> list[Choice]:
    advertising = context.policy.get("advertising")
    senders = advertising.get("senders") if isinstance(advertising, dict) else None
    if isinstance(senders, list) and senders:
        ids = [str(sender) for sender in senders if str(sender) in context.accounts]
    else:  # no list in the policy: any active account
        ids = [
            key for key, summary in context.accounts.items() if summary.get("status") == "active"
        ]
    return [Choice(key, _account_label(context, key)) for key in ids]


def _account_label(context: Context, account_id: str) -> str:
    summary = context.accounts.get(account_id)
    if summary is None:
        return ""
    return f"{summary.get('name') or ''} on {summary.get('platform') or '?'}".strip()


def _publisher_platforms(context: Context, answers: Answers) -> list[Choice]:
    schema = context.repository.schemas.schema("campaign")
    platforms = schema.get("properties", {}).get("placements", {}).get("properties", {})
    forbidden = _forbidden_placements(context)
    return [
        Choice(key, ", ".join(value.get("items", {}).get("enum", [])))
        for key, value in platforms.items()
        if key not in forbidden
    ]


def _forbidden_placements(context: Context) -> set[str]:
    advertising = context.policy.get("advertising")
    forbidden = advertising.get("forbidden_placements") if isinstance(advertising, dict) else None
    return {str(item) for item in forbidden or []}


# --- defaults ------------------------------------------------------------------------------------


def _today(context: Context, answers: Answers) -> str:
    return context.today.isoformat()


def _fixed(value: str) -> Any:
    return lambda context, answers: value


def _first_branding_approver(context: Context, answers: Answers) -> str | None:
    choices = _branding_approvers(context, answers)
    return choices[0].value if choices else None


def _suggested_url(context: Context, answers: Answers) -> str | None:
    """The account's address, made from the platform's address pattern and the handle."""
    handle = str(answers.get("handle") or "").strip()
    return suggested_address(context.policy, answers.get("platform"), handle)


def _only_supervisor(context: Context, answers: Answers) -> str | None:
    choices = _supervisors(context, answers)
    return choices[0].value if len(choices) == 1 else None


def _account_id(context: Context, answers: Answers) -> str | None:
    name = str(answers.get("name") or "")
    suggestion = suggest_id(name, str(answers.get("platform") or ""))
    if not is_id(suggestion):
        return None
    # A second account of the same name on a platform gets a number: library-instagram-2.
    for candidate in (suggestion, *(f"{suggestion}-{number}" for number in range(2, 10))):
        if candidate not in context.accounts:
            return candidate
    return None


def _campaign_id(context: Context, answers: Answers) -> str | None:
    suggestion = suggest_id(str(answers.get("title") or ""))
    return suggestion if is_id(suggestion) and suggestion not in context.campaigns else None


def _pilot_end(context: Context, answers: Answers) -> str:
    """Three months after the decision: a short but extendable trial
    (An NHS library blog, *Can I have one of those? Getting your own social media*)."""
    start = datetime.date.fromisoformat(str(answers.get("decision-date") or context.today))
    return add_months(start, 3).isoformat()


def _currency(context: Context, answers: Answers) -> str | None:
    """The currency most campaigns of the organisation use, if any are on record."""
    counts: Counter[str] = Counter()
    for summary in list(context.campaigns.values())[:200]:
        document = context.root / summary.path
        try:
            match = re.search(r"^\s+currency:\s*([A-Z]{3})\b", document.read_text("utf-8"), re.M)
        except OSError:
            continue
        if match:
            counts[match.group(1)] += 1
    return counts.most_common(1)[0][0] if counts else None


def _person_default(source: str) -> Any:
    """The first moderator or editor is, by default, the owner or the person ordering."""

    def default(context: Context, answers: Answers, index: int, field: str) -> str | None:
        if index != 0:
            return None
        value = answers.get(f"{source}-{field}")
        return str(value) if value else None

    return default


# --- checks --------------------------------------------------------------------------------------


def _email_domain(context: Context, answers: Answers, value: Any) -> str | None:
    domains = [str(domain).lower() for domain in context.organization.get("email_domains") or []]
    domain = str(value).rpartition("@")[2].lower()
    if domains and domain not in domains:
        return (
            f"Use a work address that ends in {' or '.join('@' + d for d in domains)}, "
            "so the organisation can reach the person."
        )
    return None


def _normal_handle(handle: Any) -> str:
    return str(handle or "").strip().lstrip("@").lower()


def _normal_url(url: Any) -> str:
    return str(url or "").strip().lower().rstrip("/")


def _free_handle(context: Context, answers: Answers, value: Any) -> str | None:
    platform = answers.get("platform")
    for account_id, summary in context.accounts.items():
        same_platform = summary.get("platform") == platform
        if same_platform and _normal_handle(summary.get("handle")) == _normal_handle(value):
            return (
                f"{value} on {platform} is already in the registry as {account_id} "
                f"({summary.path}). An account is registered once; to change it, edit that file."
            )
    return None


def _account_url(context: Context, answers: Answers, value: Any) -> str | None:
    platform = answers.get("platform")
    platforms = context.policy.get("platforms")
    entry = platforms.get(platform) if isinstance(platforms, dict) else None
    pattern = entry.get("url_pattern") if isinstance(entry, dict) else None
    if isinstance(pattern, str):
        # RE2 or a time limit (socialreg.patterns); a broken or slow pattern is the policy's
        # problem, which validate reports.
        matches = url_matches(pattern, str(value)) is not False
        if not matches:
            name = entry.get("name", platform) if isinstance(entry, dict) else platform
            return (
                f"This is not an address of {a_or_an(str(name))} account. "
                "Copy the address of the account's page."
            )
    for account_id, summary in context.accounts.items():
        if _normal_url(summary.get("url")) == _normal_url(value):
            return f"This address is already in the registry as {account_id} ({summary.path})."
    return None


def _platform_id(context: Context, answers: Answers, value: Any) -> str | None:
    """The id must have the platform's form (org/policy.yaml); the message says where it is."""
    platform = catalogue_from_policy(context.policy).get(answers.get("platform"))
    if platform is None or not str(value or "").strip():
        return None
    if platform.id is None:
        return f"{platform.name} has no permanent id in the registry. Press Enter to leave it out."
    if platform.id.pattern is not None and not platform.id.pattern.search(str(value).strip()):
        return f"This is not {a_or_an(platform.name)} {platform.id.name}. {platform.id.help}"
    return None


def _free_account_id(context: Context, answers: Answers, value: Any) -> str | None:
    return _free_id(context, "account", "accounts", answers, value)


def _free_campaign_id(context: Context, answers: Answers, value: Any) -> str | None:
    return _free_id(context, "campaign", "campaigns", answers, value)


def _free_id(
    context: Context, kind: RecordKind, folder: str, answers: Answers, value: Any
) -> str | None:
    if not is_id(str(value)):
        suggestion = suggest_id(str(value))
        instead = f" For example: {suggestion}" if is_id(suggestion) else ""
        return (
            "Use only lowercase letters, digits and single hyphens (no spaces or other signs)."
            + instead
        )
    existing = context.repository.index[kind].get(str(value))
    if existing is not None:
        return (
            f"There is already {a_or_an(kind)} called {value} ({existing.path}). "
            "Choose another name."
        )
    if (context.root / folder / str(answers.get("unit")) / f"{value}.yaml").exists():
        return f"{folder}/{answers.get('unit')}/{value}.yaml already exists. Choose another name."
    return None


def _not_the_owner(context: Context, answers: Answers, value: Any) -> str | None:
    if str(value) == str(answers.get("owner-github")):
        return "The supervisor approves the owner's account, so it must be someone else."
    return None


def _existing_account(context: Context, answers: Answers, value: Any) -> str | None:
    if str(value) not in context.accounts:
        return f"There is no account called {value} in the registry. Write an id from accounts/."
    return None


def _after(field: str, what: str) -> Any:
    def check(context: Context, answers: Answers, value: Any) -> str | None:
        earlier = answers.get(field)
        if isinstance(earlier, str) and str(value) < earlier:
            return f"This date is before {what} ({earlier}). Write {earlier} or a later date."
        return None

    return check


def _different_platform(context: Context, answers: Answers, value: Any) -> str | None:
    chosen = [item.get("platform") for item in answers.get("placements", [])[:-1]]
    if value in chosen:
        return f"{value} is listed already; give all its positions at once."
    return None


def _positions(context: Context, answers: Answers, value: Any) -> str | None:
    current = answers.get("placements", [{}])[-1]
    platform = current.get("platform")
    forbidden = _forbidden_placements(context)
    for position in value:
        if f"{platform}.{position}" in forbidden:
            return f"The policy does not allow ads in {platform} {position}. Leave it out."
    return None


def _minimum_moderators(context: Context) -> int:
    return int(context.option(MONITORING_RULE, "min_moderators", 2))


MODERATOR_GITHUB_HINT = (
    "GitHub user name, without the @. It shows who the moderator is on GitHub; moderators "
    "are not asked to approve anything."
)


def _person_fields(who: str, github_hint: str | None = None) -> tuple[Question, ...]:
    return (
        Question("name", f"{who}'s first and last name", ("name",)),
        Question("email", f"{who}'s work e-mail address", ("email",), check=_email_domain),
        Question(
            "github", f"{who}'s GitHub user name", ("github",), kind="github", hint=github_hint
        ),
    )


def _person(prefix: str, path: tuple[str, ...], who: str) -> tuple[Question, ...]:
    return tuple(
        Question(
            f"{prefix}-{question.name}",
            question.prompt,
            (*path, *(question.path or ())),
            kind=question.kind,
            check=question.check,
        )
        for question in _person_fields(who)
    )


def _supervisor_person(context: Context, value: Any) -> dict[str, Any]:
    for person in _unit_supervisors(context, _current_unit(context, value)):
        if person.get("github") == value:
            return {key: person.get(key) for key in ("name", "email", "github")}
    return {"github": value}  # pragma: no cover - the choice comes from the same list


def _current_unit(context: Context, github: Any) -> str | None:
    for unit_id in context.units:
        if any(person.get("github") == github for person in _unit_supervisors(context, unit_id)):
            return str(unit_id)
    return None


def _placements(items: list[Any]) -> dict[str, Any]:
    # An item still being asked for has no positions yet; it joins once it has them.
    return {
        item["platform"]: item["positions"]
        for item in items
        if isinstance(item, dict) and "platform" in item and "positions" in item
    }


def _goal_fields() -> tuple[Question, ...]:
    return (
        Question("description", "What should the account achieve", ("description",)),
        Question("measure", "How will you measure it", ("measure",)),
        Question("target", "The target, with a number and a date", ("target",)),
    )


# --- the question lists ------------------------------------------------------------------------

ACCOUNT_SECTIONS: tuple[Section, ...] = (
    Section(
        "Purpose and audience",
        "Why the account exists and whom it is for (KI and the City of Stockholm ask this first).",
        (
            "the purpose of the account, tied to your unit's mission",
            "at least one measurable goal, with a number and a date",
            "the audiences the account is for",
        ),
        (
            Question(
                "unit",
                "Which unit will own the account",
                ("unit",),
                kind="choice",
                choices=_units,
            ),
            Question("purpose", "Why does the account exist", ("purpose",)),
            ListQuestion(
                "goals",
                "goal",
                "goal",
                ("goals",),
                _goal_fields(),
                minimum=lambda context: 1,
            ),
            ListQuestion(
                "audiences",
                "audience",
                "target audience",
                ("audiences",),
                (Question("audience", "Who is the account for", ()),),
                minimum=lambda context: 1,
            ),
        ),
    ),
    Section(
        "People",
        "Who is responsible, who approves, and who watches the account.",
        (
            "the owner's name, work e-mail address and GitHub user name",
            "your supervisor's name (the unit's supervisors are offered to choose from)",
            "the names, work e-mail addresses and GitHub user names of the moderators "
            "(at least two people, the owner counts as one)",
        ),
        (
            *_person("owner", ("owner",), "The owner"),
            Question(
                "supervisor",
                "The owner's supervisor, who approves the account",
                ("supervisor",),
                kind="choice",
                choices=_supervisors,
                check=_not_the_owner,
                to_value=_supervisor_person,
                default=_only_supervisor,
                hint="The owner's immediate supervisor, from the unit's supervisors in "
                "org/units.yaml.",
            ),
            ListQuestion(
                "moderators",
                "moderator",
                "moderator",
                ("moderators",),
                _person_fields("The moderator", MODERATOR_GITHUB_HINT),
                minimum=_minimum_moderators,
                item_default=_person_default("owner"),
            ),
        ),
    ),
    Section(
        "The account on the platform",
        "Where the account is and what it is called there.",
        (
            "the platform, and the account's display name and user name there",
            "the address of the account's page, if it exists already (the wizard suggests one)",
            "whether the profile uses the organisation's logo, and if so who approved it",
        ),
        (
            Question(
                "platform",
                "Which platform is the account on",
                ("platform",),
                kind="choice",
                choices=_platforms,
            ),
            Question("name", "The account's display name on the platform", ("name",)),
            Question(
                "exists",
                "Does the account already exist on the platform",
                None,
                kind="yesno",
                default=_exists_default,
                hint="No: the request is approved first (status: requested); once it is merged, "
                "you open the account and set it live with its real address in a small pull "
                "request. Yes: give its real address below.",
            ),
            Question(
                "handle",
                "The account's user name on the platform",
                ("handle",),
                check=_free_handle,
                hint="The name after the @, as the platform shows it, for example "
                "@example.library (for an account still to be opened: the one you will ask "
                "for). Not the whole address: that comes next.",
            ),
            Question(
                "url",
                "The address of the account's page",
                ("url",),
                kind="url",
                check=_account_url,
                default=_suggested_url,
                hint="Copy it from the browser's address bar. You may leave out https://.",
            ),
            Question(
                "platform_id",
                "The account's permanent id on the platform (Enter to leave it out)",
                ("platform_id",),
                optional=True,
                check=_platform_id,
                hint="Where the platform has one (a YouTube channel ID, a Bluesky DID, a Facebook "
                "Page ID, the user id on X, a Mastodon actor address), it stays when the user name "
                "changes, so the registry can tell a renamed account from a taken-over one. If "
                "the answer is not an id of the platform, you are told where to find it.",
            ),
            Question(
                "id",
                "A short name for the record file",
                None,
                default=_account_id,
                check=_free_account_id,
                quiet=True,
                hint="The file name (without .yaml): lowercase letters, digits and hyphens, "
                "for example library-instagram. It is the account's id in the registry.",
            ),
            Question(
                "uses-organisation-logo",
                "Will the profile use the organisation's logo",
                ("branding", "uses_organisation_logo"),
                kind="yesno",
                default=_fixed("no"),
                hint="Using the logo needs the approval of the brand's owner.",
            ),
            Question(
                "logo-approved-by",
                "Who of the branding owner approved the logo",
                ("branding", "approved_by"),
                kind="choice",
                choices=_branding_approvers,
                default=_first_branding_approver,
                ask_if=lambda answers: answers.get("uses-organisation-logo") is True,
            ),
            Question(
                "logo-approved-on",
                "When was the logo approved",
                ("branding", "approved_on"),
                kind="date",
                default=_today,
                ask_if=lambda answers: answers.get("uses-organisation-logo") is True,
            ),
        ),
    ),
    Section(
        "Routines",
        "How the account is watched and how you answer (the consultancy's dialogue policy).",
        (
            "who watches the account in holidays, written as a routine",
            "the address of the published house rules for comments",
            "a sentence or two on your tone of voice",
        ),
        (
            Question(
                "frequency",
                "How often is the account checked",
                ("monitoring", "frequency"),
                kind="choice",
                choices=_frequencies,
                default=_fixed("daily"),
                hint="How often someone reads the account's comments and messages.",
            ),
            Question(
                "response-time-hours",
                "Within how many hours are questions answered",
                ("monitoring", "response_time_hours"),
                kind="integer",
                default=_fixed("24"),
            ),
            Question(
                "holiday-cover",
                "Who watches the account in holidays",
                ("monitoring", "holiday_cover"),
                hint="Write the routine, for example: The two moderators take turns; the "
                "rota for Christmas and summer is set in the unit's planning meeting.",
            ),
            Question(
                "house-rules-url",
                "Address of the published rules for comments",
                ("dialogue", "house_rules_url"),
                kind="url",
            ),
            Question(
                "tone",
                "The tone of voice",
                ("dialogue", "tone"),
                hint="How you write, so that answers sound the same whoever writes them, "
                "for example: Friendly and short, we say 'you', answers signed with a first name.",
            ),
            Question(
                "crimes",
                "What happens to posts that may be crimes",
                ("dialogue", "crimes"),
                default=_fixed("Take a screenshot, report it to the police, then remove the post."),
            ),
            Question(
                "faq-url",
                "Address of a page with answers to frequent questions (optional)",
                ("dialogue", "faq_url"),
                kind="url",
                optional=True,
            ),
        ),
    ),
    Section(
        "Decision",
        "The documented decision, as the City of Stockholm's checklist asks.",
        (
            "the date of the decision, and the date the communications office was told",
            "the ids of the organisation's existing accounts you reviewed, if any",
            "where the personal data assessment is kept (a document number is enough)",
        ),
        (
            Question(
                "decision-date",
                "Date of the decision to open the account",
                ("decision", "date"),
                kind="date",
                default=_today,
            ),
            Question(
                "comms-contacted",
                "Date the communications office was told",
                ("decision", "comms_contacted"),
                kind="date",
                default=_today,
            ),
            Question(
                "existing-channels-reviewed",
                "Did you check the organisation's existing accounts first",
                ("decision", "existing_channels_reviewed"),
                kind="yesno",
                hint="Perhaps an existing account of the organisation can carry your news, so "
                "that no new account is needed.",
            ),
            ListQuestion(
                "related-accounts",
                "related-account",
                "reviewed account",
                ("decision", "related_accounts"),
                (
                    Question(
                        "account",
                        "Id of an existing account you reviewed",
                        (),
                        check=_existing_account,
                    ),
                ),
            ),
            Question(
                "status",
                "The account's status",
                ("status",),
                kind="choice",
                choices=_statuses_for_account,
                default=_status_default,
                hint="",
                quiet=True,  # a request is `requested`; only an existing account has a choice
            ),
            Question(
                "pilot-ends",
                "The last day of the pilot",
                ("pilot", "ends"),
                kind="date",
                default=_pilot_end,
                ask_if=lambda answers: answers.get("status") == "pilot",
                check=_after("decision-date", "the decision"),
            ),
            Question(
                "personal-data-assessment",
                "Where is the personal data assessment kept",
                ("privacy", "personal_data_assessment"),
            ),
            Question(
                "review-last",
                "Date you checked that everything here is true",
                ("review", "last"),
                kind="date",
                default=_today,
                quiet=True,
            ),
        ),
    ),
)
ACCOUNT: tuple[Step, ...] = flatten(ACCOUNT_SECTIONS)

_CAMPAIGN_STEPS: tuple[Step, ...] = (
    Question("unit", "Which unit orders the campaign", ("unit",), kind="choice", choices=_units),
    Question("title", "A short name for the campaign", ("title",)),
    Question(
        "id",
        "A short name for the record file",
        None,
        default=_campaign_id,
        check=_free_campaign_id,
        quiet=True,
        hint="The file name (without .yaml): lowercase letters, digits and hyphens, "
        "for example open-day-2027. It is the campaign's id in the registry.",
    ),
    Question("summary", "What is the advertising about", ("summary",)),
    *_person("requested-by", ("requested_by",), "The person ordering"),
    Question(
        "sender",
        "Which account do the ads run from",
        ("sender",),
        kind="choice",
        choices=_senders,
    ),
    Question("starts", "First day the ads run", ("starts",), kind="date"),
    Question(
        "ends",
        "Last day the ads run",
        ("ends",),
        kind="date",
        check=_after("starts", "the first day"),
    ),
    Question("budget-amount", "Total budget (a number)", ("budget", "amount"), kind="number"),
    Question(
        "budget-currency",
        "Currency (three letters, like SEK or EUR)",
        ("budget", "currency"),
        default=_currency,
    ),
    Question("audience", "Who are the ads aimed at", ("audience",)),
    ListQuestion(
        "editors",
        "editor",
        "editor",
        ("editors",),
        _person_fields("The editor"),
        minimum=lambda context: 1,
        item_default=_person_default("requested-by"),
    ),
    ListQuestion(
        "placements",
        "placement",
        "placement",
        ("placements",),
        (
            Question(
                "platform",
                "Publisher platform",
                ("platform",),
                kind="choice",
                choices=_publisher_platforms,
                check=_different_platform,
                hint="Where the ads appear. The positions of each platform are listed after it.",
            ),
            Question(
                "positions",
                "Positions on it, separated by commas",
                ("positions",),
                kind="words",
                check=_positions,
            ),
        ),
        minimum=lambda context: 1,
        build=_placements,
    ),
    Question(
        "brief-sent",
        "Date the brief reached the communications office",
        ("brief_sent",),
        kind="date",
        default=_today,
    ),
    Question(
        "comms-can-stop",
        "Does the communications office have the rights to stop the ads",
        ("comms_can_stop",),
        kind="yesno",
        hint="",
    ),
    Question(
        "alt-text",
        "Does every image have alternative text",
        ("accessibility", "alt_text"),
        kind="yesno",
        hint="",
    ),
    Question(
        "captions",
        "Does every video have captions (yes if there is no video)",
        ("accessibility", "captions"),
        kind="yesno",
        hint="",
    ),
    Question(
        "checks-per-day",
        "How many times a day are the ads' comments checked",
        ("monitoring", "checks_per_day"),
        kind="integer",
        default=_fixed("2"),
    ),
    Question(
        "response-time-hours",
        "Within how many hours are questions answered",
        ("monitoring", "response_time_hours"),
        kind="integer",
        default=_fixed("24"),
    ),
    Question(
        "sign-with-first-name",
        "Are answers signed with a first name",
        ("monitoring", "sign_with_first_name"),
        kind="yesno",
        hint="",
        default=_fixed("yes"),
    ),
    Question(
        "uses-agency",
        "Does an agency produce or buy the ads",
        None,
        kind="yesno",
        default=lambda context, answers: "yes" if answers.get("agency-name") else "no",
        hint="An agency gets advertiser rights on the ad account.",
    ),
    Question(
        "agency-name",
        "The agency's name",
        ("agency", "name"),
        ask_if=lambda answers: answers.get("uses-agency") is True,
    ),
    Question(
        "agency-contact",
        "The agency's contact e-mail address",
        ("agency", "contact"),
        ask_if=lambda answers: answers.get("uses-agency") is True,
    ),
    Question(
        "status",
        "Has the brief been sent",
        ("status",),
        kind="choice",
        choices=_statuses_for_campaign,
        default=_fixed("submitted"),
        hint="",
    ),
)


def _pick(*names: str) -> tuple[Step, ...]:
    by_name = {step.name: step for step in _CAMPAIGN_STEPS}
    return tuple(by_name[name] for name in names)


# The campaign questions follow the City of Stockholm's routine for ads, as the issue form
# does: the brief (what and when, budget and audience), where the ads run, the people with
# rights on the ads, then accessibility and monitoring.
CAMPAIGN_SECTIONS: tuple[Section, ...] = (
    Section(
        "What and when",
        "What the ads are about and when they run; the brief reaches the communications "
        "office in good time.",
        ("the first and last day of the ads, and the day the brief was sent",),
        _pick("title", "summary", "unit", "id", "starts", "ends", "brief-sent"),
    ),
    Section(
        "Budget and audience",
        "What the ads cost and whom they are for.",
        ("the budget and its currency",),
        _pick("budget-amount", "budget-currency", "audience"),
    ),
    Section(
        "Where the ads run",
        "The account the ads run from and where they appear.",
        (
            "which of the organisation's accounts the ads run from",
            "the platforms and positions the ads are booked on",
        ),
        _pick("sender", "placements"),
    ),
    Section(
        "People",
        "Who orders the ads, who needs editor rights, and who can stop the ads.",
        (
            "the name, work e-mail address and GitHub user name of the person ordering, "
            "and of everyone who needs editor rights",
            "the agency's name and contact e-mail address, if an agency is used",
        ),
        _pick(
            "requested-by-name",
            "requested-by-email",
            "requested-by-github",
            "editors",
            "uses-agency",
            "agency-name",
            "agency-contact",
            "comms-can-stop",
        ),
    ),
    Section(
        "Accessibility and monitoring",
        "Alternative text, captions, and how the ads' comments are answered.",
        (),
        _pick(
            "alt-text",
            "captions",
            "checks-per-day",
            "response-time-hours",
            "sign-with-first-name",
            "status",
        ),
    ),
)
CAMPAIGN: tuple[Step, ...] = flatten(CAMPAIGN_SECTIONS)
assert sorted(step.name for step in CAMPAIGN) == sorted(step.name for step in _CAMPAIGN_STEPS)

# The one table of questions, in order, for the wizard and the issue-form generator.
SECTIONS: dict[RecordKind, tuple[Section, ...]] = {
    "account": ACCOUNT_SECTIONS,
    "campaign": CAMPAIGN_SECTIONS,
}
STEPS: dict[RecordKind, tuple[Step, ...]] = {"account": ACCOUNT, "campaign": CAMPAIGN}
FOLDERS: dict[RecordKind, str] = {"account": "accounts", "campaign": "campaigns"}
