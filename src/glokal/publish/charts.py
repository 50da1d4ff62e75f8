"""Charts: a unit's key figures as line charts and the report's strip of goal statuses, drawn as
SVG on the server (no JavaScript in the reader's browser), each beside a table of the same data.

The SVG is written here, from plain data, rather than by a charting engine: a page of the
public site holds about ten charts and the static export draws some 50,000 of them, which a
JavaScript engine in the process (25 ms a chart at best) made the whole cost of a page. Written
directly a chart takes a fraction of a millisecond, and the markup is a twentieth of the size.
What a chart needs from a charting library is little: a scale with round ticks, a line per
series, a legend; all of it is below. The picture is for the eye only (the pages hide it from
screen readers and give the table); the report's PDF draws the same SVG as vector graphics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape

from glokal.publish.format import ink, number

UNIT_COLOUR = "#00689D"  # goal 16's blue: dark enough for text contrast on white
RIKET_COLOUR = "#6b6b6b"
TEXT_COLOUR = "#333333"
GRID_COLOUR = "#dddddd"
DASHES = ("", "4 3")  # the unit solid, Riket dashed: the lines differ without their colour

WIDTH, HEIGHT = 600, 250
TOP, RIGHT, BOTTOM = 12, 14, 58  # room for the x axis' labels and the legend below it
FONT_SIZE = 12
CHAR_WIDTH = 7.0  # an average sans-serif glyph at FONT_SIZE, for laying out labels
MARKERS_UP_TO = 12  # points drawn on a line only for short series


@dataclass(frozen=True, slots=True)
class SeriesLine:
    name: str  # "Kristinehamn", "Riket"
    points: tuple[tuple[int, float], ...]  # (year, value), oldest first


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart with its data: the SVG for the eye, the rows for a table and for screen readers."""

    title: str
    svg: str
    years: tuple[int, ...]
    lines: tuple[SeriesLine, ...]

    def value(self, line: SeriesLine, year: int) -> float | None:
        return dict(line.points).get(year)


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map of a domain onto a range of pixels, with the ticks a reader sees."""

    low: float
    high: float
    start: float  # pixel of ``low``
    end: float  # pixel of ``high``
    ticks: tuple[float, ...]
    digits: int  # decimals the tick labels need

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def nice_step(rough: float) -> float:
    """The round step (1, 2 or 5 times a power of ten) nearest to ``rough``."""
    power = 10.0 ** math.floor(math.log10(rough))
    ratio = rough / power
    if ratio >= math.sqrt(50):
        return 10 * power
    if ratio >= math.sqrt(10):
        return 5 * power
    if ratio >= math.sqrt(2):
        return 2 * power
    return power


def _digits(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def value_scale(low: float, high: float, start: float, end: float, count: int = 5) -> Scale:
    """A scale over [low, high] widened to round ticks at both ends (about ``count`` of them).

    Not from zero: a key figure moving between 81 and 84 % should show its movement."""
    largest = max(abs(low), abs(high))
    if high - low <= max(largest * 1e-6, 1e-9):
        # One value, or a series flat to the eye: centre it in a band around it (and never
        # label ticks with more decimals than a key figure has).
        if largest == 0:
            low, high = 0.0, 1.0  # all zeros: from zero up, not a band of ± millionths
        else:
            margin = max(largest * 0.1, 1e-6)
            low, high = low - margin, high + margin
    step = nice_step((high - low) / count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    digits = _digits(step)
    ticks = tuple(round(i * step, digits) for i in range(first, last + 1))
    return Scale(ticks[0], ticks[-1], start, end, ticks, digits)


def year_scale(first: int, last: int, start: float, end: float, count: int = 6) -> Scale:
    """The years as they are (no widening), labelled on round years at least a year apart."""
    if first == last:
        return Scale(first - 1, last + 1, start, end, (first,), 0)
    step = max(1, round(nice_step((last - first) / count)))
    ticks = tuple(range(-(-first // step) * step, last + 1, step))
    return Scale(first, last, start, end, tuple(float(t) for t in ticks), 0)


@lru_cache(maxsize=8192)
def _label(value: float, digits: int, lang: str) -> str:
    return number(float(value) if digits else round(value), lang, digits)


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def line_chart_svg(lines: Sequence[SeriesLine], lang: str, title: str = "") -> str:
    """The SVG of these lines over the years: round ticks on both axes, grid lines across, the
    first line in the unit's colour and solid, the others in grey and dashed, and a legend."""
    points = [p for line in lines for p in line.points]
    if not points:
        raise ValueError("a chart needs at least one point")
    years = [year for year, _ in points]
    values = [value for _, value in points]
    bottom = HEIGHT - BOTTOM
    y = value_scale(min(values), max(values), bottom, TOP)
    y_labels = [_label(t, y.digits, lang) for t in y.ticks]
    left = 10 + max(_text_width(label) for label in y_labels)
    x = year_scale(min(years), max(years), left, WIDTH - RIGHT)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f'<g font-family="sans-serif" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
    ]
    for tick, label in zip(y.ticks, y_labels, strict=True):
        py = y(tick)
        out.append(
            f'<line x1="{left:.1f}" x2="{WIDTH - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" '
            f'stroke="{GRID_COLOUR}"/>'
            f'<text x="{left - 6:.1f}" y="{py + 4:.1f}" text-anchor="end">{label}</text>'
        )
    out.append(
        f'<line x1="{left:.1f}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" '
        f'stroke="{TEXT_COLOUR}"/>'
    )
    for tick in x.ticks:
        px = x(tick)
        out.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{bottom}" y2="{bottom + 5}" '
            f'stroke="{TEXT_COLOUR}"/>'
            f'<text x="{px:.1f}" y="{bottom + 17}" text-anchor="middle">{int(tick)}</text>'
        )
    # The unit's line last, so that it lies on top of Riket's where they cross.
    for index in reversed(range(len(lines))):
        line = lines[index]
        if not line.points:
            continue
        colour = UNIT_COLOUR if index == 0 else RIKET_COLOUR
        dash = DASHES[min(index, 1)]
        path = "L".join(f"{x(year):.1f},{y(value):.1f}" for year, value in line.points)
        out.append(
            f'<path d="M{path}" fill="none" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        if len(line.points) <= MARKERS_UP_TO:
            out.extend(
                f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}"/>'
                for year, value in line.points
            )
    legend_y, legend_x = HEIGHT - 14, left
    for index, line in enumerate(lines):
        colour = UNIT_COLOUR if index == 0 else RIKET_COLOUR
        dash = DASHES[min(index, 1)]
        out.append(
            f'<line x1="{legend_x:.1f}" x2="{legend_x + 24:.1f}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f'/><text x="{legend_x + 30:.1f}" y="{legend_y}">{escape(line.name)}</text>'
        )
        legend_x += 30 + _text_width(line.name) + 24
    out.append("</g></svg>")
    return "".join(out)


def line_chart(title: str, lines: Sequence[SeriesLine], lang: str = "sv") -> Chart | None:
    """The chart of these lines, or None when there is nothing to draw."""
    # Only finite values can be drawn (a stored infinity or NaN would break the scale).
    finite = (
        SeriesLine(line.name, tuple(p for p in line.points if math.isfinite(p[1])))
        for line in lines
    )
    drawn = tuple(line for line in finite if line.points)
    if not drawn:
        return None
    years = tuple(sorted({year for line in drawn for year, _ in line.points}))
    return Chart(title, line_chart_svg(drawn, lang, title), years, drawn)


@dataclass(frozen=True, slots=True)
class StatusSquare:
    goal: int
    colour: str  # the status' colour
    symbol: str  # the status' symbol, for readers who do not tell the colours apart


def status_strip_svg(squares: Sequence[StatusSquare], legend: Sequence[tuple[str, str]]) -> str:
    """The goals side by side as squares in their status' colour with its symbol, numbered
    above, and a legend of (label, colour) below."""
    size, gap, top = 34, 2, 18
    width = max(len(squares) * (size + gap), 1)
    rows: list[list[tuple[str, str]]] = [[]]
    row_width = 0.0
    for label, colour in legend:  # wrap the legend to the strip's width
        item = 18 + _text_width(label) + 14
        if rows[-1] and row_width + item > width:
            rows.append([])
            row_width = 0.0
        rows[-1].append((label, colour))
        row_width += item
    height = top + size + 10 + 18 * len(rows)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">',
        f'<g font-family="sans-serif" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
    ]
    for index, square in enumerate(squares):
        left = index * (size + gap)
        middle = left + size / 2
        out.append(
            f'<text x="{middle:.1f}" y="{top - 5}" text-anchor="middle">{square.goal}</text>'
            f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="{square.colour}"/>'
            f'<text x="{middle:.1f}" y="{top + size / 2 + 6:.1f}" text-anchor="middle" '
            f'font-size="16" fill="{ink(square.colour)}">{escape(square.symbol)}</text>'
        )
    for number_of_row, row in enumerate(rows):
        legend_y, legend_x = top + size + 22 + 18 * number_of_row, 0.0
        for label, colour in row:
            out.append(
                f'<rect x="{legend_x:.1f}" y="{legend_y - 10}" width="12" height="12" '
                f'fill="{colour}"/><text x="{legend_x + 18:.1f}" y="{legend_y}">'
                f"{escape(label)}</text>"
            )
            legend_x += 18 + _text_width(label) + 14
    out.append("</g></svg>")
    return "".join(out)
