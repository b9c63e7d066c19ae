"""A place in a record said in words: `moderators[0]` is "the first moderator".

People count from one, and they do not read JSON paths; messages and the wizard use this
instead of `dotted()` wherever a list position is part of the place.
"""

from __future__ import annotations

import re

from socialreg.wording import ordinal

JsonPath = tuple[str | int, ...]  # as in load.documents, which imports this module's users

# What one item of each list in the schemas is called.
_ITEM_NAMES = {
    "moderators": "moderator",
    "goals": "goal",
    "audiences": "audience",
    "editors": "editor",
    "waivers": "waiver",
    "related_accounts": "related account",
    "supervisors": "supervisor",
    "positions": "position",
    "comms_reviewers": "communications reviewer",
    "email_domains": "e-mail domain",
    "senders": "sender",
}


def in_words(path: JsonPath) -> str:
    """`owner.email` stays a key in backticks; a list position becomes words."""
    last_index = max((at for at, part in enumerate(path) if isinstance(part, int)), default=-1)
    if last_index < 0:
        return f"`{dotted(path)}`" if path else "the file"
    index = path[last_index]
    assert isinstance(index, int)
    holder = path[:last_index]
    list_name = str(holder[-1]) if holder else ""
    item = _ITEM_NAMES.get(list_name)
    if item is not None and all(not isinstance(part, int) for part in holder):
        phrase = f"the {ordinal(index)} {item}"
    else:
        phrase = f"the {ordinal(index)} item of `{dotted(holder)}`"
    rest = path[last_index + 1 :]
    return f"`{dotted(rest)}` of {phrase}" if rest else phrase


_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def parse_json_path(text: str) -> JsonPath:
    """`$.moderators[1].email` -> ("moderators", 1, "email")."""
    return tuple(
        int(index) if index else key for key, index in _PART.findall(text.removeprefix("$"))
    )


def dotted(path: JsonPath) -> str:
    """`monitoring.response_time_hours`, `moderators[1].email`."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return text.removeprefix(".")


def sentence_start(text: str) -> str:
    """Capitalise a message that starts with a place in words ("the first goal ...")."""
    return text[:1].upper() + text[1:] if text.startswith("the ") else text
