"""A spelling and grammar pass over every message the tool can say to people.

Every string in the package's Python source (messages, prompts, hints, rule documentation)
is collected with `ast`, f-strings with `{}` where a value goes, and checked:

- by codespell (from PyPI), for misspelt words;
- by a few grammar checks for the mistakes templates make: "a {kind}" that becomes
  "a account", "a" or "an" before the wrong sound, and "{len(...)} words" that becomes
  "1 words". The fixes are `wording.a_or_an` and `wording.plural`.

The Swedish texts of the public site (registry_site/i18n.py) are left out: codespell reads
English.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tools" / "socialreg"
NOT_ENGLISH = {
    PACKAGE / "registry_site" / "i18n.py",
    PACKAGE / "registry_site" / "identity_strings.py",
}
# Words that are right where they are: Swedish month names and number words the rules
# recognise in goal targets, the ordinal suffix "nd", and "libary", the misspelt unit in
# an example of the unknown-unit message, and "frequncy", the misspelt key of an example.
INTENDED = "juni,juli,oktober,tre,nd,libary,frequncy,mars,maj,fem,fyra,tio,hundra,tusen,polis,alla"

# Words after "a" that start with a vowel letter but a consonant sound, and the reverse.
_A_BEFORE_VOWEL_OK = re.compile(r"^(u(ni|s|ri|ti|rl)|one|eu)", re.IGNORECASE)
_AN_BEFORE_CONSONANT_OK = re.compile(r"^(hour|honest|sr\d)", re.IGNORECASE)
# Counts that are right because the code says "one" when there is one.
_COUNTED_WITH_CARE = {("rules/monitoring.py", "{len(people)} moderators are")}


def _templates() -> Iterator[tuple[str, int, str]]:
    """(file, line, text) of every string literal; f-strings with {expression} kept."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in NOT_ENGLISH:
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        inside_fstring: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                parts = []
                for value in node.values:
                    inside_fstring.add(id(value))
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        parts.append(value.value)
                    elif isinstance(value, ast.FormattedValue):
                        parts.append("{" + ast.unparse(value.value) + "}")
                yield str(path.relative_to(PACKAGE)), node.lineno, "".join(parts)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in inside_fstring
            ):
                yield str(path.relative_to(PACKAGE)), node.lineno, node.value


TEMPLATES = list(_templates())


def test_there_are_templates_to_check() -> None:
    assert len(TEMPLATES) > 1000
    assert any("is not a known key" in text for _, _, text in TEMPLATES)


def test_codespell_finds_no_misspelt_word(tmp_path: Path) -> None:
    listing = tmp_path / "messages.txt"
    where = []
    lines = []
    for file, line, text in TEMPLATES:
        for part in text.splitlines() or [""]:
            where.append(f"{file}:{line}")
            lines.append(part)
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "codespell_lib", "--ignore-words-list", INTENDED, str(listing)],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = []
    for output in result.stdout.splitlines():
        match = re.match(r".*?:(\d+): (.*)", output)
        if match:
            number = int(match.group(1))
            problems.append(f"{where[number - 1]}: {match.group(2)}  in {lines[number - 1]!r}")
    assert result.returncode in (0, 65), result.stderr
    assert not problems, "\n".join(problems)


def _grammar_problems(text: str) -> Iterator[str]:
    if re.search(r"\b[Aa]n? \{", text):
        yield "an article before a value: use wording.a_or_an"
    if re.search(r"\{len\([^}]*\)\} [a-z]+s\b", text):
        yield "a count before a plural: use wording.plural, or it says '1 words'"
    for match in re.finditer(r"\b([Aa]) ([A-Za-z][\w-]*)", text):
        word = match.group(2)
        if word[0].lower() in "aeiou" and not _A_BEFORE_VOWEL_OK.match(word):
            yield f"'{match.group(0)}': 'an' before a vowel sound"
    for match in re.finditer(r"\b([Aa]n) ([A-Za-z][\w-]*)", text):
        word = match.group(2)
        abbreviation = word.isupper() and len(word) > 1  # "an SMS", "an FAQ"
        if word[0].lower() not in "aeiou" and not (
            abbreviation or _AN_BEFORE_CONSONANT_OK.match(word)
        ):
            yield f"'{match.group(0)}': 'a' before a consonant sound"


def test_grammar_of_every_template() -> None:
    problems = [
        f"{file}:{line}: {problem}  in {text[:80]!r}"
        for file, line, text in TEMPLATES
        for problem in _grammar_problems(text)
        if (file, text) not in _COUNTED_WITH_CARE
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A {kind} file must be", True),
        ("The purpose has only {len(purpose.split())} words.", True),
        ("There is a account called", True),
        ("an moderator", True),
        ("A user name", False),
        ("an hour", False),
        ("{a_or_an(kind)} file", False),
    ],
)
def test_the_grammar_checks_find_the_mistakes_of_the_issue(text: str, found: bool) -> None:
    assert bool(list(_grammar_problems(text))) is found
