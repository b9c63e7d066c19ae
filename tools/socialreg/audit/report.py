"""The audit in words: text for a terminal, Markdown for a job summary and the audit issues,
and JSON in the same shape as `validate --format json`.

Text from records reaches Markdown only through `markdown.escape` (no pings, no HTML).
"""

from __future__ import annotations

from itertools import groupby

from socialreg.audit.schedule import AUDIT_RULES, AuditItem, AuditResult
from socialreg.findings import Summary
from socialreg.reporters import Report, json_report
from socialreg.reporters.markdown import count
from socialreg.reporters.markdown_text import code_span, escape, escape_message


def report(result: AuditResult) -> Report:
    findings = result.findings()
    return Report(findings, Summary.of(findings, result.files))


def render_json(result: AuditResult) -> str:
    return json_report.render(report(result))


def headline(result: AuditResult) -> str:
    if not result.items:
        return (
            f"Audit of {count(result.files, 'record')} on {result.today.isoformat()}: nothing is "
            f"due now or in the next {count(result.within, 'day')}."
        )
    now, coming = len(result.now), len(result.upcoming)
    return (
        f"Audit of {count(result.files, 'record')} on {result.today.isoformat()}: "
        f"{count(now, 'thing')} to change now, {coming} coming in the next "
        f"{count(result.within, 'day')}, in {count(len(result.by_path()), 'record')}."
    )


def render_text(result: AuditResult) -> str:
    lines = []
    for topic, items in _by_topic(result):
        lines.append(f"{topic}:")
        for item in items:
            finding = item.as_finding(result.today)
            lines.append(
                f"  {finding.path}:{finding.line}:{finding.column}: {finding.severity} "
                f"{finding.rule} {finding.message}"
            )
        lines.append("")
    lines.append(headline(result))
    return "\n".join(lines) + "\n"


def render_markdown(result: AuditResult) -> str:
    lines = [f"## Registry audit, {result.today.isoformat()}", "", escape(headline(result)), ""]
    for topic, items in _by_topic(result):
        lines.extend(
            [f"### {escape(topic)}", "", "| Record | When | What to change |", "|---|---|---|"]
        )
        for item in items:
            finding = item.finding
            where = f"{code_span(finding.path)} line {finding.line}"
            message = escape_message(finding.message)
            lines.append(f"| {where} | {when(item, result)} | {message} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def when(item: AuditItem, result: AuditResult) -> str:
    if item.starts is None:
        return "now"
    days = (item.starts - result.today).days
    return f"from {item.starts.isoformat()} (in {count(days, 'day')})"


def _by_topic(result: AuditResult) -> list[tuple[str, list[AuditItem]]]:
    order = {topic: number for number, topic in enumerate(AUDIT_RULES.values())}
    items = sorted(
        result.items, key=lambda item: (order.get(item.topic, len(order)), item.finding.path)
    )
    return [(topic, list(group)) for topic, group in groupby(items, key=lambda item: item.topic)]


FORMATS = {"text": render_text, "json": render_json, "markdown": render_markdown}
