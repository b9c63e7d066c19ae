"""`socialreg codeowners`: CODEOWNERS from the org/ files, following GitHub's rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from socialreg.cli import main
from socialreg.codeowners import Owners, read_owners, render
from socialreg.load.documents import load_file

from .conftest import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]

# GitHub's CODEOWNERS syntax (docs: "About code owners", "CODEOWNERS syntax"): one pattern per
# line followed by owners; `!` negation, `[ ]` character ranges and `\#` escapes are not
# supported; owners are @user, @org/team or an e-mail address.
USER = r"@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
TEAM = r"@[A-Za-z0-9-]+/[A-Za-z0-9_.-]+"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
OWNER = re.compile(rf"^(?:{USER}|{TEAM}|{EMAIL})$")


def codeowners_line_problems(line: str) -> list[str]:
    """What is wrong with one CODEOWNERS line by GitHub's rules; [] when it is fine."""
    if not line.strip() or line.lstrip().startswith("#"):
        return []
    problems = []
    pattern, *owners = line.split()
    if pattern.startswith("!"):
        problems.append("negation (!) is not supported")
    if "[" in pattern or "]" in pattern:
        problems.append("character ranges ([ ]) are not supported")
    if "\\" in pattern:
        problems.append("escapes (\\#) are not supported")
    if "#" in line:
        problems.append("a # after the pattern starts a comment")
    if not owners:
        problems.append("a pattern without owners removes ownership")
    problems += [
        f"{owner} is not @user, @org/team or an e-mail"
        for owner in owners
        if not OWNER.match(owner)
    ]
    if len(set(owner.lower() for owner in owners)) != len(owners):
        problems.append("an owner is listed twice")
    return problems


def owners_of(text: str, path: str) -> list[str]:
    """The owners GitHub would pick for `path`: the last matching pattern wins.

    Handles the pattern forms the generator writes: `*`, `/folder/` and `/file`.
    """
    chosen: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        if (
            pattern == "*"
            or (pattern.endswith("/") and ("/" + path).startswith(pattern))
            or ("/" + path) == pattern
        ):
            chosen = owners
    return chosen


def norrvik_owners(root: Path = EXAMPLE) -> Owners:
    organization = load_file(root, "org/organization.yaml").document
    units = load_file(root, "org/units.yaml").document
    assert organization is not None and units is not None
    return read_owners(organization.data, units.data)


def test_the_line_checker_catches_what_github_rejects() -> None:
    assert codeowners_line_problems("/accounts/library/ @anna @org/team a@b.example") == []
    assert codeowners_line_problems("!/accounts/ @anna")
    assert codeowners_line_problems("/accounts/[ab]/ @anna")
    assert codeowners_line_problems("/a\\#b @anna")
    assert codeowners_line_problems("/accounts/ anna")
    assert codeowners_line_problems("/accounts/")
    assert codeowners_line_problems("/accounts/ @anna @Anna")


def test_every_generated_line_follows_githubs_rules() -> None:
    text = render(norrvik_owners())
    for line in text.splitlines():
        assert codeowners_line_problems(line) == [], line


def test_catch_all_comes_first_so_specific_folders_win() -> None:
    text = render(norrvik_owners())
    rules = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rules[0] == "* @erik-holm @maria-lind"
    assert owners_of(text, "accounts/library/library-instagram.yaml") == [
        "@per-nystrom",
        "@maria-lind",
        "@johan-ek",
    ]
    assert owners_of(text, "campaigns/admissions/spring.yaml") == [
        "@lars-dahl",
        "@ingrid-sandberg",
        "@maria-lind",
        "@johan-ek",
    ]
    for path in (
        "org/units.yaml",
        "schemas/account.schema.json",
        "tools/socialreg/cli.py",
        ".github/workflows/ci.yml",
        "CODEOWNERS",
        "README.md",
    ):
        assert owners_of(text, path) == ["@erik-holm", "@maria-lind"], path


def test_a_supervisor_who_is_also_a_reviewer_is_listed_once() -> None:
    owners = Owners(("m",), ("anna", "maria"), {"library": ("anna", "erik")})
    assert "/accounts/library/ @anna @erik @maria" in render(owners)


def test_entries_that_would_break_the_file_are_left_out_and_reported() -> None:
    owners = read_owners(
        {"maintainers": ["erik-holm", "bad name"], "communications": {"reviewers": ["x#y"]}},
        {
            "units": {
                "library": {"supervisors": [{"github": "anna"}, {"github": "-bad"}]},
                "Bad Unit!": {"supervisors": [{"github": "eve"}]},
                "careers": {"supervisors": []},
            }
        },
    )
    text = render(owners)
    for line in text.splitlines():
        assert codeowners_line_problems(line) == [], line
    assert "/accounts/library/ @anna\n" in text
    assert "careers" not in text  # no owners: the catch-all keeps it with the maintainers
    assert len(owners.problems) == 4
    assert any("'bad name' is not a GitHub user name" in p for p in owners.problems)
    assert any("'Bad Unit!' cannot be a folder name" in p for p in owners.problems)


@pytest.fixture
def registry(example_repo: Path) -> Path:
    return example_repo


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(root), "codeowners", *args])
    return result.exit_code, result.stdout, result.stderr


def test_write_then_check(registry: Path) -> None:
    assert invoke(registry) == (0, "Wrote CODEOWNERS.\n", "")
    assert (registry / "CODEOWNERS").read_text(encoding="utf-8") == render(norrvik_owners())
    assert invoke(registry, "--check")[:2] == (0, "CODEOWNERS is up to date.\n")


def test_check_shows_a_readable_diff_when_stale(registry: Path) -> None:
    invoke(registry)
    units = registry / "org" / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("github: per-nystrom", "github: anna-berg"),
        encoding="utf-8",
    )
    code, out, _ = invoke(registry, "--check")
    assert code == 1
    assert "--- CODEOWNERS (committed)" in out
    assert "-/accounts/library/ @per-nystrom @maria-lind @johan-ek" in out
    assert "+/accounts/library/ @anna-berg @maria-lind @johan-ek" in out
    assert "Run `socialreg codeowners` and commit the result." in out


def test_check_without_the_file(registry: Path) -> None:
    code, out, _ = invoke(registry, "--check")
    assert code == 1
    assert "CODEOWNERS is missing" in out


def test_a_broken_org_file_is_reported_with_its_line(registry: Path) -> None:
    (registry / "org" / "units.yaml").write_text("units:\n\tlibrary: {}\n", encoding="utf-8")
    code, _, err = invoke(registry)
    assert code == 1
    assert err.startswith("org/units.yaml:2:1: error SR002 There is a tab character here.")
    assert not (registry / "CODEOWNERS").exists()


def test_the_committed_codeowners_is_current() -> None:
    assert (ROOT / "CODEOWNERS").read_text(encoding="utf-8") == render(norrvik_owners(ROOT))
