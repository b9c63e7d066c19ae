"""What a rule is, what it yields, and the registry that holds them all."""

from __future__ import annotations

import datetime
import difflib
import functools
import importlib
import pkgutil
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeGuard, TypeVar

from socialreg import codes
from socialreg.findings import Severity
from socialreg.load.documents import Document, JsonPath
from socialreg.load.model import Record, RecordSummary, Repository
from socialreg.load.org_units import units_of
from socialreg.wording import FEW

if TYPE_CHECKING:
    from socialreg.load.gitbase import BaseTree

T = TypeVar("T")

# "input": a code that the loader, the schemas or the repository produce (SR0xx). It is
# registered for `socialreg rules` and `explain`, but the engine never runs it.
Scope = Literal["account", "campaign", "any", "input"]


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule found: the document, the place in it, and a message for people."""

    document: Document
    path: JsonPath
    message: str
    # Some problems are only worth a warning even when the rule is an error, like a unit's
    # second account on a platform. The policy can still make them quieter, never louder.
    at_most: Severity | None = None


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may look at besides the record it is checking."""

    repository: Repository
    today: datetime.date
    options: Mapping[str, Any]
    # The records as they were at `validate --base REF`; None when no base was given, and
    # change-aware rules then skip what they cannot know instead of guessing.
    base: BaseTree | None = None

    @property
    def policy(self) -> dict[str, Any]:
        return self.repository.org_data("policy")

    @property
    def organization(self) -> dict[str, Any]:
        return self.repository.org_data("organization")

    def derived(self, name: str, build: Callable[[Repository], T]) -> T:
        """A lookup built once per repository from its index and shared by every record."""
        cache = self.repository.derived
        if name not in cache:
            cache[name] = build(self.repository)
        value: T = cache[name]
        return value

    @property
    def units(self) -> Mapping[str, Any]:
        return units_of(self.repository.org_data("units"))


Check = Callable[[Record, RuleContext], Iterator[Problem]]
# A check of the repository as a whole, run once per validation, for problems that have no
# record to belong to (a deleted file).
RepositoryCheck = Callable[[RuleContext], Iterator[Problem]]


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
    # Whether the rule compares with the base commit (`--base`); its waivers are never called
    # stale, because whether it fires depends on the change being checked.
    change_aware: bool = False
    check_repository: RepositoryCheck | None = None
    # Whether what the rule finds in a record depends on other records (the index), so that a
    # change to one record can give an untouched record a finding (see check/differential.py).
    compares_records: bool = False
    # For a rule that compares records: the record's top-level keys it reads, or the part of
    # one it reads (`decision.related_accounts`). Such rules run after every record is loaded,
    # on what a record keeps of itself (check/engine.py: the rest is let go, so memory does
    # not grow with the size of the records).
    reads: tuple[str, ...] = ()
    # For a rule that compares records: a lookup it derives from the index (`derived`), which
    # a large run may build while the workers still send their entries (`EarlyLookup`).
    early_lookup: EarlyLookupMaker | None = None

    @property
    def runs(self) -> bool:
        """Whether the engine runs this rule (input codes are only documented here)."""
        return self.scope != "input"

    @property
    def waivable(self) -> bool:
        """Problems with the file itself (SR0xx) and the waiver rule cannot be waived."""
        return self.runs and not self.code.startswith("SR0") and self.code != "SR301"


_REGISTRY: dict[str, Rule] = {}


def register(
    *,
    code: str,
    scope: Scope,
    rationale: str,
    source: str,
    passing: str,
    failing: str,
    severity: Severity = Severity.ERROR,
    options: Mapping[str, Any] | None = None,
    change_aware: bool = False,
    compares_records: bool = False,
    reads: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Decorator that registers a check function as rule `code`, titled as `socialreg.codes`
    says."""

    def decorate(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"rule {code} is registered twice")
        if compares_records and not reads:
            raise ValueError(f"rule {code} compares records: say which keys it reads")
        _REGISTRY[code] = Rule(
            code,
            codes.title(code),
            scope,
            severity,
            rationale.strip(),
            source,
            passing.strip(),
            failing.strip(),
            check,
            dict(options or {}),
            change_aware,
            compares_records=compares_records,
            reads=reads,
        )
        return check

    return decorate


def register_repository_check(code: str) -> Callable[[RepositoryCheck], RepositoryCheck]:
    """Decorator that adds a whole-repository check to the already registered rule `code`."""

    def decorate(check: RepositoryCheck) -> RepositoryCheck:
        _REGISTRY[code] = replace(_REGISTRY[code], check_repository=check)
        return check

    return decorate


class EarlyLookup(Protocol):
    """A rule's derived lookup, built from the index entries as they arrive.

    A large check loads records in forked workers, and the parent waits for their entries on
    both busy cores; the rules that compare records then run on one core, after. Work that a
    rule's lookup can do entry by entry is better done in the wait: it then shares the two
    cores instead of holding up the one.
    """

    def add(self, summaries: Iterable[RecordSummary]) -> None:
        """Take these entries (of any kind) into the lookup."""

    def finished(self, repository: Repository) -> object | None:
        """The lookup, once `repository` is indexed; None when it is not the one `derived`
        would build from that index (the rule then builds it there, as in a small run)."""


@dataclass(frozen=True, slots=True)
class EarlyLookupMaker:
    name: str  # the lookup's name in `RuleContext.derived`
    start: Callable[[], EarlyLookup]


def register_early_lookup(code: str, name: str, start: Callable[[], EarlyLookup]) -> None:
    """Let the already registered rule `code` have its lookup `name` built early (see
    `EarlyLookup`)."""
    _REGISTRY[code] = replace(_REGISTRY[code], early_lookup=EarlyLookupMaker(name, start))


def _no_check(record: Record, context: RuleContext) -> Iterator[Problem]:
    """Input codes are found while loading; there is nothing left to check per record."""
    yield from ()


def register_input(*, code: str, rationale: str, source: str, passing: str, failing: str) -> None:
    """Document a code that the loader, the schemas or the repository produce."""
    register(
        code=code,
        scope="input",
        rationale=rationale,
        source=source,
        passing=passing,
        failing=failing,
    )(_no_check)


_imported = False


def _import_rule_modules() -> None:
    # A flag, not an empty registry, says whether this ran: importing one rule module directly
    # (the engine imports the waivers) must not hide the others.
    global _imported
    import socialreg.rules as package

    _imported = True
    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "base":
            importlib.import_module(f"socialreg.rules.{module.name}")
    # SR301 is registered by the engine's waiver step, which lives beside the engine.
    importlib.import_module("socialreg.check.waivers")


def all_rules() -> list[Rule]:
    if not _imported:
        _import_rule_modules()
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def get_rule(code: str) -> Rule | None:
    all_rules()
    return _REGISTRY.get(code.upper())


# --- small helpers the rules share --------------------------------------------------------------


def mapping(data: Any, key: str) -> dict[str, Any]:
    """`data[key]` when it is a mapping, else {} (the schema reports the wrong shape)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def is_count(value: Any) -> TypeGuard[int]:
    """A whole number, not YAML's true/false (which Python counts as numbers)."""
    return isinstance(value, int) and not isinstance(value, bool)


# A message lists the organisation's choices (units, platforms, sender accounts) in full only
# while there are few; with more, it names the closest few, so a message never grows with the
# organisation (5,000 units made an 83 KB message that the pull request comment had to drop).
MAX_LISTED_CHOICES = 8


def choices_hint(
    context: RuleContext, name: str, value: str, choices: Collection[str], what: str
) -> str:
    """ " Did you mean x?" and what to choose from, for a `value` that is not among `choices`.

    `what` names the choices in a sentence ("Units", "Platforms"). The answer for each distinct
    value is worked out once per run (`name` keeps them apart), because comparing a value with
    thousands of choices takes milliseconds.
    """
    memo = context.derived(f"{name}.choices_hint", lambda _repository: dict[str, str]())
    if value not in memo:
        memo[value] = _choices_hint(value, choices, what)
    return memo[value]


def _choices_hint(value: str, choices: Collection[str], what: str) -> str:
    ordered = sorted(choices)
    close = close_matches(value, ordered, MAX_LISTED_CHOICES)
    suggestion = f" Did you mean {close[0]}?" if close else ""
    if not ordered:
        return suggestion
    if len(ordered) <= MAX_LISTED_CHOICES:
        return f"{suggestion} {what}: {', '.join(ordered)}."
    if len(close) > 1:
        return f"{suggestion} Others like it: {', '.join(close[1:])} ({len(ordered)} in all)."
    return f"{suggestion} ({len(ordered)} to choose from.)"


# difflib compares a value with every choice, and ranking 5,000 unit names that look alike
# ("unit-00042") took 0.1-0.3 s per value. Choices that share no three letters in a row with
# the value are never close, so difflib ranks only the few that share the most, found through
# an index of the choices' three-letter pieces made once per list.
_RANKED = 50


def close_matches(value: str, choices: list[str], most: int, cutoff: float = 0.6) -> list[str]:
    """The choices most like `value`, best first, as difflib.get_close_matches finds them."""
    if len(choices) > _RANKED and len(value) >= 3:
        ordered = tuple(choices)
        index = _trigram_index(ordered)
        shared = Counter(chain.from_iterable(index.get(piece, ()) for piece in _trigrams(value)))
        choices = [ordered[number] for number, _ in shared.most_common(_RANKED)]
    return difflib.get_close_matches(value, choices, n=most, cutoff=cutoff)


@functools.lru_cache(maxsize=16)
def _trigram_index(choices: tuple[str, ...]) -> dict[str, list[int]]:
    """Each three-letter piece, and the positions of the choices that have it."""
    index: dict[str, list[int]] = {}
    for number, choice in enumerate(choices):
        for piece in _trigrams(choice):
            index.setdefault(piece, []).append(number)
    return index


def _trigrams(text: str) -> set[str]:
    folded = text.casefold()
    return {folded[index : index + 3] for index in range(len(folded) - 2)}


def some_choices(context: RuleContext, value: str, choices: list[str]) -> tuple[list[str], int]:
    """The choices a message shows and how many it leaves out: all of them while there are
    few (MAX_LISTED_CHOICES), else the few most like `value` (or the first few), so a message
    never grows with the organisation. Worked out once per run for each value and list."""
    if len(choices) <= MAX_LISTED_CHOICES:
        return choices, 0
    memo = context.derived("some_choices", lambda _repository: dict[Any, list[str]]())
    key = (value, tuple(choices))
    if key not in memo:
        close = close_matches(value, choices, FEW, cutoff=0.4) if value else []
        memo[key] = (close + [choice for choice in choices if choice not in close])[:FEW]
    shown = memo[key]
    return shown, len(choices) - len(shown)


def listed_choices(context: RuleContext, value: str, choices: list[str]) -> str:
    """ "a, b, c": every choice while there are few; else "a, b, c and 12 more", the three
    most like `value` first (see some_choices)."""
    shown, left = some_choices(context, value, choices)
    return ", ".join(shown) + (f" and {left:,} more" if left else "")


def suggest_code(text: str, codes: list[str]) -> str | None:
    """The code someone probably meant: `SR1O5` (a letter O) is SR105, `sr105` is SR105."""
    cleaned = text.strip().upper()
    if cleaned[:2] == "SR":
        cleaned = "SR" + cleaned[2:].translate(str.maketrans("OILS", "0115"))
    if cleaned in codes:
        return cleaned
    close = difflib.get_close_matches(cleaned, codes, n=1, cutoff=0.6)
    return close[0] if close else None
