"""Per unit and KPI: the latest value, Riket's value, the trend and the relative positions.

All units at once, vectorised (Polars). The rules, which docs/status-method.md explains with a
worked example:

- Reference year: the analysis looks at values up to and including it (default: the newest
  year with any value). The latest value is the newest one up to the reference year; it is
  *current* if it is at most ``MAX_AGE_YEARS`` older than the reference year.
- Trend: the least-squares line through the last ``TREND_WINDOW`` available years (up to the
  reference year), at least ``MIN_TREND_POINTS`` of them. Its slope, divided by the mean of the
  absolute values in the window, is the relative change per year. Turned towards what is better
  (times +1 if higher is better, −1 if lower is better), more than ``STABLE_BAND`` is
  förbättring, less than −``STABLE_BAND`` försämring, in between oförändrad. Regression rather
  than CAGR because it uses every point in the window (one odd year moves it less) and works
  with zeros and negative values, which Kolada's shares and balances have.
- Position, as Kolada colours it: among all units of the same type (kommuner, or regioner) with
  a value in the same year, ``better`` = how many have a strictly better value. Best quartile if
  fewer than a quarter of them are better (4 × better < n), worst quartile if fewer than a
  quarter are worse; middle half otherwise (also if both hold, as when all values are equal).
  Ties share a position. The same within the unit's kommungrupp and within its "Liknande
  kommuner, övergripande" group (Glokal's variants of Kolada's colouring).
- Riket: Riket's value the same year; "bättre", "i nivå" (within ``RIKET_BAND`` of Riket's
  value) or "sämre", in the better direction.
- No trend verdict and no position without a polarity (higher or lower is better).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import add

import polars as pl

from glokal.analysis.data import POLARITY_SIGN, AnalysisData
from glokal.analysis.series import CODE, CODES, SeriesFrame, codes, encode
from glokal.framework import Position, Trend

TREND_WINDOW = 5  # years: the last five available
MIN_TREND_POINTS = 3
STABLE_BAND = 0.01  # ±1 % of the window's mean per year counts as oförändrad
MAX_AGE_YEARS = 4  # a latest value older than this (before the reference year) is not current
RIKET_BAND = 0.02  # within ±2 % of Riket's value counts as "i nivå med riket"

BETTER_THAN_RIKET = "bättre"
LEVEL_WITH_RIKET = "i nivå"
WORSE_THAN_RIKET = "sämre"

FLAG_UNKNOWN_POLARITY = "unknown_polarity"
FLAG_NO_DIRECTION = "no_direction"  # polarity "neither": neither higher nor lower is better
FLAG_NO_VALUE = "no_value"
FLAG_OLD_VALUE = "old_value"
FLAG_TOO_FEW_POINTS = "too_few_points"
FLAG_NO_RIKET = "no_riket_value"

KEYS = ["unit", "kpi"]
# In this order in a KPI's flags.
FLAGS = (
    FLAG_UNKNOWN_POLARITY,
    FLAG_NO_DIRECTION,
    FLAG_OLD_VALUE,
    FLAG_TOO_FEW_POINTS,
    FLAG_NO_RIKET,
)
# Every combination of flags, indexed by its bits (bit i: FLAGS[i]).
_FLAG_LISTS = pl.Series(
    [[f for i, f in enumerate(FLAGS) if bits >> i & 1] for bits in range(1 << len(FLAGS))],
    dtype=pl.List(pl.String),
)


def _flags(*conditions: pl.Expr) -> pl.Expr:
    """The list of the FLAGS whose condition holds (one look-up of the conditions' bits)."""
    bits = reduce(
        add, (c.fill_null(False).cast(pl.Int64) * (1 << i) for i, c in enumerate(conditions))
    )
    return pl.lit(_FLAG_LISTS).gather(bits)


def _position(better: pl.Expr, worse: pl.Expr, compared: pl.Expr) -> pl.Expr:
    best = better * 4 < compared
    worst = worse * 4 < compared
    return (
        pl.when(compared.is_null())
        .then(None)
        .when(best & ~worst)
        .then(pl.lit(Position.BASTA.value))
        .when(worst & ~best)
        .then(pl.lit(Position.SAMSTA.value))
        .otherwise(pl.lit(Position.MITTEN.value))
    )


def kpi_facts(data: AnalysisData, series: SeriesFrame) -> pl.DataFrame:
    """k, title, polarity, sign: one row per KPI code, in code order (unknown where not set)."""
    sign = pl.col("polarity").replace_strict(POLARITY_SIGN, default=None, return_dtype=pl.Int64)
    return (
        series.kpis.to_frame("kpi")
        .join(data.kpis.unique("kpi", keep="first"), on="kpi", how="left", maintain_order="left")
        .select(
            pl.int_range(pl.len(), dtype=CODE).alias("k"),
            "title",
            pl.col("polarity").fill_null("unknown"),
        )
        .with_columns(sign.alias("sign"))
    )


def unit_facts(data: AnalysisData, series: SeriesFrame) -> pl.DataFrame:
    """u, t, g: per unit code its type's and kommungrupp's codes (g null without a group)."""
    about = series.units.to_frame("unit").join(
        data.units.unique("unit", keep="first"), on="unit", how="left", maintain_order="left"
    )
    types = about.get_column("type").drop_nulls().unique().sort()
    groups = about.get_column("kommungrupp").drop_nulls().unique().sort()
    return about.select(
        pl.int_range(pl.len(), dtype=CODE).alias("u"),
        codes(types, "type").alias("t"),
        codes(groups, "kommungrupp").alias("g"),
    )


def _trend(rows: pl.DataFrame, last: pl.Series, span: int, first_year: int) -> pl.DataFrame:
    """Per series (in the order of ``last``, its rows' positions): the regression trend.

    Over the series' last ``TREND_WINDOW`` rows, gathered by position (column j: j rows
    before the newest, null outside the series); sums run from the oldest year to the newest,
    as a loop over the window would add them.
    """
    s = rows.get_column("s")
    newest = s.gather(last)
    columns = []
    for j in range(TREND_WINDOW):
        at = (last.cast(pl.Int64) - j).clip(lower_bound=0)
        at = at.zip_with(
            (last >= j) & (s.gather(at) == newest),
            pl.repeat(None, at.len(), eager=True, dtype=pl.Int64),
        )
        columns += [
            pl.col("o").gather(at).alias(f"p{j}"),
            pl.col("value").gather(at).alias(f"v{j}"),
        ]
    # A row's period is its o less its series' first cell, plus the first year.
    start = pl.lit(newest) * span - first_year
    window = rows.select(columns).with_columns(
        (pl.col(f"p{j}") - start).alias(f"p{j}") for j in range(TREND_WINDOW)
    )
    oldest_first = range(TREND_WINDOW - 1, -1, -1)

    def total(term: Callable[[int], pl.Expr]) -> pl.Expr:
        return reduce(add, (term(j).fill_null(0) for j in oldest_first))

    def p(j: int) -> pl.Expr:
        return pl.col(f"p{j}")

    def v(j: int) -> pl.Expr:
        return pl.col(f"v{j}")

    n = total(lambda j: p(j).is_not_null().cast(pl.Int64))
    window = window.with_columns(
        n.alias("n"),
        (total(p) / n).alias("mean_t"),
        (total(v) / n).alias("mean_v"),
        (total(lambda j: v(j).abs()) / n).alias("level"),
        pl.coalesce(p(j) for j in oldest_first).alias("trend_first"),
    )
    sxy = total(lambda j: (p(j) - pl.col("mean_t")) * (v(j) - pl.col("mean_v")))
    sxx = total(lambda j: (p(j) - pl.col("mean_t")) * (p(j) - pl.col("mean_t")))
    return window.select(
        pl.col("n").cast(pl.UInt32).alias("trend_points"),
        "trend_first",
        pl.col("p0").alias("trend_last"),
        pl.when(pl.col("n") < MIN_TREND_POINTS)
        .then(None)
        .when(pl.col("level") == 0)
        .then(0.0)
        .otherwise(sxy / sxx / pl.col("level"))
        .alias("change_per_year"),
    )


def _counts(peers: pl.DataFrame, group: str, suffix: str) -> pl.DataFrame:
    """s, better, worse, compared (suffixed): each latest row among the peers of its group.

    better = how many have a strictly better value (the group's size less the rank of the
    largest tie), worse = how many a strictly worse one (the rank of the smallest tie, less 1).
    """
    return (
        peers.group_by(group)
        .agg(
            pl.col("s").filter(pl.col("last")),
            pl.col("goodness").rank("min").filter(pl.col("last")).alias("lowest"),
            pl.col("goodness").rank("max").filter(pl.col("last")).alias("highest"),
            pl.len().alias("n"),
        )
        .explode("s", "lowest", "highest")
        .select(
            "s",
            (pl.col("n") - pl.col("highest")).cast(pl.Int64).alias(f"better{suffix}"),
            (pl.col("lowest") - 1).cast(pl.Int64).alias(f"worse{suffix}"),
            pl.col("n").cast(pl.Int64).alias(f"compared{suffix}"),
        )
    )


def _similar(
    series: SeriesFrame, data: AnalysisData, peers: pl.DataFrame, n_pairs: int
) -> pl.DataFrame:
    """s, better_s, worse_s, compared_s: each latest value among its Liknande kommuner.

    The peers' values laid out as a grid of (KPI, year) pair × unit, so that each member's
    value is one look-up.
    """
    n_units = series.units.len()
    pairs = data.similar.select(
        codes(series.units, "unit").alias("u"), codes(series.units, "member").alias("m")
    ).drop_nulls("u")
    # Each unit with a group is compared with itself too.
    members = pl.concat(
        [pairs.drop_nulls("m"), pairs.select("u", pl.col("u").alias("m")).unique()]
    ).unique()
    cell = pl.col("pair_rank") * n_units + pl.col("u")
    grid = pl.repeat(None, n_pairs * n_units, dtype=pl.Float64, eager=True).alias("peer")
    grid.scatter(peers.select(cell).to_series(), peers.get_column("goodness"))
    own = peers.filter(pl.col("last")).select("s", "u", cell.alias("cell"), "goodness")
    return (
        own.join(members, on="u", how="inner", maintain_order="left")
        .with_columns(pl.lit(grid).gather(pl.col("cell") + pl.col("m") - pl.col("u")))
        .group_by("s", maintain_order=True)
        .agg(
            (pl.col("peer") > pl.col("goodness")).sum().cast(pl.Int64).alias("better_s"),
            (pl.col("peer") < pl.col("goodness")).sum().cast(pl.Int64).alias("worse_s"),
            pl.col("peer").count().cast(pl.Int64).alias("compared_s"),
        )
    )


def _peers(
    series: SeriesFrame, rows: pl.DataFrame, latest: pl.DataFrame, pairs: pl.Series
) -> pl.DataFrame:
    """u, k, s, o, period, value, last: every unit's value (not Riket's) in the (KPI, year)
    ``pairs``, read from the grid where there is one, else picked from all the rows."""
    not_riket = pl.col("u") != (series.riket if series.riket is not None else -1)
    if series.grid is None:
        wanted = pl.repeat(False, series.kpis.len() * series.span, eager=True)
        wanted.scatter(pairs, True)
        pair = series.pair(pl.col("k"), pl.col("period"))
        return series.decode(rows).filter(pl.lit(wanted).gather(pair), not_riket)
    n_units = series.units.len()
    newest = pl.repeat(None, series.kpis.len() * n_units, dtype=CODE, eager=True)
    newest.scatter(latest.get_column("s"), latest.get_column("o"))
    cells = (
        pairs.to_frame("pair")
        .join(pl.int_range(n_units, dtype=CODE, eager=True).to_frame("u"), how="cross")
        .filter(not_riket)
        .select(
            "u",
            (pl.col("pair") // series.span).alias("k"),
            (pl.col("pair") % series.span + series.first_year).alias("period"),
        )
        .with_columns((pl.col("k") * n_units + pl.col("u")).alias("s"))
        .with_columns(series.key(pl.col("k"), pl.col("u"), pl.col("period")).alias("o"))
        .with_columns(pl.lit(series.grid).gather(pl.col("o")).alias("value"))
        .filter(pl.col("value").is_not_null())
    )
    return cells.with_columns(
        (pl.lit(newest).gather(pl.col("s")) == pl.col("o")).fill_null(False).alias("last")
    )


def _attach(latest: pl.DataFrame, parts: pl.DataFrame) -> pl.DataFrame:
    """``latest`` (one row per series s, sorted by s) with the columns of ``parts`` (some of
    those series, by s) beside it, null for the series ``parts`` does not have."""
    at = latest.get_column("s").search_sorted(parts.get_column("s"))
    columns = [
        pl.repeat(None, latest.height, dtype=parts.schema[name], eager=True)
        .alias(name)
        .scatter(at, parts.get_column(name))
        for name in parts.columns
        if name != "s"
    ]
    return latest.hstack(columns)


def analyse_kpis(data: AnalysisData, reference_year: int) -> pl.DataFrame:
    """One row per unit and KPI with any value up to ``reference_year`` (see the module)."""
    return analyse_series(data, encode(data, reference_year), reference_year).drop(CODES)


def analyse_series(data: AnalysisData, series: SeriesFrame, reference_year: int) -> pl.DataFrame:
    """``analyse_kpis`` on values already encoded (``series.encode``) up to the year, with the
    codes (``CODES``: u, k, s) of each row as further columns; sorted by unit and KPI."""
    kpis = kpi_facts(data, series)
    units = unit_facts(data, series)
    s = series.rows.get_column("s")
    last = (s != s.shift(-1)).fill_null(True)
    rows = series.rows.with_columns(last.alias("last"))
    at_last = last.arg_true()

    # -- latest value, and Riket's value the same year -------------------------------------
    latest = series.decode(rows.select(pl.col("s", "o", "value").gather(at_last)))
    latest = latest.hstack(_trend(rows, at_last, series.span, series.first_year))
    latest = latest.with_columns(
        pl.lit(kpis.get_column(c)).gather(pl.col("k")).alias(c) for c in ("polarity", "sign")
    )
    keys = rows.get_column("o")
    riket_value: pl.Expr = pl.lit(None, dtype=pl.Float64)
    if series.riket is not None:
        wanted = latest.get_column("o") + (series.riket - latest.get_column("u")) * series.span
        at = keys.search_sorted(wanted, side="right").cast(pl.Int64) - 1
        at = at.clip(lower_bound=0)
        found = keys.gather(at) == wanted
        riket_value = pl.when(pl.lit(found)).then(pl.lit(rows.get_column("value").gather(at)))
    latest = latest.with_columns(riket_value.alias("riket_value"))

    # -- positions --------------------------------------------------------------------------
    # Only the (KPI, year) pairs some unit's latest value falls in need ranking.
    pair = series.pair(pl.col("k"), pl.col("period"))
    pairs = latest.filter(pl.col("sign").is_not_null()).select(pair).to_series().unique().sort()
    peers = _peers(series, rows, latest, pairs).with_columns(
        pl.lit(units.get_column("t")).gather(pl.col("u")).alias("t"),
        pl.lit(units.get_column("g")).gather(pl.col("u")).alias("g"),
        (pl.col("value") * pl.lit(kpis.get_column("sign")).gather(pl.col("k"))).alias("goodness"),
        pair.alias("pair"),
    )
    n_types = int(units.get_column("t").max() or 0) + 1  # type: ignore[arg-type]
    n_groups = int(units.get_column("g").max() or 0) + 1  # type: ignore[arg-type]
    peers = peers.with_columns(
        pairs.search_sorted(peers.get_column("pair")).cast(CODE).alias("pair_rank"),
        (pl.col("pair") * n_types + pl.col("t")).alias("by_type"),
        (pl.col("pair") * n_groups + pl.col("g")).alias("by_group"),
    )
    by_type = _counts(peers, "by_type", "")
    by_group = _counts(peers.filter(pl.col("g").is_not_null()), "by_group", "_g")
    similar = _similar(series, data, peers, pairs.len())

    result = latest
    for counts in (by_type, by_group, similar):
        result = _attach(result, counts)
    directed = pl.col("sign").is_not_null()
    current = pl.col("period") >= reference_year - MAX_AGE_YEARS
    adjusted = pl.col("change_per_year") * pl.col("sign")
    gap = (pl.col("value") - pl.col("riket_value")) * pl.col("sign")
    tolerance = pl.col("riket_value").abs() * RIKET_BAND
    is_riket = pl.col("u") == (series.riket if series.riket is not None else -1)
    result = result.sort(pl.col("u") * series.kpis.len() + pl.col("k"))
    result = result.with_columns(
        pl.lit(series.unit_ids(result.get_column("u"))).alias("unit"),
        pl.lit(series.kpi_ids(result.get_column("k"))).alias("kpi"),
        pl.lit(reference_year).alias("reference_year"),
        current.alias("current"),
        pl.when(~directed)
        .then(None)
        .when(pl.col("change_per_year").is_null())
        .then(pl.lit(Trend.DATA_SAKNAS.value))
        .when(adjusted > STABLE_BAND)
        .then(pl.lit(Trend.FORBATTRING.value))
        .when(adjusted < -STABLE_BAND)
        .then(pl.lit(Trend.FORSAMRING.value))
        .otherwise(pl.lit(Trend.OFORANDRAD.value))
        .alias("trend"),
        _position(pl.col("better"), pl.col("worse"), pl.col("compared")).alias("position"),
        _position(pl.col("better_g"), pl.col("worse_g"), pl.col("compared_g")).alias(
            "position_kommungrupp"
        ),
        _position(pl.col("better_s"), pl.col("worse_s"), pl.col("compared_s")).alias(
            "position_similar"
        ),
        pl.when(~directed | pl.col("riket_value").is_null())
        .then(None)
        .when(gap > tolerance)
        .then(pl.lit(BETTER_THAN_RIKET))
        .when(gap < -tolerance)
        .then(pl.lit(WORSE_THAN_RIKET))
        .otherwise(pl.lit(LEVEL_WITH_RIKET))
        .alias("vs_riket"),
        _flags(
            pl.col("polarity") == "unknown",
            pl.col("polarity") == "neither",
            ~current,
            pl.col("change_per_year").is_null(),
            pl.col("riket_value").is_null() & ~is_riket,
        ).alias("flags"),
    )
    return result.select(
        "unit",
        "kpi",
        "reference_year",
        "polarity",
        "period",
        "value",
        "current",
        "riket_value",
        "vs_riket",
        "trend",
        "change_per_year",
        "trend_first",
        "trend_last",
        "trend_points",
        "position",
        "better",
        "worse",
        "compared",
        "position_kommungrupp",
        pl.col("better_g").alias("better_kommungrupp"),
        pl.col("worse_g").alias("worse_kommungrupp"),
        pl.col("compared_g").alias("compared_kommungrupp"),
        "position_similar",
        pl.col("better_s").alias("better_similar"),
        pl.col("worse_s").alias("worse_similar"),
        pl.col("compared_s").alias("compared_similar"),
        "flags",
        *CODES,
    )


__all__ = [
    "MAX_AGE_YEARS",
    "MIN_TREND_POINTS",
    "RIKET_BAND",
    "STABLE_BAND",
    "TREND_WINDOW",
    "analyse_kpis",
    "analyse_series",
]
