"""Machine-readable findings: `{"findings": [...], "summary": {...}}`, repository paths."""

from __future__ import annotations

import json

from socialreg.reporters import Report


def render(report: Report) -> str:
    summary = report.summary
    document = {
        "findings": [finding.as_dict() for finding in report.findings],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "waived": summary.waived,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
