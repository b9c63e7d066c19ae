"""Git's view as the last sync saw it, kept in the index store for the next sync
(check/context_store.py): the listing of every tracked record file (load/git_view.py), and the
files Git did not vouch for then.

The listing is 7 MB at 60,000 files, and staging one file changes one line of it. Writing it
all again on each run took 50 ms of the 0.5 s that a one-file check may take. So the store
holds a base listing, written only now and then, and the change from the base to the last
sync's listing: the bytes between what the two share at their start and at their end. Working
on one file, or on a few files near each other, makes a change of a few hundred bytes; a change
over more than a sixteenth of the listing writes a new base instead.

The base carries a random token, and a change the token of its base. Another run may write a
new base between this run's reading of the old one and the writing of its change. Then the
tokens differ, and the next sync has no view to start from: it looks at every folder, as a
first sync does. It never applies a change to a base it was not made from.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from typing import Any, NamedTuple

from socialreg.load.git_view import common_ends
from socialreg.load.index_store import IndexStore

LISTING = "git-listing"  # the base: token + a listing
LISTING_CHANGE = "git-listing-change"  # token + b"<start> <end>\n" + the bytes between
LOOSE = "git-loose"  # the files Git did not vouch for at the last sync (JSON list)
# What a sync writes when it did not look at Git's view: the next one has none to start from.
NO_VIEW: dict[str, Any] = {LISTING: None, LISTING_CHANGE: None, LOOSE: None}

_TOKEN_SIZE = 16  # hexadecimal digits
_SPAN = re.compile(rb"([0-9]{1,12}) ([0-9]{1,12})\n")
_NEW_BASE_FROM = 16  # a change over more than 1/16 of the listing writes a new base


class KeptView(NamedTuple):
    """What the store holds of the last sync's view."""

    listing: bytes | None  # Git's listing then; None when there is none to start from
    loose: str | None  # the files Git did not vouch for then (JSON list)
    base: bytes | None  # the stored base (token and listing): a change is made against it


def kept_view(store: IndexStore) -> KeptView:
    """The view the last sync kept, as one write left it."""
    values = store.values(LISTING, LISTING_CHANGE, LOOSE)
    base, change, loose = values[LISTING], values[LISTING_CHANGE], values[LOOSE]
    if not isinstance(base, bytes) or len(base) < _TOKEN_SIZE:
        return KeptView(None, None, None)
    if change is None:
        listing: bytes | None = base[_TOKEN_SIZE:]
    else:
        listing = _changed(base, change)
    return KeptView(listing, loose if isinstance(loose, str) else None, base)


def view_to_keep(listing: bytes, unvouched: Iterable[str], kept: KeptView) -> dict[str, Any]:
    """The values to write for this sync's view (Git's `listing`, the files it did not vouch
    for), or nothing when the view is the one kept."""
    loose = json.dumps(sorted(unvouched))
    if listing == kept.listing and loose == kept.loose:
        return {}
    values: dict[str, Any] = {LOOSE: loose}
    if listing != kept.listing:
        values.update(_listing_values(listing, kept.base))
    return values


def _listing_values(listing: bytes, base: bytes | None) -> dict[str, Any]:
    if base is not None:
        token = base[:_TOKEN_SIZE]
        start, end = common_ends(listing, base[_TOKEN_SIZE:])
        between = listing[start : len(listing) - end]
        if len(between) * _NEW_BASE_FROM <= len(listing):
            return {LISTING_CHANGE: b"%s%d %d\n%s" % (token, start, end, between)}
    token = secrets.token_hex(_TOKEN_SIZE // 2).encode()
    return {LISTING: token + listing, LISTING_CHANGE: None}


def _changed(base: bytes, change: object) -> bytes | None:
    """The base's listing with the change made, or None when the change is not of this base
    (another run wrote a new base since it was made) or not a change at all."""
    if not isinstance(change, bytes) or change[:_TOKEN_SIZE] != base[:_TOKEN_SIZE]:
        return None
    span = _SPAN.match(change, _TOKEN_SIZE)
    if span is None:
        return None
    start, end = int(span[1]), int(span[2])
    if start + end > len(base) - _TOKEN_SIZE:
        return None
    return b"".join(
        (base[_TOKEN_SIZE : _TOKEN_SIZE + start], change[span.end() :], base[len(base) - end :])
    )
