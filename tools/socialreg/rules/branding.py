"""Rule 11: using the organisation's logo needs the branding owner's approval."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.dates import as_date
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, listed_choices, mapping, register
from socialreg.sources import NHS_LIBRARY


@register(
    code="SR111",
    scope="account",
    rationale="""
An account that uses the organisation's logo speaks with the organisation's full voice, so the
branding owner (org/organization.yaml, branding_owner) approves it, following the branding
guidelines. The NHS library blog suggests the alternative: a distinct identity of your own.
""",
    source=NHS_LIBRARY,
    passing="""
branding:
  uses_organisation_logo: true
  approved_by: johan-ek
  approved_on: 2024-09-02
""",
    failing="""
branding:
  uses_organisation_logo: true
""",
)
def check_branding(record: Record, context: RuleContext) -> Iterator[Problem]:
    branding = mapping(record.data, "branding")
    if branding.get("uses_organisation_logo") is not True:
        return
    owner = mapping(context.organization, "branding_owner")
    approvers = [str(name) for name in owner.get("github") or [] if isinstance(name, str)]
    guidelines = owner.get("guidelines_url")
    see = f" See the branding guidelines: {guidelines}." if isinstance(guidelines, str) else ""
    approved_by = branding.get("approved_by")
    if not isinstance(approved_by, str):
        yield Problem(
            record.document,
            ("branding",),
            "The account uses the organisation's logo, but no approval is recorded. Ask the "
            f"branding owner ({_approvers(context, '', approvers)}) and add "
            "approved_by and approved_on, or use an identity of your own and write "
            f"uses_organisation_logo: false ({NHS_LIBRARY}).{see}",
        )
        return
    if approvers and approved_by.lstrip("@") not in approvers:
        yield Problem(
            record.document,
            ("branding", "approved_by"),
            f"{approved_by} is not the branding owner. The use of the logo is approved by "
            f"{_approvers(context, approved_by, approvers)} ({NHS_LIBRARY}).",
        )
    approved_on = branding.get("approved_on")
    if approved_on is None:
        yield Problem(
            record.document,
            ("branding",),
            "Add approved_on: the date the branding owner approved the use of the logo.",
        )
    elif (day := as_date(approved_on)) is not None and day > context.today:
        yield Problem(
            record.document,
            ("branding", "approved_on"),
            f"approved_on is {day.isoformat()}, a date in the future. Write the date the "
            "approval was given.",
        )


def _approvers(context: RuleContext, written: str, approvers: list[str]) -> str:
    """The branding owners to ask, the closest few to `written` when there are many."""
    if not approvers:
        return "see org/organization.yaml"
    return f"{listed_choices(context, written, approvers)} (org/organization.yaml)"
