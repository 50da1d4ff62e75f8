"""Small, hand-made inputs for the analysis: a few units, KPIs and years, written out in full."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from glokal.analysis import AnalysisData

# Kommun ids from the real list (the analysis does not check them; names are for reading).
KOMMUNER = ["0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127"]
REGIONER = ["0001", "0003", "0004", "0005"]


def series(unit: str, kpi: str, points: Mapping[int, float]) -> list[tuple[str, str, int, float]]:
    return [(unit, kpi, year, value) for year, value in points.items()]


def build(
    values: Iterable[tuple[str, str, int, float]],
    *,
    polarity: Mapping[str, str | None],
    goals: Mapping[str, int] | None = None,
    goal_unit_type: str | None = "K",
    units: Mapping[str, tuple[str, str | None]] | None = None,
    similar: Iterable[tuple[str, str]] = (),
    targets: Iterable[tuple[str, float, int]] = (),
) -> AnalysisData:
    """Analysis inputs: ``units`` maps id → (type, kommungrupp); default: 8 kommuner in A2,
    4 regioner and Riket. ``goals`` maps KPI → goal (default: every KPI under goal 1)."""
    if units is None:
        units = {u: ("K", "A2") for u in KOMMUNER}
        units.update({r: ("L", None) for r in REGIONER})
        units["0000"] = ("L", None)
    goals = goals if goals is not None else dict.fromkeys(polarity, 1)
    return AnalysisData.of(
        values=pl.DataFrame(
            list(values),
            schema={"unit": pl.String, "kpi": pl.String, "period": pl.Int64, "value": pl.Float64},
            orient="row",
        ),
        units=pl.DataFrame(
            [(u, t, g) for u, (t, g) in units.items()],
            schema={"unit": pl.String, "type": pl.String, "kommungrupp": pl.String},
            orient="row",
        ),
        kpis=pl.DataFrame(
            [(k, f"KPI {k}", p) for k, p in polarity.items()],
            schema={"kpi": pl.String, "title": pl.String, "polarity": pl.String},
            orient="row",
        ),
        goal_kpis=pl.DataFrame(
            [(g, k, goal_unit_type) for k, g in goals.items()],
            schema={"goal": pl.Int64, "kpi": pl.String, "unit_type": pl.String},
            orient="row",
        ),
        similar=pl.DataFrame(
            list(similar), schema={"unit": pl.String, "member": pl.String}, orient="row"
        ),
        targets=pl.DataFrame(
            list(targets),
            schema={"kpi": pl.String, "target": pl.Float64, "target_year": pl.Int64},
            orient="row",
        ),
    )


def row(frame: pl.DataFrame, **where: object) -> dict[str, object]:
    """The one row of ``frame`` matching ``where``."""
    found = frame.filter(**where)
    assert found.height == 1, f"{found.height} rows match {where}"
    return found.to_dicts()[0]
