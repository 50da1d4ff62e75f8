"""The local agenda's store on SQLite and PostgreSQL: no goal may end up under itself, whichever
path saves it, and a loop stored before that rule was kept stays visible so it can be mended."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from glokal.errors import InputError
from glokal.store import Store
from glokal.store.agenda import (
    LocalGoal,
    local_agenda,
    local_goal_parents,
    parent_loop,
    save_local_goals,
)
from glokal.store.models import LocalGoalRow

UNIT = "1781"


def _stored(store: Store) -> list[tuple[str, str | None]]:
    with store.session() as session, session.begin():
        return [(g.code, g.parent) for g in local_agenda(session, UNIT).goals]


@pytest.fixture
def two_levels(initialised_store: Store) -> Store:
    with initialised_store.session() as session, session.begin():
        save_local_goals(session, [
            LocalGoal(UNIT, "SE.1", "A"), LocalGoal(UNIT, "SE.1.8", "B", parent="SE.1"),
            LocalGoal(UNIT, "SE.1.8.2", "C", parent="SE.1.8"),
        ])  # fmt: skip
    return initialised_store


def test_parent_loop_follows_the_parents_back_to_the_goal() -> None:
    parents = {"A": None, "B": "A", "C": "B", "X": "Y", "Y": "X"}
    assert parent_loop("A", "C", parents) == ("A", "C", "B", "A")
    assert parent_loop("A", "A", parents) == ("A", "A")
    assert parent_loop("C", "A", parents) == ()
    assert parent_loop("C", None, parents) == ()
    # A loop that does not pass through the goal is not the goal's loop (and ends the walk).
    assert parent_loop("A", "X", parents) == ()


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        (
            [LocalGoal(UNIT, "SE.1", "A", parent="SE.1.8")],
            r"local goal 'SE\.1' cannot have the parent 'SE\.1\.8': 'SE\.1\.8' is under 'SE\.1', "
            r"so the parents would form a loop \(SE\.1 → SE\.1\.8 → SE\.1\)",
        ),
        (
            [LocalGoal(UNIT, "SE.1", "A", parent="SE.1.8.2")],
            r"\(SE\.1 → SE\.1\.8\.2 → SE\.1\.8 → SE\.1\)",
        ),
        ([LocalGoal(UNIT, "SE.1.8", "B", parent="SE.1.8")], "'SE.1.8' cannot be its own parent"),
        # Two new goals under each other, in one call.
        (
            [LocalGoal(UNIT, "N.1", "x", parent="N.2"), LocalGoal(UNIT, "N.2", "y", parent="N.1")],
            r"\(N\.1 → N\.2 → N\.1\) \(and 1 more\)",
        ),
        # A good goal first does not get written before the bad one is refused.
        (
            [LocalGoal(UNIT, "SE.2", "new"), LocalGoal(UNIT, "SE.1", "A", parent="SE.1.8")],
            r"'SE\.1' cannot have the parent 'SE\.1\.8'",
        ),
    ],
)
def test_a_loop_of_parents_is_refused_and_nothing_written(
    two_levels: Store, goals: list[LocalGoal], message: str
) -> None:
    before = _stored(two_levels)
    with two_levels.session() as session, session.begin():
        with pytest.raises(InputError, match=message) as raised:
            save_local_goals(session, goals)
        assert raised.value.where == "parent"
        # Refused before any write, even within the same transaction.
        assert [(g.code, g.parent) for g in local_agenda(session, UNIT).goals] == before
    assert _stored(two_levels) == before


def test_moving_goals_around_without_a_loop_is_fine(two_levels: Store) -> None:
    with two_levels.session() as session, session.begin():
        # Turn the hierarchy upside down in one call: no loop once both are saved.
        assert save_local_goals(session, [
            LocalGoal(UNIT, "SE.1.8", "B"), LocalGoal(UNIT, "SE.1", "A", parent="SE.1.8"),
        ]) == (0, 2)  # fmt: skip
        assert local_goal_parents(session, [UNIT]) == {
            UNIT: {"SE.1": "SE.1.8", "SE.1.8": None, "SE.1.8.2": "SE.1.8"}
        }
    assert _stored(two_levels) == [("SE.1.8", None), ("SE.1", "SE.1.8"), ("SE.1.8.2", "SE.1.8")]


def test_a_loop_stored_before_the_rule_stays_visible_and_can_be_mended(two_levels: Store) -> None:
    with two_levels.session() as session, session.begin():
        rows = session.execute(select(LocalGoalRow.code, LocalGoalRow.id))
        ids = {code: id_ for code, id_ in rows}
        session.execute(
            update(LocalGoalRow).where(LocalGoalRow.code == "SE.1").values(parent_id=ids["SE.1.8"])
        )
    stored = _stored(two_levels)
    assert sorted(stored) == [("SE.1", "SE.1.8"), ("SE.1.8", "SE.1"), ("SE.1.8.2", "SE.1.8")]
    with two_levels.session() as session, session.begin():
        # Another goal can still be saved; the loop is mended by giving SE.1 no parent.
        assert save_local_goals(session, [LocalGoal(UNIT, "K.1", "other")]) == (1, 0)
        assert save_local_goals(session, [LocalGoal(UNIT, "SE.1", "A")]) == (0, 1)
    assert _stored(two_levels) == [
        ("K.1", None), ("SE.1", None), ("SE.1.8", "SE.1"), ("SE.1.8.2", "SE.1.8"),
    ]  # fmt: skip
