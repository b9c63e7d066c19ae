"""The kinds of files a registry holds and where the org/ files are: constants that the code
asking Git and the file system early (load/look_ahead.py) needs without the YAML loader."""

from __future__ import annotations

from typing import Literal

RecordKind = Literal["account", "campaign"]
ORG_FILES = {
    "organization": "org/organization.yaml",
    "units": "org/units.yaml",
    "policy": "org/policy.yaml",
}
