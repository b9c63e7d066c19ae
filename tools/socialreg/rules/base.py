"""What a rule is, what it yields, and the registry that holds them all."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from socialreg.findings import Severity
from socialreg.loader import Document, JsonPath
from socialreg.repository import Record, Repository

Scope = Literal["account", "campaign", "any"]


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule found: the document, the place in it, and a message for people."""

    document: Document
    path: JsonPath
    message: str


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may look at besides the record it is checking."""

    repository: Repository
    today: datetime.date
    options: Mapping[str, Any]

    @property
    def policy(self) -> dict[str, Any]:
        return self.repository.org_data("policy")

    @property
    def organization(self) -> dict[str, Any]:
        return self.repository.org_data("organization")

    @property
    def units(self) -> dict[str, Any]:
        units: dict[str, Any] = self.repository.org_data("units").get("units", {})
        return units


Check = Callable[[Record, RuleContext], Iterator[Problem]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule. Its documentation is what `socialreg explain CODE` prints."""

    code: str
    title: str
    scope: Scope
    severity: Severity
    rationale: str
    source: str
    passing: str
    failing: str
    check: Check
    options: Mapping[str, Any] = field(default_factory=dict)


_REGISTRY: dict[str, Rule] = {}


def register(
    *,
    code: str,
    title: str,
    scope: Scope,
    rationale: str,
    source: str,
    passing: str,
    failing: str,
    severity: Severity = Severity.ERROR,
    options: Mapping[str, Any] | None = None,
) -> Callable[[Check], Check]:
    """Decorator that registers a check function as rule `code`."""

    def decorate(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"rule {code} is registered twice")
        _REGISTRY[code] = Rule(
            code,
            title,
            scope,
            severity,
            rationale.strip(),
            source,
            passing.strip(),
            failing.strip(),
            check,
            dict(options or {}),
        )
        return check

    return decorate


def _import_rule_modules() -> None:
    import socialreg.rules as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "base":
            importlib.import_module(f"socialreg.rules.{module.name}")


def all_rules() -> list[Rule]:
    if not _REGISTRY:
        _import_rule_modules()
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def get_rule(code: str) -> Rule | None:
    all_rules()
    return _REGISTRY.get(code.upper())
