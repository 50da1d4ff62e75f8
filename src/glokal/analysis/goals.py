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

import numpy as np
import polars as pl

from glokal.analysis.data import AnalysisData
from glokal.analysis.kpis import (
    _POSITIONS,
    _TRENDS,
    _column,
    _labels,
    kpi_figures,
)
from glokal.analysis.opensdg import OPENSDG_SCALE, progress_series
from glokal.analysis.series import CODES, Bools, Floats, Ints, SeriesFrame, codes, encode
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

# The texts by code (0: none), and the marks by the codes of kpis' position and trend labels.
_UNUSED = pl.Series([None, UNUSED_NO_POLARITY, UNUSED_OLD_VALUE, UNUSED_NO_MARK], dtype=pl.String)
_STATUSES = pl.Series(
    [
        GoalStatus.EJ_BEDOMD.value,
        *(status.value for _, status in BANDS),
        GoalStatus.BETYDANDE_UTMANING.value,
    ],
    dtype=pl.String,
)
_REASONS = pl.Series([None, REASON_NO_KPIS, REASON_TOO_FEW], dtype=pl.String)


def _marks(labels: pl.Series, marks: dict[str, int]) -> tuple[Ints, Bools]:
    """The mark of each label code, and whether the label gives one."""
    given = [label in marks for label in labels.to_list()]
    return np.array([marks.get(label, 0) for label in labels.to_list()]), np.array(given)


def _default_score(
    position: Ints, trend: Ints, directed: Bools, current: Bools
) -> tuple[Floats, Ints]:
    """The default method's score of each unit × KPI (from its position and trend codes), and
    why not (codes of ``_UNUSED``, 0 where it has a score)."""
    (position_mark, has_position), (trend_mark, has_trend) = (
        _marks(_POSITIONS, POSITION_MARK),
        _marks(_TRENDS, TREND_MARK),
    )
    n_marks = has_position[position].astype(np.int64) + has_trend[trend]
    unused = np.where(~directed, 1, np.where(~current, 2, np.where(n_marks == 0, 3, 0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (position_mark[position] + trend_mark[trend]) / n_marks
    return score, unused


def _codes_of(column: pl.Series, labels: pl.Series) -> Ints:
    """The codes of ``column``'s texts in ``labels`` (0 for null)."""
    mapping = {label: code for code, label in enumerate(labels.to_list()) if label is not None}
    return column.replace_strict(mapping, default=0, return_dtype=pl.Int64).to_numpy()


def _with_default_score(kpi_results: pl.DataFrame) -> pl.DataFrame:
    """``analyse_kpis``' rows with the default method's score and why not (unused)."""
    score, unused = _default_score(
        _codes_of(kpi_results.get_column("position"), _POSITIONS),
        _codes_of(kpi_results.get_column("trend"), _TRENDS),
        kpi_results.get_column("polarity").is_in(["higher", "lower"]).to_numpy(),
        kpi_results.get_column("current").to_numpy(),
    )
    return kpi_results.with_columns(
        _column("score", score, unused == 0), _labels("unused", _UNUSED, unused)
    )


def default_scores(kpi_results: pl.DataFrame) -> pl.DataFrame:
    """unit, kpi, score (−1 … +1) and why not, from ``analyse_kpis``' rows."""
    return _with_default_score(kpi_results).select("unit", "kpi", "score", "unused")


def _band(score: Floats, scored: Bools, scale: float) -> Ints:
    """Codes of ``_STATUSES``: ej bedömd without a score, else the band it falls in."""
    (god, _), (neutral, _), (utmaning, _) = BANDS
    band = np.where(
        score >= god * scale,
        1,
        np.where(score >= neutral * scale, 2, np.where(score >= utmaning * scale, 3, 4)),
    )
    return np.where(scored, band, 0)


def goal_kpi_grid(
    data: AnalysisData, series: SeriesFrame, units: pl.DataFrame
) -> tuple[Ints, Ints, Ints]:
    """u, goal, k: every KPI of every goal that applies to each unit's type, sorted by unit,
    goal and KPI. ``units`` has u and type.

    A goal's KPIs for kommuner apply to kommuner, those for regioner to regioner; Riket is
    compared with both selections, so it gets the union. The units × goal_kpis table of which
    applies, read row by row with each unit's links in (goal, KPI) order, is in that order.
    """
    # (Small tables: Python lists and dicts, cheaper here than a frame operation each.)
    kpi_code = {kpi: code for code, kpi in enumerate(series.kpis.to_list())}
    links = [
        (goal, kpi_code[kpi], unit_type)
        for goal, kpi, unit_type in data.goal_kpis.iter_rows()
        if goal is not None and kpi in kpi_code
    ]
    rows = sorted(units.select("u", "type").iter_rows(), key=lambda row: int(row[0]))
    type_code = {t: c for c, t in enumerate(sorted({t for _u, t in rows if t is not None}))}
    unit_type = np.array([type_code.get(t, -1) for _u, t in rows], dtype=np.int64)
    # −2: for every type; −3: a type no unit has.
    link_type = np.array(
        [-2 if t is None else type_code.get(t, -3) for _g, _k, t in links], dtype=np.int64
    )
    u = np.array([u for u, _t in rows], dtype=np.int64)
    n_kpis = series.kpis.len()
    link = np.array([goal * n_kpis + k for goal, k, _t in links], dtype=np.int64)
    by_link = np.argsort(link, kind="stable")
    link, link_type = link[by_link], link_type[by_link]
    is_riket = u == (series.riket if series.riket is not None else -1)
    applies = (
        is_riket[:, None] | (link_type == -2)[None, :] | (link_type[None, :] == unit_type[:, None])
    )
    cells = ((u * (GOAL_COUNT + 1))[:, None] * n_kpis + link[None, :])[applies]
    if u.size != np.unique(u).size:  # a unit given twice (with two types: both selections)
        cells = np.unique(cells)
    cells = cells[np.append(True, cells[1:] != cells[:-1])] if cells.size else cells
    return cells // n_kpis // (GOAL_COUNT + 1), cells // n_kpis % (GOAL_COUNT + 1), cells % n_kpis


def aggregate(
    series: SeriesFrame, units: Ints, grid_ug: Ints, score: Floats, scored: Bools, scale: float
) -> pl.DataFrame:
    """unit, goal, status, score, kpis_total, kpis_used, coverage, reason: one row per unit
    (``units``: codes, sorted, each once) × goal.

    ``grid_ug`` is ``u × (GOAL_COUNT + 1) + goal`` of each ``goal_kpi_grid`` row, ``score`` its
    score (where ``scored``); the score of a goal is the mean of its KPIs' scores, added in the
    order of the KPIs' ids (one pass over the rows, as a loop would add them).
    """
    cells = series.units.len() * (GOAL_COUNT + 1)
    total = np.bincount(grid_ug, minlength=cells)
    used = np.bincount(grid_ug, weights=scored, minlength=cells).astype(np.int64)
    summed = np.bincount(grid_ug, weights=np.where(scored, score, 0.0), minlength=cells)
    goals = np.arange(1, GOAL_COUNT + 1)
    every = (units[:, None] * (GOAL_COUNT + 1) + goals[None, :]).ravel()
    total, used, summed = total[every], used[every], summed[every]
    enough = (used >= np.minimum(total, MIN_KPIS)) & (used >= total * MIN_COVERAGE)
    assessed = (total > 0) & (used > 0) & enough
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = summed / used
        coverage = np.where(total > 0, used / total, 0.0)
    reason = np.where(total == 0, 1, np.where(~assessed, 2, 0))
    return pl.DataFrame(
        [
            series.unit_ids(pl.Series(np.repeat(units, GOAL_COUNT))).alias("unit"),
            pl.Series("goal", np.tile(goals, units.size)),
            _labels("status", _STATUSES, _band(mean, assessed, scale)),
            _column("score", mean, assessed),
            pl.Series("kpis_total", total),
            pl.Series("kpis_used", used),
            pl.Series("coverage", coverage),
            _labels("reason", _REASONS, reason),
        ]
    )


def contributions(
    series: SeriesFrame,
    grid: tuple[Ints, Ints, Ints],
    kpi_results: pl.DataFrame,
    at: pl.Series,
    titles: pl.Series,
) -> pl.DataFrame:
    """unit, goal, kpi and every figure the explanation names, one row per KPI of a goal.

    ``grid`` is ``goal_kpi_grid``; ``at`` the position of each row's unit × KPI row in
    ``kpi_results`` (null where it has none); ``titles`` the KPIs' titles by code.
    """
    u, goal, k = grid
    # One gather of the whole frame (several times faster than a gather per column).
    figures = kpi_results.drop("unit", "kpi", *CODES).gather(at)
    score = figures.get_column("score")
    unused = figures.get_column("unused").fill_null(UNUSED_NO_VALUE)
    return pl.DataFrame(
        [
            series.unit_ids(pl.Series(u)).alias("unit"),
            pl.Series("goal", goal),
            series.kpi_ids(pl.Series(k)).alias("kpi"),
            *figures.drop("score", "unused"),
            score,
            unused.set(score.is_not_null(), None),
            titles.gather(k).alias("title"),
        ]
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
    periods = data.periods()
    year = reference_year if reference_year is not None else periods and periods[1]
    if year is None:  # no values at all: every goal is ej bedömd for want of data
        year = 0
    series = encode(data, year, periods=periods)
    figures = kpi_figures(data, series, year)
    kpi_results = figures.frame()
    if method == "default":
        score, unused = _default_score(
            figures.positions[0][0], figures.trend, figures.directed, figures.current
        )
        kpi_results = kpi_results.hstack(
            [_column("score", score, unused == 0), _labels("unused", _UNUSED, unused)]
        )
        scale = 1.0
    else:
        progress = progress_series(data, series).drop("unit", "kpi", "u", "k")
        kpi_results = kpi_results.join(progress, on="s", how="left", maintain_order="left")
        kpi_results = kpi_results.select(
            *(c for c in kpi_results.columns if c not in ("score", "unused")), "score", "unused"
        )
        scale = OPENSDG_SCALE
    wanted = data.units.select(
        codes(series.units, "unit").alias("u"), "type", pl.col("unit").alias("id")
    ).drop_nulls("u")
    if units is not None:
        wanted = wanted.filter(pl.col("id").is_in(units))
    grid = goal_kpi_grid(data, series, wanted)
    u, goal, k = grid
    # For each grid row, the position of its unit × KPI row in the results (if any).
    where = np.full(series.kpis.len() * series.units.len(), figures.size, dtype=np.int64)
    where[figures.s] = np.arange(figures.size)
    at = where[k * series.units.len() + u]
    found = at < figures.size
    at = np.where(found, at, 0)
    rows = _column("at", at.astype(np.uint32), found)
    grid_score = kpi_results.get_column("score").gather(rows)
    goal_results = aggregate(
        series,
        np.unique(wanted.get_column("u").to_numpy()),
        u * (GOAL_COUNT + 1) + goal,
        grid_score.fill_null(0.0).to_numpy(),
        grid_score.is_not_null().to_numpy(),
        scale,
    ).with_columns(pl.lit(year, dtype=pl.Int64).alias("reference_year"))
    parts = contributions(series, grid, kpi_results, rows, figures.titles)
    if units is not None:
        kpi_results = kpi_results.filter(pl.col("unit").is_in(units))
    return kpi_results.drop(CODES), goal_results, parts


__all__ = ["BANDS", "METHODS", "MIN_COVERAGE", "MIN_KPIS", "aggregate", "default_scores", "suggest"]
