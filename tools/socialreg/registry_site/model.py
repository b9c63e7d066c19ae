"""What the public may see: the published view of a repository.

This module is the privacy boundary of the site. It copies the few public fields of each
record into small dataclasses, and every page and export is made from these alone, never from
the records. So an owner's or moderator's name, e-mail or GitHub handle, the supervisor and
the personal data assessment cannot reach the site by accident: they are never copied.

Records may be invalid when the site is built with `--force`, so every value is read
defensively: a missing or odd value becomes empty text rather than an exception.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from socialreg import limits
from socialreg.characters import without_controls
from socialreg.check.incremental import JsonText, json_exact
from socialreg.identity.catalogue import Catalogue, catalogue_from_policy
from socialreg.load.documents import Document
from socialreg.load.model import Record, Repository
from socialreg.registry_site.i18n import LANGUAGES
from socialreg.registry_site.identity import Identity, IdentityError, read_identity
from socialreg.registry_site.platform_icons import icon_path

# Shown in the registry as official accounts; archived ones keep their own page and list.
OFFICIAL_STATUSES = ("active", "pilot", "paused")
PUBLISHED_STATUSES = (*OFFICIAL_STATUSES, "archived")
# Campaigns the communications office has approved; drafts and submissions are not public.
PUBLISHED_CAMPAIGN_STATUSES = ("approved", "live", "ended", "stopped")

# An address we are willing to link to: https, a host, and nothing that could break out of an
# attribute or be read as another scheme.
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[^\s\"'<>`\\]*)?\Z")


def safe_https_url(value: object) -> str | None:
    """`value` if it is a plain https address, else None: the site links to nothing else."""
    if isinstance(value, str) and _SAFE_URL.match(value):
        return value
    return None


def _text(data: dict[str, Any], *keys: str) -> str:
    """The text at `keys` in nested mappings, or "" when it is missing or not text."""
    value: Any = data
    for key in keys:
        if not isinstance(value, dict):
            return ""
        value = value.get(key)
    if type(value) is str:  # nearly always: first, without the checks below
        return without_controls(value).strip()
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return without_controls(str(value)).strip()
    return ""


def _date(data: dict[str, Any], *keys: str) -> str:
    """A YYYY-MM-DD date at `keys`, or "" when there is no real date there."""
    text = _text(data, *keys)
    try:
        day = datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return ""
    return day.isoformat() if day is not None and limits.in_range(day) else ""


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    items = (without_controls(item).strip() for item in value if isinstance(item, str))
    return tuple(item for item in items if item)


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    contact_email: str


@dataclass(frozen=True, slots=True)
class Waiver:
    rule: str
    reason: str
    expires: str


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    platform: str
    platform_name: str
    handle: str
    url: str | None  # None when the record's address is not a plain https address
    unit: Unit
    status: str
    purpose: str
    audiences: tuple[str, ...]
    registered_since: str
    last_reviewed: str
    pilot_ends: str = ""
    archived_on: str = ""
    archived_reason: str = ""
    waivers: tuple[Waiver, ...] = ()
    platform_id: str = ""  # the platform's permanent id, when the record names one
    # The record's own `translations`: language -> {"name": ..., "purpose": ...}.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def name_in(self, language: str) -> str:
        return self.translations.get(language, {}).get("name") or self.name

    def purpose_in(self, language: str) -> str:
        return self.translations.get(language, {}).get("purpose") or self.purpose

    @property
    def icon(self) -> str | None:
        """The platform's icon, relative to the site's root."""
        return icon_path(self.platform)

    @property
    def last_confirmed(self) -> str:
        """When the registry last confirmed the account: its last review, else its decision."""
        return self.last_reviewed or self.registered_since

    @property
    def page(self) -> str:
        """The account's page, relative to the site's root."""
        return f"accounts/{self.id}.html"

    @property
    def official(self) -> bool:
        return self.status in OFFICIAL_STATUSES


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    title: str
    summary: str
    unit: Unit
    sender_id: str
    sender: Account | None  # None when the sender is not a published account
    starts: str
    ends: str
    status: str

    def phase(self, today: datetime.date) -> str:
        """ "current", "upcoming" or "past" for an approved or live campaign, else "past"."""
        if self.status not in ("approved", "live") or not self.starts or not self.ends:
            return "past"
        day = today.isoformat()
        if self.ends < day:
            return "past"
        return "upcoming" if self.starts > day else "current"


@dataclass(frozen=True, slots=True)
class Registry:
    """Everything the site shows, and nothing more."""

    organization: str
    title: str
    language: str
    contact_email: str
    base_url: str | None
    repository_url: str | None
    units: dict[str, Unit]
    accounts: list[Account]  # every published account, archived ones too, sorted by name
    campaigns: list[Campaign]  # every published campaign, by start date
    today: datetime.date
    generated: datetime.datetime
    platforms: dict[str, str] = field(default_factory=dict)  # key -> display name
    # The platform catalogue of org/policy.yaml and the organisation's own domains, for the
    # proofs of identity (identity.catalogue, registry_site/identity_proofs.py).
    catalogue: Catalogue = field(default_factory=Catalogue)
    domains: tuple[str, ...] = ()
    # Every language the site is built in; the first is `language`, published at the root.
    languages: tuple[str, ...] = ("en",)
    identity: Identity = field(default_factory=Identity)
    # registry.translations: language -> {"title": ..., "organization": ...}
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # Requests approved by their merge but not opened on the platform yet: never listed as
    # official (the account does not exist), only named on the verify page, so that a squatter
    # who opens an account with that handle first cannot pose as the organisation.
    requested: list[Account] = field(default_factory=list)

    def title_in(self, language: str) -> str:
        return self.translations.get(language, {}).get("title") or self.title

    def organization_in(self, language: str) -> str:
        return self.translations.get(language, {}).get("organization") or self.organization

    @property
    def official_accounts(self) -> list[Account]:
        return [account for account in self.accounts if account.official]

    @property
    def archived_accounts(self) -> list[Account]:
        return [account for account in self.accounts if account.status == "archived"]

    def current_campaigns(self) -> list[Campaign]:
        return [c for c in self.campaigns if c.phase(self.today) in ("current", "upcoming")]

    def absolute(self, page: str) -> str | None:
        """The page's full address when the registry's base_url is known."""
        return f"{self.base_url.rstrip('/')}/{page}" if self.base_url else None


# The keys of a record the site reads; nested ones name their public keys. Everything else
# (owner, supervisor, moderators, editors, the privacy assessment, ...) is dropped where the
# record is checked, before it reaches the site builder.
_PUBLIC_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "account": {
        "name": (),
        "platform": (),
        "platform_id": (),
        "handle": (),
        "url": (),
        "unit": (),
        "status": (),
        "purpose": (),
        "audiences": (),
        "decision": ("date",),
        "review": ("last",),
        "pilot": ("ends",),
        "archived": ("date", "reason"),
        "waivers": ("rule", "reason", "expires"),
        "translations": (),
    },
    "campaign": {
        key: () for key in ("title", "summary", "unit", "sender", "starts", "ends", "status")
    },
}


def public_part(record: Record) -> Record:
    """A copy of `record` with only the keys the site may publish.

    Keys, and short values that many records share (a status, a platform, a unit, a date),
    are interned: the copies travel from the check's workers to the building process as one
    pickle each, which then holds each such text once instead of once per record (at 50,000
    records, tens of megabytes).
    """
    keys = _PUBLIC_KEYS[record.kind]
    data = {
        _interned(key): _only(value, keys[key]) for key, value in record.data.items() if key in keys
    }
    return Record(record.kind, record.id, record.folder_unit, Document(record.path, data))


def compact_public_part(record: Record) -> Record:
    """`public_part`, its data kept as JSON text (`JsonText`) when JSON gives it back as it is:
    a third of the size. A large build's check holds every record's public part at once
    (check/incremental.py stores them so too); `published_registry` reads them."""
    public = public_part(record)
    data = public.data
    if not json_exact(data):
        return public
    text = JsonText(json.dumps(data, separators=(",", ":")))
    return Record(public.kind, public.id, public.folder_unit, Document(public.path, text))


def _only(value: Any, nested: tuple[str, ...]) -> Any:
    if not nested:
        return _interned(value)
    if isinstance(value, dict):
        return {_interned(key): _interned(value[key]) for key in nested if key in value}
    if isinstance(value, list):
        return [_only(item, nested) for item in value]
    return value


_SHORT = 32


def _interned(value: Any) -> Any:
    return sys.intern(value) if type(value) is str and len(value) <= _SHORT else value


def published_registry(
    repository: Repository, today: datetime.date, generated: datetime.datetime
) -> Registry:
    organization = repository.org_data("organization")
    registry_settings = organization.get("registry")
    settings: dict[str, Any] = registry_settings if isinstance(registry_settings, dict) else {}
    units = _units(repository.org_data("units"))
    platforms = _platforms(repository.org_data("policy"))
    accounts: list[Account] = []
    requested: list[Account] = []
    for record in _of(repository, "account"):
        account = _account(record, units, platforms, (*PUBLISHED_STATUSES, "requested"))
        if account is not None:
            (requested if account.status == "requested" else accounts).append(account)
    accounts.sort(key=lambda account: (account.name.casefold(), account.platform, account.id))
    requested.sort(key=lambda account: (account.name.casefold(), account.platform, account.id))
    by_id = {account.id: account for account in accounts}
    campaigns = sorted(
        (
            campaign
            for campaign in (
                _campaign(record, units, by_id) for record in _of(repository, "campaign")
            )
            if campaign is not None
        ),
        key=lambda campaign: (campaign.starts, campaign.title.casefold(), campaign.id),
    )
    languages = _languages(repository, settings)
    repository_name = _text(settings, "repository")
    identity = read_identity(repository.organization, repository.root, safe_https_url)
    return Registry(
        organization=_text(organization, "name") or "the organisation",
        title=_text(settings, "title") or _text(organization, "name") or "Social media registry",
        language=languages[0],
        contact_email=_text(settings, "contact_email")
        or _text(organization, "communications", "email"),
        base_url=safe_https_url(_text(settings, "base_url")),
        repository_url=safe_https_url(f"https://github.com/{repository_name}")
        if repository_name
        else None,
        units=units,
        accounts=accounts,
        campaigns=campaigns,
        today=today,
        generated=generated,
        platforms=platforms,
        catalogue=catalogue_from_policy(repository.org_data("policy")),
        domains=_domains(organization, settings),
        languages=languages,
        identity=identity,
        translations=_translations(settings.get("translations"), ("title", "organization")),
        requested=requested,
    )


def _languages(repository: Repository, settings: dict[str, Any]) -> tuple[str, ...]:
    """`registry.languages`, else `[registry.language]`, else English; refuse one not shipped."""
    listed = settings.get("languages")
    key = "languages"
    if not isinstance(listed, list) or not listed:
        listed, key = [settings.get("language") or "en"], "language"
    codes: list[str] = []
    for number, code in enumerate(listed):
        if code not in LANGUAGES:
            document = repository.organization
            path: tuple[str | int, ...] = (
                ("registry", key, number) if key == "languages" else ("registry", key)
            )
            line = document.locate(path)[0] if document is not None else 1
            where = document.path if document is not None else "org/organization.yaml"
            raise IdentityError(
                f"{where}:{line}: the site has no interface text in {code!r}. Shipped languages: "
                f"{', '.join(LANGUAGES)}. Adding one is one file in registry_site/languages/."
            )
        if code not in codes:
            codes.append(str(code))
    return tuple(codes)


def _translations(value: object, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """A `translations` mapping, language -> {key: text}, keeping only `keys` with text."""
    if not isinstance(value, dict):
        return {}
    found: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        if isinstance(texts, dict):
            kept = {key: _text(texts, key) for key in keys if _text(texts, key)}
            if kept:
                found[str(language)] = kept
    return found


def _domains(organization: dict[str, Any], settings: dict[str, Any]) -> tuple[str, ...]:
    """The organisation's domains: its e-mail domains and the registry's own host."""
    found = [str(domain).lower() for domain in organization.get("email_domains") or []]
    base_url = safe_https_url(_text(settings, "base_url"))
    if base_url:
        found.append(base_url.split("/")[2].split(":")[0].lower())
    return tuple(dict.fromkeys(found))


def _of(repository: Repository, kind: str) -> Iterable[Record]:
    return (record for record in repository.records if record.kind == kind)


def _units(data: dict[str, Any]) -> dict[str, Unit]:
    units = data.get("units")
    if not isinstance(units, dict):
        return {}
    return {
        without_controls(str(unit_id)): Unit(
            without_controls(str(unit_id)),
            _text(unit, "name") or without_controls(str(unit_id)),
            _text(unit, "contact_email"),
        )
        for unit_id, unit in units.items()
        if isinstance(unit, dict)
    }


def _platforms(data: dict[str, Any]) -> dict[str, str]:
    platforms = data.get("platforms")
    if not isinstance(platforms, dict):
        return {}
    return {
        without_controls(str(key)): _text(value, "name") or without_controls(str(key))
        for key, value in platforms.items()
        if isinstance(value, dict)
    }


def _unit(record: Record, data: Any, units: dict[str, Unit]) -> Unit:
    unit_id = _text(data, "unit") or record.folder_unit
    return units.get(unit_id) or Unit(unit_id, unit_id, "")


def _data(record: Record) -> Any:
    """The record's data; a public part kept as JSON text (`compact_public_part`) is read
    here, one record at a time, so that a large registry's records are never all unpacked."""
    data = record.document.data
    return json.loads(data) if isinstance(data, JsonText) else data


def _account(
    record: Record,
    units: dict[str, Unit],
    platforms: dict[str, str],
    statuses: tuple[str, ...] = PUBLISHED_STATUSES,
) -> Account | None:
    data = _data(record)
    status = sys.intern(_text(data, "status"))
    if status not in statuses:
        return None
    platform = sys.intern(_text(data, "platform"))
    waivers = data.get("waivers")
    return Account(
        id=record.id,
        name=_text(data, "name") or record.id,
        platform=platform,
        platform_name=platforms.get(platform, platform),
        handle=_text(data, "handle"),
        platform_id=_text(data, "platform_id"),
        url=safe_https_url(_text(data, "url")),
        unit=_unit(record, data, units),
        status=status,
        purpose=_text(data, "purpose"),
        audiences=_texts(data.get("audiences")),
        registered_since=_date(data, "decision", "date"),
        last_reviewed=_date(data, "review", "last"),
        pilot_ends=_date(data, "pilot", "ends") if status == "pilot" else "",
        archived_on=_date(data, "archived", "date") if status == "archived" else "",
        archived_reason=_text(data, "archived", "reason") if status == "archived" else "",
        waivers=tuple(
            Waiver(_text(waiver, "rule"), _text(waiver, "reason"), _date(waiver, "expires"))
            for waiver in (waivers if isinstance(waivers, list) else [])
            if isinstance(waiver, dict)
        ),
        translations=_translations(data.get("translations"), ("name", "purpose")),
    )


def _campaign(
    record: Record, units: dict[str, Unit], accounts: dict[str, Account]
) -> Campaign | None:
    data = _data(record)
    status = sys.intern(_text(data, "status"))
    if status not in PUBLISHED_CAMPAIGN_STATUSES:
        return None
    sender_id = _text(data, "sender")
    return Campaign(
        id=record.id,
        title=_text(data, "title") or record.id,
        summary=_text(data, "summary"),
        unit=_unit(record, data, units),
        sender_id=sender_id,
        sender=accounts.get(sender_id),
        starts=_date(data, "starts"),
        ends=_date(data, "ends"),
        status=status,
    )
