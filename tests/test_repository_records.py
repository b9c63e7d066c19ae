"""The records in this repository pass.

Everything else in the suite tests the tool on its own fixture organisations. This is the one
place that looks at the organisation's own records at the top of the repository: they pass
`validate`, and every file made from org/ is current. After adopting the template it checks
the adopter's records, so it says nothing about any particular organisation.
"""

from __future__ import annotations

import datetime

from click.testing import CliRunner

from socialreg.adopt.example import EXAMPLE_MANIFEST, manifest_text, read_manifest
from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.cli import main
from socialreg.findings import Severity

from .conftest import EXAMPLE, EXAMPLE_FOLDERS, REPOSITORY, TODAY


def test_the_records_in_this_repository_pass() -> None:
    # The example is checked on the day it was written for; an adopter's records on today.
    example = bool(read_manifest(REPOSITORY))
    today = datetime.date.fromisoformat(TODAY) if example else datetime.date.today()
    report = validate(ValidateOptions(REPOSITORY, (), today, strict=False))
    errors = [finding for finding in report.findings if finding.severity is Severity.ERROR]
    assert errors == [], "\n".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in errors)


def test_the_files_made_from_org_are_current() -> None:
    result = CliRunner().invoke(main, ["--root", str(REPOSITORY), "generate", "--check"])
    assert result.exit_code == 0, result.output


def test_the_list_of_the_example_files_is_current() -> None:
    """While the repository is the template, `init` must recognise its example."""
    if not read_manifest(REPOSITORY):
        return  # adopted: there is no example any more
    assert (REPOSITORY / EXAMPLE_MANIFEST).read_text(encoding="utf-8") == manifest_text(
        REPOSITORY
    ), "The example changed: run `python -m socialreg.adopt.example` and commit the list."


def test_the_fixture_organisation_is_a_copy_of_the_example() -> None:
    """While the repository is the template, tests/fixtures/example is its example, unchanged:
    a change to the example belongs in both (copy org/, accounts/ and campaigns/ there)."""
    if not read_manifest(REPOSITORY):
        return  # adopted: the fixture stays the template's example, whatever the records are
    for folder in EXAMPLE_FOLDERS:
        live = sorted(p.relative_to(REPOSITORY) for p in (REPOSITORY / folder).rglob("*.yaml"))
        copy = sorted(p.relative_to(EXAMPLE) for p in (EXAMPLE / folder).rglob("*.yaml"))
        assert live == copy, folder
        for path in live:
            assert (REPOSITORY / path).read_bytes() == (EXAMPLE / path).read_bytes(), path
