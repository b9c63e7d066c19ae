"""Messages that say what to type: one folder per message under tests/message_cases/.

A case is the rule tests' template account (tests/rules/fixture/templates/account.yaml) as
text, with one top-level key's lines replaced by the case's own lines, validated in a copy of
the rule tests' fixture repository. Adding a case needs no Python. The header:

    # expect: SR012          every code the file must raise, and no other (knock-on findings
                             would show up as extra codes)
    # says: some words       a finding's message must contain these words (one line each)
    # replace-key: owner     the template's `owner:` block is replaced by the case's lines
    # path: accounts/library/Library_Facebook.yml   where the file is written
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.findings import Severity

from .rules.casefiles import FIXTURE, make_repository

CASES = Path(__file__).parent / "message_cases"
TEMPLATE = FIXTURE / "templates" / "account.yaml"
TODAY = datetime.date(2026, 11, 21)


@dataclass
class MessageCase:
    file: Path
    expect: set[str] = field(default_factory=set)
    says: list[str] = field(default_factory=list)
    replace_key: str | None = None
    path: str | None = None
    body: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.path or f"accounts/library/{self.file.stem}.yaml"


def read(file: Path) -> MessageCase:
    case = MessageCase(file)
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and not case.body:  # the header: keys, or a comment
            key, _, value = line[2:].partition(":")
            value = value.strip()
            if key == "expect":
                case.expect.add(value.split()[0])
            elif key == "says":
                case.says.append(value)
            elif key == "replace-key":
                case.replace_key = value
            elif key == "path":
                case.path = value
            continue
        case.body.append(line)
    return case


def text_of(case: MessageCase) -> str:
    """The template with the case's key block replaced."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    if case.replace_key is None:
        return "\n".join(lines) + "\n"
    start = next(n for n, line in enumerate(lines) if line.startswith(f"{case.replace_key}:"))
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "-")) or not lines[end].strip()):
        end += 1
    return "\n".join([*lines[:start], *case.body, *lines[end:]]) + "\n"


FILES = sorted(CASES.glob("*/*.yaml"))


@pytest.mark.parametrize("file", FILES, ids=lambda file: f"{file.parent.name}/{file.stem}")
def test_message_case(file: Path, tmp_path: Path) -> None:
    case = read(file)
    assert case.expect and case.says, f"{file} needs `# expect:` and `# says:` lines"
    root = make_repository(tmp_path / "repo")
    target = root / case.target
    target.write_text(text_of(case), encoding="utf-8")
    report = validate(ValidateOptions(root, (case.target,), TODAY, strict=False))
    loud = [f for f in report.findings if f.severity is not Severity.WAIVED]
    shown = "\n".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in loud)
    assert {f.rule for f in loud} == case.expect, shown
    assert all(f.path == case.target for f in loud), shown
    messages = " ".join(" ".join(f.message.split()) for f in loud)
    for words in case.says:
        words = " ".join(words.split())
        assert words in messages, f"{words!r} not in:\n{shown}"
    # Never programmer notation: no JSON paths, no counting from zero.
    assert "$." not in messages and "[0]" not in messages, shown


def test_every_message_has_a_folder_of_cases() -> None:
    folders = {path.name for path in CASES.iterdir() if path.is_dir()}
    assert folders == {
        "quote-reserved-start",
        "indentation",
        "list-on-one-line",
        "knock-on-findings",
        "list-positions",
        "one-round-renaming",
    }
    for folder in folders:
        assert list((CASES / folder).glob("*.yaml")), folder
