"""Pure parts of the Kolada sync: chunking, the Agenda 2030 selection, parsing data items."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from glokal.kolada import agenda_groups, chunked, parse_data
from glokal.kolada.plan import kpi_row, series_of
from glokal.kolada.wire import DataCell, DataItem, decode_items, items_frame, items_from
from glokal.store.kolada import decode_cells
from tests.conftest import kolada_file


@given(st.lists(st.integers(), max_size=200), st.integers(min_value=1, max_value=30))
def test_chunked_keeps_order_and_bounds_size(items: list[int], size: int) -> None:
    chunks = list(chunked(items, size))
    assert [x for chunk in chunks for x in chunk] == items
    assert all(1 <= len(chunk) <= size for chunk in chunks)


def test_agenda_groups_by_title_goal_and_unit_type() -> None:
    groups = [
        {"id": "G2KPI1", "title": "Agenda 2030 kommun – Mål 13 Bekämpa klimatförändringen",
         "members": [{"member_id": "N00401", "member_title": "x"}]},
        {"id": "G2KPI2", "title": "Agenda 2030, region: mål 3 God hälsa",
         "members": [{"member_id": "U01411", "member_title": "y"}]},
        {"id": "G2KPI3", "title": "Agenda 2030 kommun – Mål 17 Genomförande", "members": []},
        {"id": "G2KPI4", "title": "BRP+", "members": [{"member_id": "N1", "member_title": "z"}]},
        {"id": "G2KPI5", "title": "Agenda 2030 – översikt", "members": []},
    ]  # fmt: skip
    found = agenda_groups(groups)
    assert [(g.id, g.goal, g.unit_type, g.kpis) for g in found] == [
        ("G2KPI2", 3, "L", ("U01411",)),
        ("G2KPI1", 13, "K", ("N00401",)),
        ("G2KPI3", 17, "K", ()),
    ]


def test_parse_data_drops_empty_cells_keeps_genuine_missing_and_collects_deletions() -> None:
    items = [
        {"kpi": "N1", "municipality": "0180", "period": 2020, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 40.8, "isdeleted": False},
            {"gender": "K", "count": 0, "status": "", "value": None, "isdeleted": False},
            {"gender": "M", "count": 1, "status": "", "value": None, "isdeleted": False},
        ]},
        {"kpi": "N1", "municipality": "1280", "period": 2021, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 3.0, "isdeleted": True},
        ]},
        {"kpi": "N1", "municipality": "G2328", "period": 2021, "values": [
            {"gender": "T", "count": 290, "status": "", "value": 3.0, "isdeleted": False},
        ]},
    ]  # fmt: skip
    parsed = parse_data(items_from(items), {"0180", "1280"})
    assert parsed.rows == [("N1", "0180", 2020, "T", 40.8, 1, None),
                           ("N1", "0180", 2020, "M", None, 1, None)]  # fmt: skip
    assert parsed.empty == [("N1", "0180", 2020, "K")]
    assert parsed.deleted == [("N1", "1280", 2021, "T")]
    assert parsed.unknown_units == {"G2328"}


def test_series_keep_what_parse_data_keeps_for_one_kpi() -> None:
    items = decode_items(b"""[
        {"kpi": "N1", "municipality": "0180", "period": 2020, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 40.8, "isdeleted": false},
            {"gender": "K", "count": 0, "status": "", "value": null, "isdeleted": false},
            {"gender": "M", "count": "1", "status": "", "value": null, "isdeleted": 0},
            {"gender": "X", "count": 1, "status": "", "value": 1.0, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "0180", "period": 2019, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 1e22, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "1280", "period": "2021", "values": [
            {"gender": "T", "count": 1, "status": "", "value": 3, "isdeleted": 1},
            {"count": 2.0, "value": 5}]},
        {"kpi": "N2", "municipality": "1280", "period": 2021, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 7.0, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "G2328", "period": 2021, "values": [
            {"gender": "T", "count": 290, "status": "", "value": 3.0, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "0180", "period": 2022}
    ]""")  # fmt: skip
    units = {"0180", "1280"}
    found = series_of(items_frame(items), "N1", units)
    assert [
        (unit, gender, decode_cells(cells), size) for unit, gender, cells, size in found.rows
    ] == [
        ("0180", "M", [(2020, None, 1)], 1),
        ("0180", "T", [(2019, 1e22, 1), (2020, 40.8, 1)], 2),
        ("1280", "T", [(2021, 5.0, 2)], 1),
    ]
    assert found.values == 4 and found.unknown_units == {"G2328"}
    # The lax reading the dict parser always had: "1" and 2.0 counts, 0/1 flags, int values.
    kept = sorted(
        (r[1], r[3], r[2], r[4], r[5]) for r in parse_data(items, units).rows if r[0] == "N1"
    )
    assert kept == [(u, g, *cell) for u, g, cells, _n in found.rows for cell in decode_cells(cells)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["0180", "1280"]),
            st.integers(1990, 2030),
            st.sampled_from("TKM"),
            st.floats(allow_nan=False, allow_infinity=False) | st.none(),
            st.integers(0, 3),
        ),
        max_size=30,
    )
)
def test_series_hold_every_double_exactly_once_a_key(
    cells: list[tuple[str, int, str, float | None, int]],
) -> None:
    frame = items_frame(
        [
            DataItem("N1", unit, period, [DataCell(gender, count, value, False)])
            for unit, period, gender, value, count in cells
        ]
    )
    last = {(u, g, p): (v, c) for u, p, g, v, c in cells if v is not None or c}
    found = series_of(frame, "N1", {"0180", "1280"})
    stored = {(u, g, p): (v, c) for u, g, text, _n in found.rows for p, v, c in decode_cells(text)}
    assert stored == last and found.values == len(last)
    for _u, _g, text, size in found.rows:
        periods = [p for p, _v, _c in decode_cells(text)]
        assert periods == sorted(set(periods)) and size == len(periods)


def test_real_data_sample_parses() -> None:
    sample = kolada_file("data-sample.json")["values"]
    units = {u["id"] for u in kolada_file("municipality.json")["values"]}
    parsed = parse_data(items_from(sample), units, "2026-11-22 08:00:00.000000")
    assert parsed.rows and not parsed.unknown_units
    assert {r[0] for r in parsed.rows} <= {"N00945", "N03702", "N03703"}
    assert all(r[3] in "TKM" and r[6] == "2026-11-22 08:00:00.000000" for r in parsed.rows)


def test_kpi_rows_from_real_metadata() -> None:
    kpis = {k["id"]: k for k in kolada_file("kpi.json")["values"]}
    row = kpi_row(kpis["N00401"])
    assert row["title"].startswith("Utsläpp till luft av växthusgaser")
    assert row["municipality_type"] == "A" and row["discontinued_after"] is None
    discontinued = next(k for k in kpis.values() if k["title"].rstrip().endswith(")")
                        and "(-" in k["title"])  # fmt: skip
    assert kpi_row(discontinued)["discontinued_after"] is not None
