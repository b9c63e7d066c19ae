"""The one Markdown escaper for everything that reaches GitHub, read back through cmark-gfm."""

from __future__ import annotations

import html
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import example, given, settings
from hypothesis import strategies as st

from socialreg.reporters.markdown_text import code_span, escape, login

HOSTILE = [
    "&commat;someone",
    "&#64;someone",
    "@someone",
    "#12",
    "www.example.com",
    "https://evil.example/x",
    "<img src=x onerror=alert(1)>",
    "</details>",
    "a | b",
    "line one\nline two",
    "[click](https://evil.example)",
    "`code` and ``more``",
    "**bold** _it_ ~~gone~~",
    "\\@someone",
]


def rendered(markdown: str) -> str:
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


def shown_outside_code(markdown: str) -> str:
    without_code = re.sub(r"<code>.*?</code>", "", rendered(markdown), flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", without_code))


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("escaper", [escape, code_span])
def test_no_text_can_ping_link_open_html_or_leave_its_cell(escaper: object, text: str) -> None:
    assert callable(escaper)
    cell = f"| {escaper(text)} | after |"
    markdown = f"| a | b |\n|---|---|\n{cell}\n"
    output = rendered(markdown)
    assert "<a " not in output and "<img" not in output and "<strong>" not in output
    assert "</details>" not in output
    assert re.search(r"(?<![\w\u200d])@someone", shown_outside_code(markdown)) is None
    assert re.search(r"(?<![\w\u200d])#12", shown_outside_code(markdown)) is None
    rows = re.findall(r"<tr>(.*?)</tr>", output, flags=re.DOTALL)
    assert all(len(re.findall(r"<t[dh]", row)) == 2 for row in rows), output
    assert "\n" not in escaper(text)


def test_code_span_shows_the_text_as_written() -> None:
    output = rendered(code_span("&commat;x `y` www.example"))
    assert html.unescape(re.sub(r"<[^>]+>", "", output)).strip() == "&commat;x `y` www.example"


def test_a_login_is_named_without_a_mention() -> None:
    assert login("anna") == "`@anna`"
    assert "@anna" not in shown_outside_code(login("anna"))


# Characters that mean something to Markdown, HTML, GitHub's autolinks or its mentions, and some
# plain ones, so that the generated texts are mostly hostile.
_ALPHABET = st.sampled_from(
    [*"@#&;<>/\\`*_[]()|~!:.-= \n\t", "www", "http", "commat", "#64", "x", "a", "1"]
)


_MAIL_TO_ITSELF = re.compile(r'<a href="mailto:([^"<>]*)">\1</a>')


def test_an_email_address_is_at_most_a_link_to_write_to_it() -> None:
    """What hypothesis found: `.@.www` is an e-mail address to GitHub's autolinker."""
    for text in ("write to anna@library.example", ".@.www"):
        output = rendered(f"| a |\n|---|\n| {escape(text)} |\n")
        assert "<a " in output
        assert "<a " not in _MAIL_TO_ITSELF.sub(r"\1", output)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_ALPHABET, max_size=40))
@example(pieces=[".", "@", ".", "www"])
def test_any_text_stays_plain_text_in_one_cell(pieces: list[str]) -> None:
    text = "".join(pieces)
    for escaper in (escape, code_span):
        markdown = f"| a | b |\n|---|---|\n| {escaper(text)} | after |\n"
        output = rendered(markdown)
        # An e-mail address stays as written, so it can be copied (test_report_markdown); GitHub
        # shows it as a link to write to that address, and to nothing else.
        output = _MAIL_TO_ITSELF.sub(r"\1", output)
        assert "<a " not in output, (text, output)
        tags = set(re.findall(r"</?([a-z0-9]+)", output))
        assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "code", "p"}, (text, output)
        rows = re.findall(r"<tr>(.*?)</tr>", output, flags=re.DOTALL)
        assert len(rows) == 2 and all(len(re.findall(r"<t[dh]", row)) == 2 for row in rows)
        shown = shown_outside_code(markdown)
        assert re.search(r"(?<![\w\u200d])[@#][A-Za-z0-9]", shown) is None, (text, shown)
