"""The bundled polarity table (kolada/data/polarity.csv): well formed, and it covers the KPIs of
the Agenda 2030 groups (those that the replay dataset builds from real Kolada metadata).
"""

from __future__ import annotations

import csv
import io
import re
from importlib.resources import files

import pytest

from glokal.kolada import agenda_groups
from glokal.kolada.plan import selection_kpis
from glokal.kolada.polarity import bundled_polarity
from tests.conftest import KOLADA_DATA, kolada_file
from tests.kolada.replay import REQUIRED_KPIS, ReplayDataset

KPI_ID = re.compile(r"[NU]\d{5}")
DECIDED = {"higher", "lower", "neither"}  # "unknown" is what leaving a KPI out means

# KPIs of the replay's Agenda 2030 groups that are deliberately left without a polarity.
DELIBERATELY_UNKNOWN = {
    # Komvux participants who dropped a course, a count: a lower dropout *share* would be
    # better, but the count mostly follows how many take part.
    "N18924",
    # Final energy use in agriculture, forestry and fishing per inhabitant: mostly reflects how
    # large those industries are locally, not how efficiently energy is used.
    "N45910",
    # Adults reached by the region's outreach dental support per 1,000 adults: mixes need with
    # coverage, and the age limit for free dental care has moved over time.
    "N80713",
    # Share of cars approved for HVO100: more renewable diesel is good, but a shift to electric
    # cars lowers the share too, so the direction is ambiguous.
    "U00503",
}


def raw_rows() -> list[dict[str, str]]:
    text = files("glokal.kolada").joinpath("data", "polarity.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == ["kpi", "polarity", "note"]
    rows = list(reader)
    for number, row in enumerate(rows, start=2):  # no missing or extra fields
        assert None not in row and None not in row.values(), f"polarity.csv, row {number}"
    return rows


@pytest.fixture(scope="module")
def agenda_kpis() -> set[str]:
    dataset = ReplayDataset(KOLADA_DATA)
    groups = agenda_groups(dataset.kpi_groups)
    assert len(groups) == 34
    return set(selection_kpis(groups))


def test_every_row_is_well_formed() -> None:
    rows = raw_rows()
    assert rows
    for number, row in enumerate(rows, start=2):
        where = f"polarity.csv, row {number}: {row}"
        assert KPI_ID.fullmatch(row["kpi"]), where
        assert row["polarity"] in DECIDED, where
        note = row["note"]
        assert note.strip() == note and note, where
        assert note.endswith("."), where


def test_rows_are_sorted_and_unique() -> None:
    ids = [row["kpi"] for row in raw_rows()]
    assert len(set(ids)) == len(ids), "duplicate KPI in polarity.csv"
    assert ids == sorted(ids), "polarity.csv is not sorted by KPI id"


def test_the_loader_reads_every_row() -> None:
    assert [kpi for kpi, _, _ in bundled_polarity()] == [row["kpi"] for row in raw_rows()]


def test_every_row_names_a_real_kpi() -> None:
    known = {item["id"] for item in kolada_file("kpi.json")["values"]}
    assert [row["kpi"] for row in raw_rows() if row["kpi"] not in known] == []


def test_the_agenda_selection_is_covered(agenda_kpis: set[str]) -> None:
    decided = {row["kpi"] for row in raw_rows()}
    assert set(REQUIRED_KPIS) <= decided
    assert sorted(agenda_kpis - decided - DELIBERATELY_UNKNOWN) == []


def test_the_allow_list_is_current(agenda_kpis: set[str]) -> None:
    decided = {row["kpi"] for row in raw_rows()}
    assert sorted(DELIBERATELY_UNKNOWN - agenda_kpis) == [], "not in the selection: drop them"
    assert sorted(DELIBERATELY_UNKNOWN & decided) == [], "decided: drop them from the allow-list"
