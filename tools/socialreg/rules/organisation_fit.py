"""Rule 25 (with SR013) and the record format: a record fits the organisation's org/ files.

The unit named in a record is the folder it is in and is defined in org/units.yaml; an
account's platform is one the policy lists, and its address matches that platform.
"""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.load.model import Record, Repository
from socialreg.patterns import UrlPattern, url_pattern
from socialreg.rules.base import Problem, RuleContext, choices_hint, mapping, register
from socialreg.sources import RECORD_FORMAT
from socialreg.wording import a_or_an


@register(
    code="SR014",
    scope="any",
    rationale="""
The folder says which unit owns an account or orders a campaign: CODEOWNERS asks that unit's
supervisors to approve changes to it. So the `unit` key must be the folder's name, and the unit
must be defined in org/units.yaml. Like the other problems with the file itself, this cannot
be waived.
""",
    source=RECORD_FORMAT,
    passing="""
# accounts/library/example-library-instagram.yaml
unit: library
""",
    failing="""
# accounts/library/example-library-instagram.yaml
unit: libary
""",
)
def check_unit(record: Record, context: RuleContext) -> Iterator[Problem]:
    unit = record.data.get("unit")
    if not isinstance(unit, str):
        return
    folder = record.path.split("/")[0]
    if record.folder_unit and unit != record.folder_unit:
        yield Problem(
            record.document,
            ("unit",),
            f"The file is in the folder of the unit {record.folder_unit}, but says unit: {unit}. "
            f"Write unit: {record.folder_unit}, or move the file to "
            f"{folder}/{unit}/{record.id}.yaml.",
        )
    units = context.units
    if units and unit not in units:
        hint = choices_hint(context, "SR014", unit, units, "Units")
        yield Problem(
            record.document,
            ("unit",),
            f"There is no unit `{unit}` in org/units.yaml.{hint} A new unit is added to "
            "org/units.yaml by the registry's maintainers.",
        )


def _patterns(repository: Repository) -> dict[str, tuple[str, UrlPattern | None]]:
    platforms = repository.org_data("policy").get("platforms")
    result: dict[str, tuple[str, UrlPattern | None]] = {}
    for key, platform in (platforms if isinstance(platforms, dict) else {}).items():
        name = str(mapping(platforms, key).get("name", key))
        pattern = platform.get("url_pattern") if isinstance(platform, dict) else None
        # RE2, never a backtracking engine: the pattern and the URL both come from pull
        # requests. A pattern RE2 cannot run is None here, and the policy schema reports it.
        compiled = url_pattern(pattern) if isinstance(pattern, str) else None
        result[key] = (name, compiled)
    return result


@register(
    code="SR015",
    scope="account",
    rationale="""
The organisation decides which platforms it uses (org/policy.yaml, platforms). An account's
platform must be one of them, and its address must have the form of that platform's addresses,
so that a link to the wrong site, or a typo in the address, is caught before it is published.
""",
    source=RECORD_FORMAT,
    passing="""
platform: instagram
handle: "@example.library"
url: https://www.instagram.com/example.library/
""",
    failing="""
platform: instagram
url: https://www.facebook.com/example.library/
""",
)
def check_platform(record: Record, context: RuleContext) -> Iterator[Problem]:
    platform, url = record.data.get("platform"), record.data.get("url")
    patterns = context.derived("SR015.patterns", _patterns)
    if not isinstance(platform, str) or not patterns:
        return
    if platform not in patterns:
        hint = choices_hint(context, "SR015", platform, patterns, "Platforms")
        yield Problem(
            record.document,
            ("platform",),
            f"{platform} is not a platform in org/policy.yaml.{hint} Ask the communications "
            "office before using a new platform; it is added to the policy first.",
        )
        return
    name, pattern = patterns[platform]
    matches = pattern.matches(url) if isinstance(url, str) and pattern is not None else True
    if matches is None:
        yield Problem(
            record.document,
            ("url",),
            f"This address could not be checked: the {name} pattern in org/policy.yaml took "
            "too long on it. Ask the registry's maintainers to simplify the pattern (nested "
            "repetitions such as (a+)+ are the usual cause).",
        )
    elif not matches:
        yield Problem(
            record.document,
            ("url",),
            f"{url} is not {a_or_an(name)} address. Copy the address of the account's page "
            "from the browser's address bar, starting with https://.",
        )
