"""What a loaded registry repository is: its org/ files, its records and an index of them all.

A `Repository` is what the rules, the site, CODEOWNERS and the GitHub bot read: the three
`org/` files, the records that were loaded in full, and an index of every record in the
repository (id, path and the few keys that cross-file rules compare), so that checking one
changed file still knows about all the others. How it gets filled is `check.pipeline`'s job.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from socialreg.findings import Finding
from socialreg.identity.keys import IdentityKeys
from socialreg.load.documents import Document
from socialreg.load.kinds import ORG_FILES, RecordKind

__all__ = [
    "INDEX_KEYS",
    "ORG_FILES",
    "Record",
    "RecordKind",
    "RecordSummary",
    "Repository",
    "Schemas",
]
# The keys of a record that other records refer to; the index keeps just these.
INDEX_KEYS = ("platform", "handle", "url", "name", "unit", "status", "sender", "platform_id")


class Schemas(Protocol):
    """The compiled schemas, as loading needs them (`check.schemas.SchemaSet` is one)."""

    def check(self, document: Document, kind: str) -> list[Finding]: ...

    def schema(self, kind: str) -> dict[str, Any]: ...


@dataclass(slots=True)
class Record:
    """An account or campaign file that loaded as a mapping."""

    kind: RecordKind
    id: str
    folder_unit: str
    document: Document
    # An account's identity keys, when they were made already (see RecordSummary.identity).
    identity: IdentityKeys | None = None

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.document.data
        return data


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What the rest of the repository needs to know about a record it is not checking."""

    kind: RecordKind
    id: str
    path: str
    folder_unit: str
    fields: dict[str, Any]
    # An account's handle and addresses as the identity rules compare them, made once where the
    # record is loaded (see identity/keys.py); None for campaigns.
    identity: IdentityKeys | None = None

    def get(self, key: str) -> Any:
        return self.fields.get(key)


@dataclass(slots=True)
class Repository:
    root: Path
    schemas: Schemas
    organization: Document | None = None
    units: Document | None = None
    policy: Document | None = None
    # Records loaded in full: every record, or only the paths asked for.
    records: list[Record] = field(default_factory=list)
    # How many records the run checks in full; a parallel run holds them elsewhere (records is
    # then empty), so lookups built for the records checked must not judge by `records`.
    checked_in_full: int = 0
    # Every record of the repository, by kind and id, whether loaded in full or not.
    index: dict[RecordKind, dict[str, RecordSummary]] = field(
        default_factory=lambda: {"account": {}, "campaign": {}}
    )
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    # Lookups that rules build once from the index (handles by platform, for example), by name.
    derived: dict[str, Any] = field(default_factory=dict)
    # The id of every account, when the index holds only some of them (a check of a few files
    # indexes the records related to them): for suggestions among all accounts.
    all_account_ids: frozenset[str] | None = None

    def account_ids(self) -> Collection[str]:
        """The id of every account of the repository."""
        if self.all_account_ids is not None:
            return self.all_account_ids
        return self.index["account"].keys()

    def org_data(self, name: str) -> dict[str, Any]:
        """The data of an org/ file, or {} when it is missing or broken (findings say why)."""
        document = getattr(self, name)
        return document.data if document is not None and isinstance(document.data, dict) else {}

    @property
    def accounts(self) -> dict[str, RecordSummary]:
        return self.index["account"]

    @property
    def campaigns(self) -> dict[str, RecordSummary]:
        return self.index["campaign"]
