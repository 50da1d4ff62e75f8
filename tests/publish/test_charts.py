"""The charts' SVG: well formed, every mark inside the picture, round ticks that cover the data,
and numbers in the reader's language."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glokal.publish.charts import (
    HEIGHT,
    WIDTH,
    SeriesLine,
    StatusSquare,
    line_chart,
    nice_step,
    status_strip_svg,
    value_scale,
    year_scale,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def coordinates(root: ET.Element) -> list[tuple[float, float]]:
    """Every point a mark is drawn at: path vertices, circle centres, line ends, text anchors."""
    found: list[tuple[float, float]] = []
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        a = element.attrib
        if tag == "path":
            found += [(float(x), float(y)) for x, y in re.findall(r"([-\d.]+),([-\d.]+)", a["d"])]
        elif tag == "circle":
            found.append((float(a["cx"]), float(a["cy"])))
        elif tag == "line":
            found += [(float(a["x1"]), float(a["y1"])), (float(a["x2"]), float(a["y2"]))]
        elif tag == "text":
            found.append((float(a["x"]), float(a["y"])))
    return found


def series(draw: st.DrawFn) -> SeriesLine:
    first = draw(st.integers(1990, 2025))
    years = draw(st.lists(st.integers(first, 2030), min_size=1, max_size=36, unique=True))
    magnitude = draw(st.sampled_from([1e-4, 0.01, 1.0, 100.0, 1e5, 1e8]))
    values = draw(
        st.lists(
            st.floats(-magnitude, magnitude, allow_nan=False, allow_infinity=False),
            min_size=len(years),
            max_size=len(years),
        )
    )
    return SeriesLine(draw(st.sampled_from(["Kristinehamn", "Riket", "Malå"])),
                      tuple(zip(sorted(years), values, strict=True)))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.composite(series)(), min_size=1, max_size=2), st.sampled_from(["sv", "en"]))
def test_any_series_draws_inside_the_picture(lines: list[SeriesLine], lang: str) -> None:
    chart = line_chart("Andel <förnybar> & el", lines, lang)
    assert chart is not None
    root = parse(chart.svg)  # well formed, the title escaped
    assert root.attrib["viewBox"] == f"0 0 {WIDTH} {HEIGHT}"
    for x, y in coordinates(root):
        assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT, (x, y)
    # One path per line that has points, in the unit's colour first.
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == len(lines)
    assert chart.years == tuple(sorted({y for line in lines for y, _ in line.points}))


@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(0, 1e9, allow_nan=False),
    st.integers(2, 10),
)
def test_value_ticks_are_round_and_cover_the_data(low: float, span: float, count: int) -> None:
    high = low + span
    scale = value_scale(low, high, 200.0, 10.0, count)
    step = scale.ticks[1] - scale.ticks[0]
    # Covered to a millionth of a step: what lies closer to a tick than that is on it.
    assert scale.low <= low + step * 1e-6 and scale.high >= high - step * 1e-6
    assert scale.ticks[0] == scale.low and scale.ticks[-1] == scale.high
    assert 2 <= len(scale.ticks) <= 3 * count + 2
    diffs = [b - a for a, b in zip(scale.ticks, scale.ticks[1:], strict=False)]
    assert all(math.isclose(d, step, rel_tol=1e-6) for d in diffs)  # evenly spaced
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5)), step
    assert scale(scale.low) == 200.0 and scale(scale.high) == 10.0


@pytest.mark.parametrize(
    ("rough", "step"), [(0.7, 0.5), (1.0, 1.0), (1.6, 2.0), (3.3, 5.0), (8.0, 10.0), (230, 200)]
)
def test_nice_step(rough: float, step: float) -> None:
    assert nice_step(rough) == pytest.approx(step)


def test_year_ticks_are_whole_years_within_the_series() -> None:
    assert year_scale(2000, 2025, 0, 100).ticks == (2000, 2005, 2010, 2015, 2020, 2025)
    assert year_scale(2019, 2023, 0, 100).ticks == (2019, 2020, 2021, 2022, 2023)
    assert year_scale(2021, 2021, 0, 100).ticks == (2021,)


def tick_labels(svg: str) -> list[str]:
    root = parse(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.attrib.get("text-anchor") == "end"]


def test_tick_labels_speak_the_readers_language() -> None:
    lines = [SeriesLine("Kristinehamn", ((2020, 0.12), (2021, 0.24)))]
    sv, en = (line_chart("t", lines, lang) for lang in ("sv", "en"))
    assert sv is not None and en is not None
    assert "0,2" in tick_labels(sv.svg) and "0.2" in tick_labels(en.svg)
    large = [SeriesLine("Riket", ((2020, 1_200_000.0), (2021, 1_500_000.0)))]
    chart = line_chart("t", large, "sv")
    assert chart is not None and "1\xa0500\xa0000" in tick_labels(chart.svg)


def test_the_legend_names_each_line_and_riket_is_dashed() -> None:
    chart = line_chart(
        "t", [SeriesLine("Åre", ((2020, 1.0), (2021, 2.0))), SeriesLine("Riket", ((2020, 3.0),))]
    )
    assert chart is not None
    root = parse(chart.svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Åre" in texts and "Riket" in texts
    dashed = [p for p in root.iter(f"{SVG}path") if "stroke-dasharray" in p.attrib]
    assert len(dashed) == 1


def test_nothing_to_draw_gives_no_chart() -> None:
    assert line_chart("t", [SeriesLine("Åre", ())]) is None


def test_status_strip_has_a_square_per_goal_and_wraps_its_legend() -> None:
    squares = [StatusSquare(n, "#3f7e44", "✓") for n in range(1, 18)]
    legend = [(f"Status nummer {i} med ett långt namn", "#cccccc") for i in range(6)]
    root = parse(status_strip_svg(squares, legend))
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 17 + 6
    width = float(root.attrib["width"])
    for x, _ in coordinates(root):
        assert 0 <= x <= width
    legend_rows = {r.attrib["y"] for r in rects[17:]}
    assert len(legend_rows) > 1  # six long labels do not fit on one row


def test_values_that_cannot_be_drawn_are_left_out() -> None:
    line = SeriesLine("Åre", ((2019, float("nan")), (2020, 1.0), (2021, float("inf")), (2022, 2.0)))
    chart = line_chart("t", [line])
    assert chart is not None and chart.years == (2020, 2022)
    assert "nan" not in chart.svg and "inf" not in chart.svg
    parse(chart.svg)
    assert line_chart("t", [SeriesLine("Åre", ((2020, float("nan")),))]) is None


def test_a_series_of_zeros_is_drawn_from_zero_up() -> None:
    chart = line_chart("t", [SeriesLine("Åre", ((2020, 0.0), (2021, 0.0)))])
    assert chart is not None
    labels = tick_labels(chart.svg)
    assert labels[0] == "0" and labels[-1] == "1" and not any("-" in x for x in labels)
