"""Rule 10: a personal data assessment is referenced."""

from __future__ import annotations

import re
from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import STOCKHOLM_NEW

_REFERENCE = re.compile(r"\d|https://", re.IGNORECASE)


@register(
    code="SR110",
    scope="account",
    rationale="""
Comments, messages and followers on a social media account are personal data, and after the
Schrems II judgement Stockholm paused new accounts over exactly that. Every account refers to
its assessment of personal data: a document number (with digits) or a link where it is kept.
Placeholders such as "TODO" or "not needed" are not references.
""",
    source=STOCKHOLM_NEW,
    options={"placeholders": ["todo", "tbd", "n/a", "na", "none", "not needed", "-", "?"]},
    passing="""
privacy:
  personal_data_assessment: Dnr NU 2026/3318, in the records office's register
""",
    failing="""
privacy:
  personal_data_assessment: TODO
""",
)
def check_privacy(record: Record, context: RuleContext) -> Iterator[Problem]:
    reference = mapping(record.data, "privacy").get("personal_data_assessment")
    if not isinstance(reference, str) or not reference.strip():
        return
    placeholders = {str(word).casefold() for word in context.options["placeholders"]}
    text = reference.strip().rstrip(".").casefold()
    if text in placeholders or not _REFERENCE.search(reference):
        yield Problem(
            record.document,
            ("privacy", "personal_data_assessment"),
            f'"{reference.strip()}" does not say where the personal data assessment is kept. '
            'Write its document number (for example "Dnr NU 2026/3318") or a link to it; '
            "ask the data protection officer if there is none yet "
            f"({STOCKHOLM_NEW}).",
        )
