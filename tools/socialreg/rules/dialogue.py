"""Rule 7: published house rules, a tone, and what happens to posts that may be crimes."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import CONSULTANCY


@register(
    code="SR107",
    scope="account",
    rationale="""
Followers need to know where the line goes: published house rules say what is allowed and when
comments are removed, and a written tone keeps answers consistent whoever writes them. A post
that may be a crime is documented with a screenshot, reported to the police and then removed;
the record says so. The house rules are a page of their own, not the account's profile.
""",
    source=CONSULTANCY,
    options={"crimes_words": ["police", "polis"]},
    passing="""
dialogue:
  house_rules_url: https://www.example.org/library/social-media-rules
  tone: Helpful and a little playful, signed with a first name.
  crimes: Take a screenshot, report it to the police, then remove the comment.
""",
    failing="""
dialogue:
  house_rules_url: https://www.instagram.com/example.library/
  tone: Helpful, signed with a first name.
  crimes: Remove it.
""",
)
def check_dialogue(record: Record, context: RuleContext) -> Iterator[Problem]:
    dialogue = mapping(record.data, "dialogue")
    crimes = dialogue.get("crimes")
    words = [str(word).casefold() for word in context.options["crimes_words"]]
    if (
        isinstance(crimes, str)
        and crimes.strip()
        and words
        and not any(word in crimes.casefold() for word in words)
    ):
        yield Problem(
            record.document,
            ("dialogue", "crimes"),
            "Say that posts that may be crimes are reported to the police, for example "
            '"Take a screenshot that shows the post, the profile and the time, report it to '
            f'the police, then remove it" ({CONSULTANCY}).',
        )
    rules_url, account_url = dialogue.get("house_rules_url"), record.data.get("url")
    if (
        isinstance(rules_url, str)
        and isinstance(account_url, str)
        and rules_url.rstrip("/").casefold() == account_url.rstrip("/").casefold()
    ):
        yield Problem(
            record.document,
            ("dialogue", "house_rules_url"),
            "house_rules_url is the account's own address. Publish the house rules on a page "
            "of their own (on the organisation's website, or the platform's about page) and "
            f"write its address here ({CONSULTANCY}).",
        )
