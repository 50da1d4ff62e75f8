"""What the analysis reads from and writes to the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import random
import struct
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import func, select

from glokal.analysis import AnalysisData, suggest
from glokal.store import Store
from glokal.store.analysis import read_analysis_frames, read_values, replace_results
from glokal.store.kolada import (
    driver_timestamp,
    record_agenda_selection,
    replace_groups,
    set_polarity,
    upsert_kpis,
    upsert_values,
)
from glokal.store.models import GoalSuggestionRow, KpiResultRow

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def kpi(kpi_id: str) -> dict[str, object]:
    return {
        "id": kpi_id, "title": f"Nyckeltal {kpi_id}", "description": "", "fetched_at": NOW,
        "is_divided_by_gender": True, "municipality_type": "K", "auspice": None,
        "operating_area": None, "perspective": None, "publication_date": None,
        "prel_publication_date": None, "publ_period": None, "has_ou_data": False,
        "discontinued_after": None, "missing_since": None,
    }  # fmt: skip


def fill(store: Store) -> None:
    with store.session() as session, session.begin():
        upsert_kpis(session, [kpi("N00001"), kpi("N00002")])
        set_polarity(session, "N00001", "higher", "", "glokal", NOW)
        record_agenda_selection(
            session, [("N00001", "G1", 13, "K"), ("N00002", "G1", 13, "K")], date(2026, 11, 22)
        )
        replace_groups(
            session,
            "municipality",
            [
                {
                    "id": "G37325",
                    "title": "Liknande kommuner, övergripande, Ale, 2025",
                    "members": [{"member_id": "0192"}, {"member_id": "1261"}],
                },
                {"id": "G1", "title": "Något annat, Ale, 2025", "members": [{"member_id": "0180"}]},
            ],
            NOW,
        )
        stamp = driver_timestamp(session.get_bind().dialect, NOW)
        upsert_values(
            session,
            [
                ("N00001", unit, year, gender, (base + year - 2019) * factor, 1, stamp)
                for unit, base in (("1440", 10.0), ("0192", 20.0), ("1261", 5.0), ("0000", 12.0))
                for year in range(2019, 2024)
                for gender, factor in (("T", 1.0), ("K", 1.1), ("M", 0.9))
            ]
            + [("N00002", "1440", 2023, "T", None, 0, stamp)],
        )


def test_frames_hold_the_totals_the_mapping_and_the_similar_kommuner(
    initialised_store: Store,
) -> None:
    fill(initialised_store)
    with initialised_store.session() as session, session.begin():
        frames = read_analysis_frames(session)
    assert frames.values.height == 4 * 5  # gender T only, the empty cell left out
    assert frames.values.filter(unit="1440", period=2023).row(0) == ("1440", "N00001", 2023, 14.0)
    assert set(frames.goal_kpis.rows()) == {(13, "N00001", "K"), (13, "N00002", "K")}
    polarity = dict(frames.kpis.select("kpi", "polarity").rows())
    assert polarity == {"N00001": "higher", "N00002": None}
    assert sorted(frames.similar.rows()) == [("1440", "0192"), ("1440", "1261")]
    assert frames.units.height == 312
    # The ids come as enums of every unit and KPI in sorted order, the analysis' own codes.
    unit_type, kpi_type = frames.values.schema["unit"], frames.values.schema["kpi"]
    assert isinstance(unit_type, pl.Enum) and isinstance(kpi_type, pl.Enum)
    assert unit_type.categories.to_list() == sorted(frames.units.get_column("unit").to_list())
    assert kpi_type.categories.to_list() == sorted(frames.kpis.get_column("kpi").to_list())


def test_results_are_stored_and_replaced(initialised_store: Store) -> None:
    fill(initialised_store)
    store = initialised_store
    for _run in range(2):
        with store.session() as session, session.begin():
            frames = read_analysis_frames(session)
            data = AnalysisData.of(
                values=frames.values, units=frames.units, kpis=frames.kpis,
                goal_kpis=frames.goal_kpis, similar=frames.similar,
            )  # fmt: skip
            kpis, goals, parts = suggest(data)
            written = replace_results(
                session, method="default", units=frames.units.get_column("unit").to_list(),
                kpi_results=kpis, goal_results=goals, contributions=parts, computed_at=NOW,
            )  # fmt: skip
        assert written == (4, 312 * 17)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(GoalSuggestionRow)) == 312 * 17
        ale = session.get(GoalSuggestionRow, ("default", "1440", 13))
        # One of the goal's two KPIs is usable: not enough (at least two are needed).
        assert ale is not None and (ale.status, ale.kpis_used, ale.kpis_total) == (
            "ej bedömd",
            1,
            2,
        )
        assert ale.details == {
            "reason": "too_few_kpis",
            "kpis": [
                {"kpi": "N00001", "score": 0.5, "unused": None},  # middle of 3, improving
                {"kpi": "N00002", "score": None, "unused": "no_value"},
            ],
        }
        result = session.get(KpiResultRow, ("default", "1440", "N00001"))
        assert result is not None
        assert (result.value, result.riket_value, result.trend) == (14.0, 16.0, "förbättring")
        assert (result.better_similar, result.compared_similar) == (1, 3)
        assert result.computed_at.replace(tzinfo=UTC) == NOW


def test_values_come_back_exactly_as_stored(initialised_store: Store) -> None:
    # Doubles of every magnitude, as bit patterns and as decimals: the text the values
    # are stored in (the series' JSON) must give back the very same double.
    rng = random.Random(20261201)
    doubles = [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1 + 0.2, 1 / 3]
    while len(doubles) < 3000:
        bits = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if math.isfinite(bits):
            doubles.append(bits)
        doubles.append(round(rng.uniform(-1e4, 1e4), rng.randint(0, 6)))
    units = ["0114", "0180", "1440"]
    with initialised_store.session() as session, session.begin():
        upsert_kpis(session, [kpi("N00001")])
        stamp = driver_timestamp(session.get_bind().dialect, NOW)
        upsert_values(
            session,
            [("N00001", units[i % 3], 1000 + i // 3, "T", value, 1, stamp)
             for i, value in enumerate(doubles)],
        )  # fmt: skip
    with initialised_store.session() as session, session.begin():
        values = read_values(session)
    stored = {(units[i % 3], 1000 + i // 3): v for i, v in enumerate(doubles)}
    read = {(u, p): v for u, _k, p, v in values.rows()}
    assert read.keys() == stored.keys()
    differing = [k for k, v in stored.items() if struct.pack("<d", v) != struct.pack("<d", read[k])]
    assert differing == []
