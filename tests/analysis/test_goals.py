"""Suggested goal statuses, default method: marks, scores, bands and "ej bedömd", by hand."""

from __future__ import annotations

import pytest

from glokal.analysis import explain, suggest
from tests.analysis.builders import KOMMUNER, build, row

YEARS = range(2019, 2024)


def rising(unit: str, kpi: str, start: float, step: float) -> list[tuple[str, str, int, float]]:
    return [(unit, kpi, y, start + step * i) for i, y in enumerate(YEARS)]


def goal_row(data: object, unit: str = "0114", goal: int = 1) -> dict[str, object]:
    _kpis, goals, _parts = suggest(data)  # type: ignore[arg-type]
    return row(goals, unit=unit, goal=goal)


def three_kpi_goal() -> list[tuple[str, str, int, float]]:
    """0114 is best and improving on N1 (+1, +1: score +1), in the middle and flat on N2 (0, 0:
    score 0), and worst but improving on N3 (−1, +1: score 0)."""
    rows: list[tuple[str, str, int, float]] = []
    for i, unit in enumerate(KOMMUNER):
        top = unit == "0114"
        # N1: 0114 100 → 140; the others flat at 1 … 7.
        rows += rising(unit, "N1", 100.0 if top else float(i), 10.0 if top else 0.0)
        # N2: 0114 flat at 50; the others flat at 30, 40, 50, 60, 70, 80, 90.
        rows += rising(unit, "N2", 50.0 if top else 20.0 + 10 * i, 0.0)
        # N3: 0114 0 → 20; the others flat at 100.
        rows += rising(unit, "N3", 0.0 if top else 100.0, 5.0 if top else 0.0)
    return rows


def test_a_goal_score_is_the_mean_of_its_kpi_scores() -> None:
    data = build(three_kpi_goal(), polarity={"N1": "higher", "N2": "higher", "N3": "higher"})
    kpis, goals, parts = suggest(data)
    assert row(kpis, unit="0114", kpi="N1")["score"] == 1.0
    assert row(kpis, unit="0114", kpi="N2")["score"] == 0.0
    assert row(kpis, unit="0114", kpi="N3")["score"] == 0.0
    result = row(goals, unit="0114", goal=1)
    # (1 + 0 + 0) / 3 = 0.33: at least 0, below 0.5: neutral.
    assert result["score"] == pytest.approx(1 / 3)
    assert result["status"] == "neutral"
    assert (result["kpis_used"], result["kpis_total"], result["coverage"]) == (3, 3, 1.0)
    text = explain(
        result,
        parts.filter(unit="0114", goal=1).to_dicts(),
        method="default",
        unit_name="Upplands Väsby",
        unit_type="K",
        goal_name="Ingen fattigdom",
    )
    assert "föreslagen status neutral" in text
    assert "Poäng +0,33 = +1 / 3 nyckeltal (3 av 3 användbara)" in text
    assert "bästa kvartilen (plats 1 av 8 kommuner, 7 sämre) +1" in text


@pytest.mark.parametrize(
    ("n1", "n2", "status"),
    [
        # n1, n2: the values of 0114 on two KPIs where the others sit at 1 … 7 and stay flat.
        (100.0, 100.0, "god"),  # best, flat on both: (0.5 + 0.5) / 2 = 0.5: god (edge)
        (100.0, 4.5, "neutral"),  # best flat 0.5, middle flat 0: 0.25
        (4.5, 4.5, "neutral"),  # 0 and 0: 0 (edge): neutral
        (4.5, -1.0, "utmaning"),  # 0 and worst flat −0.5: −0.25
        (-1.0, -1.0, "utmaning"),  # −0.5 and −0.5: −0.5 (edge): utmaning
    ],
)
def test_the_four_bands_and_their_edges(n1: float, n2: float, status: str) -> None:
    rows: list[tuple[str, str, int, float]] = []
    for i, unit in enumerate(KOMMUNER):
        for kpi, own in (("N1", n1), ("N2", n2)):
            rows += rising(unit, kpi, own if unit == "0114" else float(i), 0.0)
    data = build(rows, polarity={"N1": "higher", "N2": "higher"})
    assert goal_row(data)["status"] == status


def test_worst_and_deteriorating_everywhere_is_a_significant_challenge() -> None:
    rows: list[tuple[str, str, int, float]] = []
    for i, unit in enumerate(KOMMUNER):
        for kpi in ("N1", "N2"):
            rows += rising(
                unit, kpi, 50.0 if unit == "0114" else 100.0 + i, -5.0 * (unit == "0114")
            )
    data = build(rows, polarity={"N1": "higher", "N2": "higher"})
    result = goal_row(data)
    assert result["score"] == -1.0
    assert result["status"] == "betydande utmaning"


def test_a_goal_without_kpis_is_not_assessed() -> None:
    data = build(rising("0114", "N1", 1.0, 1.0), polarity={"N1": "higher"}, goals={"N1": 1})
    result = goal_row(data, goal=17)
    assert result["status"] == "ej bedömd"
    assert (result["kpis_total"], result["reason"], result["score"]) == (0, "no_kpis", None)
    _k, goals, _parts = suggest(data)
    text = explain(
        row(goals, unit="0114", goal=17),
        [],
        method="default",
        unit_name="Upplands Väsby",
        unit_type="K",
        goal_name="Genomförande och globalt partnerskap",
        lang="en",
    )
    assert "suggested status not assessed" in text
    assert "The selection has no key figures for this goal." in text


def test_too_few_usable_kpis_is_not_assessed() -> None:
    # Four KPIs, one with data and a polarity: 1 of 4 is less than half.
    rows = rising("0114", "N1", 1.0, 1.0) + rising("0114", "N2", 1.0, 1.0)
    data = build(rows, polarity={"N1": "higher", "N2": None, "N3": "higher", "N4": "lower"})
    result = goal_row(data)
    assert result["status"] == "ej bedömd"
    assert (result["kpis_used"], result["kpis_total"], result["reason"]) == (1, 4, "too_few_kpis")
    _k, _g, parts = suggest(data)
    reasons = {r["kpi"]: r["unused"] for r in parts.filter(unit="0114").iter_rows(named=True)}
    assert reasons == {"N1": None, "N2": "no_polarity", "N3": "no_value", "N4": "no_value"}


def test_half_of_the_kpis_and_at_least_two_suffice() -> None:
    rows = rising("0114", "N1", 1.0, 1.0) + rising("0114", "N2", 10.0, -1.0)
    data = build(rows, polarity={"N1": "higher", "N2": "higher", "N3": "higher", "N4": "lower"})
    result = goal_row(data)
    # Alone in its type, 0114 is the middle half on both (0); N1 rises (+1), N2 falls (−1):
    # N1 (0 + 1) / 2 = 0.5, N2 (0 − 1) / 2 = −0.5, goal 0: neutral.
    assert (result["kpis_used"], result["kpis_total"]) == (2, 4)
    assert result["score"] == 0.0
    assert result["status"] == "neutral"


def test_a_goal_with_a_single_kpi_can_rest_on_it() -> None:
    data = build(rising("0114", "N1", 1.0, 1.0), polarity={"N1": "higher"})
    result = goal_row(data)
    assert (result["kpis_used"], result["kpis_total"], result["status"]) == (1, 1, "god")


def test_an_old_value_does_not_count() -> None:
    rows = [("0114", "N1", y, 1.0) for y in (2015, 2016, 2017)] + rising("0114", "N2", 1.0, 1.0)
    data = build(rows, polarity={"N1": "higher", "N2": "higher"})
    _k, _g, parts = suggest(data, reference_year=2023)
    assert row(parts, unit="0114", kpi="N1")["unused"] == "old_value"


def test_a_single_data_point_counts_by_its_position_alone() -> None:
    rows = [(u, "N1", 2023, float(i)) for i, u in enumerate(KOMMUNER)]
    kpis, goals, _parts = suggest(build(rows, polarity={"N1": "higher"}))
    assert row(kpis, unit="0127", kpi="N1")["trend"] == "data saknas"
    assert row(kpis, unit="0127", kpi="N1")["score"] == 1.0  # best quartile, no trend mark
    assert row(goals, unit="0127", goal=1)["status"] == "god"


def test_riket_is_judged_on_its_trends() -> None:
    data = build(rising("0000", "N1", 10.0, 1.0), polarity={"N1": "higher"})
    kpis, goals, _parts = suggest(data)
    assert row(kpis, unit="0000", kpi="N1")["score"] == 1.0
    assert row(goals, unit="0000", goal=1)["status"] == "god"


def test_every_unit_gets_all_seventeen_goals_and_one_unit_can_be_asked_for() -> None:
    data = build(rising("0114", "N1", 1.0, 1.0), polarity={"N1": "higher"})
    _k, goals, _p = suggest(data)
    assert goals.height == 13 * 17
    _k, goals, _p = suggest(data, units=["0114"])
    assert goals.get_column("unit").unique().to_list() == ["0114"]
    assert sorted(goals.get_column("goal").to_list()) == list(range(1, 18))


def test_regional_kpis_count_for_regioner_only() -> None:
    rows = rising("0001", "U1", 1.0, 1.0) + rising("0114", "U1", 1.0, 1.0)
    data = build(rows, polarity={"U1": "higher"}, goal_unit_type="L")
    _k, goals, _p = suggest(data)
    assert row(goals, unit="0001", goal=1)["kpis_total"] == 1
    assert row(goals, unit="0114", goal=1)["kpis_total"] == 0
