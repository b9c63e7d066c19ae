"""Git's view as the last sync saw it, kept in the index store for the next sync
(check/context_store.py): the listing of every tracked record file (load/git_view.py), and the
files Git did not vouch for then.

The listing is 7 MB at 60,000 files, and staging one file changes one line of it. Writing it
all again on each run took 50 ms of the 0.5 s that a one-file check may take. So the store
holds a base listing, written only now and then, and the change from the base to the last
sync's listing: the bytes between what the two share at their start and at their end. Working
on one file, or on a few files near each other, makes a change of a few hundred bytes; a change
over more than a sixteenth of the listing writes a new base instead.

Each base has a random token, and a change holds the token of the base it was made from.

A sync's rows and its view are right together only when the view it started from was still
the store's when it wrote. Another run may have synced in between (staged files, written a new
base). So a sync's write says what it read (`KeptView.as_read`, the small values: the base's
token, the change, the loose files), and the store writes the new view only if those are still
there (index_store.StoreWriter.finish). Otherwise it stores no view, and the next sync looks
at every folder, as a first sync does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from typing import Any, NamedTuple

from socialreg.load.git_view import common_ends
from socialreg.load.index_store import IndexStore

LISTING = "git-listing"  # the base listing
LISTING_TOKEN = "git-listing-token"  # the base's token (hexadecimal text)
LISTING_CHANGE = "git-listing-change"  # token + b"<start> <end>\n" + the bytes between
LOOSE = "git-loose"  # the files Git did not vouch for at the last sync (JSON list)
# What a sync writes when it did not look at Git's view: the next one has none to start from.
NO_VIEW: dict[str, Any] = {LISTING: None, LISTING_TOKEN: None, LISTING_CHANGE: None, LOOSE: None}

_TOKEN_SIZE = 16  # hexadecimal digits
_NEW_BASE_FROM = 16  # a change over more than 1/16 of the listing writes a new base


class KeptView(NamedTuple):
    """What the store holds of the last sync's view."""

    listing: bytes | None  # Git's listing then; None when there is none to start from
    loose: str | None  # the files Git did not vouch for then (JSON list)
    base: bytes | None  # the stored base listing: a change is made against it
    token: str | None  # the base's token
    as_read: dict[str, Any]  # the small values as read, for the write to compare


def kept_view(store: IndexStore) -> KeptView:
    """The view the last sync kept, all of it as one write left it (one read)."""
    values = store.values(LISTING, LISTING_TOKEN, LISTING_CHANGE, LOOSE)
    as_read = {name: values[name] for name in (LISTING_TOKEN, LISTING_CHANGE, LOOSE)}
    base, token, change, loose = (values[name] for name in NO_VIEW)
    if not isinstance(base, bytes) or not isinstance(token, str) or not isinstance(loose, str):
        return KeptView(None, None, None, None, as_read)
    listing = base if change is None else _changed(base, token, change)
    return KeptView(listing, loose, base, token, as_read)


def view_to_keep(listing: bytes, unvouched: Iterable[str], kept: KeptView) -> dict[str, Any]:
    """The values to write for this sync's view (Git's `listing`, the files it did not vouch
    for), or nothing when the view is the one kept."""
    loose = json.dumps(sorted(unvouched))
    if listing == kept.listing and loose == kept.loose:
        return {}
    values: dict[str, Any] = {LOOSE: loose}
    if listing != kept.listing:
        values.update(_listing_values(listing, kept))
    return values


def _listing_values(listing: bytes, kept: KeptView) -> dict[str, Any]:
    if kept.base is not None and kept.token is not None:
        start, end = common_ends(listing, kept.base)
        # The bytes that differ on either side: lines removed count as much as lines added.
        differing = max(len(listing), len(kept.base)) - start - end
        if differing * _NEW_BASE_FROM <= len(listing):
            between = listing[start : len(listing) - end]
            return {LISTING_CHANGE: b"%s%d %d\n%s" % (kept.token.encode(), start, end, between)}
    token = secrets.token_hex(_TOKEN_SIZE // 2)
    return {LISTING: listing, LISTING_TOKEN: token, LISTING_CHANGE: None}


def _changed(base: bytes, token: str, change: object) -> bytes | None:
    """The base with the change made, or None when the change is not of this base or not a
    change at all."""
    if not isinstance(change, bytes) or change[:_TOKEN_SIZE] != token.encode():
        return None
    line_end = change.find(b"\n", _TOKEN_SIZE)
    start_text, _, end_text = change[_TOKEN_SIZE : max(line_end, 0)].partition(b" ")
    if not (start_text.isdigit() and end_text.isdigit()):
        return None
    start, end = int(start_text), int(end_text)
    if start + end > len(base):
        return None
    return b"".join((base[:start], change[line_end + 1 :], base[len(base) - end :]))
