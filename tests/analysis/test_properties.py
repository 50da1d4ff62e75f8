"""Properties of the analysis that must hold for any data (Hypothesis)."""

from __future__ import annotations

import random

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glokal.analysis.series as layout
from glokal.analysis import AnalysisData, suggest
from glokal.framework import GoalStatus
from tests.analysis.builders import KOMMUNER, build

KPIS = ["N1", "N2", "N3"]
YEARS = list(range(2016, 2024))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

values = st.floats(min_value=-50, max_value=500, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def datasets(draw: st.DrawFn) -> tuple[list[tuple[str, str, int, float]], dict[str, str | None]]:
    """A few kommuner and Riket, three KPIs of goal 1, some years each, missing cells."""
    units = [*KOMMUNER[: draw(st.integers(2, len(KOMMUNER)))], "0000"]
    rows = []
    for unit in units:
        for kpi in KPIS:
            years = draw(st.lists(st.sampled_from(YEARS), min_size=1, max_size=6, unique=True))
            rows += [(unit, kpi, year, draw(values)) for year in years]
    polarity = {k: draw(st.sampled_from(["higher", "lower", "neither", None])) for k in KPIS}
    return rows, polarity


def statuses(data: AnalysisData) -> dict[tuple[str, int], GoalStatus]:
    _k, goals, _p = suggest(data)
    return {(r["unit"], r["goal"]): GoalStatus(r["status"]) for r in goals.iter_rows(named=True)}


@SETTINGS
@given(datasets(), st.data())
def test_improving_a_value_never_worsens_its_goal(
    dataset: tuple[list[tuple[str, str, int, float]], dict[str, str | None]], data: st.DataObject
) -> None:
    rows, polarity = dataset
    directed = [k for k, p in polarity.items() if p in ("higher", "lower")]
    if not directed:
        return
    kpi = data.draw(st.sampled_from(directed))
    unit = data.draw(st.sampled_from(sorted({u for u, k, _y, _v in rows if k == kpi})))
    latest = max(y for u, k, y, _v in rows if (u, k) == (unit, kpi))
    gain = data.draw(st.floats(min_value=0.01, max_value=1000).map(lambda v: round(v, 2)))
    sign = 1 if polarity[kpi] == "higher" else -1
    improved = [
        (u, k, y, v + sign * gain if (u, k, y) == (unit, kpi, latest) else v) for u, k, y, v in rows
    ]
    before = statuses(build(rows, polarity=polarity))[(unit, 1)]
    after = statuses(build(improved, polarity=polarity))[(unit, 1)]
    assert not after.is_worse_than(before), f"{kpi} of {unit} improved: {before} → {after}"
    assert (after is GoalStatus.EJ_BEDOMD) == (before is GoalStatus.EJ_BEDOMD)


FLIPPED = {"förbättring": "försämring", "försämring": "förbättring"}


@SETTINGS
@given(datasets())
def test_flipping_a_polarity_flips_its_trend_verdicts(
    dataset: tuple[list[tuple[str, str, int, float]], dict[str, str | None]],
) -> None:
    rows, _polarity = dataset
    higher = build(rows, polarity=dict.fromkeys(KPIS, "higher"))
    kpis_higher, _g, _p = suggest(higher)
    kpis_lower, _g, _p = suggest(higher.with_polarity("N1", "lower"))
    pairs = kpis_higher.join(kpis_lower, on=["unit", "kpi"], suffix="_lower")
    for r in pairs.iter_rows(named=True):
        expected = FLIPPED.get(r["trend"], r["trend"]) if r["kpi"] == "N1" else r["trend"]
        assert r["trend_lower"] == expected, r


@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(
    dataset: tuple[list[tuple[str, str, int, float]], dict[str, str | None]],
    shuffle: random.Random,
) -> None:
    rows, polarity = dataset
    ordered = build(rows, polarity=polarity, similar=[("0114", "0115"), ("0115", "0114")])
    shuffled_rows = list(rows)
    shuffle.shuffle(shuffled_rows)
    shuffled = AnalysisData(
        values=build(shuffled_rows, polarity=polarity).values,
        units=ordered.units.sample(fraction=1.0, shuffle=True, seed=shuffle.randint(0, 99)),
        kpis=ordered.kpis.reverse(),
        goal_kpis=ordered.goal_kpis.reverse(),
        similar=ordered.similar.reverse(),
        targets=ordered.targets,
    )
    for first, second in zip(suggest(ordered), suggest(shuffled), strict=True):
        assert first.equals(second), pl.concat([first, second]).unique(keep="none")


@SETTINGS
@given(datasets())
def test_results_are_the_same_with_or_without_the_grid(
    dataset: tuple[list[tuple[str, str, int, float]], dict[str, str | None]],
) -> None:
    # The values are laid out in a grid of every KPI × unit × year when it is dense enough,
    # else sorted: both routes must give the same results.
    rows, polarity = dataset
    data = build(rows, polarity=polarity, similar=[("0114", "0115"), ("0115", "0114")])
    with_grid = suggest(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(layout, "DENSE_CELLS_PER_ROW", 0)
        patch.setattr(layout, "DENSE_CELLS", 0)
        sorted_only = suggest(data)
    for first, second in zip(with_grid, sorted_only, strict=True):
        assert first.equals(second), pl.concat([first, second]).unique(keep="none")
