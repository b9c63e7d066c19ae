"""The wizard and the issue forms ask the same questions in the same order.

The order is one table, `socialreg.wizard.questions.SECTIONS` (the source documents'
checklists: purpose and audience, people, routines, decision). The forms' field ids are record
keys joined by "-" (tests/test_issue_forms.py); each field is matched to the wizard question
that fills the same key, and the forms must not ask them in another order.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from socialreg.load.model import RecordKind
from socialreg.wizard.form import flatten
from socialreg.wizard.questions import SECTIONS

FORMS = Path(__file__).resolve().parents[1] / ".github" / "ISSUE_TEMPLATE"
FORM_OF = {"account": "request-account.yml", "campaign": "request-campaign.yml"}


def _field_paths(kind: str) -> list[tuple[str, tuple[str, ...]]]:
    form = yaml.safe_load((FORMS / FORM_OF[kind]).read_text(encoding="utf-8"))
    return [
        (item["id"], tuple(item["id"].replace("-", ".").split(".")))
        for item in form["body"]
        if "id" in item
    ]


def _question_index(kind: RecordKind, path: tuple[str, ...]) -> int | None:
    for index, step in enumerate(flatten(SECTIONS[kind])):
        own = tuple(str(part) for part in step.path or ())
        if own and path[: len(own)] == own:
            return index
    return None


@pytest.mark.parametrize("kind", ["account", "campaign"])
def test_the_form_asks_in_the_wizards_order(kind: RecordKind) -> None:
    asked = [
        (field, index)
        for field, path in _field_paths(kind)
        if (index := _question_index(kind, path)) is not None
    ]
    assert len(asked) > 15
    out_of_order = [
        f"{field} comes after {before}"
        for (before, earlier), (field, later) in itertools.pairwise(asked)
        if later < earlier
    ]
    assert not out_of_order, out_of_order


def test_the_account_questions_follow_the_checklists() -> None:
    titles = [section.title for section in SECTIONS["account"]]
    assert titles == [
        "Purpose and audience",
        "People",
        "The account on the platform",
        "Routines",
        "Decision",
    ]
