"""`socialreg validate`: check the records against the schemas and the policy rules."""

from __future__ import annotations

import contextlib
import datetime
import sys
from pathlib import Path

import click

from socialreg.check import publishable
from socialreg.commands.dates import with_today
from socialreg.commands.output import write_output
from socialreg.errors import InternalError
from socialreg.load.discover import is_checked_path
from socialreg.load.look_ahead import FEW_RECORDS, LookAhead, is_few
from socialreg.reporters import Report, reporters


class _UsageProblem(click.ClickException):
    """A usage error said in one line (click's UsageError adds the usage text), exit code 2."""

    exit_code = 2


def exit_code(report: Report, strict: bool) -> int:
    deciding = report.deciding_summary  # with --base, only what the change introduces
    if deciding.errors or (strict and deciding.warnings):
        return 1
    return 0


def relative_paths(root: Path, paths: tuple[Path, ...]) -> tuple[str, ...]:
    relative = []
    for path in paths:
        # The folder is resolved, the name is not: a link is checked as itself (and refused),
        # never as the file it points to.
        absolute = path.absolute().parent.resolve() / path.name
        try:
            relative.append(absolute.relative_to(root).as_posix())
        except ValueError:
            raise click.BadParameter(
                f"{path} is outside the registry repository {root}.", param_hint="PATH"
            ) from None
    not_records = [path for path in relative if not is_checked_path(path)]
    if not_records:
        raise _UsageProblem(
            f"{not_records[0]} is not a record or an org/ file, so there is nothing to check in "
            "it. Records are the .yaml files under accounts/ and campaigns/."
        )
    return tuple(relative)


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(reporters())),
    default="text",
    show_default=True,
    help="How to write the findings.",
)
@with_today("The date that date rules use")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "unreadable"]),
    default="error",
    show_default=True,
    help="What fails the run: any error, or only a record that cannot be read or does not "
    "match the schemas (for publishing the registry: policy and date findings are listed but "
    "do not stop it, and the reason for a stop goes to standard error in one line).",
)
@click.option(
    "--base",
    metavar="REF",
    help="Compare with this Git commit or branch (in CI, the pull request's base): only "
    "findings the change introduces fail the run, findings already there are listed apart, "
    "and deleted accounts, re-opened accounts and new accounts during a moratorium are caught.",
)
@click.option(
    "--staged",
    is_flag=True,
    help="Compare the files given with the other records and the org/ files as they are "
    "staged for the commit (Git's index), not as they are in the work tree; files Git does not "
    "track are not compared with. For the pre-commit hook: pre-commit sets aside the changes "
    "that are not staged, so the two are the same there, and this skips comparing every file "
    "with Git's index. The files given are checked as they are on disk. With more than "
    f"{FEW_RECORDS} files, the other records and the org/ files are read from disk, but the "
    "records Git does not track are still left out; with no files, the whole work tree is "
    "checked.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--report",
    "reports",
    metavar="FORMAT:FILE",
    multiple=True,
    callback=lambda _context, _parameter, values: [_report_option(value) for value in values],
    help="Also write the findings in FORMAT to FILE (- for standard output, when the main "
    "report goes to --output), from the same check; give it again for more. CI writes the "
    "bot's JSON report, the job summary and the annotations in one run, where a check for "
    "each took a minute more at 50,000 records.",
)
@click.pass_obj
def command(
    root: Path,
    paths: tuple[Path, ...],
    output_format: str,
    today: datetime.date,
    strict: bool,
    fail_on: str,
    base: str | None,
    staged: bool,
    output: Path | None,
    reports: list[tuple[str, Path]],
) -> None:
    """Check the records (all of them, or the files given) against the schemas and the policy.

    Exit code 0: no errors; 1: errors (or warnings with --strict); 2: usage or internal error.
    """
    relative = relative_paths(root, paths)
    on_standard_output = [f"--report {name}:-" for name, file in reports if file == Path("-")]
    if output is None:
        on_standard_output.insert(0, "the main report (no --output)")
    if len(on_standard_output) > 1:
        raise _UsageProblem(
            f"{' and '.join(on_standard_output)} would both go to standard output, one after "
            "the other: give one of them a file."
        )
    if staged and base is not None:
        raise _UsageProblem(
            "--staged compares with the commit being made and --base with an earlier one: "
            "give one of them."
        )
    with contextlib.ExitStack() as stack:
        # The pre-commit hook's check of a file or two asks Git and the file system before the
        # checking code is imported, so that the answers are ready when it needs them (a
        # third of the hook's time at 50,000 records; see load/look_ahead.py).
        few = is_few(relative, base)
        look = stack.enter_context(LookAhead(root, staged)) if few else None
        report = _report(root, relative, today, strict, base, staged, look)
    for report_format, file in reports:
        also = reporters()[report_format](report)
        if file == Path("-"):
            sys.stdout.write(also)
        else:
            write_output(file, also)
    text = reporters()[output_format](report)
    if output is None:
        sys.stdout.write(text)
    else:
        write_output(output, text)
    if fail_on == "unreadable":
        code, reason = publishable.exit_code(report)
        if reason is not None:
            sys.stderr.write(reason + "\n")
        sys.exit(code)
    sys.exit(exit_code(report, strict))


def _report_option(value: str) -> tuple[str, Path]:
    """`--report FORMAT:FILE` as (format, file); a usage error (exit 2) before any check."""
    report_format, colon, file = value.partition(":")
    formats = sorted(reporters())
    if not colon or not file or report_format not in formats:
        raise _UsageProblem(
            f"--report {value}: give a format and a file, as in --report json:report.json "
            f"(formats: {', '.join(formats)})."
        )
    return report_format, Path(file)


def _report(
    root: Path,
    paths: tuple[str, ...],
    today: datetime.date,
    strict: bool,
    base: str | None,
    staged: bool,
    look: LookAhead | None,
) -> Report:
    # Imported here, after the look ahead started: YAML, the schemas and the rules.
    from socialreg.check.pipeline import ValidateOptions, validate
    from socialreg.check.schemas import SchemaError
    from socialreg.load.gitbase import BaseError

    try:
        if base is None:
            return validate(ValidateOptions(root, paths, today, strict, base, staged), look)
        from socialreg.check.differential import differential_report

        # new findings apart from those already on the base
        return differential_report(root, paths or None, today, base)
    except SchemaError as error:
        raise InternalError(f"the schemas cannot be used: {error}") from error
    except BaseError as error:
        raise _UsageProblem(f"--base: {error}") from error
