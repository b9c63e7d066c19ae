"""Check documents against the JSON Schemas in `schemas/` and explain errors in plain words.

Two validators per schema, for speed: a compiled one (fastjsonschema) answers "valid or not"
for every file in about a tenth of the time, and jsonschema explains only the files that are
not valid, with locations and `best_match`. A test keeps the two in agreement on every case.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from socialreg.findings import Finding
from socialreg.loader import INVALID_DATE, YAML_SURPRISE, Document, JsonPath, dotted

UNKNOWN_KEY = "SR010"
MISSING_KEY = "SR011"
WRONG_VALUE = "SR012"

COMMON = "common.schema.json"
KINDS = ("account", "campaign", "organization", "units", "policy")


class SchemaError(Exception):
    """A schema file is missing or broken: the tool cannot run, which is an internal error."""


def _is_real_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMAT_CHECKER = FormatChecker()
_FORMAT_CHECKER.checks("date")(_is_real_date)


# A run that checks fewer files than this skips compiling the fast validator (about 25 ms a
# schema), which only pays for itself over many files.
FAST_AFTER = 40
LARGE_DOCUMENT = 100_000  # characters


class _Schema:
    """One schema: jsonschema for explanations, a compiled validator once the run is large."""

    def __init__(
        self, kind: str, document: dict[str, Any], common: dict[str, Any], registry: Registry[Any]
    ) -> None:
        self.kind = kind
        self.document = document
        Draft202012Validator.check_schema(document)
        self.detailed = Draft202012Validator(
            document, registry=registry, format_checker=_FORMAT_CHECKER
        )
        self._common = common
        self._fast: Callable[[Any], Any] | None = None
        self._uses = 0

    def fast(self, large: bool) -> Callable[[Any], Any] | None:
        self._uses += 1
        if self._fast is None and (large or self._uses > FAST_AFTER):
            self._fast = self.compile_fast()
        return self._fast

    def prepare(self) -> None:
        if self._fast is None:
            self._fast = self.compile_fast()

    def compile_fast(self) -> Callable[[Any], Any]:
        try:
            return fastjsonschema.compile(
                _bundle(self.document, self._common),
                formats={"date": _is_real_date, "regex": _is_regex},
            )
        except (fastjsonschema.JsonSchemaDefinitionException, re.error, ValueError) as error:
            raise SchemaError(f"{self.kind}.schema.json is not valid: {error}") from error


class SchemaSet:
    """The schemas of one repository, compiled once per run."""

    def __init__(self, directory: Path) -> None:
        sources = {}
        for path in sorted(directory.glob("*.schema.json")):
            try:
                sources[path.name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise SchemaError(f"{path} cannot be read as JSON: {error}") from error
        missing = [kind for kind in (*KINDS, "common") if f"{kind}.schema.json" not in sources]
        if missing:
            raise SchemaError(
                f"{directory} lacks {', '.join(f'{kind}.schema.json' for kind in missing)}"
            )
        registry: Registry[Any] = Registry().with_resources(
            (name, Resource.from_contents(content)) for name, content in sources.items()
        )
        try:
            self._schemas = {
                kind: _Schema(kind, sources[f"{kind}.schema.json"], sources[COMMON], registry)
                for kind in KINDS
            }
        except jsonschema.exceptions.SchemaError as error:
            raise SchemaError(f"a schema in {directory} is not valid: {error.message}") from error

    def schema(self, kind: str) -> dict[str, Any]:
        return self._schemas[kind].document

    def validators(self, kind: str) -> _Schema:
        return self._schemas[kind]

    def prepare_for_many(self) -> None:
        """Compile the fast validators now, for example before forking workers that share them."""
        for schema in self._schemas.values():
            schema.prepare()

    def check(self, document: Document, kind: str) -> list[Finding]:
        schema = self._schemas[kind]
        # jsonschema takes seconds for an org/ file listing thousands of units.
        fast = schema.fast(large=len(document.text) > LARGE_DOCUMENT)
        if fast is not None:
            try:
                fast(document.data)
            except fastjsonschema.JsonSchemaException:
                pass  # not valid: jsonschema explains below
            else:
                return []
        findings = (
            _explain(error, document, schema.document)
            for error in schema.detailed.iter_errors(document.data)
        )
        # A value can fail several keywords (pattern and format) with the same message.
        return list(dict.fromkeys(findings))


def _is_regex(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _bundle(schema: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """One self-contained draft-07 schema for fastjsonschema, with every `$ref` written out.

    fastjsonschema cannot follow refs to other files, and for each ref it follows it formats an
    error-path string even when nothing is wrong, which was a fifth of the checking time.
    Our schemas are not recursive, so each ref is replaced by the definition it names; a `$ref`
    keeps any sibling keywords, which only describe. The keywords we use mean the same in
    draft-07 and 2020-12.
    """
    definitions = {**common.get("$defs", {}), **schema.get("$defs", {})}

    def inline(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(child, seen) for child in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        result = {key: inline(child, seen) for key, child in node.items() if key != "$ref"}
        if isinstance(ref, str):
            name = ref.rpartition("/")[2]
            if name not in definitions or name in seen:
                raise SchemaError(f"cannot inline the reference {ref}")
            result = {**inline(definitions[name], (*seen, name)), **result}
        return result

    bundled = inline({key: value for key, value in schema.items() if key != "$defs"}, ())
    bundled["$schema"] = "http://json-schema.org/draft-07/schema#"
    return bundled  # type: ignore[no-any-return]


# --- turning jsonschema's errors into findings ------------------------------------------------


def _explain(error: ValidationError, document: Document, root: dict[str, Any]) -> Finding:
    if error.context:
        error = best_match(error.context) or error
    path: JsonPath = tuple(error.absolute_path)
    rule, message, where = _describe(error, path, document, _property_schema(error, root))
    return document.finding(where, rule, message)


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
    name = f"`{dotted(path)}`" if path else "The file"
    keyword = str(error.validator)
    schema = error.schema if isinstance(error.schema, dict) else {}

    if keyword == "additionalProperties":
        unknown = _unknown_keys(error)
        known = sorted(schema.get("properties", {}))
        key = unknown[0] if unknown else "?"
        where = (*path, key)
        hint = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        suggestion = f" Did you mean `{hint[0]}`?" if hint else ""
        place = f"in `{dotted(path)}`" if path else "at the top level"
        listing = f" Known keys here: {', '.join(known)}." if known and not hint else ""
        return (
            UNKNOWN_KEY,
            f"`{key}` is not a known key {place}.{suggestion}{listing} "
            "Unknown keys are errors so that a typo cannot silently drop a value.",
            where,
        )
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        key = error.instance
        place = f"in `{dotted(path)}`" if path else "at the top level"
        return (
            WRONG_VALUE,
            f"The key `{key}` {place} is not in the expected form."
            + _also(schema.get("description", "")),
            (*path, key),
        )
    if keyword == "required":
        key = _missing_key(error)
        described = _property_description(schema, key)
        container = f"`{dotted(path)}`" if path else "the file"
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
    if _is_date_schema(schema) and keyword in ("format", "pattern"):
        return (
            INVALID_DATE,
            f"{name} is {error.instance!r}, which is not a date written YYYY-MM-DD "
            "(for example 2026-03-31).",
            path,
        )
    return WRONG_VALUE, _wrong_value(name, keyword, error, schema, own), path


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
        return f"{name} must be {words}, but it is {shown}."
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
