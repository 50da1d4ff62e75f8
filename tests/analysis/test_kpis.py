"""Trend, position and Riket comparison per unit and KPI, against sums done by hand."""

from __future__ import annotations

import pytest

import glokal.analysis.series as layout
from glokal.analysis import analyse_kpis
from tests.analysis.builders import KOMMUNER, REGIONER, build, row, series

YEARS = range(2019, 2024)


def trend_of(points: dict[int, float], polarity: str | None = "higher") -> dict[str, object]:
    data = build(series("0114", "N1", points), polarity={"N1": polarity})
    return row(analyse_kpis(data, max(points)), unit="0114", kpi="N1")


# -- trend ------------------------------------------------------------------------------------


def test_a_steady_rise_is_an_improvement_when_higher_is_better() -> None:
    # 10, 11, 12, 13, 14: slope 1 per year; mean of the values 12; 1/12 = 8.3 % per year.
    result = trend_of({y: 10.0 + i for i, y in enumerate(YEARS)})
    assert result["change_per_year"] == pytest.approx(1 / 12)
    assert result["trend"] == "förbättring"
    assert (result["trend_first"], result["trend_last"], result["trend_points"]) == (2019, 2023, 5)


def test_the_same_rise_is_a_deterioration_when_lower_is_better() -> None:
    result = trend_of({y: 10.0 + i for i, y in enumerate(YEARS)}, "lower")
    assert result["trend"] == "försämring"


def test_one_percent_a_year_exactly_is_still_unchanged() -> None:
    # 98 … 102: slope 1, mean 100: exactly 1 % per year, the edge of the stable band.
    assert trend_of({y: 98.0 + i for i, y in enumerate(YEARS)})["trend"] == "oförändrad"
    # 97.8 … 102.2: slope 1.1, mean 100: 1.1 % per year.
    rising = trend_of({y: 97.8 + 1.1 * i for i, y in enumerate(YEARS)})
    assert rising["change_per_year"] == pytest.approx(0.011)
    assert rising["trend"] == "förbättring"


def test_missing_years_count_as_gaps_in_the_line() -> None:
    # y = 10 + 2 (t − 2015) at t = 2015, 2017, 2020, 2021, 2023: slope exactly 2, whatever the
    # gaps; values 10, 14, 20, 22, 26, mean 18.4: 2 / 18.4 = 10.9 % per year.
    points = {t: 10.0 + 2 * (t - 2015) for t in (2015, 2017, 2020, 2021, 2023)}
    result = trend_of(points)
    assert result["change_per_year"] == pytest.approx(2 / 18.4)
    assert (result["trend_first"], result["trend_points"]) == (2015, 5)


def test_only_the_last_five_available_years_count() -> None:
    # Two old outliers before a falling line of five years: the line decides.
    points = {2016: 500.0, 2017: 1.0, **{y: 100.0 - 5 * i for i, y in enumerate(YEARS)}}
    result = trend_of(points)
    assert (result["trend_first"], result["trend_points"]) == (2019, 5)
    assert result["change_per_year"] == pytest.approx(-5 / 90)
    assert result["trend"] == "försämring"


@pytest.mark.parametrize("points", [{2023: 5.0}, {2022: 4.0, 2023: 5.0}])
def test_fewer_than_three_years_give_no_trend(points: dict[int, float]) -> None:
    result = trend_of(points)
    assert result["trend"] == "data saknas"
    assert result["change_per_year"] is None
    assert "too_few_points" in result["flags"]  # type: ignore[operator]


def test_a_series_of_zeros_is_unchanged() -> None:
    assert trend_of(dict.fromkeys(YEARS, 0.0))["trend"] == "oförändrad"


@pytest.mark.parametrize(
    ("polarity", "flag"), [(None, "unknown_polarity"), ("neither", "no_direction")]
)
def test_without_a_direction_there_is_no_verdict_and_no_colour(
    polarity: str | None, flag: str
) -> None:
    result = trend_of({y: 10.0 + i for i, y in enumerate(YEARS)}, polarity)
    assert result["trend"] is None
    assert result["position"] is None
    assert result["vs_riket"] is None
    assert result["change_per_year"] == pytest.approx(1 / 12)  # the direction is still shown
    assert flag in result["flags"]  # type: ignore[operator]


# -- position ---------------------------------------------------------------------------------


def positions(
    values: list[float], polarity: str = "higher", year: int = 2023
) -> dict[str, tuple[object, object, object]]:
    rows = [(u, "N1", year, v) for u, v in zip(KOMMUNER, values, strict=True)]
    result = analyse_kpis(build(rows, polarity={"N1": polarity}), year)
    return {
        r["unit"]: (r["position"], r["better"], r["compared"]) for r in result.iter_rows(named=True)
    }


def test_quartiles_among_eight_kommuner() -> None:
    # Fewer than a quarter (2 of 8) better: best; fewer than 2 worse: worst.
    found = positions([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    assert [found[u][0] for u in KOMMUNER] == [
        "sämsta kvartilen",
        "sämsta kvartilen",
        "mittersta hälften",
        "mittersta hälften",
        "mittersta hälften",
        "mittersta hälften",
        "bästa kvartilen",
        "bästa kvartilen",
    ]
    assert found["0127"] == ("bästa kvartilen", 0, 8)
    assert found["0114"] == ("sämsta kvartilen", 7, 8)


def test_lower_is_better_turns_the_quartiles_round() -> None:
    found = positions([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "lower")
    assert found["0114"] == ("bästa kvartilen", 0, 8)
    assert found["0127"][0] == "sämsta kvartilen"


def test_ties_share_a_position() -> None:
    # Three share the best value: none has anyone better, so all three are in the best quartile.
    # 5: three better, four worse: middle. 2 and 1: fewer than two worse: worst.
    found = positions([9.0, 9.0, 9.0, 5.0, 4.0, 3.0, 2.0, 1.0])
    assert [found[u][0] for u in KOMMUNER[:3]] == ["bästa kvartilen"] * 3
    assert [found[u][1] for u in KOMMUNER[:3]] == [0, 0, 0]
    assert found["0120"] == ("mittersta hälften", 3, 8)
    assert found["0126"][0] == found["0127"][0] == "sämsta kvartilen"


def test_all_equal_is_the_middle_half_for_everyone() -> None:
    found = positions([3.0] * 8)
    assert {p for p, _b, _n in found.values()} == {"mittersta hälften"}


def test_units_are_compared_within_their_type_and_riket_with_none() -> None:
    rows = [(u, "N1", 2023, float(i)) for i, u in enumerate(KOMMUNER)]
    rows += [(r, "N1", 2023, 100.0 + i) for i, r in enumerate(REGIONER)]
    rows.append(("0000", "N1", 2023, 50.0))
    result = analyse_kpis(build(rows, polarity={"N1": "higher"}), 2023)
    assert row(result, unit="0003")["compared"] == 4  # regioner among the 4 regioner
    assert row(result, unit="0127")["compared"] == 8
    assert row(result, unit="0000")["position"] is None


def test_a_unit_is_placed_in_the_year_of_its_latest_value() -> None:
    rows = [(u, "N1", 2023, float(i)) for i, u in enumerate(KOMMUNER[1:])]
    rows += [(u, "N1", 2022, 10.0 * i) for i, u in enumerate(KOMMUNER)]
    result = analyse_kpis(build(rows, polarity={"N1": "higher"}), 2023)
    # 0114 has only 2022 (value 0): compared with the eight values of 2022, worst.
    assert row(result, unit="0114")["period"] == 2022
    assert (row(result, unit="0114")["better"], row(result, unit="0114")["compared"]) == (7, 8)


def test_kommungrupp_and_similar_kommuner_positions() -> None:
    units: dict[str, tuple[str, str | None]] = {u: ("K", "A2") for u in KOMMUNER[:4]}
    units.update({u: ("K", "B3") for u in KOMMUNER[4:]})
    units["0000"] = ("L", None)
    rows = [(u, "N1", 2023, float(i)) for i, u in enumerate(KOMMUNER)]
    data = build(
        rows,
        polarity={"N1": "higher"},
        units=units,
        similar=[("0114", "0117"), ("0114", "0120")],
    )
    result = row(analyse_kpis(data, 2023), unit="0114")
    assert (result["position"], result["better"], result["compared"]) == ("sämsta kvartilen", 7, 8)
    assert (result["better_kommungrupp"], result["compared_kommungrupp"]) == (3, 4)
    # Its group of similar kommuner (0117, 0120) and itself: both others are better.
    assert (result["better_similar"], result["compared_similar"]) == (2, 3)
    assert result["position_similar"] == "sämsta kvartilen"
    assert row(analyse_kpis(data, 2023), unit="0127")["position_kommungrupp"] == "bästa kvartilen"


# -- Riket and currency ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [
        (101.9, "higher", "i nivå"),
        (102.5, "higher", "bättre"),
        (102.5, "lower", "sämre"),
        (97.0, "lower", "bättre"),
    ],
)
def test_comparison_with_riket_has_a_two_percent_band(
    value: float, polarity: str, expected: str
) -> None:
    rows = [("0114", "N1", 2023, value), ("0000", "N1", 2023, 100.0)]
    result = row(analyse_kpis(build(rows, polarity={"N1": polarity}), 2023), unit="0114")
    assert result["riket_value"] == 100.0
    assert result["vs_riket"] == expected


def test_a_value_more_than_four_years_old_is_not_current() -> None:
    rows = [("0114", "N1", 2019, 1.0), ("0115", "N1", 2018, 1.0)]
    result = analyse_kpis(build(rows, polarity={"N1": "higher"}), 2023)
    assert row(result, unit="0114")["current"] is True
    assert row(result, unit="0115")["current"] is False
    assert "old_value" in row(result, unit="0115")["flags"]  # type: ignore[operator]


def test_values_after_the_reference_year_are_left_out() -> None:
    rows = series("0114", "N1", {2021: 1.0, 2022: 2.0, 2023: 3.0, 2024: 100.0})
    result = row(analyse_kpis(build(rows, polarity={"N1": "higher"}), 2023), unit="0114")
    assert (result["period"], result["value"]) == (2023, 3.0)


@pytest.mark.parametrize("grid", [True, False])
def test_a_cell_given_twice_counts_once_with_its_last_row(
    grid: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 0114's 2023 value twice (3.0, then 100.0): the last row is its value, one point of its
    # trend and one unit among the eight (not a ninth), whether or not the values fit a grid.
    if not grid:
        monkeypatch.setattr(layout, "DENSE_CELLS_PER_ROW", 0)
        monkeypatch.setattr(layout, "DENSE_CELLS", 0)
    rows = series("0114", "N1", {y: float(y - 2018) for y in YEARS})
    rows += [("0114", "N1", 2023, 100.0)]
    rows += [(u, "N1", 2023, 3.0) for u in KOMMUNER[1:]]
    result = row(analyse_kpis(build(rows, polarity={"N1": "higher"}), 2023), unit="0114")
    assert result["value"] == 100.0
    assert (result["trend_first"], result["trend_points"]) == (2019, 5)
    assert (result["better"], result["compared"]) == (0, 8)


def test_a_large_group_of_similar_kommuner_is_counted_whole() -> None:
    # Twelve kommuner, values 0 … 11; the first's group is all the others (with itself, more
    # than eight places): eleven better, none worse, twelve compared.
    ids = [f"01{i:02d}" for i in range(12)]
    units: dict[str, tuple[str, str | None]] = {u: ("K", "A2") for u in ids}
    rows = [(u, "N1", 2023, float(i)) for i, u in enumerate(ids)]
    data = build(
        rows,
        polarity={"N1": "higher"},
        units=units,
        similar=[(ids[0], u) for u in ids[1:]] + [(ids[5], ids[0])],
    )
    result = analyse_kpis(data, 2023)
    first = row(result, unit=ids[0])
    assert (first["better_similar"], first["worse_similar"], first["compared_similar"]) == (
        11,
        0,
        12,
    )
    assert (
        row(result, unit=ids[5])["better_similar"],
        row(result, unit=ids[5])["worse_similar"],
    ) == (0, 1)
    assert row(result, unit=ids[1])["compared_similar"] is None  # no group of its own


def test_kommungrupper_beyond_one_word_of_counts_are_counted_apart() -> None:
    # Seventy kommuner in 35 kommungrupper of two (more groups than one 64-bit word of counts
    # holds): in each group the higher value has none better of the two, the lower one better.
    ids = [f"{1000 + i}" for i in range(70)]
    units: dict[str, tuple[str, str | None]] = {
        u: ("K", f"G{i // 2:02d}") for i, u in enumerate(ids)
    }
    rows = [(u, "N1", 2023, float(i)) for i, u in enumerate(ids)]
    result = analyse_kpis(build(rows, polarity={"N1": "higher"}, units=units), 2023)
    for i, u in enumerate(ids):
        found = row(result, unit=u)
        assert (found["better_kommungrupp"], found["compared_kommungrupp"]) == (1 - i % 2, 2)
        assert found["better"] == 69 - i
