"""The bundled polarity table as the sync loads it into the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from glokal.store import Store
from glokal.store.kolada import load_bundled_polarity, polarity_of, set_polarity

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
