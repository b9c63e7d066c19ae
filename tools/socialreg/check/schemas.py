"""Check documents against the JSON Schemas in `schemas/` and explain errors in plain words.

Two validators per schema, for speed: a compiled one (jsonschema-rs, in Rust) answers "valid
or not" for every file in about a fiftieth of the time, and jsonschema explains only the files
that are not valid, with locations and `best_match` (socialreg.check.schema_messages, imported only
then). A test keeps the two in agreement on every case.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema_rs

from socialreg.dates import is_real_date
from socialreg.findings import Finding
from socialreg.load.documents import Document
from socialreg.patterns import url_pattern_problem

COMMON = "common.schema.json"
KINDS = ("account", "campaign", "organization", "units", "policy")


class SchemaError(Exception):
    """A schema file is missing or broken: the tool cannot run, which is an internal error."""


class _Schema:
    """One schema, twice: a compiled validator that says whether a document is valid, and
    jsonschema, which explains the documents that are not."""

    def __init__(self, kind: str, document: dict[str, Any], sources: dict[str, Any]) -> None:
        self.kind = kind
        self.document = document
        self._sources = sources
        self._detailed: Any = None
        common = sources[COMMON]
        try:
            self.fast = jsonschema_rs.validator_for(
                _bundle(document, common),
                validate_formats=True,
                # The formats mean what they mean to jsonschema's FormatChecker, so that the
                # two validators agree: a real date, an @ in an address, a Python regex.
                formats={"date": is_real_date, "email": _has_at_sign, "regex": is_regex},
            )
        except ValueError as error:
            first_line = str(error).splitlines()[0]
            raise SchemaError(f"{kind}.schema.json is not valid: {first_line}") from error

    def is_valid(self, data: Any) -> bool:
        return bool(self.fast.is_valid(data))

    @property
    def detailed(self) -> Any:
        """jsonschema's validator, built the first time a document needs explaining."""
        if self._detailed is None:
            from socialreg.check.schema_messages import detailed_validator

            self._detailed = detailed_validator(self.document, self._sources)
        return self._detailed

    def explain(self, document: Document) -> list[Finding]:
        from socialreg.check.schema_messages import explain

        return explain(self.detailed, document)


class SchemaSet:
    """The schemas of one repository, compiled once per run."""

    def __init__(self, directory: Path) -> None:
        sources = {}
        digest = hashlib.blake2b(digest_size=8)
        for path in sorted(directory.glob("*.schema.json")):
            try:
                text = path.read_text(encoding="utf-8")
                sources[path.name] = json.loads(text)
            except (OSError, ValueError) as error:
                raise SchemaError(f"{path} cannot be read as JSON: {error}") from error
            digest.update(f"{path.name}\0{text}\0".encode())
        # Which schemas these are: what was found valid under them stays valid while it holds.
        self.fingerprint = digest.hexdigest()
        missing = [kind for kind in (*KINDS, "common") if f"{kind}.schema.json" not in sources]
        if missing:
            raise SchemaError(
                f"{directory} lacks {', '.join(f'{kind}.schema.json' for kind in missing)}"
            )
        # Compiling also checks each schema against the JSON Schema meta-schema.
        self._schemas = {
            kind: _Schema(kind, sources[f"{kind}.schema.json"], sources) for kind in KINDS
        }

    def schema(self, kind: str) -> dict[str, Any]:
        return self._schemas[kind].document

    def validators(self, kind: str) -> _Schema:
        return self._schemas[kind]

    def check(self, document: Document, kind: str) -> list[Finding]:
        schema = self._schemas[kind]
        if schema.is_valid(document.data):
            return []
        return schema.explain(document)


def _has_at_sign(value: object) -> bool:
    return not isinstance(value, str) or "@" in value


def is_regex(value: object) -> bool:
    """JSON Schema's `regex` format, as the rules run patterns: in RE2 (socialreg.patterns)."""
    return not isinstance(value, str) or url_pattern_problem(value) is None


def _bundle(schema: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """One self-contained schema for the compiled validator, with every `$ref` written out.

    The refs point into common.schema.json, another file; our schemas are not recursive, so
    each ref is replaced by the definition it names. Sibling keywords of a `$ref` only describe.
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
    bundled["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return bundled  # type: ignore[no-any-return]
