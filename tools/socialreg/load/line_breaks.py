"""Read U+2028, U+2029 and NEL as ordinary characters, as editors and YAML 1.2 do.

PyYAML follows YAML 1.1, where these three characters break lines. Editors and GitHub do not
show a line break there, so a pasted U+2028 in a comment made the parser read the rest of the
comment as data, and shifted the line number of every later finding. Before parsing, each of
them is swapped for a private-use character that the text does not contain (the same length,
so every line and column stays where the editor shows it); after parsing, the values get the
original characters back, for the schema to refuse by name.
"""

from __future__ import annotations

import yaml

_YAML_11_BREAKS = "\x85\u2028\u2029"
_PRIVATE_USE = range(0xE000, 0xF900)


def protect(text: str) -> tuple[str, dict[int, int] | None]:
    """`text` with the YAML 1.1-only line breaks swapped, and the table that swaps them back
    (None when the text has none, which is nearly always)."""
    present = [character for character in _YAML_11_BREAKS if character in text]
    if not present:
        return text, None
    stand_ins = (chr(code) for code in _PRIVATE_USE if chr(code) not in text)
    forward = {ord(character): next(stand_ins) for character in present}
    back = {ord(stand_in): chr(code) for code, stand_in in forward.items()}
    return text.translate(forward), {key: ord(value) for key, value in back.items()}


def restore(node: yaml.Node | None, back: dict[int, int]) -> None:
    """Give every scalar under `node` (keys included) its original characters back."""
    seen: set[int] = set()
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            current.value = current.value.translate(back)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                pending += (key, value)
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)


def editor_lines(text: str) -> list[str]:
    """The lines of `text` as an editor numbers them: split at CR LF, CR or LF only
    (str.splitlines also splits at form feeds, U+2028 and others)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
