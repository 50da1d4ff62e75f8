"""What the sync records besides values: the bundled polarity table, the Agenda 2030 selection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from glokal.store import Store
from glokal.store.kolada import (
    load_bundled_polarity,
    polarity_of,
    record_agenda_selection,
    set_polarity,
)
from glokal.store.models import KpiGoalRow

BUNDLED = [("N1", "higher", "more is better"), ("N2", "lower", "less is better")]
DAY = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_the_bundle_is_written_once_and_the_users_word_is_kept(initialised_store: Store) -> None:
    with initialised_store.session() as session, session.begin():
        assert load_bundled_polarity(session, BUNDLED, DAY) == 2
        set_polarity(session, "N2", "neither", "our council's view", "user", DAY)
    with initialised_store.session() as session, session.begin():
        # Unchanged: nothing written (a sync loads the bundle every time).
        assert load_bundled_polarity(session, BUNDLED, DAY + timedelta(days=1)) == 0
        # A revised bundle: the KPI glokal decided follows it, the user's stays.
        revised = [("N1", "lower", "revised"), ("N2", "higher", "revised"), ("N3", "unknown", "")]
        assert load_bundled_polarity(session, revised, DAY + timedelta(days=2)) == 2
    with initialised_store.session() as session:
        stored = polarity_of(session)
    assert stored == {
        "N1": ("lower", "revised", "glokal"),
        "N2": ("neither", "our council's view", "user"),
        "N3": ("unknown", "", "glokal"),
    }


def test_the_agenda_selection_is_recorded_with_its_dates(initialised_store: Store) -> None:
    first, second, third = date(2026, 1, 10), date(2026, 12, 1), date(2026, 12, 2)
    mapping = [("N1", "G1", 13, "K"), ("N2", "G1", 13, "K"), ("N3", "G2", 7, "L")]
    with initialised_store.session() as session, session.begin():
        assert record_agenda_selection(session, mapping, first) == (3, 0)
        assert record_agenda_selection(session, mapping, first) == (0, 0)  # the same day
    with initialised_store.session() as session, session.begin():
        # RKA's yearly revision: N2 leaves, N4 joins, N3 moves to goal 8.
        revised = [("N1", "G1", 13, "K"), ("N3", "G2", 8, "L"), ("N4", "G2", 7, "L")]
        assert record_agenda_selection(session, revised, second) == (1, 1)
    with initialised_store.session() as session, session.begin():
        assert record_agenda_selection(session, [*revised, ("N2", "G1", 13, "K")], third) == (0, 0)
    with initialised_store.session() as session:
        rows = {
            r.kpi: (r.goal, r.first_seen, r.last_seen, r.removed_on)
            for r in session.scalars(select(KpiGoalRow))
        }
    assert rows == {
        "N1": (13, first, third, None),
        "N2": (13, first, third, None),  # back in the selection: no longer removed
        "N3": (8, first, third, None),
        "N4": (7, second, third, None),
    }
