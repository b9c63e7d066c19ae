"""Rules 22 and 23: accessible ads, watched twice a day and answered with a first name."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, is_count, mapping, register
from socialreg.sources import STOCKHOLM_ADS

_ACCESSIBILITY = {
    "alt_text": "Give every image an alternative text that says what the image shows",
    "captions": "Caption every video (write true also when there is no video)",
}


@register(
    code="SR207",
    scope="campaign",
    rationale="""
Public sector content on social media must be accessible, by law and by policy, and ads are no
exception: every image has an alternative text and every video has captions. When you order
ads from an agency, say in the order that accessibility is included.
""",
    source=STOCKHOLM_ADS,
    passing="""
accessibility:
  alt_text: true
  captions: true
""",
    failing="""
accessibility:
  alt_text: true
  captions: false
""",
)
def check_accessibility(record: Record, context: RuleContext) -> Iterator[Problem]:
    accessibility = mapping(record.data, "accessibility")
    for key, instruction in _ACCESSIBILITY.items():
        if accessibility.get(key) is False:
            yield Problem(
                record.document,
                ("accessibility", key),
                f"{instruction}, then write {key}: true. Accessibility is required for every "
                f"ad ({STOCKHOLM_ADS}).",
            )


@register(
    code="SR208",
    scope="campaign",
    rationale="""
While a campaign runs, its ads and their comments are checked at least twice a day
(`min_checks_per_day`), and whoever answers signs with their first name, so people know a
person answered. How fast questions are answered is SR106.
""",
    source=STOCKHOLM_ADS,
    options={"min_checks_per_day": 2},
    passing="""
monitoring:
  checks_per_day: 2
  response_time_hours: 24
  sign_with_first_name: true
""",
    failing="""
monitoring:
  checks_per_day: 1
  response_time_hours: 24
  sign_with_first_name: false
""",
)
def check_campaign_monitoring(record: Record, context: RuleContext) -> Iterator[Problem]:
    monitoring = mapping(record.data, "monitoring")
    checks = monitoring.get("checks_per_day")
    minimum = int(context.options["min_checks_per_day"])
    if is_count(checks) and checks < minimum:
        yield Problem(
            record.document,
            ("monitoring", "checks_per_day"),
            f"The ads are checked {checks} time{'s' if checks != 1 else ''} a day; check them at "
            f"least {minimum} times a day while the campaign runs, for example at 9:00 and "
            f"15:00, and write checks_per_day: {minimum} ({STOCKHOLM_ADS}).",
        )
    if monitoring.get("sign_with_first_name") is False:
        yield Problem(
            record.document,
            ("monitoring", "sign_with_first_name"),
            "Answers on the ads are signed with the first name of the person answering, so "
            "people know a person answered. Agree this with the editors and write "
            f"sign_with_first_name: true ({STOCKHOLM_ADS}).",
        )
