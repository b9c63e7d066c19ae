"""Rule 14: nothing is lost. Accounts are archived with a date and reason, never deleted.

With `validate --base REF`, the rule also compares with the base commit: an account file that
was deleted is an error, and an account that comes back from archived needs a new decision.
"""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.dates import as_date
from socialreg.load.documents import Document
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register, register_repository_check
from socialreg.sources import RECORD_FORMAT


@register(
    code="SR114",
    scope="account",
    change_aware=True,
    rationale="""
The registry is how the public checks whether an account is official, also after it closed: a
closed account that disappears from the registry can be taken over and used to pretend to be
the organisation. So an account is never deleted: it gets status archived, with the date and
the reason it closed. An account that is opened again needs a new decision, dated after it was
archived.

With `validate --base REF`, the rule compares with the base commit: deleting an account file is
an error (archive it instead), and an account that was archived at the base and is not any more
needs a decision date later than its old one. Without --base, these comparisons are skipped.
""",
    source=RECORD_FORMAT,
    passing="""
status: archived
archived:
  date: 2025-02-14
  reason: Our readers moved to LinkedIn; the account is locked with a pinned post.
""",
    failing="""
status: archived   # no archived: date and reason
""",
)
def check_archive(record: Record, context: RuleContext) -> Iterator[Problem]:
    data = record.data
    status = data.get("status")
    archived = data.get("archived")
    if status == "archived":
        if not isinstance(archived, dict):
            yield Problem(
                record.document,
                ("status",),
                "An archived account says when and why it closed. Add `archived:` with `date:` "
                "(YYYY-MM-DD) and `reason:` (why it closed, and where followers were pointed).",
            )
        elif (day := as_date(archived.get("date"))) is not None and day > context.today:
            yield Problem(
                record.document,
                ("archived", "date"),
                f"archived.date is {day.isoformat()}, a date in the future. Write the date the "
                "account was closed; until then it keeps its current status.",
            )
        return
    yield from _reopened(record, context)


def _reopened(record: Record, context: RuleContext) -> Iterator[Problem]:
    """An account archived at the base and not now: it needs a decision dated after that."""
    if context.base is None or not isinstance(record.data.get("status"), str):
        return
    before = context.base.record_data(record.kind, record.id)
    if before is None or before.get("status") != "archived":
        return
    old_decision = as_date(mapping(before, "decision").get("date"))
    closed = as_date(mapping(before, "archived").get("date"))
    latest = max((day for day in (old_decision, closed) if day is not None), default=None)
    decided = as_date(mapping(record.data, "decision").get("date"))
    if latest is not None and (decided is None or decided <= latest):
        yield Problem(
            record.document,
            ("decision", "date"),
            f"The account was archived and is being opened again. That needs a new decision: "
            f"write the date of the new decision (after {latest.isoformat()}) in "
            "decision.date, and check the rest of the file is still true.",
        )


@register_repository_check("SR114")
def check_deleted(context: RuleContext) -> Iterator[Problem]:
    """Account files that existed at the base commit and whose id exists nowhere now."""
    if context.base is None:
        return
    for record_id, path in sorted(context.base.ids["account"].items()):
        if record_id in context.repository.accounts:
            continue  # still there, perhaps moved to another unit's folder
        yield Problem(
            Document(path, {}),
            (),
            f"The account file {path} was deleted. Accounts are never deleted from the "
            "registry, so that the public can still see that it was once official: restore the "
            "file and set status: archived, with archived: date and reason.",
        )
