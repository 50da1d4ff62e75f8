"""Pure parts of the Kolada sync: chunking, the selection, and turning answers into cells.

No I/O here: everything takes plain data and returns plain data.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl

from glokal.kolada.wire import ITEM_COLUMNS, DataItem, FastPage, as_items, scanned_series
from glokal.store.kolada import SeriesRow, ValueRow

T = TypeVar("T")
AGENDA_TITLE = re.compile(r"agenda\s*2030", re.IGNORECASE)
GOAL_IN_TITLE = re.compile(r"\bm[åa]l\s*(\d{1,2})\b", re.IGNORECASE)
DISCONTINUED = re.compile(r"\(-\s*(\d{4})\)\s*$")
GENDERS = frozenset({"T", "K", "M"})


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class AgendaGroup:
    """A Kolada KPI group of the Agenda 2030 selection: its goal, unit type and KPIs."""

    id: str
    title: str
    goal: int
    unit_type: str | None
    kpis: tuple[str, ...]


def agenda_groups(kpi_groups: Iterable[dict[str, Any]]) -> list[AgendaGroup]:
    """The KPI groups whose titles name Agenda 2030 and a goal ("… Mål 13 …")."""
    found = []
    for group in kpi_groups:
        title = group.get("title") or ""
        if not AGENDA_TITLE.search(title):
            continue
        goal = GOAL_IN_TITLE.search(title)
        if goal is None or not 1 <= int(goal[1]) <= 17:
            continue
        lowered = title.lower()
        unit_type = "K" if "kommun" in lowered else "L" if "region" in lowered else None
        members = tuple(m["member_id"] for m in group.get("members") or [])
        found.append(AgendaGroup(group["id"], title, int(goal[1]), unit_type, members))
    return sorted(found, key=lambda g: (g.goal, g.unit_type or "", g.id))


def selection_kpis(groups: Iterable[AgendaGroup]) -> list[str]:
    return sorted({kpi for group in groups for kpi in group.kpis})


def kpi_row(item: dict[str, Any]) -> dict[str, Any]:
    """A /kpi item as the columns of the kolada_kpi table (fetched_at added by the caller)."""
    title = item.get("title") or ""
    discontinued = DISCONTINUED.search(title)
    return {
        "id": item["id"],
        "title": title,
        "description": item.get("description") or "",
        "is_divided_by_gender": bool(item.get("is_divided_by_gender")),
        "municipality_type": item.get("municipality_type") or "A",
        "auspice": item.get("auspice"),
        "operating_area": item.get("operating_area"),
        "perspective": item.get("perspective"),
        "publication_date": item.get("publication_date"),
        "prel_publication_date": item.get("prel_publication_date"),
        "publ_period": None if item.get("publ_period") is None else str(item["publ_period"]),
        "has_ou_data": bool(item.get("has_ou_data")),
        "discontinued_after": int(discontinued[1]) if discontinued else None,
        "missing_since": None,
    }


@dataclass
class ParsedData:
    """Rows to store, keys to delete, and what was skipped, from a list of data items."""

    rows: list[ValueRow] = field(default_factory=list)
    deleted: list[tuple[str, str, int, str]] = field(default_factory=list)
    empty: list[tuple[str, str, int, str]] = field(default_factory=list)
    unknown_units: set[str] = field(default_factory=set)


def parse_data(
    items: Iterable[DataItem], known_units: set[str], fetched_at: Any = None
) -> ParsedData:
    """Split Kolada data items into rows to store, deleted keys and empty cells.

    An empty cell (``value`` null and ``count`` 0) is not a value; a null with count ≥ 1 is a
    genuine missing value and is kept. ``isdeleted`` marks a value Kolada has removed. Units
    the store does not know (group ids, new units) are skipped and reported. Each row ends with
    ``fetched_at`` as given (the store's ``driver_timestamp`` renders it for the database).
    """
    parsed = ParsedData()
    rows, deleted, empty = parsed.rows, parsed.deleted, parsed.empty
    genders = GENDERS
    for item in items:
        unit = item.municipality
        if unit not in known_units:
            parsed.unknown_units.add(unit)
            continue
        kpi, period = item.kpi, item.period
        for cell in item.values:
            gender = cell.gender or "T"
            if gender not in genders:
                continue
            if cell.isdeleted:
                deleted.append((kpi, unit, period, gender))
                continue
            count = cell.count or 0
            value = cell.value
            if value is None and not count:
                empty.append((kpi, unit, period, gender))
                continue
            rows.append((kpi, unit, period, gender, value, count, fetched_at))
    return parsed


@dataclass
class KpiSeries:
    """A full fetch of one KPI as series to store, and the units skipped."""

    rows: list[SeriesRow] = field(default_factory=list)
    values: int = 0
    unknown_units: set[str] = field(default_factory=set)


def series_of(items: pl.DataFrame, kpi: str, known_units: Collection[str]) -> KpiSeries:
    """The series of a full fetch of ``kpi`` to store, from its pages' items (a frame of
    ``wire.ITEM_COLUMNS``), keeping what ``parse_data`` would keep.

    Deleted and empty cells are dropped (a full fetch replaces what is stored), and so are
    units the store does not know (reported) and cells of any other KPI (not asked for). A
    cell that came twice keeps the last. Each series' cells are written as the JSON text the
    store keeps (``store.kolada.encode_cells``: ``[[period, value, count], …]`` in year
    order; Polars writes each double as the shortest text that reads back as it), all in
    Polars: no Python object per value.
    """
    known = pl.col("municipality").is_in(sorted(known_units))
    unknown = set(items.filter(~known).get_column("municipality").unique().to_list())
    kept = (
        items.lazy()
        .filter(known, pl.col("kpi") == kpi)
        .explode("values")  # an item without cells gives one row of nulls: an empty cell
        .unnest("values")
        .with_columns(
            # A cell without a gender (or with an empty one) is the total, as in parse_data.
            pl.when(pl.col("gender").is_null() | (pl.col("gender") == ""))
            .then(pl.lit("T"))
            .otherwise(pl.col("gender"))
            .alias("gender"),
            pl.col("count").fill_null(0),
        )
        .filter(
            pl.col("gender").is_in(sorted(GENDERS)),
            ~pl.col("isdeleted").fill_null(False),
            pl.col("value").is_not_null() | (pl.col("count") != 0),
        )
    )
    # Kolada sends a KPI's items year by year for each unit, so each series usually comes
    # in year order already: checked, and only sorted (and a cell that came twice dropped)
    # when not. The sort was the costliest step of all.
    series = _series(kept).collect()
    if not series.get_column("in_order").all():
        key = ("municipality", "gender", "period")
        deduplicated = kept.sort(key, maintain_order=True).filter(
            # After a stable sort the last of a key's cells ends its run of equal keys.
            pl.any_horizontal(pl.col(k) != pl.col(k).shift(-1) for k in key).fill_null(True)
        )
        series = _series(deduplicated).collect()
    series = series.drop("in_order")
    return KpiSeries(
        rows=list(series.iter_rows()),
        values=int(series.get_column("size").sum()),
        unknown_units=unknown,
    )


def series_of_pages(pages: Sequence[FastPage], kpi: str, known_units: Collection[str]) -> KpiSeries:
    """``series_of`` the pages of a full fetch of ``kpi`` as ``wire.read_fast`` read them.

    When the C reader scanned every page, it makes the series too, the same as
    ``series_of`` (a value's text as Kolada wrote it, which reads back as the same double;
    tests/kolada/test_pages.py); otherwise Polars does, from the pages as frames.
    """
    if not any(isinstance(page, pl.DataFrame) for page in pages):
        rows, values, unknown = scanned_series(pages, kpi, known_units)
        return KpiSeries(rows=rows, values=values, unknown_units=unknown)
    items = pl.concat([pl.DataFrame(schema=ITEM_COLUMNS), *map(as_items, pages)])
    return series_of(items, kpi, known_units)


def _series(cells: pl.LazyFrame) -> pl.LazyFrame:
    """municipality, gender, cells (the JSON text), size, in_order (strictly by year)."""
    cell = pl.format(
        "[{},{},{}]", "period", pl.col("value").cast(pl.String).fill_null("null"), "count"
    )
    return cells.group_by("municipality", "gender", maintain_order=True).agg(
        pl.concat_str(pl.lit("["), cell.str.join(","), pl.lit("]")).alias("cells"),
        pl.len().alias("size"),
        (pl.col("period").diff() > 0).all().alias("in_order"),
    )
