"""Decided goal statuses: append-only history, current = newest, validation writes nothing.

Runs on SQLite and PostgreSQL (the ``initialised_store`` fixture).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from glokal.errors import InputError, NotFound
from glokal.framework import GoalStatus
from glokal.store import Store
from glokal.store.assessments import (
    GoalAssessment,
    assessment_history,
    current_assessment,
    current_assessments,
    record_assessment,
    stored_suggestion,
    unit_name,
)
from glokal.store.models import GoalAssessmentRow, GoalSuggestionRow

T0 = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)


def record(store: Store, unit: str = "0180", goal: int = 5, **changes: Any) -> GoalAssessment:
    fields: dict[str, Any] = {
        "status": GoalStatus.UTMANING,
        "text": "Så ligger Stockholm till i korthet.",
        "assessor": "Hållbarhetsgruppen",
        "method_note": "Kolada och workshop",
        "cutoff": date(2025, 3, 31),
        "justification": None,
        "suggested_status": None,
        "suggestion_method": None,
        "recorded_by": "anna",
        "recorded_at": T0,
    }
    fields.update(changes)
    with store.session() as session, session.begin():
        return record_assessment(session, unit, goal, **fields)


def count_rows(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(GoalAssessmentRow)) or 0


def test_a_decision_round_trips(initialised_store: Store) -> None:
    recorded = record(
        initialised_store, status=GoalStatus.GOD, justification="Nya siffror",
        suggested_status=GoalStatus.UTMANING, suggestion_method="default",
    )  # fmt: skip
    with initialised_store.session() as session:
        current = current_assessment(session, "0180", 5)
    assert current == recorded
    assert current == GoalAssessment(
        id=recorded.id, unit="0180", goal=5, status=GoalStatus.GOD,
        text="Så ligger Stockholm till i korthet.", assessor="Hållbarhetsgruppen",
        method_note="Kolada och workshop", cutoff=date(2025, 3, 31), justification="Nya siffror",
        suggested_status=GoalStatus.UTMANING, suggestion_method="default", recorded_by="anna",
        recorded_at=T0, published_at=T0,  # recorded without draft: published at once
    )  # fmt: skip
    assert current.recorded_at.tzinfo is not None


def test_every_change_is_kept_and_the_newest_is_current(initialised_store: Store) -> None:
    first = record(initialised_store, status=GoalStatus.UTMANING)
    second = record(
        initialised_store, status=GoalStatus.NEUTRAL, recorded_by="bo",
        recorded_at=T0 + timedelta(days=30),
    )  # fmt: skip
    other_goal = record(initialised_store, goal=13, status=GoalStatus.BETYDANDE_UTMANING)
    other_unit = record(initialised_store, unit="1280", status=GoalStatus.GOD)
    # Current is the newest recorded, even if its clock said otherwise.
    third = record(initialised_store, status=GoalStatus.GOD, recorded_at=T0 - timedelta(days=1))
    with initialised_store.session() as session:
        assert assessment_history(session, "0180", 5) == [first, second, third]
        assert current_assessment(session, "0180", 5) == third
        assert current_assessments(session, "0180") == [third, other_goal]
        assert assessment_history(session, "0180") == [first, second, third, other_goal]
        assert current_assessments(session, "1280") == [other_unit]
        assert current_assessment(session, "0180", 1) is None
        assert current_assessments(session, "2021") == []
        assert assessment_history(session, "2021", 5) == []
    assert count_rows(initialised_store) == 5


@pytest.mark.parametrize(
    ("unit", "goal", "error", "where", "message"),
    [
        ("9999", 5, NotFound, "unit", "there is no unit '9999'"),
        ("0180", 18, InputError, "goal", "there is no goal 18"),
        ("0180", 0, InputError, "goal", "there is no goal 0"),
    ],
)
def test_an_unknown_unit_or_goal_writes_nothing(
    initialised_store: Store, unit: str, goal: int, error: type[Exception], where: str,
    message: str,
) -> None:  # fmt: skip
    record(initialised_store)
    with pytest.raises(error) as caught:
        record(initialised_store, unit=unit, goal=goal)
    assert isinstance(caught.value, InputError)
    assert caught.value.where == where and message in caught.value.message
    assert count_rows(initialised_store) == 1


def test_a_failure_later_in_the_transaction_leaves_nothing(initialised_store: Store) -> None:
    with pytest.raises(RuntimeError), initialised_store.session() as session, session.begin():
        record_assessment(
            session, "0180", 5, status=GoalStatus.GOD, text="t", assessor="a", method_note="",
            cutoff=date(2025, 1, 1), justification=None, suggested_status=None,
            suggestion_method=None, recorded_by="anna", recorded_at=T0,
        )  # fmt: skip
        raise RuntimeError("stopped before commit")
    assert count_rows(initialised_store) == 0


def test_unit_name(initialised_store: Store) -> None:
    with initialised_store.session() as session:
        assert unit_name(session, "0180") == "Stockholm"
        with pytest.raises(NotFound, match="there is no unit '0999'"):
            unit_name(session, "0999")


def test_stored_suggestion(initialised_store: Store) -> None:
    with initialised_store.session() as session, session.begin():
        assert stored_suggestion(session, "0180", 5) is None
        session.add(
            GoalSuggestionRow(
                method="default", unit="0180", goal=5, reference_year=2024, status="god",
                score=1.5, kpis_total=4, kpis_used=3, details={}, computed_at=T0,
            )
        )  # fmt: skip
    with initialised_store.session() as session:
        found = stored_suggestion(session, "0180", 5)
        assert found is not None
        assert (found.method, found.unit, found.goal, found.status, found.reference_year) == (
            "default", "0180", 5, GoalStatus.GOD, 2024,
        )  # fmt: skip
        assert found.computed_at == T0
        assert stored_suggestion(session, "0180", 5, method="opensdg") is None
        assert stored_suggestion(session, "0180", 6) is None


def test_a_draft_is_not_shown_until_published(initialised_store: Store) -> None:
    from glokal.store.assessments import publish_assessment, published_assessments

    public = record(initialised_store, status=GoalStatus.UTMANING)
    with initialised_store.session() as session, session.begin():
        draft = record_assessment(
            session, "0180", 5, status=GoalStatus.NEUTRAL, text="Utkast", assessor="A",
            method_note="", cutoff=date(2025, 3, 31), justification="Nytt",
            suggested_status=None, suggestion_method=None, recorded_by="anna",
            recorded_at=T0 + timedelta(days=1), published=False,
        )  # fmt: skip
        assert draft.published_at is None
        assert current_assessment(session, "0180", 5) == draft  # the editor sees the draft
        assert published_assessments(session, "0180") == [public]  # the public does not
        published = publish_assessment(session, draft.id, T0 + timedelta(days=2))
        assert published_assessments(session, "0180") == [published]
        assert published.published_at == T0 + timedelta(days=2)
