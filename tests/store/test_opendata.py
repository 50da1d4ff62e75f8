"""The data version behind the page cache: it must change on every write the pages show,
by any path, edits in place included, and not on a login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from glokal.store import Store
from glokal.store.agenda import set_priority_goals
from glokal.store.models import LocalGoalRow, PlaceRow, SessionRow, UserRow
from glokal.store.opendata import data_version


def version(store: Store) -> tuple[object, ...]:
    with store.session() as session:
        return data_version(session)


def test_edits_in_place_change_the_version(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        set_priority_goals(session, "1781", [5, 13, 16])
        session.add(LocalGoalRow(unit="1781", code="SE.4", title="Trygg skola"))
    first = version(store)

    # The same number of priority goals, other goals: counts and sums of ids stay the same.
    with store.session() as session, session.begin():
        set_priority_goals(session, "1781", [1, 2, 3])
    second = version(store)
    assert second != first

    # A title changed in place, through the ORM.
    with store.session() as session, session.begin():
        goal = session.query(LocalGoalRow).filter_by(code="SE.4").one()
        goal.title = "Trygg och jämlik skola"
    third = version(store)
    assert third != second

    # And through a Core UPDATE of several rows at once.
    with store.session() as session, session.begin():
        session.execute(update(PlaceRow).where(PlaceRow.id == "1781").values(name="Kristinehamn"))
    assert version(store) != third


def test_a_rolled_back_write_and_a_login_leave_it(initialised_store: Store) -> None:
    store = initialised_store
    before = version(store)
    with store.session() as session:
        session.add(LocalGoalRow(unit="1781", code="SE.9", title="Något"))
        session.flush()  # the triggers have run …
        session.rollback()  # … and are undone with the rest
    assert version(store) == before

    now = datetime.now(UTC)
    with store.session() as session, session.begin():
        user = UserRow(email="a@example.se", password_hash="x", role="admin", created_at=now)
        session.add(user)
        session.flush()
        session.add(
            SessionRow(token_hash="t" * 64, user_id=user.id, csrf="c" * 43, created_at=now,
                          expires_at=now + timedelta(hours=1))
        )  # fmt: skip
    assert version(store) == before


def test_one_transaction_of_many_rows_raises_it_once_or_more(initialised_store: Store) -> None:
    store = initialised_store
    before = version(store)
    with store.session() as session, session.begin():
        for number in range(50):
            session.add(LocalGoalRow(unit="1781", code=f"SE.{number}", title=f"Mål {number}"))
    after = version(store)
    assert after != before
    assert after[0] > before[0]  # the counter comes first
