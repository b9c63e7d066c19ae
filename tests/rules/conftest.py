"""Shared setup for the rule tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import socialreg.load.model
from socialreg.check.schemas import SchemaSet

_COMPILED: dict[tuple[tuple[str, bytes], ...], SchemaSet] = {}


def _cached_schema_set(directory: Path) -> SchemaSet:
    """Compiling the schemas takes most of a case's time; every case copies the same ones."""
    key = tuple((path.name, path.read_bytes()) for path in sorted(directory.glob("*.json")))
    if key not in _COMPILED:
        _COMPILED[key] = SchemaSet(directory)
    return _COMPILED[key]


@pytest.fixture(autouse=True, scope="session")
def _compile_schemas_once() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socialreg.load.model, "SchemaSet", _cached_schema_set)
        yield
