"""`socialreg new account` and `socialreg new campaign`: a request file from plain questions.

Each answer is checked as it is given and asked again when it cannot be used. Every question
is also an option (`--unit`, `--handle`, ...), so scripts can write a file with `--no-input`.
Before anything is written, the finished record goes through the same checks as
`socialreg validate`; a file that would fail is not written, and an existing file is never
overwritten.

Exit code 0: the file was written; 1: nothing was written (the record would fail its checks,
the file exists, or the questions were stopped); 2: usage error (missing or bad options with
--no-input) or internal error.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from socialreg.check.pipeline import ValidateOptions, load_repository, validate
from socialreg.check.schemas import SchemaError
from socialreg.commands.dates import today_option
from socialreg.findings import Severity
from socialreg.load.model import RecordKind
from socialreg.request_form import (
    Answers,
    Context,
    ListQuestion,
    Question,
    Rejected,
    Step,
    build_record,
    convert,
    policy_problems,
    render,
    schema_problem,
)
from socialreg.request_questions import FOLDERS, STEPS

Preset = str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class NewOptions:
    root: Path
    kind: RecordKind
    today: datetime.date
    presets: dict[str, Preset]  # answers given as options, by question name
    interactive: bool


class Stopped(Exception):
    """The questions cannot go on; the message says why. Nothing is written."""


class _Asker:
    """Asks the steps in order (or takes the options given), checking every answer."""

    def __init__(self, context: Context, steps: tuple[Step, ...], options: NewOptions) -> None:
        self.context = context
        self.steps = steps
        self.presets = options.presets
        self.interactive = options.interactive
        self.problems: list[str] = []  # with --no-input: every missing or bad option

    def run(self) -> Answers:
        answers: Answers = {}
        for step in self.steps:
            if isinstance(step, ListQuestion):
                answers[step.name] = self._list(step, answers)
                continue
            if step.ask_if is not None and not step.ask_if(answers):
                continue
            preset = self.presets.get(step.name)
            answers[step.name] = self._answer(
                step,
                answers,
                preset if isinstance(preset, str) else None,
                option=step.name,
                label=step.prompt,
                # Defaults may follow options given for later questions (--agency-name).
                default=step.default(self.context, {**self.presets, **answers})
                if step.default
                else None,
                trial=lambda value, step=step: {**answers, step.name: value},  # type: ignore[misc]
                schema_path=step.path,
                hint=step.hint,
            )
        return answers

    # --- one answer ------------------------------------------------------------------------------

    def _answer(
        self,
        question: Question,
        answers: Answers,
        preset: str | None,
        *,
        option: str,
        label: str,
        default: str | None,
        trial: Callable[[Any], Answers],
        schema_path: tuple[str | int, ...] | None,
        hint: str | None,
        may_end: bool = False,
        in_list: bool = False,
    ) -> Any:
        """The checked value; None when an optional question (or a list) is left empty."""
        if preset is not None:
            value, problem = self._evaluate(
                question, answers, preset, trial, schema_path, in_list=in_list
            )
            if problem is None:
                return value
            if not self.interactive:
                self.problems.append(f"--{option} {preset!r}: {problem}")
                return None
            click.echo(f"The answer given with --{option} cannot be used: {problem}")
        elif not self.interactive:
            return self._unattended(question, answers, option, label, default, trial, schema_path)
        self._show_hint(question, answers, hint, schema_path, label)
        ending = " (press Enter if there are no more)" if may_end else ""
        while True:
            text = click.prompt(
                f"{label}{ending}",
                default=default or "",
                show_default=bool(default),
                prompt_suffix="? " if _asks(label) else ": ",
            )
            if not text.strip():
                if question.optional or may_end:
                    return None
                click.echo("  An answer is needed here; the registry cannot do without it.")
                continue
            value, problem = self._evaluate(
                question, answers, text, trial, schema_path, in_list=in_list
            )
            if problem is None:
                return value
            click.echo(f"  {problem}")

    def _unattended(
        self,
        question: Question,
        answers: Answers,
        option: str,
        label: str,
        default: str | None,
        trial: Callable[[Any], Answers],
        schema_path: tuple[str | int, ...] | None,
    ) -> Any:
        if default is None:
            if not question.optional:
                self.problems.append(f"--{option} is missing: {label.lower()}.")
            return None
        value, problem = self._evaluate(question, answers, default, trial, schema_path)
        if problem is not None:
            self.problems.append(f"--{option}: the default {default!r} cannot be used: {problem}")
        return value

    def _evaluate(
        self,
        question: Question,
        answers: Answers,
        text: str,
        trial: Callable[[Any], Answers],
        schema_path: tuple[str | int, ...] | None,
        in_list: bool = False,
    ) -> tuple[Any, str | None]:
        try:
            value = convert(question, text, self.context, answers)
        except Rejected as rejected:
            return None, str(rejected)
        tried = trial(value)
        if schema_path is not None:
            record = build_record(self.steps, self.context, tried)
            problem = schema_problem(self.context, record, schema_path, inside_only=in_list)
            if problem is not None:
                return None, problem
        if question.check is not None:
            problem = question.check(self.context, tried, value)
            if problem is not None:
                return None, problem
        if schema_path is not None:
            # The policy's own rules, on the record as it would be with the suggestions of the
            # questions still to come (a pilot's end date follows "pilot").
            record = build_record(self.steps, self.context, self._with_defaults(tried))
            record_id = str(tried.get("id") or "new-request")
            problem, warnings = policy_problems(
                self.context, record, schema_path, record_id, inside_only=in_list
            )
            if problem is not None:
                return None, problem
            if self.interactive:
                for warning in warnings:
                    click.echo(f"  Note: {warning}")
        return value, None

    def _with_defaults(self, answers: Answers) -> Answers:
        """The answers, plus the suggested answers of the questions not yet asked."""
        filled = dict(answers)
        for step in self.steps:
            if not isinstance(step, Question) or step.name in filled or step.default is None:
                continue
            if step.ask_if is not None and not step.ask_if(filled):
                continue
            suggestion = step.default(self.context, {**self.presets, **filled})
            if suggestion is None:
                continue
            try:
                filled[step.name] = convert(step, suggestion, self.context, filled)
            except Rejected:
                continue
        return filled

    def _show_hint(
        self,
        question: Question,
        answers: Answers,
        hint: str | None,
        schema_path: tuple[str | int, ...] | None,
        label: str,
    ) -> None:
        text = hint
        if text is None and schema_path:
            text = self.context.description(schema_path)
        click.echo("")
        if text and not text.lower().startswith(label.split(" (")[0].lower()):
            click.echo(click.wrap_text(text, width=100))
        if question.kind == "choice" and question.choices is not None:
            choices = question.choices(self.context, answers)
            if not choices:
                raise Stopped(
                    f"There is nothing to choose from for '{question.prompt}': the "
                    "organisation's files in org/ list none. Ask the communications office."
                )
            click.echo("Choose one of:")
            for choice in choices:
                click.echo(f"  {choice.value}" + (f"  ({choice.label})" if choice.label else ""))
        if question.kind == "yesno":
            click.echo("Answer yes or no.")

    # --- lists -----------------------------------------------------------------------------------

    def _list(self, step: ListQuestion, answers: Answers) -> list[Any]:
        minimum = step.minimum(self.context)
        items: list[Any] = []
        preset = self.presets.get(step.name)
        given = preset if isinstance(preset, tuple) else ()
        for number, text in enumerate(given, start=1):
            item = self._preset_item(step, answers, items, text, number)
            if item is not None:
                items.append(item)
        problem = self._list_problem(step, answers, items) if len(items) >= minimum else None
        if given and len(items) == len(given) and len(items) >= minimum and problem is None:
            return items
        if not self.interactive:
            if len(items) < minimum:
                self.problems.append(
                    f"--{step.option} is needed at least {minimum} time{'s' if minimum > 1 else ''}"
                    f" ({len(items)} given). {step.option_help}"
                )
            elif problem is not None and len(items) == len(given):
                self.problems.append(f"--{step.option}: {problem}")
            return items
        description = self.context.description(step.path)
        if description:
            click.echo("")
            click.echo(click.wrap_text(description, width=100))
        if problem is not None:
            click.echo(f"  {problem}")
        while True:
            # After a problem with the list as a whole (two moderators who are the same
            # person), one more item is needed before the list can end.
            may_end = len(items) >= minimum and problem is None
            item = self._ask_item(step, answers, items, may_end=may_end)
            if item is None:
                return items
            items.append(item)
            if len(items) >= minimum:
                problem = self._list_problem(step, answers, items)
                if problem is not None:
                    click.echo(f"  {problem}")

    def _list_problem(self, step: ListQuestion, answers: Answers, items: list[Any]) -> str | None:
        """What the schema and the policy say about the whole list, once it is long enough."""
        tried = {**answers, step.name: items}
        record = build_record(self.steps, self.context, tried)
        problem = schema_problem(self.context, record, step.path)
        if problem is None:
            record_id = str(tried.get("id") or "new-request")
            problem, _ = policy_problems(self.context, record, step.path, record_id)
        return problem

    def _ask_item(
        self, step: ListQuestion, answers: Answers, items: list[Any], *, may_end: bool
    ) -> Any:
        index = len(items)
        single = len(step.fields) == 1
        current: dict[str, Any] = {}
        for position, question in enumerate(step.fields):
            default = (
                step.item_default(self.context, answers, index, question.name)
                if (step.item_default)
                else None
            )

            def trial(value: Any, question: Question = question) -> Answers:
                item = value if single else {**current, question.name: value}
                return {**answers, step.name: [*items, item]}

            value = self._answer(
                question,
                {**answers, step.name: [*items, current]},
                None,
                option=step.option,
                label=f"{question.prompt} ({step.item} {index + 1})",
                default=default,
                trial=trial,
                schema_path=step.path,
                hint=self._item_hint(step, question) if index == 0 else "",
                may_end=may_end and position == 0 and default is None,
                in_list=True,
            )
            if value is None:
                return None
            current[question.name] = value
        return current[step.fields[0].name] if single else current

    def _item_hint(self, step: ListQuestion, question: Question) -> str:
        if question.hint is not None:
            return question.hint
        return self.context.description((*step.path, 0, *(question.path or ())))

    def _preset_item(
        self, step: ListQuestion, answers: Answers, items: list[Any], text: str, number: int
    ) -> Any:
        parts = [part.strip() for part in text.split("|")] if len(step.fields) > 1 else [text]
        if len(parts) != len(step.fields):
            self._preset_problem(step, text, f"it has {len(parts)} parts. {step.option_help}")
            return None
        single = len(step.fields) == 1
        current: dict[str, Any] = {}
        for question, part in zip(step.fields, parts, strict=True):

            def trial(value: Any, question: Question = question) -> Answers:
                item = value if single else {**current, question.name: value}
                return {**answers, step.name: [*items, item]}

            value, problem = self._evaluate(
                question,
                {**answers, step.name: [*items, current]},
                part,
                trial,
                step.path,
                in_list=True,
            )
            if problem is not None:
                self._preset_problem(step, text, problem)
                return None
            current[question.name] = value
        return current[step.fields[0].name] if single else current

    def _preset_problem(self, step: ListQuestion, text: str, problem: str) -> None:
        if self.interactive:
            click.echo(f"The answer given with --{step.option} {text!r} cannot be used: {problem}")
        else:
            self.problems.append(f"--{step.option} {text!r}: {problem}")


_QUESTION_WORDS = (
    "why",
    "which",
    "who",
    "how",
    "did",
    "does",
    "is",
    "are",
    "has",
    "will",
    "within",
    "when",
    "where",
    "what",
)


def _asks(prompt: str) -> bool:
    return prompt.split(" ", 1)[0].lower() in _QUESTION_WORDS


def new(options: NewOptions) -> int:
    """Ask, check, and write the new record; the exit code says what happened."""
    repository = load_repository(options.root, only=())
    context = Context.of(repository, options.kind, options.today)
    steps = STEPS[options.kind]
    if options.interactive:
        click.echo(
            f"A new {options.kind} for the registry. Each question says what it is for. Press "
            "Enter to accept a suggestion in [brackets]. Nothing is written until the end."
        )
    asker = _Asker(context, steps, options)
    try:
        answers = asker.run()
    except click.Abort:
        click.echo("")
        click.echo(
            "Stopped before every question was answered (the input ended or Ctrl+C was "
            "pressed), so nothing was written. Run the command again to start over, or give "
            f"every answer as an option with --no-input (see socialreg new {options.kind} --help).",
            err=True,
        )
        return 1
    except Stopped as stopped:
        click.echo(f"{stopped} Nothing was written.", err=True)
        return 1
    if asker.problems:
        raise click.UsageError(
            "Some answers are missing or cannot be used, so nothing was written:\n  "
            + "\n  ".join(asker.problems)
        )
    record = build_record(steps, context, answers)
    relative = f"{FOLDERS[options.kind]}/{answers['unit']}/{answers['id']}.yaml"
    return _write_checked(options, context, record, relative)


def _write_checked(
    options: NewOptions, context: Context, record: dict[str, Any], relative: str
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
    errors = [finding for finding in report.findings if finding.severity is Severity.ERROR]
    if errors:
        target.unlink(missing_ok=True)
        _remove_empty_folder(target.parent, options.root)
        click.echo(
            f"The new {options.kind} would not pass the registry's checks, so nothing was written:",
            err=True,
        )
        for finding in errors:
            click.echo(f"  {finding.json_path}: {finding.message} ({finding.rule})", err=True)
        return 1
    click.echo("")
    for finding in report.findings:
        click.echo(f"{finding.severity} {finding.rule} at {finding.json_path}: {finding.message}")
    click.echo(f"Written: {relative}")
    click.echo(
        "Next: commit the file on a new branch and open a pull request. Your supervisor and the "
        "communications office will be asked to approve it."
    )
    return 0


def _remove_empty_folder(folder: Path, root: Path) -> None:
    if folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


# --- the click commands ------------------------------------------------------------------------


def _options_for(steps: tuple[Step, ...]) -> list[click.Option]:
    options = []
    for step in steps:
        if isinstance(step, ListQuestion):
            options.append(
                click.Option(
                    [f"--{step.option}", step.name.replace("-", "_")],
                    multiple=True,
                    help=step.option_help,
                )
            )
        else:
            options.append(
                click.Option(
                    [f"--{step.name}", step.name.replace("-", "_")],
                    help=step.prompt + ("?" if _asks(step.prompt) else "."),
                )
            )
    return options


def _make_command(kind: RecordKind) -> click.Command:
    steps = STEPS[kind]
    names = {step.name.replace("-", "_"): step.name for step in steps}

    @click.pass_obj
    def callback(root: Path, /, today: datetime.date, no_input: bool, **given: Any) -> None:
        presets: dict[str, Preset] = {}
        for dest, value in given.items():
            if value is not None and value != ():
                presets[names[dest]] = tuple(value) if isinstance(value, tuple) else str(value)
        interactive = not no_input
        options = NewOptions(root, kind, today, presets, interactive)
        try:
            code = new(options)
        except SchemaError as error:
            raise click.ClickException(f"the schemas cannot be used: {error}") from error
        sys.exit(code)

    params: list[click.Parameter] = [
        today_option("The date used for suggestions such as the decision date"),
        click.Option(
            ["--no-input", "no_input"],
            is_flag=True,
            help="Ask nothing: take every answer from the options (for scripts).",
        ),
        *_options_for(steps),
    ]
    folder = FOLDERS[kind]
    return click.Command(
        kind,
        callback=callback,
        params=params,
        help=(
            f"Write a new {kind} request to {folder}/<unit>/<id>.yaml, asking for each value.\n\n"
            "Every question is also an option; with --no-input nothing is asked. Lists take "
            "the option once per item. The file is checked like `socialreg validate` before it "
            "is written, and an existing file is never overwritten."
        ),
    )


@click.group("new")
def command() -> None:
    """Write a request for a new account or campaign by answering questions."""


command.add_command(_make_command("account"))
command.add_command(_make_command("campaign"))

__all__ = ["NewOptions", "command", "new"]
