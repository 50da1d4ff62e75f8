"""The C reader of Kolada's data pages (glokal.kolada._pages) against the general readers.

For every page it reads, it must make the same series as Polars and plan.series_of; what it
does not read it leaves whole to them (``None``), never a partial or wrong reading.
"""

from __future__ import annotations

import json
import random
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glokal.kolada import wire
from glokal.kolada.plan import KpiSeries, series_of, series_of_pages
from glokal.kolada.wire import ITEM_COLUMNS, Malformed, read_fast, read_items

KNOWN = {"0180", "1280", "0000"}


def test_the_c_reader_is_installed() -> None:
    assert wire.scanner_available(), (
        "glokal.kolada._pages was not built: `pip install -e .` compiles it and needs a C "
        "compiler and Python's headers (without them glokal works, more slowly)"
    )


pages_c = wire._pages


def general(bodies: list[bytes], kpi: str, known: set[str]) -> KpiSeries:
    frames = [read_items(body).values for body in bodies]
    return series_of(pl.concat([pl.DataFrame(schema=ITEM_COLUMNS), *frames]), kpi, known)


def decoded(rows: list[tuple[str, str, str, int]]) -> dict[tuple[str, str], Any]:
    found = {(unit, gender): (json.loads(cells), size) for unit, gender, cells, size in rows}
    assert len(found) == len(rows), "a series twice"
    for cells, size in found.values():
        assert len(cells) == size
    return found


def assert_same(bodies: list[bytes], kpi: str = "N1", known: set[str] = KNOWN) -> None:
    scanned = [pages_c.scan(body) for body in bodies]
    assert all(page is not None for page in scanned), "the C reader left a page of Kolada's shape"
    rows, values, unknown = pages_c.series(scanned, kpi, known)
    expected = general(bodies, kpi, known)
    assert decoded(rows) == decoded(expected.rows)
    assert values == expected.values
    assert unknown == expected.unknown_units
    for page, body in zip(scanned, bodies, strict=True):
        assert page.next_url == json.loads(body).get("next_url")
        assert page.body is body


def envelope(items: list[dict[str, Any]], next_url: str | None = None, **style: Any) -> bytes:
    return json.dumps(
        {"count": len(items), "values": items, "next_url": next_url}, **style
    ).encode()


def cell(gender: str | None, value: Any, count: Any = 1, deleted: Any = False) -> dict[str, Any]:
    return {"gender": gender, "count": count, "status": "", "value": value, "isdeleted": deleted}


def item(unit: str, period: int, *cells: dict[str, Any], kpi: str = "N1") -> dict[str, Any]:
    return {"kpi": kpi, "municipality": unit, "period": period, "values": list(cells)}


def test_a_page_as_kolada_sends_it() -> None:
    page = envelope(
        [
            item("0180", 2020, cell("K", 1.5), cell("M", 2.0), cell("T", 1.75)),
            item("0180", 2021, cell("K", None, 0), cell("M", 2), cell("T", None, 1)),
            item("1280", 2020, cell("T", 3.25, 1, True)),
            item("9999", 2020, cell("T", 4.0)),  # not a unit the store knows
            item("0180", 2020, cell("T", 9.0), kpi="N2"),  # another KPI's
        ],
        next_url="/v3/data/kpi/N1/year/2020,2021?page=2&per_page=5000",
    )
    assert_same([page])
    rows, values, unknown = pages_c.series([pages_c.scan(page)], "N1", KNOWN)
    assert decoded(rows) == {
        ("0180", "K"): ([[2020, 1.5, 1]], 1),
        ("0180", "M"): ([[2020, 2.0, 1], [2021, 2.0, 1]], 2),
        ("0180", "T"): ([[2020, 1.75, 1], [2021, None, 1]], 2),
    }
    assert values == 5 and unknown == {"9999"}
    # An integer value is written as a double, as Polars writes it.
    assert dict(((u, g), c) for u, g, c, _n in rows)[("0180", "M")] == "[[2020,2.0,1],[2021,2.0,1]]"


def test_a_kpi_over_several_pages_out_of_order_and_twice() -> None:
    first = envelope([item("0180", 2022, cell("T", 1.0)), item("0180", 2020, cell("T", 2.0))])
    second = envelope([item("0180", 2021, cell("T", 3.0)), item("0180", 2022, cell("T", 4.0))])
    assert_same([first, second])
    rows, _values, _unknown = pages_c.series(
        [pages_c.scan(first), pages_c.scan(second)], "N1", KNOWN
    )
    # In year order; the cell that came twice keeps the last.
    assert rows == [("0180", "T", "[[2020,2.0,1],[2021,3.0,1],[2022,4.0,1]]", 3)]


def test_missing_and_null_fields_read_as_the_general_readers_read_them() -> None:
    page = envelope(
        [
            {"kpi": "N1", "municipality": "0180", "period": 2020},  # no cells
            {"kpi": "N1", "municipality": "0180", "period": 2021, "values": None},
            {"municipality": "1280", "period": 2020, "kpi": "N1", "values": [{"value": 5.5}]},
            item("1280", 2021, {"gender": "", "count": None, "value": 1.0, "isdeleted": None}),
            item("1280", 2022, {"gender": "X", "value": 1.0}, {"gender": "T", "count": -1}),
        ]
    )
    assert_same([page])


@pytest.mark.parametrize(
    "style",
    [
        {"indent": 2},
        {"separators": (",", ":")},
        {"ensure_ascii": False},
        {"sort_keys": True},
    ],
)
def test_any_whitespace_and_key_order(style: dict[str, Any]) -> None:
    page = envelope(
        [item("0180", 2020, cell("K", 1e-5), cell("M", -0.0), cell("T", 123456789.125))],
        next_url="/v3/x?page=2",
        **style,
    )
    assert_same([page])


@pytest.mark.parametrize(
    "body",
    [
        # What Kolada does not send, which the lax decoder reads: left whole to it.
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020, '
        b'"values": [{"gender": "T", "count": "1", "value": 1.0}]}]}',
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020, '
        b'"values": [{"gender": "T", "count": 1, "value": 1.0, "isdeleted": 0}]}]}',
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020.0, "values": []}]}',
        # Escaped ids and keys mean the same; the general readers unescape them.
        b'{"values": [{"kpi": "N1", "municipality": "\\u0030180", "period": 2020, '
        b'"values": [{"gender": "T", "count": 1, "value": 1.0}]}]}',
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020, '
        b'"values": [{"g\\u0065nder": "K", "count": 1, "value": 1.0}]}]}',
        # A number longer than the C reader copies, or beyond its exponent range.
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020, '
        b'"values": [{"gender": "T", "count": 1, "value": 1.00000000000000000000000000000001}]}]}',
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020, '
        b'"values": [{"gender": "T", "count": 1, "value": 1e-320}]}]}',
    ],
)
def test_shapes_it_leaves_to_the_general_readers(body: bytes) -> None:
    assert pages_c.scan(body) is None
    page = read_fast(body)
    assert isinstance(page.values, pl.DataFrame)
    assert series_of_pages([page.values], "N1", KNOWN) == general([body], "N1", KNOWN)


def test_a_kpi_with_one_page_left_to_the_general_readers_is_read_by_them_whole() -> None:
    plain = envelope([item("0180", 2020, cell("T", 1.0))])
    lax = b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2021, "values": [{"gender": "T", "count": "1", "value": 2.0}]}]}'  # noqa: E501
    pages = [read_fast(plain).values, read_fast(lax).values]
    assert not isinstance(pages[0], pl.DataFrame) and isinstance(pages[1], pl.DataFrame)
    assert series_of_pages(pages, "N1", KNOWN) == general([plain, lax], "N1", KNOWN)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"values": [',
        b'{"values": [{"kpi": "N1"',
        b'{"values": []} x',
        b'{"values": [], "values": []}',
        b'{"next_url": null}',
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020}],}',
        b'{"values": [{"kpi": "N1", "municipality": "0180", "period": 2020, "values": [nul]}]}',
        b'{"values": [], "status": "\xff"}',
        b'{"values": [], "status": "\\ud800"}',
        b'{"values": [], "status": "\x01"}',
        b'{"values": [], "deep": ' + b"[" * 100 + b"]" * 100 + b"}",
        b"[]",
    ],
)
def test_broken_pages_are_left_to_the_general_readers(body: bytes) -> None:
    assert pages_c.scan(body) is None


def test_a_truncated_page_is_malformed_and_retried() -> None:
    body = envelope([item("0180", y, cell("T", y / 7)) for y in range(2000, 2026)])
    for cut in (len(body) - 1, len(body) // 2, 10):
        assert pages_c.scan(body[:cut]) is None
        with pytest.raises(Malformed):
            read_fast(body[:cut])


# -- properties -----------------------------------------------------------------------------

_values = st.one_of(
    st.none(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: f == 0 or 1e-200 < abs(f) < 1e200
    ),
)
_cells = st.fixed_dictionaries(
    {},
    optional={
        "gender": st.sampled_from(["T", "K", "M", "", None, "X"]),
        "count": st.one_of(st.none(), st.integers(-2, 30)),
        "status": st.sampled_from(["", "B", None]),
        "value": _values,
        "isdeleted": st.one_of(st.none(), st.booleans()),
    },
)
_items = st.fixed_dictionaries(
    {
        "kpi": st.sampled_from(["N1", "N2"]),
        "municipality": st.sampled_from(["0180", "1280", "0000", "9999", "G1"]),
        "period": st.integers(1990, 2030),
    },
    optional={"values": st.one_of(st.none(), st.lists(_cells, max_size=4))},
)
_style = st.sampled_from(
    [{}, {"indent": 1}, {"separators": (",", ":")}, {"sort_keys": True}, {"ensure_ascii": False}]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_items, max_size=25), min_size=1, max_size=3), _style)
def test_any_pages_of_kolada_shape_make_the_same_series(
    pages: list[list[dict[str, Any]]], style: dict[str, Any]
) -> None:
    assert_same([envelope(items, **style) for items in pages])


def _sample_page() -> bytes:
    rng = random.Random(7)
    items = [
        item(
            rng.choice(["0180", "1280", "9999"]), 2000 + n % 26,
            *(cell(g, round(rng.uniform(-100, 100), rng.randint(0, 4)), rng.choice([0, 1]))
              for g in ("K", "M", "T")),
        )
        for n in range(60)
    ]  # fmt: skip
    return envelope(items, next_url="/v3/data?page=2")


_SAMPLE = _sample_page()


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_damaged_pages_are_read_right_or_left_alone(data: st.DataObject) -> None:
    """Cut, flipped or inserted bytes anywhere: never a crash; a page the C reader still
    takes is valid JSON and read as the general readers read it."""
    body = bytearray(_SAMPLE)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(body)))
        action = data.draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if action == "cut":
            del body[at:]
        elif action == "flip" and at < len(body):
            body[at] = data.draw(st.integers(0, 255))
        elif action == "insert":
            body[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        elif at < len(body):
            del body[at]
    damaged = bytes(body)
    scanned = pages_c.scan(damaged)
    if scanned is None:
        return
    json.loads(damaged)  # what it takes is JSON
    try:
        expected = general([damaged], "N1", KNOWN)
    except Malformed:
        return  # valid JSON the general readers call malformed (an item without its unit)
    rows, values, unknown = pages_c.series([scanned], "N1", KNOWN)
    assert decoded(rows) == decoded(expected.rows)
    assert (values, unknown) == (expected.values, expected.unknown_units)


def test_series_holds_its_pages_while_the_list_of_them_changes() -> None:
    pages = [
        pages_c.scan(envelope([item("0180", year, cell("T", float(year)))]))
        for year in (2020, 2021, 2022)
    ]

    class Known:
        def __contains__(self, unit: object) -> bool:
            pages.clear()  # the list empties (and the pages lose its references) mid-call
            return True

    rows, values, _unknown = pages_c.series(pages, "N1", Known())
    assert not pages and values == 3
    assert rows == [("0180", "T", "[[2020,2020.0,1],[2021,2021.0,1],[2022,2022.0,1]]", 3)]
