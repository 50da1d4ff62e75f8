"""Charts: Vega-Lite specifications of a unit's key figures, rendered to SVG on the server (no
JavaScript in the reader's browser), each beside a table of the same data.

Rendering costs ~25 ms a chart, so SVGs are kept by their specification: the same data
renders once per process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
UNIT_COLOUR = "#00689D"  # goal 16's blue: dark enough for text contrast on white
RIKET_COLOUR = "#6b6b6b"


@dataclass(frozen=True, slots=True)
class SeriesLine:
    name: str  # "Kristinehamn", "Riket"
    points: tuple[tuple[int, float], ...]  # (year, value), oldest first


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart with its data: the SVG for the eye, the rows for a table and for screen readers."""

    title: str
    spec: dict[str, Any]
    svg: str
    years: tuple[int, ...]
    lines: tuple[SeriesLine, ...]

    def value(self, line: SeriesLine, year: int) -> float | None:
        return dict(line.points).get(year)


def line_chart_spec(title: str, lines: Sequence[SeriesLine]) -> dict[str, Any]:
    """A line chart of each line over the years. It holds no words of either language (the
    page's caption gives the title and "Källa: Kolada"), so both languages share one SVG."""
    values = [
        {"year": year, "value": value, "series": line.name}
        for line in lines
        for year, value in line.points
    ]
    names = [line.name for line in lines]
    colours = [UNIT_COLOUR if i == 0 else RIKET_COLOUR for i in range(len(lines))]
    return {
        "$schema": SCHEMA,
        "description": title,
        "width": 560,
        "height": 220,
        "data": {"values": values},
        # Points only for short series: drawing one per year is most of the rendering time.
        "mark": {"type": "line", "point": max(len(line.points) for line in lines) <= 12,
                 "strokeWidth": 2},
        "encoding": {
            # Years on a numeric axis: a few round years as labels, never overlapping.
            "x": {"field": "year", "type": "quantitative", "title": None,
                  "scale": {"zero": False, "nice": False},
                  "axis": {"format": "d", "tickMinStep": 1, "labelAngle": 0, "tickCount": 6}},
            "y": {"field": "value", "type": "quantitative", "title": None,
                  "scale": {"zero": False}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": names, "range": colours},
                      "legend": {"orient": "bottom"}},
            "strokeDash": {"field": "series", "type": "nominal", "legend": None,
                           "scale": {"domain": names, "range": [[1, 0], [4, 3]][: len(names)]}},
        },
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }  # fmt: skip


@lru_cache(maxsize=4096)
def _render(spec_json: str) -> str:
    import vl_convert  # loads its bundled JavaScript engine on first use

    svg: str = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return svg


def render_svg(spec: dict[str, Any]) -> str:
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False))


def line_chart(title: str, lines: Sequence[SeriesLine]) -> Chart | None:
    """The chart of these lines, or None when there is nothing to draw."""
    drawn = tuple(line for line in lines if line.points)
    if not drawn:
        return None
    spec = line_chart_spec(title, drawn)
    years = tuple(sorted({year for line in drawn for year, _ in line.points}))
    return Chart(title, spec, render_svg(spec), years, drawn)
