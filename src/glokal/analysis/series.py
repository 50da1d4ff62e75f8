"""The values as integer-keyed series, sorted once, which every method then walks.

Units and KPIs get integer codes in the order of their ids (the position of the id in the sorted
list of ids), so that sorting by code is sorting by id. A series is one unit's values of one KPI;
its key ``s = k × (number of units) + u`` orders the series by KPI, then unit. Each value row
also gets ``o = s × span + (period − first_year)``, one integer that orders the rows by series
and then year: sorted by ``o``, each series is one run of rows in year order, so "the newest
value" is the last row of a run and "the last five available years" are its last five rows.

Group-bys, joins and sorts over integers are several times cheaper than over the two string
keys, and a frame that arrives in this order (as the store reads it) is not sorted again.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from glokal.analysis.data import RIKET, AnalysisData

CODE = pl.Int64  # the type of every code and key below
CODES = ["u", "k", "s"]  # the code columns the analyses' frames carry (unit, KPI, series)
# The values are laid out in a grid of every KPI × unit × year when it has at most this many
# cells per value, plus this many (else sorted).
DENSE_CELLS_PER_ROW = 8
DENSE_CELLS = 1 << 20


@dataclass(frozen=True)
class SeriesFrame:
    """The values up to a reference year, keyed by integers (see the module docstring).

    - ``units``, ``kpis``: the ids, sorted; a code is a position in these.
    - ``rows``: s, o, value, sorted by ``o`` (ties keep their input order); ``decode``
      adds u, k and period, which follow from s and o.
    - ``riket``: Riket's unit code, or None if Riket is not among the units.
    - ``grid``: the values by o (null where none), or None (too sparse, or rows sharing a key).
    """

    units: pl.Series
    kpis: pl.Series
    first_year: int
    span: int
    riket: int | None
    rows: pl.DataFrame
    grid: pl.Series | None

    def key(self, k: pl.Expr, u: pl.Expr, period: pl.Expr) -> pl.Expr:
        """The row key ``o`` of KPI ``k``, unit ``u`` and ``period`` (which must be in range)."""
        return (k * self.units.len() + u) * self.span + (period - self.first_year)

    def pair(self, k: pl.Expr, period: pl.Expr) -> pl.Expr:
        """An integer key for a (KPI, year) pair."""
        return k * self.span + (period - self.first_year)

    def decode(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (with s and o) with the unit code u, the KPI code k and the period."""
        n_units = self.units.len()
        return frame.with_columns(
            (pl.col("s") // n_units).alias("k"),
            (pl.col("s") % n_units).alias("u"),
            (pl.col("o") - pl.col("s") * self.span + self.first_year).alias("period"),
        )

    def unit_ids(self, codes: pl.Series) -> pl.Series:
        return self.units.gather(codes)

    def kpi_ids(self, codes: pl.Series) -> pl.Series:
        return self.kpis.gather(codes)


def _ids(column: pl.Series) -> pl.Series:
    return column.drop_nulls().unique().sort()


def codes(ids: pl.Series, column: str) -> pl.Expr:
    """The code of each id in ``column``; null for an id that is not in ``ids``."""
    return pl.col(column).cast(pl.Enum(ids), strict=False).to_physical().cast(CODE)


def _coded(values: pl.DataFrame, units: pl.Series, kpis: pl.Series) -> pl.DataFrame:
    return values.select(
        codes(units, "unit").alias("u"), codes(kpis, "kpi").alias("k"), "period", "value"
    )


def encode(
    data: AnalysisData, reference_year: int, *, first_year: int | None = None
) -> SeriesFrame:
    """The values from ``first_year`` (default: all) up to ``reference_year``, of known units.

    Values of a unit that is not in ``data.units`` are left out. Every KPI of ``data.kpis``,
    of ``data.goal_kpis`` and of the values gets a code.
    """
    units = _ids(data.units.get_column("unit"))
    kpis = _ids(pl.concat([data.kpis.get_column("kpi"), data.goal_kpis.get_column("kpi")]))
    window = pl.col("period") <= reference_year
    if first_year is not None:
        window &= pl.col("period") >= first_year
    values = data.values.filter(window, pl.col("kpi").is_not_null())
    coded = _coded(values, units, kpis)
    if coded.get_column("k").null_count():  # KPIs without a row in data.kpis: add their ids
        kpis = _ids(pl.concat([kpis, values.get_column("kpi")]))
        coded = _coded(values, units, kpis)
    coded = coded.drop_nulls("u")
    lowest = coded.get_column("period").min()
    start = int(lowest) if lowest is not None else reference_year  # type: ignore[arg-type]
    span = reference_year - start + 1
    n_units = units.len()
    key = (pl.col("k") * n_units + pl.col("u")) * span + (pl.col("period") - start)
    rows = coded.select(key.alias("o"), "value")
    cells = kpis.len() * n_units * span
    grid = None
    if cells <= DENSE_CELLS_PER_ROW * rows.height + DENSE_CELLS:
        # Each value in its cell of the grid of every KPI × unit × year: read in cell order,
        # the values are sorted by o (a counting sort), unless two rows share a cell.
        grid = pl.repeat(None, cells, dtype=pl.Float64, eager=True)
        grid.scatter(rows.get_column("o"), rows.get_column("value"))
        present = grid.is_not_null()
        if present.sum() == rows.height:
            rows = pl.DataFrame({"o": present.arg_true().cast(CODE), "value": grid.filter(present)})
        else:
            grid = None
    if grid is None and not rows.get_column("o").is_sorted():
        rows = rows.sort("o", maintain_order=True)  # rows that share a cell keep their order
    rows = rows.with_columns((pl.col("o") // span).alias("s")).with_columns(
        pl.col("s").set_sorted(), pl.col("o").set_sorted()
    )
    found = units.index_of(RIKET)
    return SeriesFrame(
        units=units,
        kpis=kpis,
        first_year=start,
        span=span,
        riket=None if found is None else int(found),
        rows=rows.select("s", "o", "value"),
        grid=grid,
    )


__all__ = ["CODE", "CODES", "SeriesFrame", "codes", "encode"]
