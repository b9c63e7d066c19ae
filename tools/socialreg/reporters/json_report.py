"""Machine-readable findings: `{"findings": [...], "summary": {...}}`, repository paths.

Compared with a base (`validate --base`), each finding has `"baseline": "new"` or `"existing"`,
the summary counts `new`, `existing` and `fixed` and names the `base`, and `"fixed"` lists the
base's findings that the change removes (at their paths on the base).

`parse` reads such a report back. The pull request bot reads one from an artifact that the pull
request's own code wrote, so `parse` trusts nothing: every field must have its type, texts and
counts have limits, and the counts are worked out again from the findings.

What an artifact can make the bot do is bounded by its size, not by what it holds: the bot reads
at most `MAX_REPORT_BYTES` (64 MB, checked before parsing, by the workflow and again by
`github.bot.read_report`). Parsed, 64 MB of JSON holds at most about 2.3 GB of Python objects
and takes at most about 15 s, whatever its shape (measured, one run each: 64 MB of `[[]],`
2.2 GB and 14 s; of `{"a":[]},` 2.0 GB and 9 s; then refused). A real report is far from that:
100,000 warnings (a policy change that touches every record) are about 35 MB, read in about a
second. A policy change must never silence the comment, so the number of findings is not
limited beyond what that size allows (`MAX_FINDINGS` is a sanity limit no report of that size
reaches), and an overlong message is shortened (`findings.MAX_MESSAGE`), not refused: every
finding stays readable and countable. The other texts (path, rule, JSON path) are never long
in a real report, and one over `MAX_TEXT` is refused.
"""

from __future__ import annotations

import json
from typing import Any

from socialreg.findings import Baseline, Finding, Severity, Summary
from socialreg.reporters import Report

MAX_REPORT_BYTES = 64_000_000
# A finding takes over 70 bytes of JSON even written without spaces: no report within
# MAX_REPORT_BYTES has this many.
MAX_FINDINGS = 1_000_000
MAX_TEXT = 4_000
MAX_FILES = 1_000_000


class ReportError(ValueError):
    """The report file is not a socialreg JSON report."""


def render(report: Report) -> str:
    summary = report.summary
    baseline = report.baseline
    findings = [finding.as_dict() for finding in report.findings]
    counts: dict[str, Any] = {
        "files": summary.files,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "waived": summary.waived,
    }
    document: dict[str, Any] = {"findings": findings, "summary": counts}
    if baseline is not None:
        for item, finding in zip(findings, report.findings, strict=True):
            item["baseline"] = "new" if baseline.is_new(finding) else "existing"
        counts["base"] = baseline.base
        counts["new"] = len(report.new_findings)
        counts["existing"] = len(report.existing_findings)
        counts["fixed"] = len(baseline.fixed)
        document["fixed"] = [finding.as_dict() for finding in baseline.fixed]
    return indented_json(document)


def indented_json(document: dict[str, Any]) -> str:
    """`json.dumps(document, indent=2, ensure_ascii=False)` and a line break, the same text.

    Python's JSON encoder runs in C only without `indent`; with it, 14,000 findings took
    0.35 s. A report's lists hold flat objects (texts and numbers), which are written here
    with the encoder's own C function for texts; anything else goes to `json.dumps`.
    """
    try:
        parts = [
            f"  {_text(key)}: {_flat_list(value) if type(value) is list else _nested(value)}"
            for key, value in document.items()
        ]
    except _NotFlat:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return "{\n" + ",\n".join(parts) + "\n}\n" if parts else "{}\n"


class _NotFlat(Exception):
    """A value that `indented_json` leaves to `json.dumps`."""


_text = json.encoder.encode_basestring  # what json.dumps writes a text with (ensure_ascii=False)


def _flat_list(items: list[Any]) -> str:
    if not items:
        return "[]"
    templates: dict[tuple[str, ...], str] = {}
    written = []
    for item in items:
        if type(item) is not dict or not item:
            raise _NotFlat
        keys = tuple(item)
        template = templates.get(keys) or templates.setdefault(keys, _template(keys))
        written.append(template % tuple(map(_scalar, item.values())))
    return "[\n" + ",\n".join(written) + "\n  ]"


def _template(keys: tuple[str, ...]) -> str:
    """How json.dumps lays out an object with these keys in a list of the document, with a
    `%s` for each value."""
    if not all(type(key) is str for key in keys):
        raise _NotFlat
    fields = ",\n".join("      " + _text(key).replace("%", "%%") + ": %s" for key in keys)
    return "    {\n" + fields + "\n    }"


def _scalar(value: Any) -> str:
    if type(value) is str:
        return _text(value)
    if type(value) is int:
        return int.__repr__(value)
    raise _NotFlat


def _nested(value: Any) -> str:
    """`value` as json.dumps writes it one level down (its texts hold no line break)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def parse(text: str) -> Report:
    """The report in `text`, or ReportError saying in plain words what is wrong with it."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ReportError(f"the report is not valid JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise ReportError("the report has no list of findings")
    items = document["findings"]
    if len(items) > MAX_FINDINGS:
        raise ReportError(f"the report has more than {MAX_FINDINGS:,} findings")
    findings = [_finding(item, number) for number, item in enumerate(items, 1)]
    summary = document.get("summary")
    files = summary.get("files") if isinstance(summary, dict) else None
    if not _is_count(files, MAX_FILES):
        raise ReportError("the report's summary does not say how many files were checked")
    assert isinstance(files, int)
    return Report(findings, Summary.of(findings, files), _baseline(document, items, findings))


def _baseline(
    document: dict[str, Any], items: list[Any], findings: list[Finding]
) -> Baseline | None:
    """The comparison with the base, when the report has one; every part is checked."""
    summary = document["summary"]
    base = summary.get("base")
    if base is None:
        return None
    if not isinstance(base, str) or not base or len(base) > 200:
        raise ReportError("the report's summary names no usable base")
    existing = set()
    for number, (item, finding) in enumerate(zip(items, findings, strict=True), 1):
        state = item.get("baseline")
        if state not in ("new", "existing"):
            raise ReportError(f"finding {number} says neither new nor existing")
        if state == "existing":
            existing.add(finding)
    fixed_items = document.get("fixed", [])
    if not isinstance(fixed_items, list) or len(fixed_items) > MAX_FINDINGS:
        raise ReportError("the report's list of fixed findings is not usable")
    fixed = tuple(_finding(item, number) for number, item in enumerate(fixed_items, 1))
    return Baseline(base, frozenset(existing), fixed)


def _finding(item: Any, number: int) -> Finding:
    if not isinstance(item, dict):
        raise ReportError(f"finding {number} is not an object")
    texts = {}
    for key in ("path", "rule", "message", "json_path"):
        value = item.get(key, "$" if key == "json_path" else None)
        # A long message is kept and shortened by Finding; the other texts are never long.
        too_long = key != "message" and len(value) > MAX_TEXT if isinstance(value, str) else True
        if not isinstance(value, str) or not value or too_long:
            raise ReportError(f"finding {number} has no usable `{key}`")
        texts[key] = value
    line, column = item.get("line"), item.get("column")
    if not _is_count(line, 10_000_000, 1) or not _is_count(column, 10_000_000, 1):
        raise ReportError(f"finding {number} has no usable line and column")
    assert isinstance(line, int) and isinstance(column, int)
    word = item.get("severity")
    words = {str(severity): severity for severity in Severity}
    severity = words.get(word) if isinstance(word, str) else None
    if severity is None:
        raise ReportError(f"finding {number} has an unknown severity")
    return Finding(
        texts["path"], line, column, texts["rule"], severity, texts["message"], texts["json_path"]
    )


def _is_count(value: Any, most: int, least: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value <= most
