"""Adopting the template: `socialreg init`, and `socialreg generate` for every file made from org/.

The template here is built from the fixture organisation (a copy of the example) plus the
project's schemas and the list of the example's files, so these tests do not depend on the
records at the top of the repository.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from socialreg.adopt.derived import DERIVED_FILES
from socialreg.adopt.example import EXAMPLE_MANIFEST, is_example, manifest_text
from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.cli import main

from .conftest import EXAMPLE, REPOSITORY, TODAY, copy_example
from .dev_tools import check_builtin_schema

# A second organisation: three units, two languages, a unit with two supervisors.
VASA = [
    "--name",
    "Vasa Municipality",
    "--email-domain",
    "vasa.example",
    "--language",
    "sv",
    "--language",
    "en",
    "--maintainer",
    "it-admin",
    "--reviewer",
    "comms-anna",
    "--reviewer",
    "comms-bo",
    "--unit",
    "library | Vasa City Library | library@vasa.example",
    "--unit",
    "culture | Culture Department | culture@vasa.example",
    "--unit",
    "schools | Education Department | schools@vasa.example",
    "--supervisor",
    "library | Li Sund | li.sund@vasa.example | li-sund",
    "--supervisor",
    "culture | Kim Ek | kim.ek@vasa.example | kim-ek",
    "--supervisor",
    "schools | Ola Berg | ola.berg@vasa.example | ola-berg",
    "--supervisor",
    "schools | Eva Nord | eva.nord@kultur.vasa.example | eva-nord",
    "--site-url",
    "https://social.vasa.example",
]


def run(root: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A fresh copy of the template: the example organisation with its generated files."""
    root = copy_example(tmp_path / "template")
    (root / EXAMPLE_MANIFEST).write_text(manifest_text(root), encoding="utf-8")
    assert run(root, "generate").exit_code == 0
    return root


def test_the_template_is_recognised_as_the_example(template: Path) -> None:
    assert is_example(template)
    organization = template / "org" / "organization.yaml"
    organization.write_text(organization.read_text("utf-8") + "\n", encoding="utf-8")
    assert not is_example(template)


def test_init_adopts_the_template_for_a_second_organisation(template: Path) -> None:
    result = run(template, "init", "--no-input", *VASA)
    assert result.exit_code == 0, result.output
    assert "Removed the example's 13 records" in result.output
    assert not list((template / "accounts").rglob("*.yaml"))
    assert not (template / EXAMPLE_MANIFEST).exists()
    # The suite's own checks, run in the adopted copy: validate, the derived files, the site.
    report = validate(ValidateOptions(template, (), datetime.date.fromisoformat(TODAY), True))
    assert report.findings == []
    assert run(template, "generate", "--check").exit_code == 0
    assert run(template, "codeowners", "--check").exit_code == 0
    build = run(template, "build", "--out", str(template.parent / "site"))
    assert build.exit_code == 0, build.output
    assert "Vasa Municipality" in (template.parent / "site" / "index.html").read_text("utf-8")
    units = yaml.safe_load((template / "org" / "units.yaml").read_text("utf-8"))["units"]
    assert list(units) == ["library", "culture", "schools"]
    assert [p["github"] for p in units["schools"]["supervisors"]] == ["ola-berg", "eva-nord"]
    organization = yaml.safe_load((template / "org" / "organization.yaml").read_text("utf-8"))
    assert organization["registry"]["languages"] == ["sv", "en"]
    policy = yaml.safe_load((template / "org" / "policy.yaml").read_text("utf-8"))
    assert "polis" in policy["rules"]["SR107"]["options"]["crimes_words"]
    assert "police" in policy["rules"]["SR107"]["options"]["crimes_words"]
    # Everything generated speaks of the new organisation, nothing of the example's.
    for derived in DERIVED_FILES:
        text = (template / derived.path).read_text("utf-8").lower()
        assert "norrvik" not in text, derived.path
    form = yaml.safe_load(
        (template / ".github/ISSUE_TEMPLATE/request-account.yml").read_text("utf-8")
    )
    unit_field = next(field for field in form["body"] if field.get("id") == "unit")
    assert unit_field["attributes"]["options"] == ["library", "culture", "schools"]
    codeowners = (template / "CODEOWNERS").read_text("utf-8")
    assert "/accounts/schools/ @ola-berg @eva-nord @comms-anna @comms-bo" in codeowners


def test_the_generated_github_files_match_githubs_schemas(template: Path) -> None:
    # No senders, no site address, no communications page: the smallest organisation.
    assert VASA[-2] == "--site-url"
    assert run(template, "init", "--no-input", *VASA[:-2]).exit_code == 0
    forms = template / ".github" / "ISSUE_TEMPLATE"
    config = yaml.safe_load((forms / "config.yml").read_text("utf-8"))
    assert config == {"blank_issues_enabled": False}
    campaign = yaml.safe_load((forms / "request-campaign.yml").read_text("utf-8"))
    sender = next(field for field in campaign["body"] if field.get("id") == "sender")
    assert sender["type"] == "input"  # no accounts may send ads yet: a text field, not a list
    check_builtin_schema(forms / "config.yml", "vendor.github-issue-config")
    for name in ("request-account.yml", "request-campaign.yml"):
        check_builtin_schema(forms / name, "vendor.github-issue-forms")


def test_a_request_can_be_written_in_the_adopted_registry(template: Path) -> None:
    assert run(template, "init", "--no-input", *VASA).exit_code == 0
    result = run(
        template,
        "new",
        "account",
        "--no-input",
        "--today",
        TODAY,
        "--unit",
        "library",
        "--platform",
        "instagram",
        "--name",
        "Vasa City Library",
        "--handle",
        "@vasa.library",
        "--url",
        "https://www.instagram.com/vasa.library/",
        "--purpose",
        "News and events of the city library for families and students, and nothing else: no "
        "general news of the municipality.",
        "--goal",
        "Fill the reading hours | sign-ups that name Instagram | 100 sign-ups by June 2027",
        "--audience",
        "Families with young children",
        "--owner-name",
        "Lena Holm",
        "--owner-email",
        "lena.holm@vasa.example",
        "--owner-github",
        "lena-holm",
        "--supervisor",
        "li-sund",
        "--moderator",
        "Lena Holm | lena.holm@vasa.example | lena-holm",
        "--moderator",
        "Per Ås | per.as@vasa.example | per-as",
        "--holiday-cover",
        "The library's duty librarian watches the account at weekends and in holidays.",
        "--house-rules-url",
        "https://www.vasa.example/library/social-media-rules",
        "--tone",
        "Friendly and short, like at the library desk.",
        "--existing-channels-reviewed",
        "yes",
        "--personal-data-assessment",
        "Dnr KS 2026/118",
    )
    assert result.exit_code == 0, result.output
    report = validate(ValidateOptions(template, (), datetime.date.fromisoformat(TODAY), True))
    assert [finding.message for finding in report.findings] == []


def test_init_refuses_an_organisation_that_is_not_the_example(template: Path) -> None:
    assert run(template, "init", "--no-input", *VASA).exit_code == 0
    before = (template / "org" / "units.yaml").read_text("utf-8")
    result = run(template, "init", "--no-input", *VASA)
    assert result.exit_code == 1
    assert "not the template's example" in result.output
    assert "--force" in result.output
    assert (template / "org" / "units.yaml").read_text("utf-8") == before
    forced = run(template, "init", "--no-input", "--force", *VASA)
    assert forced.exit_code == 0, forced.output
    assert "Replaced org/units.yaml" in forced.output


def test_init_keeps_and_names_the_files_it_did_not_write(template: Path) -> None:
    own = template / "accounts" / "library" / "our-own.yaml"
    own.write_text("name: ours\n", encoding="utf-8")
    changed = template / "campaigns" / "careers" / "career-fair-2026.yaml"
    changed.write_text(changed.read_text("utf-8") + "# changed\n", encoding="utf-8")
    result = run(template, "init", "--no-input", *VASA)
    assert result.exit_code == 0, result.output
    assert own.exists() and changed.exists()
    assert "Kept accounts/library/our-own.yaml (not part of the example)" in result.output
    assert "Kept campaigns/careers/career-fair-2026.yaml (changed since the example)" in (
        result.output
    )
    assert "Removed the example's 12 records" in result.output


def test_keep_example_moves_the_example_out_of_the_checked_folders(template: Path) -> None:
    result = run(template, "init", "--no-input", "--keep-example", *VASA)
    assert result.exit_code == 0, result.output
    kept = template / "docs" / "example"
    assert len(list((kept / "accounts").rglob("*.yaml"))) == 10
    assert (kept / "org" / "units.yaml").is_file()
    report = validate(ValidateOptions(template, (), datetime.date.fromisoformat(TODAY), True))
    assert report.findings == []


def test_init_with_bad_answers_changes_nothing(template: Path) -> None:
    before = sorted(p.relative_to(template) for p in template.rglob("*"))
    result = run(
        template,
        "init",
        "--no-input",
        "--name",
        "Vasa",
        "--email-domain",
        "Vasa.example@",
        "--language",
        "en",
        "--maintainer",
        "not a login",
        "--reviewer",
        "comms-anna",
        "--unit",
        "Bad Unit | Library | library@elsewhere.example",
    )
    assert result.exit_code == 2
    assert "'vasa.example@' is not an e-mail domain" in result.output
    assert "'not a login' is not a GitHub user name" in result.output
    assert "The unit id 'Bad Unit' must be lowercase" in result.output
    assert "has no supervisor" in result.output
    assert "Nothing was changed." in result.output
    assert sorted(p.relative_to(template) for p in template.rglob("*")) == before


def test_init_asks_what_the_options_do_not_give(template: Path) -> None:
    answers = [
        "Vasa Municipality",  # name
        "vasa.example@",  # e-mail domains: wrong, explained and asked again
        "vasa.example",
        "en, sv",  # languages
        "it-admin",  # maintainers
        "comms-anna",  # reviewers
        "library",  # unit id
        "Vasa City Library",
        "library@vasa.example",
        "Li Sund",
        "li.sund@vasa.example",
        "@li-sund",
        "",  # no more supervisors
        "",  # no more units
        "vasa/social-media-registry",  # repository
    ]
    result = run(template, "init", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'vasa.example@' is not an e-mail domain" in result.output
    organization = yaml.safe_load((template / "org" / "organization.yaml").read_text("utf-8"))
    assert organization["registry"]["repository"] == "vasa/social-media-registry"
    units = yaml.safe_load((template / "org" / "units.yaml").read_text("utf-8"))["units"]
    assert units["library"]["supervisors"][0]["github"] == "li-sund"


def test_generate_check_shows_a_readable_diff_when_a_file_is_stale(template: Path) -> None:
    units = template / "org" / "units.yaml"
    units.write_text(
        units.read_text("utf-8").replace("  careers:\n", "  career-service:\n"), encoding="utf-8"
    )
    shutil.rmtree(template / "accounts" / "careers")
    shutil.rmtree(template / "campaigns" / "careers")
    result = run(template, "generate", "--check")
    assert result.exit_code == 1
    assert "--- .github/ISSUE_TEMPLATE/request-account.yml (committed)" in result.output
    assert "+        - career-service" in result.output
    assert "Out of date with org/: CODEOWNERS, .github/ISSUE_TEMPLATE/request-account.yml" in (
        result.output
    )
    assert run(template, "generate").exit_code == 0
    assert run(template, "generate", "--check").exit_code == 0


@pytest.mark.parametrize(
    "command", [["generate"], ["generate", "--check"], ["codeowners", "--check"]]
)
def test_a_supervisor_written_as_a_bare_name_stops_the_generators(
    template: Path, command: list[str]
) -> None:
    units = template / "org" / "units.yaml"
    text = units.read_text("utf-8")
    broken = text.replace(
        "      - name: Per Nyström\n        email: per.nystrom@norrvik.example\n"
        "        github: per-nystrom\n",
        "      - Per Nyström\n",
    )
    assert broken != text
    units.write_text(broken, encoding="utf-8")
    before = (template / "CODEOWNERS").read_text("utf-8")
    result = run(template, *command)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("org/units.yaml:21:9: error SR012"), result.stderr
    assert "up to date" not in result.output
    assert (template / "CODEOWNERS").read_text("utf-8") == before


def test_a_dangling_sender_stops_the_generators_at_its_line(template: Path) -> None:
    shutil.rmtree(template / "campaigns")
    (template / "accounts" / "communications" / "norrvik-university-linkedin.yaml").unlink()
    result = run(template, "generate", "--check")
    assert result.exit_code == 1
    assert result.stderr.startswith("org/policy.yaml:"), result.stderr
    assert "SR017 Ads may run from `norrvik-university-linkedin`" in result.stderr


def test_no_tool_text_names_the_example_organisation() -> None:
    tool = REPOSITORY / "tools" / "socialreg"
    texts = [
        *tool.rglob("*.py"),
        *tool.rglob("*.html"),
        *tool.rglob("*.yml"),
        *tool.rglob("*.yaml"),
    ]
    texts += list((REPOSITORY / "schemas").glob("*.json"))
    for path in texts:
        assert "norrvik" not in path.read_text("utf-8").lower(), path
    result = CliRunner().invoke(main, ["--help"])
    for name in main.list_commands(None):  # type: ignore[arg-type]
        help_text = CliRunner().invoke(main, [name, "--help"]).output
        assert "norrvik" not in help_text.lower(), name
    assert "norrvik" not in result.output.lower()


def test_the_policy_init_writes_sets_what_the_examples_policy_sets(template: Path) -> None:
    """init's policy template keeps up with the example's: every section and rule option."""
    example = yaml.safe_load((EXAMPLE / "org" / "policy.yaml").read_text("utf-8"))
    assert run(template, "init", "--no-input", *VASA).exit_code == 0
    written = yaml.safe_load((template / "org" / "policy.yaml").read_text("utf-8"))
    assert set(written) == set(example)
    for code, entry in example["rules"].items():
        assert set(written["rules"][code].get("options", {})) == set(entry.get("options", {}))
