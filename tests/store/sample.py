"""A store with a little of everything (Kolada values, Glokal's analysis, decisions, activities,
programmes, a web user and comments), written as rows, for the backup and export tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from glokal.register import install_builtin_programmes
from glokal.store import Store
from glokal.store.backup import tables as backup_tables
from glokal.store.kolada import driver_timestamp, upsert_values
from glokal.store.models import (
    ActivityGoalRow,
    ActivityPartnerRow,
    ActivityRow,
    AuditRow,
    CommentRow,
    GoalAssessmentRow,
    GoalSuggestionRow,
    KoladaKpiRow,
    KpiGoalRow,
    KpiResultRow,
    LocalGoalRow,
    UserRow,
)

NOW = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
UNITS = ("1781", "0180", "0000")


def _kpi(kpi: str, title: str) -> KoladaKpiRow:
    return KoladaKpiRow(
        id=kpi, title=title, description="", is_divided_by_gender=True, municipality_type="K",
        auspice=None, operating_area=None, perspective=None, publication_date=None,
        prel_publication_date=None, publ_period=None, has_ou_data=False,
        discontinued_after=None, fetched_at=NOW, missing_since=None,
    )  # fmt: skip


def _result(unit: str, kpi: str, value: float) -> KpiResultRow:
    return KpiResultRow(
        method="default", unit=unit, kpi=kpi, reference_year=2024, polarity="higher",
        period=2024, value=value, current=True, riket_value=50.0, vs_riket="better",
        trend="improving", change_per_year=1.25, trend_first=2020, trend_last=2024,
        trend_points=5, position="top_quartile", better=3, worse=280, compared=290,
        position_kommungrupp=None, better_kommungrupp=None, worse_kommungrupp=None,
        compared_kommungrupp=None, position_similar=None, better_similar=None,
        worse_similar=None, compared_similar=None, flags="", base_year=None, base_value=None,
        cagr=None, ratio=None, progress=None, score=0.75, unused=None, computed_at=NOW,
    )  # fmt: skip


def activity_rows(unit: str, title: str, at: datetime) -> tuple[ActivityRow, list[Any]]:
    """An activity with its three goals and two partners: rows that belong together."""
    activity = ActivityRow(
        unit=unit, kind="partnership", title=title, description="Tillsammans med Machakos",
        start=date(2024, 1, 1), search_text=title.casefold(), created_by="test",
        created_at=at, updated_at=at,
    )  # fmt: skip
    children: list[Any] = [
        *(ActivityGoalRow(goal=goal, primary=goal == 5) for goal in (5, 13, 17)),
        ActivityPartnerRow(position=1, organisation="Machakos County", country="KE"),
        ActivityPartnerRow(position=2, organisation="Robertsfors kommun", country="SE"),
    ]
    return activity, children


def add_activity(session: Any, unit: str, title: str, at: datetime = NOW) -> int:
    activity, children = activity_rows(unit, title, at)
    session.add(activity)
    session.flush()
    for child in children:
        child.activity_id = activity.id
        session.add(child)
    return activity.id


def fill(store: Store) -> Store:
    """Reference data plus one or a few rows of every kind of data."""
    store.init()
    with store.session() as s, s.begin():
        install_builtin_programmes(s)
        s.add_all([_kpi("N00401", "Växthusgasutsläpp, ton CO2e/inv"), _kpi("N00945", "Fetma")])
        s.flush()
        s.add_all(
            KpiGoalRow(kpi=kpi, group_id="G1", goal=goal, unit_type="K",
                       first_seen=date(2025, 1, 1), last_seen=date(2026, 1, 1))
            for kpi, goal in (("N00401", 13), ("N00945", 3))
        )  # fmt: skip
        upsert_values(
            s,
            [(kpi, unit, year, gender, None if (year, unit) == (2020, "0180") else 0.1 + year / 7,
              1, driver_timestamp(s.get_bind().dialect, NOW))
             for kpi in ("N00401", "N00945") for unit in UNITS for year in range(2018, 2025)
             for gender in "TKM"],
        )  # fmt: skip
        s.add_all(_result(unit, "N00401", 4.5) for unit in UNITS[:2])
        s.add_all(
            GoalSuggestionRow(method="default", unit=unit, goal=goal, reference_year=2024,
                              status="utmaning", score=-0.4, kpis_total=4, kpis_used=3,
                              details={"kpis": ["N00401"], "ratio": 0.75}, computed_at=NOW)
            for unit in UNITS[:2] for goal in (3, 13)
        )  # fmt: skip
        s.add(
            GoalAssessmentRow(
                unit="1781", goal=13, status="betydande utmaning",
                text="Så ligger Kristinehamn till: utsläppen minskar för långsamt.",
                assessor="Hållbarhetsgruppen", method_note="Glokals metod", cutoff=date(2025, 6, 1),
                justification=None, suggested_status="utmaning", suggestion_method="default",
                recorded_by="strateg", recorded_at=NOW, published_at=NOW,
            )
        )  # fmt: skip
        parent = LocalGoalRow(unit="1781", code="SE.1", title="Fossilfritt 2030")
        s.add(parent)
        s.flush()
        s.add(LocalGoalRow(unit="1781", code="SE.1.1", parent_id=parent.id, title="Bussar"))
        add_activity(s, "1781", "Klimatpartnerskap med Machakos")
        user = UserRow(email="a@example.se", password_hash="x", role="admin", created_at=NOW)
        s.add(user)
        s.add(CommentRow(unit="1781", goal=13, author="Anna", body="Bra!", address_hash="h",
                         created_at=NOW))  # fmt: skip
        s.add(AuditRow(at=NOW, actor="strateg", action="create", entity="activity",
                       entity_id="1", unit="1781", before=None,
                       after={"title": "Klimat", "n": 1}))  # fmt: skip
    return store


def _plain(value: Any) -> Any:
    # SQLite hands back naive datetimes, PostgreSQL aware ones; both are UTC.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a backup holds, as plain tuples in a stable order (the
    change counter is each database's own)."""
    found = {}
    with store.engine.connect() as connection:
        for table in backup_tables():
            rows = [tuple(_plain(v) for v in row) for row in connection.execute(select(table))]
            found[table.name] = sorted(rows, key=repr)
    return found


def non_empty(tables: dict[str, list[tuple[Any, ...]]]) -> Iterator[str]:
    return (name for name, rows in tables.items() if rows)
