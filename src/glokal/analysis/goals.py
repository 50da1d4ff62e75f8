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

from glokal.analysis.data import RIKET, AnalysisData
from glokal.analysis.kpis import analyse_kpis
from glokal.analysis.opensdg import OPENSDG_SCALE, analyse_progress
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


def default_scores(kpi_results: pl.DataFrame) -> pl.DataFrame:
    """unit, kpi, score (−1 … +1) and why not, from ``analyse_kpis``' rows."""
    position = pl.col("position").replace_strict(POSITION_MARK, default=None, return_dtype=pl.Int64)
    trend = pl.col("trend").replace_strict(TREND_MARK, default=None, return_dtype=pl.Int64)
    marks = position.is_not_null().cast(pl.Int64) + trend.is_not_null().cast(pl.Int64)
    score = (position.fill_null(0) + trend.fill_null(0)) / marks
    directed = pl.col("polarity").is_in(["higher", "lower"])
    unused = (
        pl.when(~directed)
        .then(pl.lit(UNUSED_NO_POLARITY))
        .when(~pl.col("current"))
        .then(pl.lit(UNUSED_OLD_VALUE))
        .when(marks == 0)
        .then(pl.lit(UNUSED_NO_MARK))
    )
    return kpi_results.select(
        "unit",
        "kpi",
        pl.when(unused.is_null()).then(score).alias("score"),
        unused.alias("unused"),
    )


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


def goal_kpi_grid(data: AnalysisData, units: pl.DataFrame) -> pl.DataFrame:
    """unit, goal, kpi: every KPI of every goal that applies to each unit's type.

    A goal's KPIs for kommuner apply to kommuner, those for regioner to regioner; Riket is
    compared with both selections, so it gets the union.
    """
    goal_kpis = data.goal_kpis.unique()
    typed = (
        units.filter(pl.col("unit") != RIKET)
        .join(goal_kpis, how="cross")
        .filter(pl.col("unit_type").is_null() | (pl.col("unit_type") == pl.col("type")))
    )
    riket = units.filter(pl.col("unit") == RIKET).join(goal_kpis, how="cross")
    return pl.concat(
        [typed.select("unit", "goal", "kpi"), riket.select("unit", "goal", "kpi")]
    ).unique()


def aggregate(
    data: AnalysisData, units: pl.DataFrame, scores: pl.DataFrame, scale: float
) -> pl.DataFrame:
    """unit, goal, status, score, kpis_total, kpis_used, coverage, reason: one row per unit × goal.

    ``scores`` holds unit, kpi, score (null when not usable) and unused (why not).
    """
    grid = goal_kpi_grid(data, units).join(scores, on=["unit", "kpi"], how="left")
    per_goal = grid.group_by("unit", "goal").agg(
        pl.len().cast(pl.Int64).alias("kpis_total"),
        pl.col("score").count().cast(pl.Int64).alias("kpis_used"),
        pl.col("score").mean().alias("mean"),
    )
    every = units.select("unit").join(
        pl.DataFrame({"goal": list(range(1, GOAL_COUNT + 1))}, schema={"goal": pl.Int64}),
        how="cross",
    )
    result = every.join(per_goal, on=["unit", "goal"], how="left").with_columns(
        pl.col("kpis_total").fill_null(0), pl.col("kpis_used").fill_null(0)
    )
    enough = (pl.col("kpis_used") >= pl.min_horizontal(pl.col("kpis_total"), pl.lit(MIN_KPIS))) & (
        pl.col("kpis_used") >= pl.col("kpis_total") * MIN_COVERAGE
    )
    assessed = (pl.col("kpis_total") > 0) & (pl.col("kpis_used") > 0) & enough
    score = pl.when(assessed).then(pl.col("mean"))
    return result.select(
        "unit",
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
    ).sort("unit", "goal")


def contributions(
    data: AnalysisData, units: pl.DataFrame, kpi_results: pl.DataFrame, scores: pl.DataFrame
) -> pl.DataFrame:
    """unit, goal, kpi and every figure the explanation names, one row per KPI of a goal."""
    titles = data.kpis.select("kpi", "title")
    return (
        goal_kpi_grid(data, units)
        .join(kpi_results, on=["unit", "kpi"], how="left")
        .join(scores, on=["unit", "kpi"], how="left")
        .join(titles, on="kpi", how="left")
        .with_columns(pl.col("unused").fill_null(pl.lit(UNUSED_NO_VALUE)).alias("unused"))
        .with_columns(pl.when(pl.col("score").is_null()).then(pl.col("unused")).alias("unused"))
        .sort("unit", "goal", "kpi")
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
    wanted = data.units if units is None else data.units.filter(pl.col("unit").is_in(units))
    if year is None:  # no values at all: every goal is ej bedömd for want of data
        year = 0
    kpi_results = analyse_kpis(data, year)
    if method == "default":
        scores, scale = default_scores(kpi_results), 1.0
    else:
        progress = analyse_progress(data, year)
        kpi_results = kpi_results.join(
            progress.drop("score", "unused"), on=["unit", "kpi"], how="left"
        )
        scores, scale = progress.select("unit", "kpi", "score", "unused"), OPENSDG_SCALE
    kpi_results = kpi_results.join(scores, on=["unit", "kpi"], how="left")
    if units is not None:
        kpi_results = kpi_results.filter(pl.col("unit").is_in(units))
        scores = scores.filter(pl.col("unit").is_in(units))
    goal_results = aggregate(data, wanted, scores, scale).with_columns(
        pl.lit(year, dtype=pl.Int64).alias("reference_year")
    )
    parts = contributions(data, wanted, kpi_results.drop("score", "unused"), scores)
    return kpi_results, goal_results, parts


__all__ = ["BANDS", "METHODS", "MIN_COVERAGE", "MIN_KPIS", "aggregate", "default_scores", "suggest"]
