"""A record whose text holds HTML or script is shown as text; only https links are emitted."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import pytest

HOSTILE_NAME = "<script>alert('name')</script>"
HOSTILE_PURPOSE = (
    '<img src=x onerror="alert(1)"> & </textarea><a href="javascript:alert(2)">win</a>'
)
HOSTILE_AUDIENCE = '"><svg onload=alert(3)>'

HOSTILE_RECORD = """\
platform: instagram
handle: "@evil</script><script>alert(4)</script>"
url: {url}
name: "{name}"
unit: library
status: active
purpose: '{purpose}'
goals:
  - description: d
    measure: m
    target: t
audiences:
  - '{audience}'
owner: {{name: Eve Evil, email: eve.evil@norrvik.example, github: eve-evil}}
supervisor: {{name: Per Nyström, email: per.nystrom@norrvik.example, github: per-nystrom}}
moderators:
  - {{name: Eve Evil, email: eve.evil@norrvik.example, github: eve-evil}}
monitoring: {{frequency: daily, response_time_hours: 24, holiday_cover: rota}}
dialogue:
  house_rules_url: https://www.norrvik.example/rules
  tone: plain
  crimes: report
decision:
  date: 2026-10-01
  comms_contacted: 2026-10-01
  existing_channels_reviewed: true
  related_accounts: []
privacy: {{personal_data_assessment: Dnr NU 2026/1}}
review: {{last: 2026-10-01}}
"""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.handlers: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction") and value is not None:
                self.links.append(value)
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if tag in ("script", "img", "svg", "iframe", "object"):
            self.scripts.append({"tag": tag, **dict(attrs)})


def _write(root: Path, name: str, url: str) -> None:
    text = HOSTILE_RECORD.format(
        url=url,
        name=HOSTILE_NAME.replace('"', '\\"'),
        purpose=HOSTILE_PURPOSE.replace("'", "''"),
        audience=HOSTILE_AUDIENCE.replace("'", "''"),
    )
    (root / "accounts" / "library" / f"{name}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def hostile_site(registry_copy: Path, tmp_path: Path, build_registry: Any) -> Path:
    _write(registry_copy, "evil-script", "javascript:alert(5)")
    _write(registry_copy, "evil-quote", 'https://www.instagram.com/x"onmouseover="alert(6)')
    _write(registry_copy, "evil-data", "data:text/html,<script>alert(7)</script>")
    out = tmp_path / "site"
    build_registry(registry_copy, out)
    return out


def _pages(site: Path) -> dict[str, str]:
    return {
        str(path.relative_to(site)): path.read_text(encoding="utf-8")
        for path in site.rglob("*.html")
    }


def test_record_text_is_shown_as_text(hostile_site: Path) -> None:
    page = (hostile_site / "accounts" / "evil-script.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "&#34;&gt;&lt;svg onload=alert(3)&gt;" in page
    for name, html in _pages(hostile_site).items():
        for raw in (HOSTILE_NAME, "<img src=x", "<svg", "alert(4)</script>", 'href="javascript:'):
            assert raw not in html, f"{name} holds {raw!r} unescaped"


def test_only_https_relative_and_mail_links_are_emitted(hostile_site: Path) -> None:
    for name, html in _pages(hostile_site).items():
        collector = _Collector()
        collector.feed(html)
        assert collector.handlers == [], name
        for link in collector.links:
            allowed = link.startswith(("https://", "mailto:")) or ":" not in link.split("/")[0]
            assert allowed, f"{name} links to {link!r}"
        for element in collector.scripts:
            # Scripts from files only, but for the JSON-LD data block, which browsers never run
            # (test_json_ld_keeps_hostile_text_inert: it holds no markup); images only from
            # the site's own static/ folder.
            source = element.get("src") or ""
            ours = ":" not in source and source.lstrip("./").startswith("static/")
            is_data = element["tag"] == "script" and element.get("type") == "application/ld+json"
            allowed = (
                bool(source) if element["tag"] == "script" else element["tag"] == "img" and ours
            )
            assert allowed or is_data, f"{name}: {element}"
    page = (hostile_site / "accounts" / "evil-quote.html").read_text(encoding="utf-8")
    assert "onmouseover" not in page.replace("onmouseover=&#34;", "")  # shown as text at most
    assert "the address is not shown because it is not a secure https address" in page


def test_data_files_keep_hostile_text_inert(hostile_site: Path) -> None:
    names = set()
    for path in [*(hostile_site / "verify").glob("*.js"), hostile_site / "search-index.js"]:
        script = path.read_text(encoding="utf-8")
        assert "<" not in script and ">" not in script
        arguments = json.loads(f"[{script[script.index('(') + 1 :].rstrip().removesuffix(');')}]")
        if len(arguments) == 2:  # a verify shard: number, {key: accounts}
            names |= {account[0] for accounts in arguments[1].values() for account in accounts}
        else:  # the search index
            names |= {account[1] for account in arguments[0]["accounts"]}
    assert HOSTILE_NAME in names
    document = json.loads((hostile_site / "registry.json").read_text(encoding="utf-8"))
    urls = {account["id"]: account["url"] for account in document["accounts"]}
    assert urls["evil-script"] is None and urls["evil-quote"] is None and urls["evil-data"] is None
    feed = ElementTree.parse(hostile_site / "feed.xml").getroot()
    titles = [entry.findtext("{http://www.w3.org/2005/Atom}title") for entry in feed]
    assert f"{HOSTILE_NAME} (Instagram)" in titles
    icalendar.Calendar.from_ical((hostile_site / "campaigns.ics").read_bytes())


def test_json_ld_keeps_hostile_text_inert(hostile_site: Path) -> None:
    html = (hostile_site / "index.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    block = html[start : html.index("</script>", start)]
    assert "<" not in block and ">" not in block
    assert json.loads(block)["@type"] == "Organization"
