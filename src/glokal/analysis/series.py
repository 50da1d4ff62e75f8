"""The values as integer-keyed series, sorted once, which every method then walks.

Units and KPIs get integer codes in the order of their ids (the position of the id in the sorted
list of ids), so that sorting by code is sorting by id. A series is one unit's values of one KPI;
its key ``s = k × (number of units) + u`` orders the series by KPI, then unit. Each value row
also gets ``o = s × span + (period − first_year)``, one integer that orders the rows by series
and then year: sorted by ``o``, each series is one run of rows in year order, so "the newest
value" is the last row of a run and "the last five available years" are its last five rows.

A cell (unit, KPI, year) given more than once counts once: its last row in the input.

The keys are plain NumPy arrays: the per-series steps that follow are a few dozen whole-array
operations on 40,000–1,000,000 integers each, where NumPy's fixed cost per operation (about a
microsecond) is a fraction of a Polars query's (tens to hundreds of microseconds), and gathers,
scatters and cumulative sums are what they need. Polars reads the ids (string → code) and builds
the frames that go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from glokal.analysis.data import RIKET, AnalysisData

CODE = pl.Int64  # the type of every code and key below
CODES = ["u", "k", "s"]  # the code columns the analyses' frames carry (unit, KPI, series)
# The values are laid out in a grid of every KPI × unit × year when it has at most this many
# cells per value, plus this many (else sorted).
DENSE_CELLS_PER_ROW = 8
DENSE_CELLS = 1 << 20

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Array = npt.NDArray[Any]  # any of these


@dataclass(frozen=True)
class SeriesFrame:
    """The values up to a reference year, keyed by integers (see the module docstring).

    - ``units``, ``kpis``: the ids, sorted; a code is a position in these.
    - ``o``: one entry per cell with a value (a row), sorted (each ``o`` once); ``value``
      their values (from the grid, or ``sorted_value`` without one), ``s`` their series;
      ``rows`` the same as a frame, ``decode`` adds u, k and period to one.
    - ``last``: the position of each series' newest row (one per series with a value).
    - ``riket``: Riket's unit code, or None if Riket is not among the units.
    - ``grid``, ``present``: the values by ``o`` (0 where none) and whether the cell has one,
      or None (too sparse for a grid, or rows sharing a cell: ``lookup`` then searches ``o``).
    """

    units: pl.Series
    kpis: pl.Series
    first_year: int
    span: int
    riket: int | None
    o: Ints
    sorted_value: Floats | None  # (None with a grid: ``value`` reads it from the grid)
    last: Ints
    grid: Floats | None
    present: Bools | None

    @cached_property
    def s(self) -> Ints:
        return self.o // self.span

    @cached_property
    def value(self) -> Floats:
        return self.grid[self.o] if self.sorted_value is None else self.sorted_value  # type: ignore[index]

    def row_values(self, rows: Ints, cells: Ints) -> Floats:
        """The values of the ``rows`` (positions), whose cells (``o``) are ``cells``."""
        return self.grid[cells] if self.grid is not None else self.value[rows]

    @property
    def rows(self) -> pl.DataFrame:
        """s, o, value as a frame (sorted by o)."""
        return pl.DataFrame({"s": self.s, "o": self.o, "value": self.value}).with_columns(
            pl.col("s").set_sorted(), pl.col("o").set_sorted()
        )

    def decode(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (with s and o) with the unit code u, the KPI code k and the period."""
        n_units = self.units.len()
        return frame.with_columns(
            (pl.col("s") // n_units).alias("k"),
            (pl.col("s") % n_units).alias("u"),
            (pl.col("o") - pl.col("s") * self.span + self.first_year).alias("period"),
        )

    def lookup(self, cells: Ints) -> tuple[Floats, Bools]:
        """The value of each cell ``o`` (any number of them, each in range) and whether it
        has one (where not, the value is 0)."""
        if self.grid is not None and self.present is not None:
            return self.grid[cells], self.present[cells]
        at = np.searchsorted(self.o, cells).clip(max=max(self.o.size - 1, 0))
        if not self.o.size:
            return np.zeros(cells.shape), np.zeros(cells.shape, dtype=np.bool_)
        found = self.o[at] == cells
        return np.where(found, self.value[at], 0.0), found

    def unit_ids(self, codes: pl.Series) -> pl.Series:
        return self.units.gather(codes)

    def kpi_ids(self, codes: pl.Series) -> pl.Series:
        return self.kpis.gather(codes)


def _ids(column: pl.Series) -> pl.Series:
    """The distinct ids, sorted (as Polars sorts texts: by their bytes, which for UTF-8 is
    the order of their code points, Python's order)."""
    if column.len() > 10_000:
        return column.drop_nulls().unique().sort()
    # (A few hundred ids: a Python set is cheaper than a Polars query or two.)
    return pl.Series(column.name, sorted(set(column.drop_nulls().to_list())), dtype=pl.String)


def codes(ids: pl.Series, column: str) -> pl.Expr:
    """The code of each id in ``column``; null for an id that is not in ``ids``."""
    return pl.col(column).cast(pl.Enum(ids), strict=False).to_physical().cast(CODE)


def _coded(values: pl.DataFrame, units: pl.Series, kpis: pl.Series) -> pl.DataFrame:
    return values.select(
        codes(units, "unit").alias("u"), codes(kpis, "kpi").alias("k"), "period", "value"
    )


def encode(
    data: AnalysisData,
    reference_year: int,
    *,
    first_year: int | None = None,
    periods: tuple[int, int] | None = None,
) -> SeriesFrame:
    """The values from ``first_year`` (default: all) up to ``reference_year``, of known units.

    Values of a unit that is not in ``data.units`` are left out. Every KPI of ``data.kpis``,
    of ``data.goal_kpis`` and of the values gets a code. ``periods``: ``data.periods()``, if
    the caller has it already.
    """
    units = _ids(data.units.get_column("unit"))
    kpis = _ids(pl.concat([data.kpis.get_column("kpi"), data.goal_kpis.get_column("kpi")]))
    values = data.values
    lowest, highest = periods or data.periods() or (None, None)
    # Filtered only where some row is outside the window (a filter copies every column).
    if (
        values.get_column("kpi").null_count()
        or (highest is not None and highest > reference_year)
        or (first_year is not None and lowest is not None and lowest < first_year)
    ):
        window = pl.col("period") <= reference_year
        if first_year is not None:
            window &= pl.col("period") >= first_year
        values = values.filter(window, pl.col("kpi").is_not_null())
        found = values.get_column("period").min()
        lowest = None if found is None else int(found)  # type: ignore[arg-type]
    start = lowest if lowest is not None else reference_year
    span = reference_year - start + 1
    n_units = units.len()

    def keyed(kpis: pl.Series) -> pl.DataFrame:
        """o and value of each row; o null for a unit or KPI without a code."""
        k, u = codes(kpis, "kpi"), codes(units, "unit")
        key = (k * n_units + u) * span + (pl.col("period") - start)
        return values.select(key.alias("o"), "value")

    keys = keyed(kpis)
    if keys.get_column("o").null_count():
        if values.select(codes(kpis, "kpi").is_null().any()).item():
            # KPIs without a row in data.kpis: add their ids
            kpis = _ids(pl.concat([kpis, values.get_column("kpi")]))
            keys = keyed(kpis)
        keys = keys.drop_nulls("o")  # units not in data.units
    # The keys and values chunk by chunk as Polars holds them (as NumPy views, not copies).
    chunks = [
        (o.to_numpy(), value.to_numpy())
        for o, value in zip(
            keys.get_column("o").get_chunks(), keys.get_column("value").get_chunks(), strict=True
        )
    ]
    rows = keys.height
    cells = kpis.len() * n_units * span
    grid: Floats | None = None
    present: Bools | None = None
    if cells <= DENSE_CELLS_PER_ROW * rows + DENSE_CELLS:
        # Each value in its cell of the grid of every KPI × unit × year: read in cell order,
        # the values are sorted by o (a counting sort), unless two rows share a cell.
        present = np.zeros(cells, dtype=np.bool_)
        for o, _value in chunks:
            present[o] = True
        if np.count_nonzero(present) == rows:
            grid = np.zeros(cells)
            for o, value in chunks:
                grid[o] = value
            o = np.flatnonzero(present)  # (the values sorted alike are read when needed)
            # A series' newest row is the last of the rows before the next series' cells.
            size = np.count_nonzero(present.reshape(-1, span), axis=1)
            last = (np.cumsum(size) - 1)[size > 0]
        else:
            present = None
    sorted_value: Floats | None = None
    if grid is None:
        o = np.concatenate([o for o, _value in chunks] or [np.zeros(0, dtype=np.int64)])
        value = np.concatenate([value for _o, value in chunks] or [np.zeros(0)])
        if o.size and not bool((o[1:] >= o[:-1]).all()):
            order = np.argsort(o, kind="stable")  # rows that share a cell keep their order
            o, value = o[order], value[order]
        newest = np.append(o[1:] != o[:-1], True) if o.size else np.zeros(0, dtype=np.bool_)
        if not newest.all():  # a cell given twice: its last row counts
            o, value = o[newest], value[newest]
        s = o // span
        last = np.flatnonzero(np.append(s[1:] != s[:-1], True)) if o.size else o
        sorted_value = value
    found = units.index_of(RIKET)
    return SeriesFrame(
        units=units,
        kpis=kpis,
        first_year=start,
        span=span,
        riket=None if found is None else int(found),
        o=o,
        sorted_value=sorted_value,
        last=last,
        grid=grid,
        present=present,
    )


__all__ = ["CODE", "CODES", "Array", "Bools", "Floats", "Ints", "SeriesFrame", "codes", "encode"]
