"""The Open SDG progress measure: worked examples computed by hand from its published rules."""

from __future__ import annotations

import pytest

from glokal.analysis import analyse_progress, suggest
from tests.analysis.builders import build, row


def progress(
    points: dict[int, float],
    polarity: str | None = "higher",
    target: tuple[float, int] | None = None,
    reference_year: int = 2020,
) -> dict[str, object]:
    rows = [("0114", "N1", year, value) for year, value in points.items()]
    targets = [("N1", *target)] if target else []
    data = build(rows, polarity={"N1": polarity}, targets=targets)
    return row(analyse_progress(data, reference_year), unit="0114", kpi="N1")


def test_no_target_on_track() -> None:
    # 100 (2015) → 110 (2020): CAGR = 1.1^(1/5) − 1 = 1.9245 %: at least 1.5 %: on track.
    # Score 2.5 + 2.5 × (1.9245 − 1.5) / (2 − 1.5) = 4.6226.
    result = progress({2015: 100.0, 2020: 110.0})
    assert result["cagr"] == pytest.approx(1.1**0.2 - 1)
    assert result["progress"] == "on_track"
    assert result["score"] == pytest.approx(2.5 + 2.5 * ((1.1**0.2 - 1) - 0.015) / 0.005)


def test_no_target_the_same_rise_when_lower_is_better() -> None:
    # d × CAGR = −1.9245 %: deterioration; −2.5 − 2.5 × 1.9245 / 2 = −4.9057.
    result = progress({2015: 100.0, 2020: 110.0}, "lower")
    assert result["progress"] == "deterioration"
    assert result["score"] == pytest.approx(-2.5 - 2.5 * (1.1**0.2 - 1) / 0.02)


@pytest.mark.parametrize(
    ("latest", "category", "score"),
    [
        # 100 → 105: CAGR 0.9806 %: moderate; 2.5 × (0.9806 − 0.5) / 1 = 1.2015.
        (105.0, "moderate_progress", 2.5 * ((1.05**0.2 - 1) - 0.005) / 0.01),
        # 100 → 101: CAGR 0.1990 %: limited; −2.5 + 2.5 × 0.1990 / 0.5 = −1.505.
        (101.0, "limited_progress", -2.5 + 2.5 * (1.01**0.2 - 1) / 0.005),
        # 100 → 150: CAGR 8.4 %: beyond the +2 % anchor: +5.
        (150.0, "on_track", 5.0),
        # 100 → 50: CAGR −12.9 %: beyond −2 %: −5.
        (50.0, "deterioration", -5.0),
    ],
)
def test_no_target_categories(latest: float, category: str, score: float) -> None:
    result = progress({2015: 100.0, 2020: latest})
    assert result["progress"] == category
    assert result["score"] == pytest.approx(score)


def test_with_a_target_the_ratio_to_the_required_growth_counts() -> None:
    # 50 (2015) → 60 (2020), target 80 by 2030. Observed 1.2^(1/5) − 1 = 3.714 %; required
    # 1.6^(1/15) − 1 = 3.183 %; R = 1.1668: at least 0.95: on track;
    # score 2.5 + 2.5 × (1.1668 − 0.95) / (1.30 − 0.95) = 4.048.
    result = progress({2015: 50.0, 2020: 60.0}, target=(80.0, 2030))
    ratio = (1.2**0.2 - 1) / (1.6 ** (1 / 15) - 1)
    assert result["ratio"] == pytest.approx(ratio)
    assert result["progress"] == "on_track"
    assert result["score"] == pytest.approx(2.5 + 2.5 * (ratio - 0.95) / 0.35)


def test_with_a_target_lower_is_better() -> None:
    # 10 → 9 (2015 → 2020), target 5 by 2030: observed −2.085 %, required −4.516 %:
    # R = d × CAGR / |required| = 0.4617: limited; −2.5 + 2.5 × 0.4617 / 0.6 = −0.576.
    result = progress({2015: 10.0, 2020: 9.0}, "lower", target=(5.0, 2030))
    ratio = -(0.9**0.2 - 1) / abs(0.5 ** (1 / 15) - 1)
    assert result["ratio"] == pytest.approx(ratio)
    assert result["progress"] == "limited_progress"
    assert result["score"] == pytest.approx(-2.5 + 2.5 * ratio / 0.6)


def test_a_met_target_scores_five() -> None:
    result = progress({2015: 50.0, 2020: 85.0}, target=(80.0, 2030))
    assert (result["progress"], result["score"]) == ("target_achieved", 5.0)


def test_the_base_is_2015_or_the_first_later_year() -> None:
    assert progress({2012: 1.0, 2015: 100.0, 2020: 110.0})["base_year"] == 2015
    later = progress({2012: 1.0, 2017: 100.0, 2020: 110.0})
    assert (later["base_year"], later["cagr"]) == (2017, pytest.approx(1.1 ** (1 / 3) - 1))


def test_a_zero_base_counts_as_0_001() -> None:
    result = progress({2015: 0.0, 2020: 0.001})
    assert result["cagr"] == pytest.approx(0.0)
    assert result["progress"] == "limited_progress"


def test_all_negative_values_are_taken_as_absolute_with_the_direction_flipped() -> None:
    # −100 → −110, higher is better: |−110| > |−100| is a rise, read as lower-is-better: worse.
    assert progress({2015: -100.0, 2020: -110.0})["progress"] == "deterioration"


@pytest.mark.parametrize(
    ("points", "polarity"),
    [
        ({2015: -1.0, 2020: 2.0}, "higher"),  # values of both signs
        ({2020: 5.0}, "higher"),  # a single year
        ({2015: 1.0, 2020: 2.0}, None),  # no direction
    ],
)
def test_unable_to_assess(points: dict[int, float], polarity: str | None) -> None:
    result = progress(points, polarity)
    assert result["progress"] == "unable_to_assess"
    assert result["score"] is None


def test_the_goal_score_is_the_mean_of_the_series_scores_in_bands_of_two_and_a_half() -> None:
    rows = [("0114", "N1", 2015, 100.0), ("0114", "N1", 2020, 110.0)]  # 4.6226
    rows += [("0114", "N2", 2015, 100.0), ("0114", "N2", 2020, 101.0)]  # −1.505
    data = build(rows, polarity={"N1": "higher", "N2": "higher"})
    _k, goals, _p = suggest(data, method="opensdg")
    result = row(goals, unit="0114", goal=1)
    expected = (
        2.5 + 2.5 * ((1.1**0.2 - 1) - 0.015) / 0.005 + (-2.5 + 2.5 * (1.01**0.2 - 1) / 0.005)
    ) / 2
    assert result["score"] == pytest.approx(expected)  # 1.559: at least 0: neutral
    assert result["status"] == "neutral"
