"""Per unit and KPI: the latest value, Riket's value, the trend and the relative positions.

All units at once, vectorised: NumPy on the integer-keyed series of ``series`` (whole-array
steps on the values, the series and the (KPI, year) × unit rows of peers), Polars for the ids and
the frames that go out. The rules, which docs/status-method.md explains with a worked example:

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

from dataclasses import dataclass
from functools import reduce
from operator import add

import numpy as np
import polars as pl

from glokal.analysis.data import POLARITY_SIGN, AnalysisData
from glokal.analysis.series import (
    CODE,
    CODES,
    Array,
    Bools,
    Floats,
    Ints,
    SeriesFrame,
    codes,
    encode,
)
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
# In this order in a KPI's flags.
FLAGS = (
    FLAG_UNKNOWN_POLARITY,
    FLAG_NO_DIRECTION,
    FLAG_OLD_VALUE,
    FLAG_TOO_FEW_POINTS,
    FLAG_NO_RIKET,
)
# Every combination of flags, indexed by its bits (bit i: FLAGS[i]).
_FLAG_LISTS = pl.Series(
    [[f for i, f in enumerate(FLAGS) if bits >> i & 1] for bits in range(1 << len(FLAGS))],
    dtype=pl.List(pl.String),
)
# The verdicts as codes (0: none, null in the results), turned into texts by one gather each.
_TRENDS = pl.Series(
    [
        None,
        Trend.FORBATTRING.value,
        Trend.OFORANDRAD.value,
        Trend.FORSAMRING.value,
        Trend.DATA_SAKNAS.value,
    ],
    dtype=pl.String,
)
_POSITIONS = pl.Series(
    [None, Position.BASTA.value, Position.MITTEN.value, Position.SAMSTA.value], dtype=pl.String
)
_VS_RIKET = pl.Series(
    [None, BETTER_THAN_RIKET, LEVEL_WITH_RIKET, WORSE_THAN_RIKET], dtype=pl.String
)
# Work in blocks whose temporary arrays stay in the processor's cache (and bound the memory):
# cells of the (KPI, year) × unit matrix of peers ranked at a time, series whose trend is
# computed at a time.
RANK_CELLS = 1 << 15
SERIES_BLOCK = 8192


def _by_code(ids: pl.Series, frame: pl.DataFrame, column: str) -> Ints:
    """For each code of ``ids``, the row of ``frame`` (the first) whose ``column`` is its id,
    or ``frame.height`` where none is (a dict: these frames have a few hundred rows)."""
    first: dict[str | None, int] = {}
    for row, value in enumerate(frame.get_column(column).to_list()):
        first.setdefault(value, row)
    return np.array([first.get(i, frame.height) for i in ids.to_list()], dtype=np.int64)


def kpi_facts(data: AnalysisData, series: SeriesFrame) -> pl.DataFrame:
    """k, title, polarity, sign: one row per KPI code, in code order (unknown where not set)."""
    row = _by_code(series.kpis, data.kpis, "kpi")
    titles, polarities = ([*data.kpis.get_column(c).to_list(), None] for c in ("title", "polarity"))
    found = (polarities[r] for r in row.tolist())
    polarity = [p if p is not None else "unknown" for p in found]
    return pl.DataFrame(
        {
            "k": np.arange(series.kpis.len()),
            "title": pl.Series([titles[r] for r in row.tolist()], dtype=pl.String),
            "polarity": pl.Series(polarity, dtype=pl.String),
            "sign": pl.Series([POLARITY_SIGN.get(p) for p in polarity], dtype=pl.Int64),
        }
    )


def unit_facts(data: AnalysisData, series: SeriesFrame) -> pl.DataFrame:
    """u, t, g: per unit code its type's and kommungrupp's codes (g null without a group)."""
    row = _by_code(series.units, data.units, "unit").tolist()
    about = [[*data.units.get_column(c).to_list(), None] for c in ("type", "kommungrupp")]
    columns = {}
    for name, values in zip(("t", "g"), about, strict=True):
        found = [values[r] for r in row]
        code = {v: c for c, v in enumerate(sorted({v for v in found if v is not None}))}
        columns[name] = pl.Series([code.get(v) for v in found], dtype=CODE)
    return pl.DataFrame({"u": np.arange(len(row)), **columns})


def _column(name: str, values: Array, valid: Bools | None = None) -> pl.Series:
    """A result column from an array, null where not ``valid``."""
    column = pl.Series(name, values)
    return column if valid is None or valid.all() else column.set(pl.Series(~valid), None)


def _trend(series: SeriesFrame, last: Ints, length: Ints) -> tuple[Ints, Ints, Ints, Floats, Bools]:
    """Per series (its newest row at ``last``, its number of rows ``length``): trend_points,
    trend_first, trend_last, change_per_year and where it has one (at least
    ``MIN_TREND_POINTS`` points).

    Over the series' last ``TREND_WINDOW`` rows, gathered by position into a window × series
    table (row j: j rows before the newest; outside the series 0, and not ``has``). Sums run
    from the oldest year to the newest as a loop over the window would add them, a missing row
    adding 0, so that the figures are the same to the last bit however they are computed.
    """
    n = np.minimum(length, TREND_WINDOW)
    back = np.arange(TREND_WINDOW)[:, None]
    has = length[None, :] > back
    # Gathered series by series (a series' window is one or two cache lines), then turned.
    at = np.maximum(last[:, None] - back.T, 0)
    o = series.o[at]
    value = np.ascontiguousarray(series.row_values(at, o).T)
    o = np.ascontiguousarray(o.T)
    # A row's period is its o less its series' first cell, plus the first year.
    start = o[0] // series.span * series.span - series.first_year
    p = np.where(has, o - start[None, :], 0)
    v = np.where(has, value, 0.0)

    def total(terms: Array) -> Array:
        return reduce(add, (terms[j] for j in range(TREND_WINDOW - 1, -1, -1)))

    mean_t = total(p) / n
    mean_v = total(v) / n
    level = total(np.abs(v)) / n
    dt = p - mean_t[None, :]
    sxy = total(np.where(has, dt * (v - mean_v[None, :]), 0.0))
    sxx = total(np.where(has, dt * dt, 0.0))
    first = p[n - 1, np.arange(n.size)]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(level == 0, 0.0, sxy / sxx / level)
    return n, first, p[0], change, n >= MIN_TREND_POINTS


def _members(series: SeriesFrame, data: AnalysisData) -> tuple[Ints, Ints]:
    """Each unit's Liknande kommuner (itself too, if it has a group) as a unit × place table of
    unit codes (−1: no one), and the size of each unit's group (0: none)."""
    n_units = series.units.len()
    pairs = data.similar.select(
        codes(series.units, "unit").alias("u"), codes(series.units, "member").alias("m")
    ).drop_nulls("u")
    owner, member = (pairs.get_column(c).to_numpy() for c in ("u", "m"))
    known = pairs.get_column("m").is_not_null().to_numpy()
    # Each pair once, sorted by owner, then member.
    key = np.unique(np.concatenate([owner[known] * n_units + member[known], owner * (n_units + 1)]))
    owner, member = key // n_units, key % n_units
    size = np.bincount(owner, minlength=n_units)
    table = np.full((n_units, int(size.max(initial=0))), -1, dtype=np.int64)
    table[owner, np.arange(key.size) - (np.cumsum(size) - size)[owner]] = member
    return table, size


Comparison = tuple[Ints, Ints, Ints, Bools]  # better, worse, compared, and where given


def _count_rows(marks: Bools) -> Ints:
    """The number of marks in each row of a rows × (a multiple of 8) table: each eight marks
    (bytes of 0 or 1) read as one 64-bit word, whose bytes one multiplication adds up (several
    times faster than NumPy's count along short rows)."""
    words = np.ascontiguousarray(marks).view(np.uint64)
    byte_sums = (words * np.uint64(0x0101010101010101)) >> np.uint64(56)
    counted: Ints = (
        byte_sums[:, 0].astype(np.int64)
        if words.shape[1] == 1
        else byte_sums.sum(axis=1, dtype=np.int64)
    )
    return counted


def _positions(
    series: SeriesFrame,
    data: AnalysisData,
    unit: Ints,
    pair_rank: Ints,
    pairs: Ints,
    sign_of_kpi: Ints,
    segmentations: list[Ints],
    results: Ints,
    n_results: int,
) -> list[Comparison]:
    """better, worse, compared of each latest value (of ``unit``, in the (KPI, year) pair at
    ``pair_rank`` in ``pairs``) among the units with a value in the pair (Riket never counts):
    per segmentation (a code per unit, −1 for none) among the units of its segment; then among
    its Liknande kommuner. Each in ``n_results`` places, the latest values' at ``results``.

    The pairs' values are a matrix of pair × unit, taken a block of pairs at a time. Each row
    is sorted by value once; read as one sequence, a value's ties are one run of it. The units
    of each segment before a place are counted for all of a segmentation's segments by one
    cumulative sum of bit fields (a unit of segment c adds 1 << (c × bits)): "worse" is the
    count in the value's own segment before its tie, "better" the count after it.
    """
    n_units = series.units.len()
    units = np.arange(n_units)
    not_riket = units != (series.riket if series.riket is not None else -1)
    table, size = _members(series, data)
    # The table as places to look up and whether they hold a member, eight places to a row
    # multiple (so that ``_count_rows`` reads each row's marks as whole 64-bit words).
    table = np.pad(table, ((0, 0), (0, -table.shape[1] % 8)), constant_values=-1)
    members, in_group = np.maximum(table, 0), table >= 0
    # Per segmentation its words: per unit what it adds and where its count is (shift), for
    # the units whose segment the word counts (as many segments to a word as 63 bits hold).
    # A word's running sum may wrap around over a block's rows; the differences read within
    # one row are exact all the same (integers modulo 2**64, each field below 2**bits).
    words = []
    for codes_of_unit in segmentations:
        grouped = codes_of_unit[codes_of_unit >= 0]
        bits = max(int(np.bincount(grouped).max(initial=0)).bit_length(), 1)  # any count
        per_word = 63 // bits
        segmentation = []
        for low in range(0, int(grouped.max(initial=-1)) + 1, per_word):
            field = codes_of_unit - low
            counted = (codes_of_unit >= 0) & (field < per_word) & (field >= 0)
            shift = np.where(counted, field, 0) * bits
            segmentation.append((np.where(counted, 1 << shift, 0), shift, counted, bits))
        words.append(segmentation)

    def given(where: Bools) -> Bools:
        found = np.zeros(n_results, dtype=np.bool_)
        found[results] = where
        return found

    out = [
        (np.zeros(n_results, np.int64), np.zeros(n_results, np.int64),
         np.zeros(n_results, np.int64), given(codes_of_unit[unit] >= 0))
        for codes_of_unit in [*segmentations, size - 1]  # (the last: Liknande kommuner)
    ]  # fmt: skip
    block = max(1, RANK_CELLS // max(n_units, 1))
    # The latest values by pair, so that each block's are one slice.
    order = np.argsort(pair_rank, kind="stable")
    bounds = np.searchsorted(pair_rank[order], np.arange(0, pairs.size + block, block))
    for b, first in enumerate(range(0, pairs.size, block)):
        chosen = pairs[first : first + block]
        k, year = chosen // series.span, chosen % series.span
        cells = (k * n_units * series.span + year)[:, None] + (units * series.span)[None, :]
        value, present = series.lookup(cells)
        present &= not_riket
        good = value * sign_of_kpi[k][:, None]
        rows = order[bounds[b] : bounds[b + 1]]
        own, mine_at = unit[rows], results[rows]
        start = (pair_rank[rows] - first) * n_units  # the row's first place in the sequence

        # -- each row by value; ties -----------------------------------------------------
        by_value = np.argsort(good, axis=1)
        flat = (by_value + (np.arange(chosen.size) * n_units)[:, None]).ravel()
        ranked = good.ravel()[flat]
        new_tie = np.ones(flat.size, dtype=np.bool_)
        new_tie[1:] = ranked[1:] != ranked[:-1]
        if np.isnan(ranked).any():  # NaN ties NaN, as Polars ranks
            new_tie[1:] &= ~(np.isnan(ranked[1:]) & np.isnan(ranked[:-1]))
        new_tie[::n_units] = True
        place = np.empty(flat.size, dtype=np.int64)
        place[flat] = np.arange(flat.size)
        tie_starts = np.flatnonzero(new_tie)
        tie = np.cumsum(new_tie)[place[start + own]] - 1
        tie_first, tie_end = tie_starts[tie], np.append(tie_starts[1:], flat.size)[tie]
        valid = present.ravel()[flat]
        column = by_value.ravel()  # the unit at each place

        # -- counts per segment ----------------------------------------------------------
        # The places each count is read at: the row's end, the tie's end, the tie's start;
        # less the row's start.
        ends = np.stack([start + n_units, tie_end, tie_first, start])
        for segmentation, (better, worse, compared, _given) in zip(words, out[:-1], strict=True):
            for step, shift_of_unit, in_word, bits in segmentation:
                counted = np.zeros(flat.size + 1, dtype=np.int64)  # units before each place
                np.cumsum(np.where(valid, step[column], 0), out=counted[1:])
                read = counted[ends]
                read = (read[:3] - read[3]) >> shift_of_unit[own] & ((1 << bits) - 1)
                total, upto, below = read
                mine = in_word[own]
                if len(segmentation) == 1:  # (the usual case: no earlier word to keep)
                    better[mine_at], worse[mine_at], compared[mine_at] = (
                        np.where(mine, figure, 0) for figure in (total - upto, below, total)
                    )
                else:
                    better[mine_at] = np.where(mine, total - upto, better[mine_at])
                    worse[mine_at] = np.where(mine, below, worse[mine_at])
                    compared[mine_at] = np.where(mine, total, compared[mine_at])

        # -- Liknande kommuner: each member's value, one look-up in the row ---------------
        at = start[:, None] + np.take(members, own, axis=0)  # (take: rows at once)
        counts = np.take(in_group, own, axis=0) & present.ravel()[at]
        peer, mine = good.ravel()[at], good.ravel()[start + own][:, None]
        better, worse, compared, _given = out[-1]
        better[mine_at] = _count_rows(counts & (peer > mine))
        worse[mine_at] = _count_rows(counts & (peer < mine))
        compared[mine_at] = _count_rows(counts)
    return out


def _position(better: Ints, worse: Ints, compared: Ints, valid: Bools) -> Ints:
    """Codes of ``_POSITIONS``: best quartile if fewer than a quarter are better, worst if
    fewer than a quarter are worse, the middle half otherwise (or if both)."""
    best, worst = better * 4 < compared, worse * 4 < compared
    code = np.where(best & ~worst, 1, np.where(worst & ~best, 3, 2))
    return np.where(valid, code, 0)


def _labels(name: str, labels: pl.Series, codes: Array) -> pl.Series:
    """The label of each code: one gather from the few labels (a null label gives null)."""
    return labels.gather(codes).alias(name)


# The suffixes of the three comparisons' columns: all units of the type, the kommungrupp, the
# Liknande kommuner.
COMPARISONS = ("", "_kommungrupp", "_similar")


@dataclass(frozen=True)
class KpiFigures:
    """``analyse_series``' results as arrays, one entry per unit × KPI with a value, sorted by
    unit and KPI: the verdicts as codes (0: none) of the label series above. The default goal
    method scores from the codes; ``frame`` is the results frame."""

    series: SeriesFrame
    reference_year: int
    polarity: pl.Series  # per KPI code
    titles: pl.Series  # per KPI code
    u: Ints
    k: Ints
    s: Ints
    period: Ints
    value: Floats
    current: Bools
    directed: Bools
    riket_value: Floats
    has_riket: Bools
    vs_riket: Ints
    trend: Ints
    change: Floats
    has_change: Bools
    trend_first: Ints
    trend_last: Ints
    trend_points: Ints
    # Per comparison (all units of the type, kommungrupp, Liknande kommuner): position code,
    # better, worse, compared, and where they are given.
    positions: tuple[tuple[Ints, Ints, Ints, Ints, Bools], ...]
    flags: Ints

    @property
    def size(self) -> int:
        return self.u.size

    def figures(self) -> list[pl.Series]:
        """The columns from reference_year to flags."""
        columns = [
            pl.repeat(self.reference_year, self.size, dtype=pl.Int32, eager=True).alias(
                "reference_year"
            ),
            _labels("polarity", self.polarity, self.k),
            _column("period", self.period),
            _column("value", self.value),
            _column("current", self.current),
            _column("riket_value", self.riket_value, self.has_riket),
            _labels("vs_riket", _VS_RIKET, self.vs_riket),
            _labels("trend", _TRENDS, self.trend),
            _column("change_per_year", self.change, self.has_change),
            _column("trend_first", self.trend_first),
            _column("trend_last", self.trend_last),
            _column("trend_points", self.trend_points).cast(pl.UInt32),
        ]
        for suffix, (code, better, worse, compared, given) in zip(
            COMPARISONS, self.positions, strict=True
        ):
            columns += [
                _labels(f"position{suffix}", _POSITIONS, code),
                _column(f"better{suffix}", better, given),
                _column(f"worse{suffix}", worse, given),
                _column(f"compared{suffix}", compared, given),
            ]
        columns.append(_labels("flags", _FLAG_LISTS, self.flags))
        return columns

    def frame(self) -> pl.DataFrame:
        """unit, kpi, the figures (``analyse_kpis``' columns) and the codes u, k, s."""
        return pl.DataFrame(
            [
                self.series.unit_ids(pl.Series(self.u)).alias("unit"),
                self.series.kpi_ids(pl.Series(self.k)).alias("kpi"),
                *self.figures(),
                pl.Series("u", self.u),
                pl.Series("k", self.k),
                pl.Series("s", self.s),
            ]
        )


def analyse_kpis(data: AnalysisData, reference_year: int) -> pl.DataFrame:
    """One row per unit and KPI with any value up to ``reference_year`` (see the module)."""
    return analyse_series(data, encode(data, reference_year), reference_year).drop(CODES)


def analyse_series(data: AnalysisData, series: SeriesFrame, reference_year: int) -> pl.DataFrame:
    """``analyse_kpis`` on values already encoded (``series.encode``) up to the year, with the
    codes (``CODES``: u, k, s) of each row as further columns; sorted by unit and KPI."""
    return kpi_figures(data, series, reference_year).frame()


def kpi_figures(data: AnalysisData, series: SeriesFrame, reference_year: int) -> KpiFigures:
    """``analyse_series``' results as arrays."""
    kpis = kpi_facts(data, series)
    units = unit_facts(data, series)
    n_units, n_kpis, span = series.units.len(), series.kpis.len(), series.span
    riket = series.riket if series.riket is not None else -1
    last = series.last
    newest = series.o[last] // span  # each series' s
    # The series in the order of the results (unit, then KPI), as positions in ``last``.
    in_order = np.full(n_units * n_kpis, -1, dtype=np.int64)
    in_order[(newest % n_units) * n_kpis + newest // n_units] = np.arange(last.size)
    at = in_order[in_order >= 0]

    length = np.diff(last, prepend=-1)[at]  # rows per series
    last, ls = last[at], newest[at]

    # -- latest value, and Riket's value the same year -------------------------------------
    lo = series.o[last]
    value = series.row_values(last, lo)
    u, k = ls % n_units, ls // n_units
    period = lo - ls * span + series.first_year
    sign_of_kpi = kpis.get_column("sign").fill_null(0).to_numpy()
    sign = sign_of_kpi[k]
    directed = sign != 0
    riket_value, has_riket = series.lookup(lo + (riket - u) * span)
    if series.riket is None:
        has_riket[:] = False

    # -- positions and trends ---------------------------------------------------------------
    # Only the (KPI, year) pairs some unit's latest value falls in need ranking; each unit's
    # latest value (not Riket's) is ranked in its pair.
    pair = k * span + (period - series.first_year)
    wanted = np.zeros(n_kpis * span, dtype=np.bool_)
    wanted[pair[directed]] = True
    pairs = np.flatnonzero(wanted)
    own = np.flatnonzero(directed & (u != riket))
    n_types = int(units.get_column("t").max() or 0) + 1  # type: ignore[arg-type]
    # Units without a type are compared among themselves (a type of their own).
    types = units.get_column("t").fill_null(n_types).to_numpy()
    groups = units.get_column("g").fill_null(-1).to_numpy()
    comparisons = _positions(
        series,
        data,
        u[own],
        (np.cumsum(wanted) - 1)[pair[own]],
        pairs,
        sign_of_kpi,
        [types, groups],
        own,
        u.size,
    )
    # The trends a block of series at a time: the window tables of a block stay in the
    # processor's cache (a third faster than all at once, measured).
    blocks = [slice(b, b + SERIES_BLOCK) for b in range(0, max(last.size, 1), SERIES_BLOCK)]
    trends = [_trend(series, last[b], length[b]) for b in blocks]
    trend_points, trend_first, trend_last, change, has_change = (
        np.concatenate(column) for column in zip(*trends, strict=True)
    )
    positions = [(_position(*figures), *figures) for figures in comparisons]

    # -- the verdicts -----------------------------------------------------------------------
    current: Bools = period >= reference_year - MAX_AGE_YEARS
    adjusted = change * sign
    trend = np.where(
        ~has_change, 4, np.where(adjusted > STABLE_BAND, 1, np.where(adjusted < -STABLE_BAND, 3, 2))
    )
    gap, tolerance = (value - riket_value) * sign, np.abs(riket_value) * RIKET_BAND
    vs_riket = np.where(gap > tolerance, 1, np.where(gap < -tolerance, 3, 2))
    polarity = kpis.get_column("polarity")
    unknown = (polarity == "unknown").to_numpy()[k]
    neither = (polarity == "neither").to_numpy()[k]
    flags = (
        unknown * 1
        + neither * 2
        + ~current * 4
        + ~has_change * 8
        + (~has_riket & (u != riket)) * 16
    )
    return KpiFigures(
        series=series,
        reference_year=reference_year,
        polarity=polarity,
        titles=kpis.get_column("title"),
        u=u,
        k=k,
        s=ls,
        period=period,
        value=value,
        current=current,
        directed=directed,
        riket_value=riket_value,
        has_riket=has_riket,
        vs_riket=np.where(directed & has_riket, vs_riket, 0),
        trend=np.where(directed, trend, 0),
        change=change,
        has_change=has_change,
        trend_first=trend_first,
        trend_last=trend_last,
        trend_points=trend_points,
        positions=tuple(positions),
        flags=flags,
    )


__all__ = [
    "MAX_AGE_YEARS",
    "MIN_TREND_POINTS",
    "RIKET_BAND",
    "STABLE_BAND",
    "TREND_WINDOW",
    "KpiFigures",
    "analyse_kpis",
    "analyse_series",
    "kpi_figures",
]
