"""Shared setup for the rule tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import socialreg.check.pipeline
from socialreg.check.schemas import SchemaSet

_COMPILED: dict[tuple[tuple[str, bytes], ...], SchemaSet] = {}


def _cached_schema_set(directory: Path) -> SchemaSet:
    """Compiling the schemas takes most of a case's time; every case copies the same ones."""
    key = tuple((path.name, path.read_bytes()) for path in sorted(directory.glob("*.json")))
    if key not in _COMPILED:
        _COMPILED[key] = SchemaSet(directory)
    return _COMPILED[key]


@pytest.fixture(autouse=True)
def _compile_schemas_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Function-scoped, so the patch ends with each test of this folder and never reaches
    # another test module.
    monkeypatch.setattr(socialreg.check.pipeline, "SchemaSet", _cached_schema_set)
