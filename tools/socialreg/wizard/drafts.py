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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialreg.load.index_cache import CACHE_FOLDER
from socialreg.wizard.form import Answers

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


def load_draft(root: Path, kind: str) -> Draft | None:
    """The saved answers, or None when there are none or the file cannot be used."""
    try:
        content: Any = json.loads(draft_path(root, kind).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or content.get("version") != _VERSION:
        return None
    answers = content.get("answers")
    if not isinstance(answers, dict) or not answers:
        return None
    return Draft(answers, str(content.get("saved", "")))


def discard_draft(root: Path, kind: str) -> None:
    draft_path(root, kind).unlink(missing_ok=True)
