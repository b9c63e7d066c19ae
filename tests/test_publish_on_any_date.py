"""Publishing and `make registry` keep working as time passes (issue 11, items 2 and 3).

The publish workflow's shell steps and the Makefile's `registry` target are run as they are
written, against a small registry (tests/rules/fixture, not the example organisation) on a date
two years after its records were written, when every review has fallen due and its campaign has
long ended. Findings like those are listed; only a record that cannot be read stops the site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from socialreg.check.publishable import RECORD_FORMAT_CODES
from socialreg.cli import main
from socialreg.codes import CODES

PROJECT = Path(__file__).resolve().parents[1]
FIXTURE = PROJECT / "tests" / "rules" / "fixture"
PUBLISH = PROJECT / ".github" / "workflows" / "publish.yml"
BIN = Path(sys.executable).parent
WRITTEN_FOR = "2026-11-21"
TWO_YEARS_AHEAD = "2028-11-21"


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """The fixture registry with a campaign, and the files made from org/ written as an adopter
    would (CODEOWNERS, the forms, the docs)."""
    root = tmp_path / "registry"
    shutil.copytree(FIXTURE / "repo", root)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    campaign = root / "campaigns" / "library" / "spring-workshops.yaml"
    campaign.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURE / "templates" / "campaign.yaml", campaign)
    result = CliRunner().invoke(main, ["--root", str(root), "generate"])
    assert result.exit_code == 0, result.output
    return root


def publish_steps() -> list[tuple[str, str]]:
    """(name, script) of every shell step up to and including the site build, in order."""
    workflow = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    steps = [*workflow["jobs"]["validate"]["steps"], *workflow["jobs"]["build"]["steps"]]
    return [
        (step["name"], step["run"])
        for step in steps
        if "run" in step and not step["run"].lstrip().startswith("python -m pip")
    ]


def run_as_actions(
    script: str, root: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A workflow step's `run` script as Actions runs it: `bash -e`, in the checkout."""
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=root, env=env, capture_output=True, text=True, check=False
    )


def run_publish(root: Path, today: str, summary: Path) -> list[tuple[str, int, str]]:
    """Run the steps as Actions does (bash -e, one after another) until one fails."""
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "SOCIALREG_TODAY": today,
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(summary.parent / "runner-temp"),
    }
    Path(env["RUNNER_TEMP"]).mkdir(exist_ok=True)
    ran = []
    for name, script in publish_steps():
        result = run_as_actions(script, root, env)
        ran.append((name, result.returncode, result.stdout + result.stderr))
        if result.returncode:
            break
    return ran


CHECK_STEP = "Check the records, and stop only if a record cannot be read"


def test_the_steps_the_test_runs_are_the_workflow_s_own() -> None:
    names = [name for name, _ in publish_steps()]
    assert names[-1] == "Build the site"
    assert names[0] == CHECK_STEP
    # One check for code scanning's file, the summary and the decision (not one for each).
    assert sum(script.count("socialreg validate") for _, script in publish_steps()) == 1
    assert "--report sarif:socialreg.sarif" in dict(publish_steps())[CHECK_STEP]


def test_publishing_two_years_later_lists_the_findings_and_deploys(
    registry: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    ran = run_publish(registry, TWO_YEARS_AHEAD, summary)
    assert [(name, code) for name, code, _ in ran] == [(name, 0) for name, _ in publish_steps()]
    # The findings time produced are in the summary and in code scanning's file, not a stop.
    text = summary.read_text(encoding="utf-8")
    assert "### ❌" in text and "SR113" in text
    sarif = (registry / "socialreg.sarif").read_text(encoding="utf-8")
    assert '"SR113"' in sarif
    assert (registry / "site" / "index.html").is_file()
    assert (registry / "site" / "accounts" / "uni-facebook.html").is_file()
    build_output = ran[-1][2]
    assert "need attention" in build_output


def test_an_unreadable_record_stops_the_deploy_with_one_line(
    registry: Path, tmp_path: Path
) -> None:
    broken = registry / "accounts" / "library" / "library-facebook.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    ran = run_publish(registry, TWO_YEARS_AHEAD, summary)
    name, code, _ = ran[-1]
    assert name == CHECK_STEP and code == 1
    assert not (registry / "site").exists()  # the build never ran
    reasons = [
        line
        for line in summary.read_text(encoding="utf-8").splitlines()
        if line.startswith("The registry site was not built")
    ]
    assert len(reasons) == 1
    assert "accounts/library/library-facebook.yaml" in reasons[0]
    assert "stays online" in reasons[0]


def test_a_record_that_breaks_the_schema_stops_the_deploy_too(
    registry: Path, tmp_path: Path
) -> None:
    record = registry / "accounts" / "library" / "library-facebook.yaml"
    text = record.read_text(encoding="utf-8").replace("status: active", "status: maybe")
    record.write_text(text, encoding="utf-8")
    ran = run_publish(registry, WRITTEN_FOR, tmp_path / "summary.md")
    assert ran[-1][:2] == (CHECK_STEP, 1)


def test_make_registry_in_a_fresh_copy_on_any_date_builds_and_lists_findings(
    registry: Path,
) -> None:
    shutil.copyfile(PROJECT / "Makefile", registry / "Makefile")
    venv = BIN.parent
    result = subprocess.run(
        # -o: the virtual environment is the suite's own; do not set it up again.
        ["make", "-o", f"{venv}/.installed", "registry", f"VENV={venv}"],
        cwd=registry,
        env={**os.environ, "SOCIALREG_TODAY": "2029-01-01"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SR113" in result.stdout  # the reviews that fell due are listed
    assert "need attention" in result.stderr
    assert (registry / "site" / "index.html").is_file()


def test_make_registry_stops_for_an_unreadable_record(registry: Path) -> None:
    shutil.copyfile(PROJECT / "Makefile", registry / "Makefile")
    (registry / "accounts" / "library" / "library-facebook.yaml").write_bytes(b"\x00\x01")
    venv = BIN.parent
    result = subprocess.run(
        ["make", "-o", f"{venv}/.installed", "registry", f"VENV={venv}"],
        cwd=registry,
        env={**os.environ, "SOCIALREG_TODAY": WRITTEN_FOR},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "The registry site was not built" in result.stderr
    assert not (registry / "site").exists()


def test_the_codes_that_stop_publishing_are_the_file_checks() -> None:
    # Reading a file and its form: SR001-SR013; SR014-SR016 are about the organisation.
    file_checks = {code for code in CODES if "SR001" <= code <= "SR013"}
    assert file_checks == RECORD_FORMAT_CODES
