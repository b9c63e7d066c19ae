"""`socialreg init`: adopt the template for an organisation (questions, or options for scripts)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from socialreg.adopt.init import (
    Adoption,
    InitResult,
    Person,
    Unit,
    address_problem,
    adopt,
    domain_problem,
    login_problem,
    unit_id_problem,
)
from socialreg.registry_site.i18n import LANGUAGES


def _parts(value: str, count: int, option: str, shape: str) -> list[str]:
    parts = [part.strip() for part in value.split("|")]
    if len(parts) != count or not all(parts):
        raise click.UsageError(f"{option} {value!r} must be written {shape!r}.")
    return parts


def _units(unit_options: tuple[str, ...], supervisor_options: tuple[str, ...]) -> list[Unit]:
    units: dict[str, Unit] = {}
    for value in unit_options:
        unit_id, name, email = _parts(value, 3, "--unit", "id | name | contact e-mail")
        units[unit_id] = Unit(unit_id, name, email)
    for value in supervisor_options:
        unit_id, name, email, github = _parts(
            value, 4, "--supervisor", "unit id | name | e-mail | GitHub user name"
        )
        if unit_id not in units:
            raise click.UsageError(f"--supervisor {value!r}: there is no --unit {unit_id}.")
        units[unit_id].supervisors.append(Person(name, email, github.removeprefix("@")))
    return list(units.values())


def _list(text: str) -> list[str]:
    return [item.strip().removeprefix("@") for item in text.replace(",", " ").split() if item]


def _checked(check: Callable[[str], str | None]) -> Callable[[str], str]:
    """A prompt's value_proc: a wrong answer is explained and asked again."""

    def proc(value: str) -> str:
        value = value.strip().removeprefix("@")
        problem = check(value)
        if problem:
            raise click.UsageError(problem)
        return value

    return proc


def _checked_list(check: Callable[[str], str | None]) -> Callable[[str], list[str]]:
    def proc(text: str) -> list[str]:
        items = _list(text)
        if not items:
            raise click.UsageError("Give at least one.")
        for item in items:
            problem = check(item)
            if problem:
                raise click.UsageError(problem)
        return items

    return proc


def _ask_list(label: str, given: tuple[str, ...], check: Callable[[str], str | None]) -> list[str]:
    if given:
        return [item.removeprefix("@") for item in given]
    answer: list[str] = click.prompt(
        f"{label} (separated by commas)", value_proc=_checked_list(check)
    )
    return answer


def _ask_units(domains: list[str]) -> list[Unit]:
    click.echo(
        "\nThe units that may own accounts (departments, offices, research groups). For each, "
        "an id (its folder name, like press-office), its name, its contact address and its "
        "supervisors, who approve its accounts. An empty id finishes the list."
    )
    units: list[Unit] = []
    while True:
        unit_id = click.prompt(
            "Unit id",
            default="",
            show_default=False,
            value_proc=_checked(lambda value: value and unit_id_problem(value)),
        )
        if not unit_id:
            if units:
                return units
            click.echo("Give at least one unit.")
            continue
        email = _checked(lambda value: address_problem(value, domains))
        unit = Unit(
            unit_id, click.prompt("  Name"), click.prompt("  Contact e-mail", value_proc=email)
        )
        while True:
            name = click.prompt(
                "  Supervisor's name (empty when done)"
                if unit.supervisors
                else "  Supervisor's name",
                default="" if unit.supervisors else None,
                show_default=False,
            ).strip()
            if not name:
                break
            unit.supervisors.append(
                Person(
                    name,
                    click.prompt("  Supervisor's e-mail", value_proc=email),
                    click.prompt(
                        "  Supervisor's GitHub user name", value_proc=_checked(login_problem)
                    ),
                )
            )
        units.append(unit)


def _report(result: InitResult) -> int:
    if result.refused:
        click.echo(result.refused, err=True)
        return 1
    if result.problems:
        for problem in result.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("Nothing was changed.", err=True)
        return 2
    for line in result.done:
        click.echo(line)
    for path in result.kept:
        click.echo(f"Kept {path}: delete it yourself if it is not yours.")
    if result.org_errors:
        for line in result.org_errors:
            click.echo(line, err=True)
        click.echo("The files made from org/ were not written: correct org/ first.", err=True)
        return 1
    click.echo(
        "\nDone. Next: `socialreg validate`, then `socialreg build`, and commit everything "
        "(README: Adopt this template)."
    )
    return 0


@click.command("init")
@click.option("--name", help="The organisation's name, as the public knows it.")
@click.option("--email-domain", "email_domains", multiple=True, help="A staff e-mail domain.")
@click.option(
    "--language",
    "languages",
    multiple=True,
    type=click.Choice(LANGUAGES),
    help="A language of the organisation; the first is the registry site's.",
)
@click.option("--maintainer", "maintainers", multiple=True, help="A registry maintainer (GitHub).")
@click.option(
    "--reviewer", "reviewers", multiple=True, help="A communications reviewer (GitHub user name)."
)
@click.option("--unit", "unit_options", multiple=True, help="'id | name | contact e-mail'.")
@click.option(
    "--supervisor",
    "supervisor_options",
    multiple=True,
    help="'unit id | name | e-mail | GitHub user name', once per supervisor.",
)
@click.option("--communications-email", default="", help="The communications office's address.")
@click.option("--site-url", default="", help="Where the registry site is published (https://).")
@click.option("--repository", default="", help="The registry's GitHub repository, OWNER/NAME.")
@click.option(
    "--keep-example",
    is_flag=True,
    help="Move the example's records to docs/example/ instead of removing them.",
)
@click.option("--force", is_flag=True, help="Replace org/ even if it is not the example.")
@click.option("--no-input", is_flag=True, help="Never ask; every answer comes from the options.")
@click.pass_obj
def command(
    root: Path,
    name: str | None,
    email_domains: tuple[str, ...],
    languages: tuple[str, ...],
    maintainers: tuple[str, ...],
    reviewers: tuple[str, ...],
    unit_options: tuple[str, ...],
    supervisor_options: tuple[str, ...],
    communications_email: str,
    site_url: str,
    repository: str,
    keep_example: bool,
    force: bool,
    no_input: bool,
) -> None:
    """Adopt the template: write org/ for your organisation, remove the example's records and
    write every file made from org/.

    Asks for what the options do not give (or, with --no-input, asks nothing). Lists take the
    option once per item, for example --unit 'press | Press Office | press@example.org'
    --supervisor 'press | Anna Berg | anna.berg@example.org | anna-berg'.
    """
    units = _units(unit_options, supervisor_options)
    if not no_input:
        name = name or click.prompt("The organisation's name")
        email_domains = tuple(
            _ask_list("Staff e-mail domains, like example.org", email_domains, domain_problem)
        )
        languages = languages or tuple(
            _ask_list(
                f"Languages, the first for the site ({', '.join(LANGUAGES)})",
                (),
                lambda value: None if value in LANGUAGES else f"{value!r} is not one of them.",
            )
        )
        maintainers = tuple(
            _ask_list("Registry maintainers' GitHub user names", maintainers, login_problem)
        )
        reviewers = tuple(
            _ask_list("Communications reviewers' GitHub user names", reviewers, login_problem)
        )
        units = units or _ask_units([domain.lower() for domain in email_domains])
        repository = repository or click.prompt(
            "The GitHub repository of the registry, OWNER/NAME (Enter to skip)",
            default="",
            show_default=False,
        )
    adoption = Adoption(
        name=name or "",
        email_domains=[domain.lower() for domain in email_domains],
        languages=list(languages),
        maintainers=list(maintainers),
        reviewers=list(reviewers),
        units=units,
        communications_email=communications_email,
        site_url=site_url,
        repository=repository,
    )
    sys.exit(_report(adopt(root, adoption, keep_example=keep_example, force=force)))
