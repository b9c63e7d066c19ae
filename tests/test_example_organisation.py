"""The example organisation is the demo, the documentation by example and the test data."""

from __future__ import annotations

from pathlib import Path

import yaml

from .conftest import EXAMPLE as REPOSITORY
from .conftest import REPOSITORY as PROJECT

RECORDS = sorted(
    [
        *REPOSITORY.glob("accounts/*/*.yaml"),
        *REPOSITORY.glob("campaigns/*/*.yaml"),
        *REPOSITORY.glob("org/*.yaml"),
    ]
)


def _data(path: Path) -> dict[str, object]:
    loaded = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # every value as text
    assert isinstance(loaded, dict)
    return loaded


def test_every_file_names_its_schema_for_editors() -> None:
    for path in RECORDS:
        first = path.read_text().splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        # The fixture is a copy of a repository's records: the address leads, from where the
        # file is in the repository, to the project's schemas/.
        in_repository = (path.parent / first[len(prefix) :]).resolve().relative_to(REPOSITORY)
        schema = PROJECT / in_repository
        assert schema.is_file(), f"{path}: {schema}"
        kind = {"accounts": "account", "campaigns": "campaign"}.get(
            path.parent.parent.name, path.stem
        )
        assert schema.name == f"{kind}.schema.json", path


def test_the_example_covers_what_the_documentation_promises() -> None:
    accounts = [_data(p) for p in REPOSITORY.glob("accounts/*/*.yaml")]
    campaigns = [_data(p) for p in REPOSITORY.glob("campaigns/*/*.yaml")]
    units = _data(REPOSITORY / "org" / "units.yaml")["units"]
    assert isinstance(units, dict) and len(units) >= 3
    assert len(accounts) >= 8
    assert len({a["platform"] for a in accounts}) >= 5
    assert {a["status"] for a in accounts} == {"requested", "pilot", "active", "paused", "archived"}
    assert len(campaigns) >= 3
    assert {"ended", "live", "approved"} <= {c["status"] for c in campaigns}
