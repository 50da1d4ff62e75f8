"""A local agenda and Kolada values to export as Open SDG data, shared by the Open SDG tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from glokal.store import Store
from glokal.store.agenda import (
    LocalGoal,
    LocalIndicator,
    save_local_goals,
    save_local_indicator,
)
from glokal.store.kolada import (
    driver_timestamp,
    record_agenda_selection,
    replace_kpi_values,
    upsert_kpis,
)

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
UNIT = "0680"  # Jönköping
OTHER = "0180"  # Stockholm

GOALS = (
    LocalGoal(UNIT, "SE.1", "Ingen fattigdom i Jönköping", targets=("1.2", "1.3")),
    LocalGoal(
        UNIT,
        "SE.1.8",
        "Minskad barnfattigdom",
        description="Färre barn i ekonomiskt utsatta hushåll",
        parent="SE.1",
    ),
    LocalGoal(UNIT, "M 5", "Jämställd kommun", targets=("5.5",), published=True),
)
INDICATORS = (
    LocalIndicator(
        UNIT, "GM.3.11", "Andel rökfria elever, åk 9", goal="SE.1.8", measure="procent",
        baseline_value=80.25, baseline_year=2020, target_value=95.0, target_year=2030,
        values=((2021, 0.1 + 0.2), (2022, 88.0), (2023, 90.5)),
    ),
    LocalIndicator(UNIT, "K.1", "Invånare som röstade", goal="M 5", kpi="N00401",
                   target_value=90.0),
    LocalIndicator(UNIT, "Mål 3", "Utan mål och mätning", values=((2024, -1.5e-7),)),
)  # fmt: skip


def kpi(kpi_id: str, title: str) -> dict[str, object]:
    return {
        "id": kpi_id, "title": title, "description": "", "fetched_at": NOW,
        "is_divided_by_gender": True, "municipality_type": "K", "auspice": None,
        "operating_area": None, "perspective": None, "publication_date": None,
        "prel_publication_date": None, "publ_period": None, "has_ou_data": False,
        "discontinued_after": None, "missing_since": None,
    }  # fmt: skip


def fill(store: Store) -> None:
    """Jönköping's agenda; N00401 (goals 5 and 16) with values for Jönköping and Stockholm."""
    with store.session() as session, session.begin():
        upsert_kpis(session, [kpi("N00401", "Valdeltagande i senaste kommunalvalet, andel (%)"),
                              kpi("N00945", "Utan värden")])  # fmt: skip
        record_agenda_selection(
            session,
            [("N00401", "G5", 5, "K"), ("N00401", "G16", 16, "K"), ("N00945", "G13", 13, "K")],
            date(2026, 11, 22),
        )
        stamp = driver_timestamp(session.get_bind().dialect, NOW)
        rows = [
            ("N00401", unit, year, gender, base + year - 2018 + shift, 1, stamp)
            for unit, base in ((UNIT, 84.0), (OTHER, 82.5))
            for year in (2018, 2022)
            for gender, shift in (("T", 0.0), ("K", 1.5), ("M", -1.5))
        ]
        rows.append(("N00401", UNIT, 2014, "T", None, 0, stamp))  # a missing value
        replace_kpi_values(session, "N00401", rows)
        save_local_goals(session, GOALS)
        for indicator in INDICATORS:
            save_local_indicator(session, indicator)
