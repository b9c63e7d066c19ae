"""The codes of problems found while reading files (SR001-SR013, SR016).

The loader, the schemas, the repository and the policy check produce these, not the rule
engine. They are registered here so that `socialreg rules` and `socialreg explain` cover every
code a user can see. They are always errors and cannot be waived or switched off: a file that
cannot be read correctly cannot be checked against the policy either.
"""

from __future__ import annotations

from socialreg.rules.base import register_input
from socialreg.sources import RECORD_FORMAT

register_input(
    code="SR001",
    rationale="""
A record is a small YAML text file. A binary file, a file in another encoding or a file of
several megabytes is almost always the wrong file added by mistake. A symbolic link, a named
pipe, a device or a socket where a file should be is never opened (a link could point outside
the repository, a pipe would block the check): it is reported here instead.
""",
    source=RECORD_FORMAT,
    passing="name: University Library   # saved as UTF-8",
    failing="(a PNG image saved as accounts/library/logo.yaml)",
)

register_input(
    code="SR002",
    rationale="""
Records are written in a web editor, where a tab, a missing space after a colon or an
unquoted `: ` inside a text is easy to type. The message points at the line and says what to
change.
""",
    source=RECORD_FORMAT,
    passing="""
name: "Library: news and opening hours"
""",
    failing="""
name: Library: news and opening hours
""",
)

register_input(
    code="SR003",
    rationale="""
When a key is written twice, YAML silently keeps one of the values. Which one was meant is a
question for the person who wrote it, so it is an error.
""",
    source=RECORD_FORMAT,
    passing="""
status: active
""",
    failing="""
status: active
status: paused
""",
)

register_input(
    code="SR004",
    rationale="""
A record file is one YAML mapping: not empty, not a list, not several documents split by `---`.
""",
    source=RECORD_FORMAT,
    passing="""
name: University Library
unit: library
""",
    failing="""
- name: University Library
- unit: library
""",
)

register_input(
    code="SR005",
    rationale="""
YAML anchors (`&`) and aliases (`*`) can make a few lines expand to billions of values and stop
every tool that reads the file. Records have no need for them; write the values out.
""",
    source=RECORD_FORMAT,
    passing="""
audiences:
  - Students
  - Researchers
""",
    failing="""
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
""",
)

register_input(
    code="SR006",
    rationale="""
Date rules (pilots, reviews, campaigns, waivers) compare dates, so every date must exist and be
written the same way: 2026-03-31, not 31/3/2026 or 2026-02-30.
""",
    source=RECORD_FORMAT,
    passing="""
review:
  last: 2026-02-28
""",
    failing="""
review:
  last: 2026-02-30
""",
)

register_input(
    code="SR007",
    rationale="""
YAML reads some unquoted words as other things: `no` and `yes` become false and true, `0123`
becomes a number. Where a text was meant, the message shows how to quote it.
""",
    source=RECORD_FORMAT,
    passing="""
name: "no"
""",
    failing="""
name: no
""",
)

register_input(
    code="SR010",
    rationale="""
A key the schema does not know is usually a typo (`moderator` for `moderators`). If it were
ignored, the value the person meant to give would silently be lost, so it is an error, with the
closest known key suggested.
""",
    source=RECORD_FORMAT,
    passing="""
monitoring:
  frequency: daily
""",
    failing="""
monitoring:
  frequncy: daily
""",
)

register_input(
    code="SR011",
    rationale="""
Every key the record format requires carries information a reviewer or the public needs: who
owns the account, who watches it, why it exists. The message says what to write.
""",
    source=RECORD_FORMAT,
    passing="""
privacy:
  personal_data_assessment: Dnr NU 2026/3318, in the records office's register
""",
    failing="""
privacy: {}
""",
)

register_input(
    code="SR012",
    rationale="""
A status must be one of the listed words, a number a number, an address start with https://.
The message says which values are allowed. Text may not hold invisible control characters
(NUL, ESC and the like, often pasted in or written as escapes such as \\0), and one-line
values (names, handles, addresses, ids) no line break; the message names the character.
Numbers beyond 2^53, infinite numbers and dates outside 1900 to 2999 are refused too, so that
no rule computes with them.
""",
    source=RECORD_FORMAT,
    passing="""
status: active
""",
    failing="""
status: open
""",
)

register_input(
    code="SR013",
    rationale="""
The folder says which unit owns a record (accounts/<unit>/<id>.yaml) and the file name is the
record's id, which other records refer to (a campaign's sender, related accounts). Ids are
lowercase letters, digits and hyphens, unique across units, and the three org/ files must exist.
""",
    source=RECORD_FORMAT,
    passing="accounts/library/example-library-instagram.yaml",
    failing="accounts/Example Library Instagram.yml",
)

register_input(
    code="SR016",
    rationale="""
org/policy.yaml sets the severity and options of each rule. A misspelt rule code or option
would silently leave the default in force, so both are errors, and so is an option value of
the wrong kind (a number written as text, a negative number of hours). Until it is corrected,
the rule keeps its default.
""",
    source=RECORD_FORMAT,
    passing="""
rules:
  SR106:
    options:
      max_hours: 24
""",
    failing="""
rules:
  SR106:
    options:
      max_hour: "24"
""",
)
