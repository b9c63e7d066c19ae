"""The one Markdown escaper for everything socialreg writes to GitHub.

The pull request comment, the approvals summary, the check's text, the job summaries and the
audit issues all show text that someone else wrote: record fields, unit folder names, file
paths, logins. Each piece goes through one of these functions, so no text can ping a person
(`@name`, also spelled `&commat;name`), link an issue (`#12`), become a link (`www.example`,
`https://...`), open HTML (`<img>`, `</details>`) or leave its table cell or line. An e-mail
address stays as written, so that it can be copied; GitHub shows it as a link to write to it:

- `escape`: prose. Whitespace (line breaks included) becomes one space; HTML characters become
  entities, so `&commat;` stays those eight characters; Markdown's special characters get a
  backslash; `@` and `#` before a letter or digit get an invisible zero-width joiner.
- `escape_message`: like `escape`, but what a message puts in backticks stays code;
  `escape_message_within` also shortens the message (its start kept, and a note) so that what
  is shown has at most a given length. It shortens the message, then escapes it: a cut never
  falls inside an escape or an entity, and a code span cut in two is shown as plain text.
- `code_span`: a name or path shown exactly, as code (GitHub links and pings nothing in code).
- `login`: a GitHub login shown as `@name` without pinging its owner.
- `link`: a Markdown link only when the address cannot break out of it.
"""

from __future__ import annotations

import re

from socialreg.findings import shortened

ZERO_WIDTH_JOINER = "\u200d"
_PING = re.compile(r"(?<![A-Za-z0-9_])([@#])(?=[A-Za-z0-9])")
# `:` and the dot of `www.` are escaped so that addresses in record text are not made links.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$!:])")
# Not only after a word boundary: GitHub also links "www." right after "_" or "*".
_WWW = re.compile(r"(?i)(?<![a-z0-9])(www)\.")
_SPACE = re.compile(r"\s+")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# An address that can stand in `[text](address)` inside a table cell: no spaces, brackets,
# parentheses, angle brackets, quotes, backslashes or pipes.
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9_\-.~:/?#@!$&*+,;=%]+")


def escape(text: str) -> str:
    """Text that shows as itself in Markdown, on one line, inside a table cell."""
    text = _SPACE.sub(" ", text)
    text = _PING.sub(lambda match: match.group(1) + ZERO_WIDTH_JOINER, text)
    text = _SPECIAL.sub(r"\\\1", text)
    text = _WWW.sub(r"\1\\.", text)
    return "".join(_ENTITIES.get(character, character) for character in text)


def escape_message(text: str) -> str:
    """Like `escape`, but what the message puts in single backticks stays a code span."""
    parts = " ".join(text.split()).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: there is no code to keep
        return escape(text)
    pieces = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pieces.append(escape(part))
        elif part.strip():
            pieces.append(code_span(part))
        else:
            pieces.append(escape(f"`{part}`"))
    return "".join(pieces)


def escape_message_within(text: str, limit: int) -> str:
    """`escape_message(text)`, from a shortened `text` when it would be longer than `limit`."""
    shown = escape_message(text)
    if len(shown) <= limit:
        return shown
    # Escaping can lengthen text up to five times (`&` is `&amp;`): find the longest start of
    # the message whose escaped form, with the note, fits.
    shortest, longest = 0, len(text)
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if len(escape_message(shortened(text, middle))) <= limit:
            shortest = middle
        else:
            longest = middle - 1
    return escape_message(shortened(text, shortest))


def code_span(text: str) -> str:
    """A code span that holds `text` exactly: Markdown, HTML and mentions are inert inside."""
    text = _SPACE.sub(" ", text)  # a line break would end the table row
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # A pipe would still end the table cell, even inside code.
    inner = text.replace("|", "\\|")
    if inner.startswith("`") or inner.endswith("`") or longest:
        inner = f" {inner} "
    return f"{fence}{inner}{fence}"


def login(person: str) -> str:
    """A GitHub login as `@name` in code, so the comment names them without a notification."""
    return code_span("@" + person)


def link(text: str, url: str | None) -> str:
    """`text` (already Markdown) as a link to `url`; just `text` when the address is unsafe."""
    if url is None or _SAFE_URL.fullmatch(url) is None:
        return text
    return f"[{text}]({url})"
