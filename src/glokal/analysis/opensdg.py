"""The Open SDG / Statistics Canada progress measure, per unit and KPI series, vectorised.

As Open SDG documents it (progress methodology, 2025) and sdg-build computes it, with the
direction taken from Glokal's polarity table (never Open SDG's default, "negative"):

- Base year: 2015, or the first later year with a value; the latest value is the newest up to
  the reference year; at least two years. Values must all have the same sign (all negative:
  taken as their absolute values, the direction flipped); otherwise "unable to assess".
  A base value of 0 (or a target of 0) counts as 0.001.
- Observed growth ``CAGR = (latest / base) ** (1 / (latest year − base year)) − 1``.
- Without a target value, ``d × CAGR`` (d = +1 if higher is better, −1 if lower) against fixed
  rates: at least 1.5 % on track, 0.5 % moderate progress, 0 limited progress, below 0
  deterioration (no natural limit applied: C = 1).
- With a target (value and year): target achieved if the latest value meets it; otherwise the
  ratio ``R = d × CAGR / |required CAGR|`` (required: from the base to the target by the target
  year): at least 0.95 on track, 0.60 moderate, 0 limited, below 0 deterioration.
- Score from −5 to +5: the four categories are four equal bands ([2.5, 5], [0, 2.5),
  [−2.5, 0), [−5, −2.5)), linear inside each between the category edges, reaching +5 at
  CAGR +2 % (R = 1.30) and −5 at CAGR −2 % (R = −0.60), clipped there; target achieved is +5.
"""

from __future__ import annotations

import polars as pl

from glokal.analysis.data import POLARITY_SIGN, AnalysisData
from glokal.analysis.series import CODES, SeriesFrame, encode

BASE_YEAR = 2015
ZERO_STAND_IN = 0.001
OPENSDG_SCALE = 5.0

TARGET_ACHIEVED = "target_achieved"
ON_TRACK = "on_track"
MODERATE = "moderate_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
UNABLE = "unable_to_assess"

# Category edges: (on track, moderate, limited) lower edges, and the ±5 anchors.
NO_TARGET_EDGES = (0.015, 0.005, 0.0)
NO_TARGET_ANCHORS = (0.02, -0.02)
TARGET_EDGES = (0.95, 0.60, 0.0)
TARGET_ANCHORS = (1.30, -0.60)


def _category(measure: pl.Expr, edges: tuple[float, float, float]) -> pl.Expr:
    on_track, moderate, limited = edges
    return (
        pl.when(measure >= on_track)
        .then(pl.lit(ON_TRACK))
        .when(measure >= moderate)
        .then(pl.lit(MODERATE))
        .when(measure >= limited)
        .then(pl.lit(LIMITED))
        .otherwise(pl.lit(DETERIORATION))
    )


def _score(
    measure: pl.Expr, edges: tuple[float, float, float], anchors: tuple[float, float]
) -> pl.Expr:
    """Piecewise-linear: each category's band of 2.5 points spans its edges."""
    on_track, moderate, limited = edges
    top, bottom = anchors
    return (
        pl.when(measure >= on_track)
        .then(2.5 + 2.5 * ((measure - on_track) / (top - on_track)).clip(upper_bound=1.0))
        .when(measure >= moderate)
        .then(2.5 * (measure - moderate) / (on_track - moderate))
        .when(measure >= limited)
        .then(-2.5 + 2.5 * (measure - limited) / (moderate - limited))
        .otherwise(-2.5 - 2.5 * ((limited - measure) / (limited - bottom)).clip(upper_bound=1.0))
    )


def analyse_progress(data: AnalysisData, reference_year: int) -> pl.DataFrame:
    """unit, kpi, base_year, base_value, progress (category), measure, score, unused."""
    series = encode(data, reference_year, first_year=BASE_YEAR)
    return progress_series(data, series).drop(CODES)


def progress_series(data: AnalysisData, series: SeriesFrame) -> pl.DataFrame:
    """``analyse_progress`` on encoded values (those before ``BASE_YEAR`` are left out),
    with the codes (u, k, s) of each row as further columns; sorted by unit and KPI."""
    sign = pl.col("polarity").replace_strict(POLARITY_SIGN, default=None, return_dtype=pl.Int64)
    rows = series.decode(series.rows).filter(pl.col("period") >= BASE_YEAR)
    s = rows.get_column("s")
    first = (s != s.shift(1)).fill_null(True).arg_true()
    last = (s != s.shift(-1)).fill_null(True).arg_true()
    signs = rows.group_by("s", maintain_order=True).agg(
        (pl.col("value") > 0).any().alias("any_positive"),
        (pl.col("value") < 0).any().alias("any_negative"),
    )
    kpis = series.kpis.to_frame("kpi").join(
        data.kpis.select("kpi", sign.alias("sign")), on="kpi", how="left", maintain_order="left"
    )
    ends = rows.select(
        pl.col("u", "k", "s").gather(first),
        pl.col("period").gather(first).alias("base_year"),
        pl.col("value").gather(first).alias("base_value"),
        pl.col("period").gather(last).alias("latest_year"),
        pl.col("value").gather(last).alias("latest_value"),
    ).hstack(signs.select("any_positive", "any_negative"))
    ends = ends.sort(pl.col("u") * series.kpis.len() + pl.col("k"))
    series_ends = (
        ends.with_columns(
            pl.lit(series.unit_ids(ends.get_column("u"))).alias("unit"),
            pl.lit(series.kpi_ids(ends.get_column("k"))).alias("kpi"),
        )
        .join(kpis, on="kpi", how="left", maintain_order="left")
        .join(data.targets, on="kpi", how="left", maintain_order="left")
    )
    negative = pl.col("any_negative") & ~pl.col("any_positive")
    # All negative: absolute values, direction flipped (as Open SDG does).
    d = pl.when(negative).then(-pl.col("sign")).otherwise(pl.col("sign"))
    base = pl.col("base_value").abs()
    base = pl.when(base == 0).then(ZERO_STAND_IN).otherwise(base)
    latest = pl.col("latest_value").abs()
    target = pl.col("target").abs()
    target = pl.when(target == 0).then(ZERO_STAND_IN).otherwise(target)
    years = pl.col("latest_year") - pl.col("base_year")
    cagr = (latest / base).pow(1.0 / years) - 1.0
    required = (target / base).pow(1.0 / (pl.col("target_year") - pl.col("base_year"))) - 1.0
    achieved = pl.when(d > 0).then(latest >= target).otherwise(latest <= target)
    ratio = d * cagr / required.abs()
    unable = (
        pl.col("sign").is_null()
        | (years < 1)
        | (pl.col("any_positive") & pl.col("any_negative"))
        | (pl.col("target").is_not_null() & (pl.col("target_year") <= pl.col("base_year")))
    )
    has_target = pl.col("target").is_not_null()
    progress = (
        pl.when(unable)
        .then(pl.lit(UNABLE))
        .when(has_target & achieved)
        .then(pl.lit(TARGET_ACHIEVED))
        .when(has_target)
        .then(_category(ratio, TARGET_EDGES))
        .otherwise(_category(d * cagr, NO_TARGET_EDGES))
    )
    score = (
        pl.when(unable)
        .then(None)
        .when(has_target & achieved)
        .then(OPENSDG_SCALE)
        .when(has_target)
        .then(_score(ratio, TARGET_EDGES, TARGET_ANCHORS))
        .otherwise(_score(d * cagr, NO_TARGET_EDGES, NO_TARGET_ANCHORS))
    )
    return series_ends.select(
        "unit",
        "kpi",
        "base_year",
        "base_value",
        pl.when(unable).then(None).otherwise(cagr).alias("cagr"),
        pl.when(unable | ~has_target).then(None).otherwise(ratio).alias("ratio"),
        progress.alias("progress"),
        score.alias("score"),
        pl.when(pl.col("sign").is_null())
        .then(pl.lit("no_polarity"))
        .when(unable)
        .then(pl.lit("not_assessable"))
        .alias("unused"),
        *CODES,
    )


__all__ = [
    "BASE_YEAR",
    "OPENSDG_SCALE",
    "analyse_progress",
    "progress_series",
]
