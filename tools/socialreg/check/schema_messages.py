"""Explain why a document does not match its schema, in words for the people who fill it in.

Only documents that are not valid come here, so jsonschema (and its import time) is only paid
for when something is wrong. jsonschema finds every error with its location; `best_match`
picks the most useful one among alternatives; this module turns each into a `Finding` with
its own code: SR010 unknown key, SR011 missing key, SR012 wrong value (and SR006 for dates and
SR007 for YAML's surprises).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from socialreg import limits
from socialreg.characters import describe, first_refused
from socialreg.check.schemas import is_regex
from socialreg.codes import INVALID_DATE, MISSING_KEY, UNKNOWN_KEY, WRONG_VALUE, YAML_SURPRISE
from socialreg.dates import is_real_date
from socialreg.findings import Finding
from socialreg.load.documents import Document, JsonPath
from socialreg.load.places import in_words, sentence_start
from socialreg.patterns import python_pattern, url_pattern_problem

_FORMAT_CHECKER = FormatChecker()
_FORMAT_CHECKER.checks("date")(is_real_date)  # as the fast validator reads them
_FORMAT_CHECKER.checks("regex")(is_regex)


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`pattern` as JSON Schema (and the fast validator) means it: see socialreg.patterns."""
    if validator.is_type(instance, "string") and not python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"pattern": _ecma_pattern}
)


def detailed_validator(schema: dict[str, Any], sources: dict[str, Any]) -> Draft202012Validator:
    """jsonschema's validator for `schema`, resolving refs among the schema files `sources`."""
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(content)) for name, content in sources.items()
    )
    validator: Draft202012Validator = _Validator(
        schema, registry=registry, format_checker=_FORMAT_CHECKER
    )
    return validator


def explain(validator: Draft202012Validator, document: Document) -> list[Finding]:
    schema = validator.schema
    root: dict[str, Any] = schema if isinstance(schema, dict) else {}
    findings = (
        finding
        for error in validator.iter_errors(document.data)
        for finding in _explain(error, document, root)
    )
    # A value can fail several keywords (pattern and format) with the same message.
    return list(dict.fromkeys(findings))


def _explain(error: ValidationError, document: Document, root: dict[str, Any]) -> list[Finding]:
    if error.context:
        error = best_match(error.context) or error
    path: JsonPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties":  # every unknown key, each at its own line
        return [
            document.finding(where, rule, message)
            for rule, message, where in _unknown_keys_described(error, path)
        ]
    rule, message, where = _describe(error, path, document, _property_schema(error, root))
    return [document.finding(where, rule, message)]


def _property_schema(error: ValidationError, root: dict[str, Any]) -> dict[str, Any]:
    """The schema of the property itself, where its description for people is.

    `error.schema` is the schema that failed, which for `{"$ref": ..., "description": ...}` is
    the shared definition; its own description ("A piece of plain text") says less.
    """
    node: Any = root
    for step in error.absolute_schema_path:
        if step == "$ref" or not isinstance(node, dict | list):
            return node if isinstance(node, dict) else {}
        try:
            node = node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            # The step is inside a referenced definition: `node` is the property's schema.
            return node if isinstance(node, dict) else {}
    return error.schema if isinstance(error.schema, dict) else {}


def _describe(
    error: ValidationError, path: JsonPath, document: Document, own: dict[str, Any]
) -> tuple[str, str, JsonPath]:
    """The rule code, a message for people, and the path to point at."""
    name = sentence_start(in_words(path)) if path else "The file"
    keyword = str(error.validator)
    schema = error.schema if isinstance(error.schema, dict) else {}

    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        key = error.instance
        place = f"in {in_words(path)}" if path else "at the top level"
        return (
            WRONG_VALUE,
            f"The key `{key}` {place} is not in the expected form."
            + _also(schema.get("description", "")),
            (*path, key),
        )
    if keyword == "required":
        key = _missing_key(error)
        described = _property_description(schema, key)
        container = in_words(path) if path else "the file"
        return (
            MISSING_KEY,
            f"`{key}` is missing from {container}. Add it{described}",
            path,
        )
    surprise = document.plain_scalars.get(path)
    if surprise is not None and keyword in ("type", "enum", "pattern") and _wants_text(schema):
        return (
            YAML_SURPRISE,
            f"{name} is written `{surprise}`, which YAML reads as "
            f"{_yaml_reading(error.instance)}, not as text. Put it in quotes: "
            f'{path[-1] if path else "value"}: "{surprise}"',
            path,
        )
    if _is_date_schema(schema) and keyword == "format" and _is_iso_date(error.instance):
        return (
            INVALID_DATE,
            f"{name} is {error.instance}, outside the dates a record can use "
            f"({limits.DATE_RANGE_TEXT}). Write the real date.",
            path,
        )
    if keyword == "format" and error.validator_value == "regex":
        problem = url_pattern_problem(str(error.instance)) or "it is not a pattern"
        return WRONG_VALUE, f"{name} is {_show(error.instance)}: {problem}.", path
    if _is_date_schema(schema) and keyword in ("format", "pattern"):
        return (
            INVALID_DATE,
            f"{name} is {error.instance!r}, which is not a date written YYYY-MM-DD "
            "(for example 2026-03-31).",
            path,
        )
    control = _control_character(error, keyword, schema)
    if control is not None:
        is_key = "propertyNames" in error.absolute_schema_path
        where: JsonPath = (*path, str(error.instance)) if is_key else path
        subject = f"The key `{error.instance}`" if is_key else name
        return WRONG_VALUE, f"{subject} {control}", where
    return WRONG_VALUE, _wrong_value(name, keyword, error, schema, own), path


def _unknown_keys_described(
    error: ValidationError, path: JsonPath
) -> Iterator[tuple[str, str, JsonPath]]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = sorted(schema.get("properties", {}))
    place = f"in {in_words(path)}" if path else "at the top level"
    for key in _unknown_keys(error):
        hint = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        suggestion = f" Did you mean `{hint[0]}`?" if hint else ""
        listing = f" Known keys here: {', '.join(known)}." if known and not hint else ""
        yield (
            UNKNOWN_KEY,
            f"`{key}` is not a known key {place}.{suggestion}{listing} "
            "Unknown keys are errors so that a typo cannot silently drop a value.",
            (*path, key),
        )


def _control_character(error: ValidationError, keyword: str, schema: dict[str, Any]) -> str | None:
    """What to say about a control character or line break in a text, if that is the problem."""
    if keyword not in ("not", "pattern", "format") or not isinstance(error.instance, str):
        return None
    refused = schema.get("not", {}).get("pattern", "") if keyword == "not" else ""
    one_line = keyword != "not" or "\\u000a" in refused
    character = first_refused(error.instance, one_line)
    if character is None:
        return None
    if character == "\n":
        return (
            "contains a line break (U+000A), but it must be one line. Remove the line break "
            "(in quotes it may be written \\n)."
        )
    return (
        f"contains {describe(character)}, an invisible control character. Delete it (in quotes "
        "it may be written as an escape such as \\0, \\e or \\x01)."
    )


def _is_iso_date(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _unknown_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return sorted(key for key in instance if key not in known)


_REQUIRED_MESSAGE = re.compile(r"^(['\"])(?P<key>.*)\1 is a required property$")


def _missing_key(error: ValidationError) -> str:
    """The key this error is about: jsonschema reports each missing key in its own error,
    as "'key' is a required property"."""
    match = _REQUIRED_MESSAGE.match(error.message)
    if match:
        return match.group("key")
    instance = error.instance if isinstance(error.instance, dict) else {}
    required = error.validator_value if isinstance(error.validator_value, list) else []
    return next((str(key) for key in required if key not in instance), "?")


def _property_description(schema: dict[str, Any], key: str) -> str:
    description = schema.get("properties", {}).get(key, {}).get("description")
    return f": {description}" if description else "."


def _wants_text(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "string" or "pattern" in schema:
        return True
    enum = schema.get("enum")
    return isinstance(enum, list) and all(isinstance(item, str) for item in enum)


def _is_date_schema(schema: dict[str, Any]) -> bool:
    return schema.get("format") == "date"


def _yaml_reading(value: Any) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if value is None:
        return "an empty value"
    if isinstance(value, int | float):
        return f"the number {value}"
    return "something else"


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list (lines starting with `- `)",
    "object": "a group of `key: value` lines",
    "null": "empty",
}


def _wrong_value(
    name: str,
    keyword: str,
    error: ValidationError,
    schema: dict[str, Any],
    own: dict[str, Any],
) -> str:
    value: Any = error.validator_value
    shown = _show(error.instance)
    description = schema.get("description", "")
    what_it_is = own.get("description", description)
    if keyword == "enum":
        return f"{name} is {shown}; it must be one of {', '.join(map(str, value))}."
    if keyword == "const":
        return f"{name} must be {value}."
    if keyword == "type":
        wanted = value if isinstance(value, list) else [value]
        words = " or ".join(_TYPE_WORDS.get(str(item), str(item)) for item in wanted)
        return f"{name} must be {words}, but it is {shown}." + _how_to_write(error, schema)
    if keyword in ("minItems", "minProperties"):
        return f"{name} must not be empty." + _also(what_it_is)
    if keyword == "minLength" or (keyword == "pattern" and value == "\\S"):
        return f"{name} must not be empty." + _also(what_it_is)
    if keyword in ("minimum", "exclusiveMinimum"):
        bound = "at least" if keyword == "minimum" else "more than"
        return f"{name} is {shown}; it must be {bound} {value}."
    if keyword == "maximum":
        return f"{name} is {shown}; it must be at most {value}."
    if keyword == "uniqueItems":
        return f"{name} lists the same item twice; keep each once."
    if keyword in ("pattern", "format"):
        return f"{name} is {shown}, which is not in the expected form." + _also(description)
    if keyword == "propertyNames":
        return f"{name} has a key that is not in the expected form." + _also(description)
    return f"{name}: {error.message}."  # pragma: no cover - keywords our schemas do not use


def _how_to_write(error: ValidationError, schema: dict[str, Any]) -> str:
    """What to type instead, for the shapes people get wrong by hand: a list written on one
    line, and a person written as a plain name."""
    path = list(error.absolute_path)
    key = str(path[-1]) if path and isinstance(path[-1], str) else "the key"
    if schema.get("type") == "array" and isinstance(error.instance, str):
        items = [item.strip() for item in error.instance.split(",") if item.strip()]
        lines = "`, `".join(f"  - {item}" for item in items[:3])
        return (
            f" It is written on one line. Write `{key}:` alone on its line and each item on a "
            f"line of its own below it, indented by two spaces: `{lines}`."
        )
    keys = list(schema.get("required", [])) if schema.get("type") == "object" else []
    if keys and isinstance(error.instance, str | int | float):
        first, *others = keys
        more = " and ".join(f"`{other}:`" for other in others)
        also = f", with {more} on the lines below it, lined up with `{first}`" if more else ""
        return f" Write its parts as `key: value` lines: `{first}: {error.instance}`{also}."
    return ""


def _also(description: str) -> str:
    return f" Expected: {description}" if description else ""


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a group of keys"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return str(value)
