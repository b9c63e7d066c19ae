"""The prompt engine of `socialreg new`: asks the questions of `wizard.questions`, section by
section, and checks every answer as it is given.

Each answer is asked again when it cannot be used. Every question is also an option
(`--unit`, `--handle`, ...), so scripts can write a file with `--no-input`. Nothing here
writes a file: `wizard.session` does, after the person has seen everything.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from socialreg.load.model import RecordKind
from socialreg.wizard.form import (
    Answers,
    Context,
    ListQuestion,
    Question,
    Rejected,
    Section,
    Step,
    build_record,
    convert,
    flatten,
    policy_problems,
    schema_problem,
)
from socialreg.wording import plural

Preset = str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class WizardOptions:
    root: Path
    kind: RecordKind
    today: datetime.date
    presets: dict[str, Preset]  # answers given as options, by question name
    interactive: bool


class Stopped(Exception):
    """The questions cannot go on; the message says why. Nothing is written."""


class Asker:
    """Asks the sections in order (or takes the options given), checking every answer.

    `answers` may already hold answers (a resumed draft, or answers kept while one is being
    changed): only the questions without an answer are asked. `on_answer` is called after
    every answer, so that the answers so far can be saved.
    """

    def __init__(
        self,
        context: Context,
        sections: tuple[Section, ...],
        options: WizardOptions,
        on_answer: Callable[[Answers], None] = lambda answers: None,
    ) -> None:
        self.context = context
        self.sections = sections
        self.steps = flatten(sections)
        self.presets = options.presets
        self.interactive = options.interactive
        self.on_answer = on_answer
        self.problems: list[str] = []  # with --no-input: every missing or bad option
        self.previous: Answers = {}  # answers being changed: offered as the suggestion
        self._hinted: set[str] = set()  # lists whose item hints have been shown

    @property
    def step_count(self) -> int:
        """The sections, and the last step: checking everything before the file is written."""
        return len(self.sections) + 1

    def run(self, answers: Answers) -> Answers:
        for number, section in enumerate(self.sections, start=1):
            if not any(self._unanswered(step, answers) for step in section.steps):
                continue
            if self.interactive:
                click.echo("")
                click.secho(f"Step {number} of {self.step_count}: {section.title}", bold=True)
                click.echo(section.intro)
            for step in section.steps:
                if self._unanswered(step, answers):
                    answers[step.name] = self._step(step, answers)
                    self.on_answer(answers)
        return answers

    def _unanswered(self, step: Step, answers: Answers) -> bool:
        if step.name in answers:
            return False
        return isinstance(step, ListQuestion) or step.ask_if is None or step.ask_if(answers)

    def _step(self, step: Step, answers: Answers) -> Any:
        if isinstance(step, ListQuestion):
            return self._list(step, answers)
        preset = self.presets.get(step.name)
        default = self._default(step, answers)
        if step.quiet and self.interactive and preset is None and default is not None:
            # A suggestion that is nearly always right is taken without a question; the
            # review at the end shows it and lets the person change it.
            value, problem = self._evaluate(
                step, answers, default, lambda value: {**answers, step.name: value}, step.path
            )
            if problem is None and step.name not in self.previous:
                click.echo(f"{step.prompt}: {default} (you can change it at the end)")
                return value
        return self._answer(
            step,
            answers,
            preset if isinstance(preset, str) else None,
            option=step.name,
            label=step.prompt,
            default=default,
            trial=lambda value: {**answers, step.name: value},
            schema_path=step.path,
            hint=step.hint,
        )

    def _default(self, step: Question, answers: Answers) -> str | None:
        if step.name in self.previous:  # an answer being changed: the old one is suggested
            return answer_text(self.previous[step.name])
        # Defaults may follow options given for later questions (--agency-name).
        return step.default(self.context, {**self.presets, **answers}) if step.default else None

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
                prompt_suffix="? " if asks(label) else ": ",
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
            click.echo("Choose one (type its number or its name):")
            for number, choice in enumerate(choices, start=1):
                label = f"  ({choice.label})" if choice.label else ""
                click.echo(f"  {number:>2}. {choice.value}{label}")
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
        suggested = self._suggested_item(step, answers, items)
        if suggested is not None:
            return suggested
        current: dict[str, Any] = {}
        for position, question in enumerate(step.fields):
            default = self._item_default(step, answers, index, question.name)

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
                # The hints once per list, at the first item asked question by question.
                hint=self._item_hint(step, question) if step.name not in self._hinted else "",
                may_end=may_end and position == 0 and default is None,
                in_list=True,
            )
            if value is None:
                return None
            current[question.name] = value
        self._hinted.add(step.name)
        return current[step.fields[0].name] if single else current

    def _suggested_item(
        self, step: ListQuestion, answers: Answers, items: list[Any]
    ) -> dict[str, Any] | None:
        """A whole suggested item (the owner as the first moderator) confirmed in one answer,
        instead of pressing Enter at each of its questions."""
        index = len(items)
        if len(step.fields) == 1 or step.name in self.previous or step.item_default is None:
            return None
        texts = {
            question.name: step.item_default(self.context, answers, index, question.name)
            for question in step.fields
        }
        if any(text is None for text in texts.values()):
            return None
        item: dict[str, Any] = {}
        for question in step.fields:
            value, problem = self._evaluate(
                question,
                {**answers, step.name: [*items, item]},
                str(texts[question.name]),
                lambda value, name=question.name: {  # type: ignore[misc]
                    **answers,
                    step.name: [*items, {**item, name: value}],
                },
                step.path,
                in_list=True,
            )
            if problem is not None:
                return None
            item[question.name] = value
        shown = ", ".join(str(texts[question.name]) for question in step.fields)
        if click.confirm(f"{step.item.capitalize()} {index + 1}: {shown}. Is that right", True):
            return item
        return None

    def _item_default(
        self, step: ListQuestion, answers: Answers, index: int, field: str
    ) -> str | None:
        before = self.previous.get(step.name)
        if isinstance(before, list) and index < len(before):  # a list being changed
            item = before[index]
            return answer_text(item.get(field) if isinstance(item, dict) else item)
        if step.item_default is None:
            return None
        return step.item_default(self.context, answers, index, field)

    def _item_hint(self, step: ListQuestion, question: Question) -> str:
        if question.hint is not None:
            return question.hint
        return self.context.description((*step.path, 0, *(question.path or ())))

    def _preset_item(
        self, step: ListQuestion, answers: Answers, items: list[Any], text: str, number: int
    ) -> Any:
        parts = [part.strip() for part in text.split("|")] if len(step.fields) > 1 else [text]
        if len(parts) != len(step.fields):
            self._preset_problem(
                step, text, f"it has {plural(len(parts), 'part')}. {step.option_help}"
            )
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


def asks(prompt: str) -> bool:
    return prompt.split(" ", 1)[0].lower() in _QUESTION_WORDS


def answer_text(value: Any) -> str:
    """An answer as it would be typed: yes/no, a number, the words of a list."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(answer_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(answer_text(item) for item in value.values())
    return "" if value is None else str(value)
