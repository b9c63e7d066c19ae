"""Every rule's documented examples run: the passing one raises nothing, the failing one its code.

The examples are what `socialreg explain` and docs/rules.md show people, so an example that
no longer fails (or fails for another reason) is a wrong explanation. Each example is a
fragment of a record: its top-level keys replace the template's (tests/rules/fixture/
templates), and the file is checked in a copy of the fixture repository. Leading comments set
the scene: `# org/policy.yaml: {...}` changes the policy, `# accounts/<unit>/<id>.yaml` says
where the file is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from tests.rules.casefiles import DEFAULT_TODAY, FIXTURE, make_repository, merge

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.findings import Severity
from socialreg.rules import Rule, all_rules

# SR004's examples are whole files (the failing one is a list, which no template can hold);
# SR013's are paths; SR016's and SR017's are changes to org/policy.yaml; SR001's failing
# example describes a binary file in words. The other reading codes (SR001-SR007) are about
# the text itself, so their examples replace the template's lines as text; every other example
# is merged into the template key by key, as the rule case files are.
WHOLE_FILE = {("SR004", "failing")}
PATHS = {"SR013"}
POLICY = {"SR016", "SR017"}
# SR011's failing example leaves a key out, which a merge cannot say: its block replaces the
# template's as text too.
AS_TEXT = {"SR001", "SR002", "SR003", "SR004", "SR005", "SR006", "SR007", "SR011"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)
_SCENE = re.compile(
    r"^#\s*(org/policy\.yaml:\s*(?P<policy>.+)|(?P<path>(?:accounts|campaigns)/\S+))"
)

# SR125 is found only by `audit --online`, against the platforms' servers: its examples are
# checked against local servers that speak those protocols (tests/test_audit_online.py).
ONLINE = {"SR125"}
EXAMPLES = [
    pytest.param(rule, outcome, id=f"{rule.code}-{outcome}")
    for rule in all_rules()
    if rule.code not in ONLINE
    for outcome in ("passing", "failing")
    # SR121's failing example needs a second, similar official handle, which an example of
    # one record cannot bring: its case folder (tests/rules/cases/SR121/fail) shows it fails.
    if (rule.code, outcome) != ("SR121", "failing")
]


def _template(kind: str) -> str:
    return (FIXTURE / "templates" / f"{kind}.yaml").read_text(encoding="utf-8")


def _without_keys(text: str, keys: set[str]) -> str:
    """The template text with the blocks of the top-level `keys` taken out."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        match = _TOP_LEVEL_KEY.match(line)
        if match or (line and not line[0].isspace() and not line.startswith("#")):
            skipping = match is not None and match.group(1) in keys
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _write_example(rule: Rule, outcome: str, root: Path) -> str:
    """Write the example into the repository at `root`; returns the path it was written to."""
    example = getattr(rule, outcome)
    kind = "campaign" if rule.scope == "campaign" else "account"
    target = f"{kind}s/library/example.yaml"
    for line in example.splitlines():
        scene = _SCENE.match(line)
        if scene and scene.group("policy"):
            policy_file = root / "org" / "policy.yaml"
            policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
            change = yaml.safe_load("{" + scene.group("policy") + "}")
            policy_file.write_text(yaml.safe_dump(merge(policy, change)), encoding="utf-8")
        elif scene and scene.group("path"):
            target = scene.group("path")
    if rule.code in PATHS:
        target = example.strip()
        text = _template(kind)
    elif (rule.code, outcome) in WHOLE_FILE:
        text = example + "\n"
    elif rule.code in POLICY:
        target = "org/policy.yaml"
        policy = yaml.safe_load((root / target).read_text(encoding="utf-8"))
        text = yaml.safe_dump(merge(policy, yaml.safe_load(example)), sort_keys=False)
    elif rule.code not in AS_TEXT:
        change = yaml.safe_load(example)
        assert isinstance(change, dict), f"{rule.code}'s example is not a set of keys"
        data = merge(yaml.safe_load(_template(kind)), change)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    else:
        keys = set(_TOP_LEVEL_KEY.findall(example))
        text = _without_keys(_template(kind), keys) + example + "\n"
    file = root / target
    file.parent.mkdir(parents=True, exist_ok=True)
    if example.startswith("(") and rule.code == "SR001":
        file.write_bytes(PNG)
    else:
        file.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize(("rule", "outcome"), EXAMPLES)
def test_documented_example(rule: Rule, outcome: str, tmp_path: Path) -> None:
    example = getattr(rule, outcome)
    assert example.strip(), f"{rule.code} documents no {outcome} example"
    if example.startswith("("):
        assert (rule.code, outcome) == ("SR001", "failing"), "only SR001 may describe a file"
    root = make_repository(tmp_path / "repo")
    target = _write_example(rule, outcome, root)
    only = () if target.startswith("org/") else (target,)
    report = validate(ValidateOptions(root, only, DEFAULT_TODAY, strict=False))
    loud = [f for f in report.findings if f.severity is not Severity.WAIVED]
    shown = "\n".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in loud)
    if outcome == "passing":
        assert not loud, f"{rule.code}'s passing example raised:\n{shown}\n---\n{example}"
    else:
        raised = {f.rule for f in loud}
        assert raised == {rule.code}, f"{rule.code}'s failing example raised:\n{shown}"
