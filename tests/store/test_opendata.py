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


def test_values_are_counted_as_the_view_lists_them(initialised_store: Store) -> None:
    """count_values counts the series' cells without the view where it can: the same count."""
    from sqlalchemy import func, select

    from glokal.store.kolada import driver_timestamp, upsert_values
    from glokal.store.models import KoladaValueRow
    from glokal.store.opendata import ValueFilter, count_values

    with initialised_store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, datetime(2026, 12, 1, tzinfo=UTC))
        upsert_values(
            session,
            [(kpi, unit, year, gender, None if year == 2020 else 1.5, 1, stamp)
             for kpi in ("N1", "N2") for unit in ("0180", "1280", "1781")
             for year in range(2018, 2023) for gender in "TKM"
             if not (kpi == "N2" and gender == "M")],
        )  # fmt: skip
    filters = [
        ValueFilter(), ValueFilter(kpis=["N2"]), ValueFilter(units=["0180", "1781"]),
        ValueFilter(gender="M"), ValueFilter(kpis=["N1"], units=["1280"], gender="T"),
        ValueFilter(years=[2020, 2021]), ValueFilter(kpis=["N2"], years=[2018], gender="K"),
        ValueFilter(kpis=["N9"]),
    ]  # fmt: skip
    with initialised_store.session() as session:
        for wanted in filters:
            query = select(func.count()).select_from(KoladaValueRow)
            if wanted.kpis:
                query = query.where(KoladaValueRow.kpi.in_(wanted.kpis))
            if wanted.units:
                query = query.where(KoladaValueRow.municipality.in_(wanted.units))
            if wanted.years:
                query = query.where(KoladaValueRow.period.in_(wanted.years))
            if wanted.gender:
                query = query.where(KoladaValueRow.gender == wanted.gender)
            assert count_values(session, wanted) == session.scalar(query), wanted


def test_stored_ids_say_which_of_the_ids_asked_about_are_stored(initialised_store: Store) -> None:
    from glokal.register import install_builtin_programmes
    from glokal.store.kolada import upsert_kpis
    from glokal.store.opendata import StoredIds, stored_ids
    from tests.store.test_analysis_store import kpi

    with initialised_store.session() as session, session.begin():
        install_builtin_programmes(session)
        upsert_kpis(session, [kpi("N00401")])
    with initialised_store.session() as session:
        assert stored_ids(session) == StoredIds()
        found = stored_ids(
            session, kpis=["N00401", "N99999"], units=["1781", "0000", "9999", "1781"],
            targets=["5.c", "5.z"], programmes=["glokala-sverige", "nope"],
        )  # fmt: skip
        assert found == StoredIds(
            kpis=frozenset({"N00401"}), units=frozenset({"1781", "0000"}),
            targets=frozenset({"5.c"}), programmes=frozenset({"glokala-sverige"}),
        )  # fmt: skip
        # A kind not asked about is empty, whatever is stored of it.
        assert stored_ids(session, units=["9999"]) == StoredIds()
