"""What the analysis reads from and writes to the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from glokal.analysis import AnalysisData, suggest
from glokal.store import Store
from glokal.store.analysis import read_analysis_frames, replace_results
from glokal.store.kolada import record_agenda_selection, replace_groups, set_polarity, upsert_kpis
from glokal.store.models import GoalSuggestionRow, KoladaValueRow, KpiResultRow

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
        for unit, base in (("1440", 10.0), ("0192", 20.0), ("1261", 5.0), ("0000", 12.0)):
            for year in range(2019, 2024):
                for gender, factor in (("T", 1.0), ("K", 1.1), ("M", 0.9)):
                    session.add(
                        KoladaValueRow(
                            kpi="N00001", municipality=unit, period=year, gender=gender,
                            value=(base + year - 2019) * factor, count=1, fetched_at=NOW,
                        )
                    )  # fmt: skip
        session.add(
            KoladaValueRow(
                kpi="N00002", municipality="1440", period=2023, gender="T", value=None,
                count=0, fetched_at=NOW,
            )
        )  # fmt: skip


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
