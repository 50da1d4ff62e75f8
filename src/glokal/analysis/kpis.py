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

import polars as pl

from glokal.analysis.data import POLARITY_SIGN, RIKET, AnalysisData
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


def _ranked(frame: pl.DataFrame, over: list[str]) -> pl.DataFrame:
    """Add better, worse and compared (counts of units strictly better, worse, all) per group."""
    return frame.with_columns(
        (pl.col("goodness").rank(method="min", descending=True).over(over) - 1)
        .cast(pl.Int64)
        .alias("better"),
        (pl.col("goodness").rank(method="min").over(over) - 1).cast(pl.Int64).alias("worse"),
        pl.len().over(over).cast(pl.Int64).alias("compared"),
    )


def analyse_kpis(data: AnalysisData, reference_year: int) -> pl.DataFrame:
    """One row per unit and KPI with any value up to ``reference_year`` (see the module)."""
    sign = pl.col("polarity").replace_strict(POLARITY_SIGN, default=None, return_dtype=pl.Int64)
    kpis = data.kpis.select("kpi", "polarity", sign.alias("sign"))
    about = data.units.select("unit", "type", "kommungrupp")
    # Sorted by year (a stable sort): every series then runs in year order whatever the input
    # order, so "last" means newest and every sum below adds in the same order.
    values = (
        data.values.filter(pl.col("period") <= reference_year)
        .join(about, on="unit", how="semi")
        .sort("period")
    )

    # -- latest value, and Riket's value the same year -------------------------------------
    latest = (
        values.group_by(KEYS)
        .agg(pl.col("period").last(), pl.col("value").last())
        .join(about, on="unit", how="left")
        .join(kpis, on="kpi", how="left")
        .with_columns(pl.col("polarity").fill_null("unknown"))
    )
    riket = values.filter(pl.col("unit") == RIKET).select(
        "kpi", "period", pl.col("value").alias("riket_value")
    )
    latest = latest.join(riket, on=["kpi", "period"], how="left")

    # -- trend ------------------------------------------------------------------------------
    window = (
        values.group_by(KEYS, maintain_order=True)
        .tail(TREND_WINDOW)
        .with_columns(
            (pl.col("period") - pl.col("period").mean().over(KEYS)).alias("dt"),
            (pl.col("value") - pl.col("value").mean().over(KEYS)).alias("dy"),
        )
    )
    trend = window.group_by(KEYS).agg(
        pl.len().alias("trend_points"),
        pl.col("period").min().alias("trend_first"),
        pl.col("period").max().alias("trend_last"),
        (pl.col("dt") * pl.col("dy")).sum().alias("sxy"),
        (pl.col("dt") * pl.col("dt")).sum().alias("sxx"),
        pl.col("value").abs().mean().alias("level"),
    )
    trend = trend.with_columns(
        pl.when(pl.col("trend_points") < MIN_TREND_POINTS)
        .then(None)
        .when(pl.col("level") == 0)
        .then(0.0)
        .otherwise(pl.col("sxy") / pl.col("sxx") / pl.col("level"))
        .alias("change_per_year")
    ).drop("sxy", "sxx", "level")

    # -- positions --------------------------------------------------------------------------
    # Only the (KPI, year) pairs some unit's latest value falls in need ranking.
    wanted = latest.filter(pl.col("sign").is_not_null()).select("kpi", "period").unique()
    peers = (
        values.filter(pl.col("unit") != RIKET)
        .join(wanted, on=["kpi", "period"], how="semi")
        .join(about, on="unit", how="left")
        .join(kpis.select("kpi", "sign"), on="kpi", how="left")
        .with_columns((pl.col("value") * pl.col("sign")).alias("goodness"))
    )
    by_type = _ranked(peers, ["kpi", "period", "type"]).select(
        *KEYS, "period", "better", "worse", "compared"
    )
    by_group = (
        _ranked(peers.filter(pl.col("kommungrupp").is_not_null()), ["kpi", "period", "kommungrupp"])
        .select(*KEYS, "period", "better", "worse", "compared")
        .rename({"better": "better_g", "worse": "worse_g", "compared": "compared_g"})
    )
    own = latest.filter(pl.col("sign").is_not_null(), pl.col("unit") != RIKET).select(
        *KEYS, "period", (pl.col("value") * pl.col("sign")).alias("goodness")
    )
    members = pl.concat(
        [
            data.similar.select("unit", "member"),
            data.similar.select("unit", pl.col("unit").alias("member")).unique(),
        ]
    ).unique()
    similar = (
        own.join(members, on="unit", how="inner")
        .join(
            peers.select(
                pl.col("unit").alias("member"), "kpi", "period", pl.col("goodness").alias("peer")
            ),
            on=["member", "kpi", "period"],
            how="inner",
        )
        .group_by(KEYS)
        .agg(
            (pl.col("peer") > pl.col("goodness")).sum().cast(pl.Int64).alias("better_s"),
            (pl.col("peer") < pl.col("goodness")).sum().cast(pl.Int64).alias("worse_s"),
            pl.len().cast(pl.Int64).alias("compared_s"),
        )
    )

    result = (
        latest.join(trend, on=KEYS, how="left")
        .join(by_type, on=[*KEYS, "period"], how="left")
        .join(by_group, on=[*KEYS, "period"], how="left")
        .join(similar, on=KEYS, how="left")
    )
    directed = pl.col("sign").is_not_null()
    current = pl.col("period") >= reference_year - MAX_AGE_YEARS
    adjusted = pl.col("change_per_year") * pl.col("sign")
    gap = (pl.col("value") - pl.col("riket_value")) * pl.col("sign")
    tolerance = pl.col("riket_value").abs() * RIKET_BAND
    result = result.with_columns(
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
        pl.concat_list(
            pl.when(pl.col("polarity") == "unknown").then(pl.lit(FLAG_UNKNOWN_POLARITY)),
            pl.when(pl.col("polarity") == "neither").then(pl.lit(FLAG_NO_DIRECTION)),
            pl.when(~current).then(pl.lit(FLAG_OLD_VALUE)),
            pl.when(pl.col("change_per_year").is_null()).then(pl.lit(FLAG_TOO_FEW_POINTS)),
            pl.when(pl.col("riket_value").is_null() & (pl.col("unit") != RIKET)).then(
                pl.lit(FLAG_NO_RIKET)
            ),
        )
        .list.drop_nulls()
        .alias("flags"),
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
    ).sort(KEYS)


__all__ = [
    "MAX_AGE_YEARS",
    "MIN_TREND_POINTS",
    "RIKET_BAND",
    "STABLE_BAND",
    "TREND_WINDOW",
    "analyse_kpis",
]
