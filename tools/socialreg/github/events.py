"""Which pull requests a GitHub event asks the approval gate to evaluate again.

Every event that can change the verdict leads here (workflows/approvals.yml):

- `pull_request_target` (or `pull_request`): opened, synchronize, reopened, edited (the base may
  have changed), ready_for_review -> that pull request;
- `workflow_run` of "Review submitted" (a review submitted, edited or dismissed) -> the open
  pull requests whose head is the run's head commit (GitHub does not name them for forks);
- `push` to the default branch (org/ changed: who holds the keys may have changed) -> every
  open pull request;
- `merge_group` -> the pull request at the end of the merge queue's group, and the result is
  also written on the group's commit, which the queue checks before it merges.

The payload is read defensively: it is GitHub's, but a wrong shape gives one clear message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

PULL_ACTIONS = frozenset({"opened", "synchronize", "reopened", "edited", "ready_for_review"})
REVIEW_ACTIONS = frozenset({"submitted", "edited", "dismissed"})
_SHA = re.compile(r"[0-9a-f]{40}")
# gh-readonly-queue/main/pr-123-<base sha>: the merge queue's branch for pull request 123.
_QUEUE_REF = re.compile(r"(?:refs/heads/)?gh-readonly-queue/.+/pr-([1-9][0-9]{0,9})-[0-9a-f]{40}")


class EventError(Exception):
    """The event cannot be read; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Target:
    kind: Literal["pull", "head", "all_open", "merge_group", "none"]
    number: int = 0
    sha: str = ""
    reason: str = ""


def read_payload(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EventError(f"cannot read the event file {path}: {error}") from None
    if not isinstance(data, dict):
        raise EventError(f"the event file {path} does not hold a JSON object")
    return data


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise EventError("the event names no pull request number")


def _sha(value: Any) -> str:
    if isinstance(value, str) and _SHA.fullmatch(value):
        return value
    raise EventError("the event names no usable commit")


def target_for(event_name: str, payload: dict[str, Any], default_branch: str) -> Target:
    """What to evaluate for one event; `Target("none")` says why nothing is to be done."""
    action = payload.get("action")
    if event_name in ("pull_request", "pull_request_target"):
        if action not in PULL_ACTIONS:
            return Target("none", reason=f"a pull request was {action}; nothing to check")
        return Target("pull", _number(_dig(payload, "pull_request", "number")))
    if event_name == "pull_request_review":
        if action not in REVIEW_ACTIONS:
            return Target("none", reason=f"a review was {action}; nothing to check")
        return Target("pull", _number(_dig(payload, "pull_request", "number")))
    if event_name == "workflow_run":
        return Target("head", sha=_sha(_dig(payload, "workflow_run", "head_sha")))
    if event_name == "push":
        if payload.get("ref") != f"refs/heads/{default_branch}":
            return Target("none", reason="a push to another branch changes no verdict")
        return Target("all_open", reason="the default branch changed")
    if event_name == "merge_group":
        group = payload.get("merge_group")
        match = _QUEUE_REF.fullmatch(str(_dig(group, "head_ref") or ""))
        if match is None:
            raise EventError("the merge group's branch does not name a pull request")
        return Target("merge_group", int(match[1]), _sha(_dig(group, "head_sha")))
    return Target("none", reason=f"the event {event_name!r} does not concern approvals")
