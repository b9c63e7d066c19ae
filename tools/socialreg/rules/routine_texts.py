"""Rule SR133: the written routines say something (holiday cover, tone).

What happens to crimes is SR107's: it must mention the police, which says more than a count.
"""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import CONSULTANCY, KI
from socialreg.wording import plural

# (group, key, option with the minimum number of words, what a useful answer says)
_TEXTS = (
    (
        "monitoring",
        "holiday_cover",
        "min_holiday_cover_words",
        'who watches the account in holidays and how, for example "The two moderators take '
        "turns; the Christmas and summer rota is set in the unit's planning meeting\"",
        KI,
    ),
    (
        "dialogue",
        "tone",
        "min_tone_words",
        "how you write, for example \"Friendly and short, we say 'you', answers signed with a "
        'first name"',
        CONSULTANCY,
    ),
)


@register(
    code="SR133",
    scope="account",
    rationale="""
A routine that says nothing ("x", "yes", "see above") passes every shape check but leaves the
account unwatched in July and the moderators without guidance. Karolinska Institutet asks for
the resources to monitor the account every day, holidays included; the dialogue policy asks
for a tone of voice that answers keep, whoever writes them. Each text needs at least a few
words; the numbers are options in the policy.
""",
    source=f"{KI}; {CONSULTANCY}",
    options={"min_holiday_cover_words": 5, "min_tone_words": 3},
    passing="""
monitoring:
  holiday_cover: The two moderators share a rota that includes weekends and holidays.
dialogue:
  tone: Helpful and friendly, signed with a first name.
""",
    failing="""
monitoring:
  holiday_cover: x
dialogue:
  tone: Nice.
""",
)
def check_routine_texts(record: Record, context: RuleContext) -> Iterator[Problem]:
    for group, key, option, example, source in _TEXTS:
        text = mapping(record.data, group).get(key)
        if not isinstance(text, str) or not text.strip():
            continue  # missing or empty: the schema says so
        words = len(text.split())
        minimum = int(context.options[option])
        if words < minimum:
            yield Problem(
                record.document,
                (group, key),
                f"`{key}` says only {plural(words, 'word')} ({text.strip()[:40]!r}); a routine "
                f"needs at least {minimum} words. Write {example} ({source}).",
            )
