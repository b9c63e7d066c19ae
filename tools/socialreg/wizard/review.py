"""The last step of the wizard: every answer and every finding in plain words.

The person sees the answers numbered, step by step, and what the registry's checks say about
the finished record, each finding named by the question it is about ("Step 2, People: the
second moderator ..."), never by a JSON path. Typing an answer's number changes it; the file
is written only when the person says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialreg.check.knock_on import without_knock_ons
from socialreg.findings import Finding, Severity, sorted_findings
from socialreg.load.documents import Document
from socialreg.load.places import in_words, parse_json_path
from socialreg.wizard.asker import answer_text
from socialreg.wizard.form import (
    Answers,
    Context,
    ListQuestion,
    Section,
    Step,
    build_record,
    flatten,
    rule_findings,
)


@dataclass(frozen=True, slots=True)
class Numbered:
    number: int
    section: int  # 1-based
    step: Step
    text: str


def numbered_answers(
    context: Context, sections: tuple[Section, ...], answers: Answers
) -> list[Numbered]:
    """Every answer given, numbered in the order asked, for "type a number to change it"."""
    rows: list[Numbered] = []
    for section_number, section in enumerate(sections, start=1):
        for step in section.steps:
            if step.name not in answers:
                continue
            value = answers[step.name]
            if isinstance(step, ListQuestion):
                text = "; ".join(answer_text(item) for item in value) if value else "(none)"
                label = f"{step.item.capitalize()}s" if len(value) != 1 else step.item.capitalize()
            else:
                text = answer_text(value) if value is not None else "(left empty)"
                label = step.prompt
                if step.kind == "choice" and step.choices is not None:
                    names = {c.value: c.label for c in step.choices(context, answers)}
                    text = f"{names[value]} ({value})" if names.get(value) else text
            rows.append(Numbered(len(rows) + 1, section_number, step, f"{label}: {text}"))
    return rows


def record_findings(
    context: Context, sections: tuple[Section, ...], answers: Answers, path: str
) -> list[Finding]:
    """What `validate` would say about the record the answers make, before it is written."""
    record = build_record(flatten(sections), context, answers)
    findings = [
        *context.repository.schemas.check(Document(path, record, ""), context.kind),
        *rule_findings(context, record, path),
    ]
    return sorted_findings(without_knock_ons(findings))


def in_plain_words(finding: Finding, sections: tuple[Section, ...]) -> str:
    """ "Problem in step 2 (People), the second moderator: <message>"."""
    path = parse_json_path(finding.json_path)
    best: tuple[int, int, Step] | None = None
    for section_number, section in enumerate(sections, start=1):
        for step in section.steps:
            if step.path is None or tuple(path[: len(step.path)]) != tuple(step.path):
                continue
            if best is None or len(step.path) > len(best[2].path or ()):
                best = (section_number, len(step.path), step)
    kind = {Severity.ERROR: "Problem", Severity.WARNING: "Note"}.get(finding.severity, "Waived")
    if best is None:
        return f"{kind}: {finding.message}"
    section_number, _, step = best
    title = sections[section_number - 1].title
    if isinstance(step, ListQuestion):
        about = in_words(path) if len(path) > len(step.path) else f"the {step.item}s"
    else:
        about = f'"{step.prompt}"'
    return f"{kind} in step {section_number} ({title}), {about}: {finding.message}"
