"""The coaching read model's suggestion documents: rows projected before updates and reorders (without
`order` and `against`) still read, and newer ones carry both."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from application.coaching.views import SuggestionView

LEGACY: dict[str, Any] = {
    "suggestion_id": str(uuid4()),
    "kind": "remove_exercise",
    "exercise": None,
    "replaces": "Barbell_Row",
    "reason": "too much volume",
    "status": "open",
    "plan_id": None,
    "plan_version": None,
    "rejection_reason": None,
    "decided_at": None,
}


def test_a_suggestion_projected_before_updates_and_reorders_reads_without_order_or_version() -> None:
    view = SuggestionView.from_json(LEGACY)
    assert (view.kind, view.replaces, view.order, view.based_on_version) == (
        "remove_exercise",
        "Barbell_Row",
        (),
        None,
    )


def test_a_reorder_reads_its_order_and_the_plan_version_it_was_made_against() -> None:
    document = {
        **LEGACY,
        "kind": "reorder_exercises",
        "replaces": None,
        "order": ["Row", "Squat"],
        "against": {"plan_id": str(uuid4()), "version": 7},
    }
    view = SuggestionView.from_json(document)
    assert (view.order, view.based_on_version) == (("Row", "Squat"), 7)
