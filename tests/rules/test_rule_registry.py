"""Every rule is registered once, documented, sourced, and has passing and failing cases."""

from __future__ import annotations

import re

import yaml
from tests.conftest import EXAMPLE
from tests.rules.casefiles import PROJECT, collect

from socialreg.check.engine import rule_settings
from socialreg.rules import all_rules, get_rule
from socialreg.rules.base import Rule
from socialreg.sources import KI, NHS_LIBRARY, SOURCES, STOCKHOLM_ADS, STOCKHOLM_NEW

CITATIONS = {source.citation for source in SOURCES}
# Rules 1-15 of the requirements are SR101-SR115, rules 16-23 are SR201-SR208, rule 24 is
# SR010, rule 25 is SR013 (with SR014), rule 26 is SR301.
REQUIRED_CODES = (
    {f"SR{100 + number}" for number in range(1, 16)}
    | {f"SR{200 + number}" for number in range(1, 9)}
    | {"SR010", "SR013", "SR014", "SR301"}
)


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in all_rules()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"SR\d{3}", code) for code in codes)
    assert set(codes) >= REQUIRED_CODES


def test_every_rule_is_documented() -> None:
    for rule in all_rules():
        assert rule.title and rule.title[0].isupper(), rule.code
        assert len(rule.rationale.split()) >= 15, rule.code
        assert rule.passing and rule.failing and rule.passing != rule.failing, rule.code
        cited = {part.strip() for part in rule.source.split(";")}
        assert cited <= CITATIONS, f"{rule.code} cites {rule.source}"


def test_rules_cite_the_source_documents_of_requirements() -> None:
    sources = {code: get_rule(code) for code in ("SR101", "SR105", "SR109", "SR111", "SR201")}
    assert all(isinstance(rule, Rule) for rule in sources.values())
    assert KI in sources["SR105"].source  # type: ignore[union-attr]
    assert STOCKHOLM_NEW in sources["SR109"].source  # type: ignore[union-attr]
    assert NHS_LIBRARY in sources["SR111"].source  # type: ignore[union-attr]
    assert STOCKHOLM_ADS in sources["SR201"].source  # type: ignore[union-attr]
    assert KI == "Karolinska Institutet, *Setting up a social media account*"


def test_every_source_is_a_file_in_the_repository() -> None:
    for source in SOURCES:
        assert (PROJECT / source.file).is_file(), source.file


def test_no_rule_text_cites_a_file_name_that_is_not_in_the_repository() -> None:
    for rule in all_rules():
        text = " ".join((rule.title, rule.rationale, rule.source, rule.passing, rule.failing))
        assert "REQUIREMENTS.md" not in text, rule.code
        assert not re.search(r"\b\d{3}_[0-9a-f]{16}\.txt\b", text), rule.code


def test_every_rule_has_passing_and_failing_cases() -> None:
    outcomes: dict[str, set[str]] = {}
    for case in collect():
        outcomes.setdefault(case.code, set()).add(case.outcome)
    # SR125 is found only by `audit --online`, against the platforms' servers: its cases are the
    # end-to-end tests against local servers that speak their protocols (test_audit_online.py).
    online_only = {"SR125"}
    missing = [
        rule.code
        for rule in all_rules()
        if rule.code not in online_only and outcomes.get(rule.code) != {"pass", "fail"}
    ]
    assert not missing, f"rules without a passing and a failing case: {missing}"
    unknown = set(outcomes) - {rule.code for rule in all_rules()}
    assert not unknown, f"case folders for codes that are not registered: {unknown}"


def test_input_codes_are_not_run_and_cannot_be_waived() -> None:
    for rule in all_rules():
        if rule.code.startswith("SR0"):
            assert not rule.waivable, rule.code
        if rule.scope == "input":
            assert rule.code not in rule_settings({})


def test_example_policy_lists_valid_options_with_their_defaults() -> None:
    policy = yaml.safe_load((EXAMPLE / "org" / "policy.yaml").read_text(encoding="utf-8"))
    for code, entry in policy["rules"].items():
        rule = get_rule(code)
        assert rule is not None and rule.runs, code
        for key, value in entry.get("options", {}).items():
            assert rule.options[key] == value, f"{code}.{key} differs from the rule's default"


def test_every_code_of_the_table_is_registered_and_nothing_else() -> None:
    """socialreg.codes is the one table of codes: each has a registered rule or input code."""
    from socialreg.codes import CODES

    assert [rule.code for rule in all_rules()] == sorted(CODES)
    assert all(rule.title == CODES[rule.code] for rule in all_rules())
