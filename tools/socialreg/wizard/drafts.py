"""The answers of an unfinished request, kept so that nobody has to start over.

The wizard saves the answers after every question to a file in `.socialreg-cache/`, which
git ignores (the answers hold names and e-mail addresses that do not belong in a commit
before the person chooses to write the record). After Ctrl+C, a closed terminal or an
answer that needs looking up, the next `socialreg new` offers to continue. The file is
removed when the record is written or the person chooses to start over.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialreg.load.index_cache import CACHE_FOLDER
from socialreg.wizard.form import Answers, ListQuestion, Step

_VERSION = 1


@dataclass(frozen=True, slots=True)
class Draft:
    answers: Answers
    saved: str  # when, for the question "continue the request you stopped on ...?"


def draft_path(root: Path, kind: str) -> Path:
    return root / CACHE_FOLDER / f"new-{kind}-answers.json"


def save_draft(root: Path, kind: str, answers: Answers) -> None:
    """Write the answers so far; a failure to save never stops the questions."""
    path = draft_path(root, kind)
    saved = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    content = {"version": _VERSION, "kind": kind, "saved": saved, "answers": answers}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(content, ensure_ascii=False, indent=1), "utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def load_draft(root: Path, kind: str, steps: Mapping[str, Step]) -> Draft | None:
    """The saved answers, or None when there are none or the file cannot be used."""
    try:
        content: Any = json.loads(draft_path(root, kind).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or content.get("version") != _VERSION:
        return None
    answers = content.get("answers")
    if not isinstance(answers, dict):
        return None
    # Only answers of the right shape are kept (the file may be old or edited by hand); a
    # dropped answer is simply asked again.
    kept = {
        name: value
        for name, value in answers.items()
        if name in steps and _fits(steps[name], value)
    }
    return Draft(kept, str(content.get("saved", ""))) if kept else None


def _fits(step: Step, value: Any) -> bool:
    if isinstance(step, ListQuestion):
        return isinstance(value, list) and all(
            isinstance(item, str | dict) and _plain(item) for item in value
        )
    return _plain(value) and not isinstance(value, list | dict)


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return value is None or isinstance(value, str | int | float | bool)


def discard_draft(root: Path, kind: str) -> None:
    draft_path(root, kind).unlink(missing_ok=True)
