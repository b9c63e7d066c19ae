"""The questions behind `socialreg new`, and the record file that the answers make.

Pure: nothing here prompts or prints. A `Question` knows where its answer goes in the record,
how to turn typed text into a value and how to check it; `socialreg.wizard.asker` does the
asking. Each answer is checked by the same JSON Schema that `validate` uses (the partial record
is checked and only the findings about that answer are kept), plus the context checks that only
the organisation's files can answer (a known unit, a free handle, an e-mail domain).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from socialreg.check.engine import rule_settings, run_rules
from socialreg.check.schemas import COMMON
from socialreg.codes import MISSING_KEY
from socialreg.dates import as_date
from socialreg.findings import Finding, Severity
from socialreg.load.documents import Document, JsonPath, json_path_text
from socialreg.load.model import Record, RecordKind, RecordSummary, Repository
from socialreg.wording import a_or_an

Answers = dict[str, Any]
Kind = Literal["text", "integer", "number", "yesno", "date", "choice", "words", "github", "url"]
ChoicesFn = Callable[["Context", Answers], "list[Choice]"]
DefaultFn = Callable[["Context", Answers], "str | None"]
CheckFn = Callable[["Context", Answers, Any], "str | None"]
ToValueFn = Callable[["Context", Any], Any]

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
_YES = frozenset({"y", "yes", "true"})
_NO = frozenset({"n", "no", "false"})


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    """One answer: a prompt in plain words and the place in the record it fills."""

    name: str  # the option name (`--owner-email`) and the key in the answers
    prompt: str
    path: JsonPath | None = None  # None: the answer steers the questions but is not written
    kind: Kind = "text"
    hint: str | None = None  # shown before the prompt; default: the schema's description
    choices: ChoicesFn | None = None
    default: DefaultFn | None = None
    check: CheckFn | None = None
    optional: bool = False  # an empty answer leaves the key out
    ask_if: Callable[[Answers], bool] | None = None
    to_value: ToValueFn | None = None  # answer -> the value written in the record
    # Take the suggestion without asking (the review at the end can change it).
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class ListQuestion:
    """A list of items, each one answer or a group of answers (a person, a goal)."""

    name: str  # key in the answers: a list of values, or of {field name: value}
    option: str  # the repeatable option, `--moderator "Name | e-mail | GitHub user name"`
    item: str  # what one item is called in prompts: "moderator"
    path: JsonPath
    fields: tuple[Question, ...]
    minimum: Callable[[Context], int] = lambda context: 0
    # Turns the items into the record's value; default: the list itself.
    build: Callable[[list[Any]], Any] | None = None
    item_default: Callable[[Context, Answers, int, str], str | None] | None = None

    @property
    def option_help(self) -> str:
        if len(self.fields) == 1:
            return f"{a_or_an(self.item).capitalize()} (repeat the option for more)."
        parts = " | ".join(question.prompt.split(" (")[0].lower() for question in self.fields)
        return f'{a_or_an(self.item).capitalize()}, written "{parts}" (repeat the option for more).'


Step = Question | ListQuestion


@dataclass(frozen=True, slots=True)
class Section:
    """A group of questions, in the order of the source documents' checklists.

    The wizard asks one section at a time ("Step 2 of 6: People"), and before the first it
    lists every section's `have_ready`, so nobody has to stop halfway to look something up.
    The issue forms are generated from the same table, so they ask in the same order.
    """

    title: str
    intro: str
    have_ready: tuple[str, ...]
    steps: tuple[Step, ...]


def flatten(sections: tuple[Section, ...]) -> tuple[Step, ...]:
    return tuple(step for section in sections for step in section.steps)


@dataclass(slots=True)
class Context:
    """What the questions may look at: the organisation's files and the records already there."""

    root: Path
    kind: RecordKind
    today: datetime.date
    repository: Repository
    rule_options: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    # The shared schema definitions, for descriptions and for which values are dates.
    common: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, repository: Repository, kind: RecordKind, today: datetime.date) -> Context:
        settings = rule_settings(repository.org_data("policy"))
        options = {code: setting.options for code, setting in settings.items()}
        common_path = repository.root / "schemas" / COMMON
        common = json.loads(common_path.read_text(encoding="utf-8"))
        return cls(repository.root, kind, today, repository, options, common)

    @property
    def organization(self) -> dict[str, Any]:
        return self.repository.org_data("organization")

    @property
    def policy(self) -> dict[str, Any]:
        return self.repository.org_data("policy")

    @property
    def units(self) -> dict[str, Any]:
        units = self.repository.org_data("units").get("units")
        return units if isinstance(units, dict) else {}

    @property
    def accounts(self) -> dict[str, RecordSummary]:
        return self.repository.accounts

    @property
    def campaigns(self) -> dict[str, RecordSummary]:
        return self.repository.campaigns

    def option(self, code: str, name: str, fallback: Any) -> Any:
        return self.rule_options.get(code, {}).get(name, fallback)

    def description(self, path: JsonPath) -> str:
        """The schema's description of the value at `path` (list indexes skipped)."""
        node: Any = self.repository.schemas.schema(self.kind)
        common = self.common
        description = ""
        for part in path:
            if isinstance(part, int):
                node = node.get("items", {}) if isinstance(node, dict) else {}
            else:
                node = _resolve(node, common).get("properties", {}).get(part, {})
            description = node.get("description", "") if isinstance(node, dict) else ""
            node = _resolve(node, common) if isinstance(node, dict) else {}
            if not description and isinstance(node, dict):
                description = node.get("description", "")
        return str(description)


def _resolve(node: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """Follow `common.schema.json#/$defs/...` references, keeping the local description."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or "#/$defs/" not in ref:
        return node
    target = common.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {})
    merged: dict[str, Any] = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return merged


# --- turning typed text into values -----------------------------------------------------------


class Rejected(Exception):
    """An answer that cannot be used; the message says what to write instead."""


def convert(question: Question, text: str, context: Context, answers: Answers) -> Any:
    """The typed text as a value of the question's kind, or `Rejected`."""
    text = text.strip()
    if question.kind == "integer":
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            raise Rejected(f"Write a whole number, like 24 (not {text!r}).") from None
    if question.kind == "number":
        try:
            number = float(text.replace(" ", "").replace(",", ""))
        except ValueError:
            raise Rejected(f"Write a number without spaces, like 25000 (not {text!r}).") from None
        return int(number) if number.is_integer() else number
    if question.kind == "yesno":
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise Rejected(f"Answer yes or no (not {text!r}).")
    if question.kind == "date":
        if as_date(text) is None:
            raise Rejected(
                f"{text!r} is not a date written YYYY-MM-DD; for example "
                f"{context.today.isoformat()}."
            )
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise Rejected(
                f"Write the date as YYYY-MM-DD, for example {context.today.isoformat()}."
            )
        return text
    if question.kind == "github":
        # People write @anna-berg as they would mention someone; the record keeps anna-berg.
        return text.lstrip("@").lower()
    if question.kind == "words":
        words = [word.strip() for word in re.split(r"[,\s]+", text) if word.strip()]
        if not words:
            raise Rejected("Write at least one, separated by commas.")
        return words
    if question.kind == "choice" and question.choices is not None:
        return _choose(question.choices(context, answers), text)
    if question.kind == "url":
        return complete_url(text)
    return text


def _choose(choices: list[Choice], text: str) -> str:
    """A choice by its value, its number in the list shown, or its displayed name."""
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1].value
    wanted = text.casefold()
    for choice in choices:
        if choice.value.casefold() == wanted:
            return choice.value
    named = [choice for choice in choices if choice.label and choice.label.casefold() == wanted]
    if len(named) == 1:
        return named[0].value
    if not choices:
        raise Rejected(f"{text!r} is not one of the choices, and there are none to choose from.")
    listed = ", ".join(choice.value for choice in choices)
    raise Rejected(
        f"{text!r} is not one of the choices. Write its number (1 to {len(choices)}) or one of: "
        f"{listed}."
    )


# Quotes and invisible characters that come along when text is copied from a word processor
# or a web page; they never belong in an address.
_PASTED = str.maketrans(
    "", "", "\u201c\u201d\u2018\u2019\u00ab\u00bb\u200b\u200c\u200d\u2060\ufeff\"'<>"
)


def complete_url(text: str) -> str:
    """An address as people paste or type it, made whole: `www.x.com/a` -> `https://www.x.com/a`.

    An address with another scheme (http://) is left as it is, so the schema can say why it
    is refused instead of the wizard quietly changing what was meant.
    """
    cleaned = text.translate(_PASTED).strip()
    if cleaned and "://" not in cleaned and "." in cleaned.split("/", 1)[0]:
        return "https://" + cleaned
    return cleaned


# --- building the record and checking answers against the schema -----------------------------


def record_value(step: Step, context: Context, answer: Any) -> Any:
    """The value written in the record for one step's answer."""
    if isinstance(step, Question):
        return step.to_value(context, answer) if step.to_value else answer
    items = []
    for item in answer:
        if len(step.fields) == 1 and not step.fields[0].path:
            only = step.fields[0]
            items.append(only.to_value(context, item) if only.to_value else item)
            continue
        built: dict[str, Any] = {}
        for question in step.fields:
            if question.name in item and question.path is not None:
                value = item[question.name]
                _set(
                    built,
                    question.path,
                    question.to_value(context, value) if question.to_value else value,
                )
        items.append(built)
    return step.build(items) if step.build else items


def build_record(steps: tuple[Step, ...], context: Context, answers: Answers) -> dict[str, Any]:
    """The record the answers so far make, keys in the schema's order."""
    record: dict[str, Any] = {}
    for step in steps:
        if step.name not in answers or step.path is None:
            continue
        value = answers[step.name]
        if isinstance(step, Question) and value is None:
            continue
        _set(record, step.path, record_value(step, context, value))
    result: dict[str, Any] = ordered(record, context.repository.schemas.schema(context.kind))
    return result


def _set(target: dict[str, Any], path: JsonPath, value: Any) -> None:
    node = target
    for part in path[:-1]:
        node = node.setdefault(str(part), {})
    node[str(path[-1])] = value


def ordered(value: Any, schema: Mapping[str, Any]) -> Any:
    """A mapping with its keys in the order the schema lists them (for a readable file)."""
    if not isinstance(value, dict):
        return value
    properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    rank = {key: number for number, key in enumerate(properties)}
    keys = sorted(value, key=lambda key: rank.get(key, len(rank)))
    return {key: ordered(value[key], properties.get(key, {})) for key in keys}


def schema_problem(
    context: Context, record: dict[str, Any], path: JsonPath, inside_only: bool = False
) -> str | None:
    """What the schema says about the value at `path` (or inside it), if anything.

    The partial record lacks keys not yet asked for, so "missing" findings are left out; so
    is, with `inside_only`, what is said about a whole list while its items are being asked.
    """
    document = Document(f"{context.kind}s/new.yaml", record, "")
    prefix = json_path_text(path)
    for finding in context.repository.schemas.check(document, context.kind):
        if finding.rule == MISSING_KEY:
            continue
        if inside_only and finding.json_path == prefix:
            continue
        if _within(finding, prefix):
            return _plain(finding.message)
    return None


def policy_problems(
    context: Context,
    record: dict[str, Any],
    path: JsonPath,
    record_id: str,
    inside_only: bool = False,
) -> tuple[str | None, list[str]]:
    """What the policy rules say about the value at `path`: the first error, and warnings.

    The real rules run on the partial record, as `validate` would run them on the file, and
    only what they say about this answer counts; the keys not yet asked for are for later.
    """
    folder = "accounts" if context.kind == "account" else "campaigns"
    unit = str(record.get("unit") or "unit")
    prefix = json_path_text(path)
    error = None
    warnings = []
    for finding in rule_findings(context, record, f"{folder}/{unit}/{record_id}.yaml"):
        if not _within(finding, prefix):
            continue
        if inside_only and finding.json_path == prefix:
            continue
        if finding.severity is Severity.ERROR and error is None:
            error = finding.message
        elif finding.severity is Severity.WARNING:
            warnings.append(finding.message)
    return error, warnings


def rule_findings(context: Context, record: dict[str, Any], path: str) -> list[Finding]:
    """What the policy's rules say about `record` if it were the file at `path`, checked
    against the records already in the registry (a duplicate handle, a related account)."""
    document = Document(path, record, "")
    record_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    unit = str(record.get("unit") or "")
    partial = dataclasses.replace(
        context.repository, records=[Record(context.kind, record_id, unit, document)], findings=[]
    )
    return [finding for finding in run_rules(partial, context.today) if finding.path == path]


def _within(finding: Finding, prefix: str) -> bool:
    at = finding.json_path
    return at == prefix or at.startswith(prefix + ".") or at.startswith(prefix + "[")


def _plain(message: str) -> str:
    # Schema messages name the key (`handle` must not be empty); at a prompt, "This" reads better.
    return re.sub(r"^`[^`]+` ", "This ", message)


# --- the record file ---------------------------------------------------------------------------


class YamlDate(str):
    """A date written as a plain YAML date (2026-11-02), not quoted."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as the example records do.
        super().increase_indent(flow, False)


_Dumper.add_representer(
    YamlDate, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
)


def dates_marked(value: Any, schema: Mapping[str, Any], common: Mapping[str, Any]) -> Any:
    """Wrap date strings so that they are written unquoted, like the example records."""
    resolved = _resolve(dict(schema), dict(common)) if isinstance(schema, Mapping) else {}
    if isinstance(value, str) and resolved.get("format") == "date":
        return YamlDate(value)
    if isinstance(value, dict):
        properties = resolved.get("properties", {})
        return {
            key: dates_marked(item, properties.get(key, {}), common) for key, item in value.items()
        }
    if isinstance(value, list):
        items = resolved.get("items", {})
        return [dates_marked(item, items, common) for item in value]
    return value


def render(record: dict[str, Any], context: Context, command: str) -> str:
    """The record as YAML with the schema header and a comment above each key."""
    schemas = context.repository.schemas
    schema = schemas.schema(context.kind)
    marked = dates_marked(record, schema, context.common)
    lines = [
        f"# yaml-language-server: $schema=../../schemas/{context.kind}.schema.json",
        "#",
        f"# Written by `{command}` on {context.today.isoformat()}. Each `key: value` line below",
        "# has a comment that says what it means; `socialreg validate` checks the file.",
        "",
    ]
    for key, value in marked.items():
        description = context.description((key,))
        if description:
            lines.extend(f"# {line}" for line in textwrap.wrap(description, 96))
        text = yaml.dump(
            {key: value},
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=False,
        )
        lines.append(text.rstrip("\n"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def suggest_id(*parts: str) -> str:
    """A file name from words: "Example Library" + "instagram" -> example-library-instagram."""
    text = "-".join(part for part in parts if part)
    folded = (
        text.lower()
        .replace("å", "a")
        .replace("ä", "a")
        .replace("ö", "o")
        .replace("ø", "o")
        .replace("æ", "ae")
        .replace("é", "e")
        .replace("ü", "u")
        .replace("ß", "ss")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:60].strip("-")


def is_id(text: str) -> bool:
    return bool(_ID.match(text))
