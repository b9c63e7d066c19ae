"""One run of `socialreg new account|campaign`: what to have ready, the questions, the review,
and the file.

Before anything is written, the finished record goes through the same checks as `socialreg
validate`; a file that would fail is not written, and an existing file is never overwritten.
Answers are saved as they are given (see `wizard.drafts`), so an interrupted request can be
finished later.

Exit code 0: the file was written; 1: nothing was written (the record would fail its checks,
the file exists, or the questions were stopped); 2 (raised as a usage error): missing or bad
options with --no-input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from socialreg.check.pipeline import ValidateOptions, load_repository, validate
from socialreg.findings import Severity
from socialreg.wizard.asker import Asker, Stopped, WizardOptions
from socialreg.wizard.drafts import discard_draft, load_draft, save_draft
from socialreg.wizard.form import (
    Answers,
    Context,
    Question,
    Section,
    Step,
    build_record,
    flatten,
    render,
)
from socialreg.wizard.questions import FOLDERS, SECTIONS
from socialreg.wizard.review import in_plain_words, numbered_answers, record_findings
from socialreg.wording import plural


class _Quit(Exception):
    """The person chose to stop at the review; the answers stay saved."""


def new(options: WizardOptions) -> int:
    """Ask, check, and write the new record; the exit code says what happened."""
    repository = load_repository(options.root, only=())
    context = Context.of(repository, options.kind, options.today)
    sections = SECTIONS[options.kind]
    save = (
        (lambda answers: save_draft(options.root, options.kind, answers))
        if options.interactive
        else (lambda answers: None)
    )
    asker = Asker(context, sections, options, on_answer=save)
    try:
        answers = _start(options, sections)
        asker.run(answers)
        if asker.problems:
            raise click.UsageError(
                "Some answers are missing or cannot be used, so nothing was written:\n  "
                + "\n  ".join(asker.problems)
            )
        if options.interactive:
            _review(asker, context, answers)
    except click.Abort:
        click.echo("")
        saved = " Your answers so far are saved." if options.interactive else ""
        click.echo(
            "Stopped before every question was answered (the input ended or Ctrl+C was "
            f"pressed), so nothing was written.{saved} Run `socialreg new {options.kind}` again "
            "to continue where you stopped, or give every answer as an option with --no-input "
            f"(see socialreg new {options.kind} --help).",
            err=True,
        )
        return 1
    except _Quit:
        click.echo(
            f"Nothing was written. Your answers are saved: run `socialreg new {options.kind}` "
            "again to continue.",
            err=True,
        )
        return 1
    except Stopped as stopped:
        click.echo(f"{stopped} Nothing was written.", err=True)
        return 1
    record = build_record(flatten(sections), context, answers)
    code = _write_checked(options, context, record, _relative_of(context, answers))
    if code == 0:
        discard_draft(options.root, options.kind)
    return code


def _start(options: WizardOptions, sections: tuple[Section, ...]) -> Answers:
    """The answers to begin with: a saved draft if the person wants it, else none."""
    if not options.interactive:
        return {}
    steps = {step.name: step for step in flatten(sections)}
    draft = load_draft(options.root, options.kind, steps)
    if draft is not None:
        click.echo(
            f"You started a request for a new {options.kind} on {draft.saved} and answered "
            f"{plural(len(draft.answers), 'question')}."
        )
        if click.confirm("Continue where you stopped", default=True):
            return dict(draft.answers)
        discard_draft(options.root, options.kind)
    _have_ready(options, sections)
    return {}


def _have_ready(options: WizardOptions, sections: tuple[Section, ...]) -> None:
    click.echo(
        f"A new {options.kind} for the registry, in {len(sections) + 1} steps. Have this "
        "ready before you start:"
    )
    for number, section in enumerate(sections, start=1):
        if section.have_ready:
            click.echo(f"Step {number}, {section.title}:")
        for item in section.have_ready:
            click.echo(f"  - {item}")
    click.echo(
        "Each question says what it is for. Press Enter to accept a suggestion in [brackets]. "
        "Your answers are saved as you go; nothing is written to the registry until the end."
    )


def _review(asker: Asker, context: Context, answers: Answers) -> None:
    """Show everything, let the person change answers, and return when they want it written."""
    sections = asker.sections
    while True:
        relative = _relative_of(context, answers)
        click.echo("")
        click.secho(f"Step {asker.step_count} of {asker.step_count}: Check and write", bold=True)
        click.echo(f"The file {relative} will say:")
        rows = numbered_answers(context, sections, answers)
        for row in rows:
            if row.number == 1 or rows[row.number - 2].section != row.section:
                click.echo(f"  Step {row.section}, {sections[row.section - 1].title}:")
            click.echo(f"    {row.number:>2}. {row.text}")
        findings = record_findings(context, sections, answers, relative)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if findings:
            click.echo("The registry's checks say:")
            for finding in findings:
                click.echo("  " + in_plain_words(finding, sections))
        else:
            click.echo("The registry's checks find nothing to correct.")
        if errors:
            question = "Type the number of an answer to change it, or q to stop for now"
        else:
            question = "Press Enter to write the file, or type the number of an answer to change"
        choice = click.prompt(question, default="", show_default=False).strip().lower()
        if choice in ("q", "quit", "stop"):
            raise _Quit
        if not choice and not errors:
            return
        if choice.isdigit() and 1 <= int(choice) <= len(rows):
            _change(asker, answers, rows[int(choice) - 1].step.name)
            continue
        click.echo(f"  Type a number from 1 to {len(rows)}" + (", or q." if errors else "."))


def _change(asker: Asker, answers: Answers, name: str) -> None:
    """Ask one question again (its old answer is the suggestion), then anything it unlocks."""
    asker.previous = {name: answers.pop(name)}
    try:
        asker.run(answers)
    finally:
        asker.previous = {}
    # An answer that no longer applies (a pilot's end after "not a pilot") is dropped; one that
    # is no longer a choice (the status `requested` after "the account exists") is asked again.
    ask_again = False
    for step in asker.steps:
        applies = not isinstance(step, Question) or step.ask_if is None or step.ask_if(answers)
        if step.name in answers and not applies:
            del answers[step.name]
        elif step.name in answers and not _still_a_choice(asker.context, step, answers):
            del answers[step.name]
            ask_again = True
    if ask_again:
        asker.run(answers)
    asker.on_answer(answers)


def _still_a_choice(context: Context, step: Step, answers: Answers) -> bool:
    if not isinstance(step, Question) or step.kind != "choice" or step.choices is None:
        return True
    return answers[step.name] in {choice.value for choice in step.choices(context, answers)}


def _relative_of(context: Context, answers: Answers) -> str:
    return f"{FOLDERS[context.kind]}/{answers.get('unit')}/{answers.get('id')}.yaml"


def _write_checked(
    options: WizardOptions, context: Context, record: dict[str, Any], relative: str
) -> int:
    target = options.root / relative
    text = render(record, context, f"socialreg new {options.kind}")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x": create, never overwrite, even if the file appeared while the questions ran.
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        click.echo(
            f"{relative} already exists, and socialreg new never overwrites a file. Choose "
            "another id, or edit the existing file instead. Nothing was written.",
            err=True,
        )
        return 1
    try:
        report = validate(ValidateOptions(options.root, (relative,), options.today, strict=False))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    sections = SECTIONS[options.kind]
    errors = [finding for finding in report.findings if finding.severity is Severity.ERROR]
    if errors:
        target.unlink(missing_ok=True)
        _remove_empty_folder(target.parent, options.root)
        click.echo(
            f"The new {options.kind} would not pass the registry's checks, so nothing was written:",
            err=True,
        )
        for finding in errors:
            click.echo(f"  {in_plain_words(finding, sections)} ({finding.rule})", err=True)
        return 1
    click.echo("")
    for finding in report.findings:
        click.echo(f"{in_plain_words(finding, sections)} ({finding.rule})")
    click.echo(f"Written: {relative}")
    click.echo(
        "Next: commit the file on a new branch and open a pull request. Your supervisor and the "
        "communications office will be asked to approve it."
    )
    return 0


def _remove_empty_folder(folder: Path, root: Path) -> None:
    if folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
