"""Is a pull request only opening an account that was already approved? ("go-live only")

The lifecycle of an account (README, "For people who request an account"):

1. a pull request adds the record with `status: requested`, for an account that does not exist
   on the platform yet; the supervisor and the communications office approve, and the merge is
   the approval;
2. the unit creates the account on the platform;
3. a follow-up pull request sets `status: active` (or `pilot`) and writes the real address.

Step 3 decides nothing new: the account, its purpose, its people and its unit were approved in
step 1. So it needs only the communications office's key, which checks that the address is
really the organisation's account, provided it changes nothing else: `status` (from `requested`
to `active` or `pilot`), `url`, `handle` and the platform identity (`platform_id`). Anything
more, or a renamed or moved file, is a normal change and needs both keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The keys that opening the account fills in; `platform_id` is the platform's own id for it.
GO_LIVE_KEYS = frozenset({"status", "url", "handle", "platform_id"})
LIVE_STATUSES = frozenset({"active", "pilot"})


def is_go_live_only(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """Whether the change from `before` (the record on the base branch) to `after` (the record
    in the pull request) only opens an approved request. None means the file is missing on
    that side (added or deleted), which is never go-live only."""
    if not isinstance(before, Mapping) or not isinstance(after, Mapping):
        return False
    status = after.get("status")
    if before.get("status") != "requested" or not isinstance(status, str):
        return False
    if status not in LIVE_STATUSES:
        return False
    kept = {key: value for key, value in before.items() if key not in GO_LIVE_KEYS}
    now = {key: value for key, value in after.items() if key not in GO_LIVE_KEYS}
    return kept == now and _same_types(kept, now)


def _same_types(left: Any, right: Any) -> bool:
    """Equal values of different types (1 and True, 1 and 1.0) count as a change."""
    if type(left) is not type(right):
        return False
    if isinstance(left, Mapping):
        return all(_same_types(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return all(_same_types(a, b) for a, b in zip(left, right, strict=True))
    return True
