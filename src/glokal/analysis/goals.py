"""Per unit and goal: a suggested status from the goal's KPIs, by one of two methods.

**default** (Glokal's method, docs/status-method.md). Each KPI of the goal that the unit has a
current value for, and whose polarity is known, scores the mean of two marks: its position
among all units of its type (best quartile +1, middle half 0, worst quartile −1) and its trend
(förbättring +1, oförändrad 0, försämring −1); a mark that cannot be given (too few years for a
trend; Riket has no position) is left out of the mean. The goal's score is the mean of its KPIs'
scores, from −1 to +1, read off in four equal bands: at least +0.5 god, at least 0 neutral, at
least −0.5 utmaning, below that betydande utmaning.

**opensdg** (the Open SDG / Statistics Canada progress measure). Each KPI's series from 2015 (or
the first later year) to its latest value gets a score from −5 to +5 (module ``opensdg``); the
goal's score is their mean, read off in the same four bands scaled by 5 (2.5, 0, −2.5).

Both: a goal is "ej bedömd" when it has no KPIs for the unit's type, or when fewer than half of
its KPIs (and fewer than two, where it has two or more) could be used.
"""

from __future__ import annotations

import polars as pl

from glokal.analysis.data import AnalysisData
from glokal.analysis.kpis import analyse_series, kpi_facts
from glokal.analysis.opensdg import OPENSDG_SCALE, progress_series
from glokal.analysis.series import CODE, CODES, SeriesFrame, codes, encode
from glokal.framework import GOAL_COUNT, GoalStatus, Position, Trend

METHODS = ("default", "opensdg")
MIN_COVERAGE = 0.5
MIN_KPIS = 2
# Lower edges of the bands on the default scale (−1 … +1); opensdg's are these times 5.
BANDS = ((0.5, GoalStatus.GOD), (0.0, GoalStatus.NEUTRAL), (-0.5, GoalStatus.UTMANING))

POSITION_MARK = {Position.BASTA.value: 1, Position.MITTEN.value: 0, Position.SAMSTA.value: -1}
TREND_MARK = {Trend.FORBATTRING.value: 1, Trend.OFORANDRAD.value: 0, Trend.FORSAMRING.value: -1}

# Why a KPI of the goal did not count (stored with the suggestion, shown in the explanation).
UNUSED_NO_VALUE = "no_value"
UNUSED_OLD_VALUE = "old_value"
UNUSED_NO_POLARITY = "no_polarity"
UNUSED_NO_MARK = "no_mark"
UNUSED_NOT_ASSESSABLE = "not_assessable"  # opensdg: too few years, or values change sign

REASON_NO_KPIS = "no_kpis"
REASON_TOO_FEW = "too_few_kpis"


def _with_default_score(kpi_results: pl.DataFrame) -> pl.DataFrame:
    """``analyse_kpis``' rows with the default method's score and why not (unused)."""
    marks = kpi_results.select(
        pl.col("position").replace_strict(POSITION_MARK, default=None, return_dtype=pl.Int64),
        pl.col("trend").replace_strict(TREND_MARK, default=None, return_dtype=pl.Int64),
    )
    position, trend = marks.get_column("position"), marks.get_column("trend")
    n_marks = position.is_not_null().cast(pl.Int64) + trend.is_not_null().cast(pl.Int64)
    score = (position.fill_null(0) + trend.fill_null(0)) / n_marks
    directed = pl.col("polarity").is_in(["higher", "lower"])
    unused = (
        pl.when(~directed)
        .then(pl.lit(UNUSED_NO_POLARITY))
        .when(~pl.col("current"))
        .then(pl.lit(UNUSED_OLD_VALUE))
        .when(pl.lit(n_marks) == 0)
        .then(pl.lit(UNUSED_NO_MARK))
    )
    scored = kpi_results.with_columns(unused.alias("unused"))
    return scored.with_columns(
        pl.when(pl.col("unused").is_null()).then(pl.lit(score)).alias("score")
    ).select(*kpi_results.columns, "score", "unused")


def default_scores(kpi_results: pl.DataFrame) -> pl.DataFrame:
    """unit, kpi, score (−1 … +1) and why not, from ``analyse_kpis``' rows."""
    return _with_default_score(kpi_results).select("unit", "kpi", "score", "unused")


def _band(score: pl.Expr, scale: float) -> pl.Expr:
    (god, _), (neutral, _), (utmaning, _) = BANDS
    return (
        pl.when(score.is_null())
        .then(pl.lit(GoalStatus.EJ_BEDOMD.value))
        .when(score >= god * scale)
        .then(pl.lit(GoalStatus.GOD.value))
        .when(score >= neutral * scale)
        .then(pl.lit(GoalStatus.NEUTRAL.value))
        .when(score >= utmaning * scale)
        .then(pl.lit(GoalStatus.UTMANING.value))
        .otherwise(pl.lit(GoalStatus.BETYDANDE_UTMANING.value))
    )


def goal_kpi_grid(data: AnalysisData, series: SeriesFrame, units: pl.DataFrame) -> pl.DataFrame:
    """u, goal, k, s: every KPI of every goal that applies to each unit's type, sorted by
    unit, goal and KPI. ``units`` has u and type.

    A goal's KPIs for kommuner apply to kommuner, those for regioner to regioner; Riket is
    compared with both selections, so it gets the union.
    """
    goal_kpis = data.goal_kpis.select("goal", codes(series.kpis, "kpi").alias("k"), "unit_type")
    is_riket = pl.col("u") == (series.riket if series.riket is not None else -1)
    grid = (
        units.join(goal_kpis, how="cross")
        .filter(is_riket | pl.col("unit_type").is_null() | (pl.col("unit_type") == pl.col("type")))
        .select(
            ((pl.col("u") * (GOAL_COUNT + 1) + pl.col("goal")) * series.kpis.len() + pl.col("k"))
            .unique()
            .sort()
            .alias("cell")
        )
    )
    n_kpis = series.kpis.len()
    return grid.select(
        (pl.col("cell") // n_kpis // (GOAL_COUNT + 1)).alias("u"),
        (pl.col("cell") // n_kpis % (GOAL_COUNT + 1)).alias("goal"),
        (pl.col("cell") % n_kpis).alias("k"),
    ).with_columns((pl.col("k") * series.units.len() + pl.col("u")).alias("s"))


def _rows_of(series: SeriesFrame, results: pl.DataFrame, grid: pl.DataFrame) -> pl.Series:
    """For each grid row, the position of its unit × KPI row in ``results`` (null if none)."""
    where = pl.repeat(None, series.kpis.len() * series.units.len(), dtype=pl.UInt32, eager=True)
    where.scatter(
        results.get_column("s"), pl.int_range(results.height, dtype=pl.UInt32, eager=True)
    )
    return where.gather(grid.get_column("s"))


def aggregate(
    series: SeriesFrame, units: pl.DataFrame, grid: pl.DataFrame, scale: float
) -> pl.DataFrame:
    """unit, goal, status, score, kpis_total, kpis_used, coverage, reason: one row per unit × goal.

    ``grid`` is ``goal_kpi_grid`` with each row's score (null when not usable); the score of a
    goal is the mean of its KPIs' scores, added in the order of the KPIs' ids.
    """
    per_goal = (
        grid.with_columns((pl.col("u") * (GOAL_COUNT + 1) + pl.col("goal")).alias("ug"))
        .with_columns(pl.col("ug").set_sorted())
        .group_by("ug", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("kpis_total"),
            pl.col("score").count().cast(pl.Int64).alias("kpis_used"),
            pl.col("score").mean().alias("mean"),
        )
    )
    goals = pl.int_range(1, GOAL_COUNT + 1, dtype=CODE, eager=True).to_frame("goal")
    every = (
        units.select("u")
        .sort("u")
        .join(goals, how="cross")
        .with_columns((pl.col("u") * (GOAL_COUNT + 1) + pl.col("goal")).alias("ug"))
    )
    result = every.join(per_goal, on="ug", how="left", maintain_order="left").with_columns(
        pl.col("kpis_total").fill_null(0), pl.col("kpis_used").fill_null(0)
    )
    enough = (pl.col("kpis_used") >= pl.min_horizontal(pl.col("kpis_total"), pl.lit(MIN_KPIS))) & (
        pl.col("kpis_used") >= pl.col("kpis_total") * MIN_COVERAGE
    )
    assessed = (pl.col("kpis_total") > 0) & (pl.col("kpis_used") > 0) & enough
    score = pl.when(assessed).then(pl.col("mean"))
    return result.select(
        pl.lit(series.unit_ids(result.get_column("u"))).alias("unit"),
        "goal",
        _band(score, scale).alias("status"),
        score.alias("score"),
        "kpis_total",
        "kpis_used",
        pl.when(pl.col("kpis_total") > 0)
        .then(pl.col("kpis_used") / pl.col("kpis_total"))
        .otherwise(0.0)
        .alias("coverage"),
        pl.when(pl.col("kpis_total") == 0)
        .then(pl.lit(REASON_NO_KPIS))
        .when(~assessed)
        .then(pl.lit(REASON_TOO_FEW))
        .alias("reason"),
    )


def contributions(
    series: SeriesFrame, grid: pl.DataFrame, kpi_results: pl.DataFrame, titles: pl.Series
) -> pl.DataFrame:
    """unit, goal, kpi and every figure the explanation names, one row per KPI of a goal.

    ``grid`` is ``goal_kpi_grid`` with the position of each row's unit × KPI row in
    ``kpi_results`` (``at``); ``titles`` the KPIs' titles by code.
    """
    figures = kpi_results.drop("unit", "kpi", "score", "unused", *CODES)
    at = grid.get_column("at")
    unused = pl.col("unused").fill_null(pl.lit(UNUSED_NO_VALUE))
    return pl.concat(
        [
            grid.select(
                pl.lit(series.unit_ids(grid.get_column("u"))).alias("unit"),
                "goal",
                pl.lit(series.kpi_ids(grid.get_column("k"))).alias("kpi"),
            ),
            figures.select(pl.all().gather(at)),
            grid.select(
                "score",
                pl.when(pl.col("score").is_null()).then(unused).alias("unused"),
                pl.lit(titles.gather(grid.get_column("k"))).alias("title"),
            ),
        ],
        how="horizontal",
    )


def suggest(
    data: AnalysisData,
    *,
    method: str = "default",
    reference_year: int | None = None,
    units: list[str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Suggested statuses by ``method`` for every unit (or ``units``) and goal.

    Returns (kpi_results, goal_results, contributions): per unit × KPI the analysis with its
    score; per unit × goal the status; per unit × goal × KPI what went into it. Positions are
    always computed among all units, whichever ``units`` are asked for.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    year = reference_year if reference_year is not None else data.newest_period()
    if year is None:  # no values at all: every goal is ej bedömd for want of data
        year = 0
    series = encode(data, year)
    kpi_results = analyse_series(data, series, year)
    if method == "default":
        kpi_results = _with_default_score(kpi_results)
        scale = 1.0
    else:
        progress = progress_series(data, series).drop("unit", "kpi", "u", "k")
        kpi_results = kpi_results.join(progress, on="s", how="left", maintain_order="left")
        scale = OPENSDG_SCALE
    wanted = data.units.select(
        codes(series.units, "unit").alias("u"), "type", pl.col("unit").alias("id")
    ).drop_nulls("u")
    if units is not None:
        wanted = wanted.filter(pl.col("id").is_in(units))
        kpi_results = kpi_results.filter(pl.col("unit").is_in(units))
    grid = goal_kpi_grid(data, series, wanted)
    at = _rows_of(series, kpi_results, grid)
    grid = grid.with_columns(
        pl.lit(at).alias("at"),
        pl.lit(kpi_results.get_column("score").gather(at)).alias("score"),
        pl.lit(kpi_results.get_column("unused").gather(at)).alias("unused"),
    )
    goal_results = aggregate(series, wanted, grid, scale).with_columns(
        pl.lit(year, dtype=pl.Int64).alias("reference_year")
    )
    titles = kpi_facts(data, series).get_column("title")
    parts = contributions(series, grid, kpi_results, titles)
    return kpi_results.drop(CODES), goal_results, parts


__all__ = ["BANDS", "METHODS", "MIN_COVERAGE", "MIN_KPIS", "aggregate", "default_scores", "suggest"]
