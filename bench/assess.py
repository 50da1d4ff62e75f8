"""Benchmark: `glokal assess` for all 312 units × 17 goals over about 2 million stored values.

Set-up, untimed: the Kolada replay server (tests/kolada/replay.py, `kpi_count=193`: 193 real
KPIs × 312 units × 2000–2025, in a thread of this process) and the real sync
(`glokal.kolada.sync_kolada`) fill a fresh SQLite file: KPIs, KPI groups, the Agenda 2030
KPI → goal mapping, the municipality groups (with "Liknande kommuner, övergripande") and
1,998,200 values (all genders; 989,842 of them totals, which the analysis reads). The file is
cached between runs under the temporary directory, keyed by kpi_count and the text of the replay
module and of the migrations. Polarity: the bundled table (kolada/data/polarity.csv), and for every
KPI it does not cover a polarity set for the benchmark (higher or lower, by a hash of the id)
through `glokal.store.kolada.set_polarity`, so that every KPI gets a trend verdict and positions
(the full work). Every timed round of end to end works on its own fresh copy of that file (a
copy made just before, so the file is in the OS page cache, as it is after a sync).

Timed, best of `--rounds` (default 3):

1. End to end, as `glokal assess` does it for every unit: open the store (`Store`,
   `check_ready`), in one transaction read the frames (`read_analysis_frames`), build
   `AnalysisData.of`, `suggest(method="default")`, `replace_results`, commit; also split into
   open / read / of / compute / write / commit. Goal: ≤ 2 s. The same with `--method opensdg`.
   Untimed, the values as read (each series' JSON text, parsed by Polars) are checked bit for
   bit against the same values read through the kolada_value view; any difference fails the run.
2. The compute step alone: `suggest(data, method="default")` on frames already read.
3. The peer: a straightforward per-series Python loop (dicts, lists, `sorted`, `bisect`)
   computing the same results from the same frames converted to Python lists (untimed): per
   unit × KPI the latest value, Riket's value and the comparison with it, the regression trend
   over the last five years, the positions among all units of the type, in the kommungrupp and
   among the Liknande kommuner (per KPI and year sorted lists); then the scores, the goal
   aggregation and the status bands. It reimplements the rules of the module docstrings of
   glokal.analysis.kpis and glokal.analysis.goals independently, and the benchmark checks that
   both agree: every unit × KPI (trend, change per year, positions and their counts, Riket,
   flags, score) and every unit × goal (status, score within 1e-9, coverage, reason), and the
   contributions. Any difference is printed and the benchmark exits with status 1.
   Goal: Polars compute ≥ 20× faster than the peer.

Run: `PYTHONPATH=. .venv/bin/python bench/assess.py` (the first run builds the database, about
a minute; then about a minute). Options: `--rounds N`, `--kpis N` (another replay size),
`--rebuild` (ignore the cached database).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import math
import os
import shutil
import struct
import tempfile
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import make_url

from glokal.analysis import RIKET, AnalysisData, suggest
from glokal.framework import GOAL_COUNT, GoalStatus, Position, Trend
from glokal.kolada import KoladaClient, SyncOptions, bundled_polarity, sync_kolada
from glokal.store import Store
from glokal.store.analysis import AnalysisFrames, read_analysis_frames, replace_results
from glokal.store.kolada import count_values, load_bundled_polarity, polarity_of, set_polarity
from glokal.store.models import KoladaKpiRow

REPO = Path(__file__).resolve().parents[1]
KPI_COUNT = 193  # 1,998,200 stored values
YEARS = tuple(range(2000, 2026))
CACHE = Path(tempfile.gettempdir()) / "glokal-bench-assess"
GOAL_SECONDS = 2.0
GOAL_RATIO = 20.0
TOLERANCE = 1e-9

# The rules the peer reimplements (glokal.analysis.kpis and .goals, module docstrings).
TREND_WINDOW = 5
MIN_TREND_POINTS = 3
STABLE_BAND = 0.01
MAX_AGE_YEARS = 4
RIKET_BAND = 0.02
MIN_COVERAGE = 0.5
MIN_KPIS = 2
SIGN = {"higher": 1, "lower": -1}
POSITION_MARK = {Position.BASTA.value: 1, Position.MITTEN.value: 0, Position.SAMSTA.value: -1}
TREND_MARK = {Trend.FORBATTRING.value: 1, Trend.OFORANDRAD.value: 0, Trend.FORSAMRING.value: -1}


# -- the database -----------------------------------------------------------------------------


def _store(path: Path) -> Store:
    return Store(make_url(f"sqlite:///{path}"))


def _cache_key(kpi_count: int) -> str:
    """kpi_count and a digest of what shapes the file: the replay module and the migrations."""
    digest = hashlib.blake2b(digest_size=6)
    migrations = sorted((REPO / "src" / "glokal" / "store" / "migrations").rglob("*.py"))
    for source in [REPO / "tests" / "kolada" / "replay.py", *migrations]:
        digest.update(source.read_bytes())
    return f"kpis{kpi_count}-{digest.hexdigest()}"


def build_database(kpi_count: int, *, rebuild: bool) -> Path:
    """The synced replay database (cached); built with the replay server and the real sync."""
    from tests.conftest import KOLADA_DATA
    from tests.kolada.replay import ReplayDataset, ReplayServer

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{_cache_key(kpi_count)}.sqlite3"
    if path.exists() and not rebuild:
        return path
    started = time.perf_counter()
    dataset = ReplayDataset(KOLADA_DATA, kpi_count=kpi_count)
    dataset.generate_all()
    server = ReplayServer(dataset)
    url = server.start()
    building = path.with_suffix(f".building{os.getpid()}")
    store = _store(building)
    try:
        store.init()

        async def sync() -> int:
            async with KoladaClient(url, concurrency=4, rate=0) as client:
                report = await sync_kolada(store, client, SyncOptions(years=YEARS))
            return report.values_written

        written = asyncio.run(sync())
    finally:
        store.close()  # the last connection closing checkpoints the WAL into the file
        server.stop()
    building.replace(path)
    print(
        f"built {path} ({written:,} values, {time.perf_counter() - started:.0f} s; cached for "
        "the next runs)"
    )
    return path


def bench_polarity(kpi: str) -> str:
    """The polarity the benchmark assumes for a KPI the bundled table does not cover."""
    return "higher" if hashlib.blake2b(kpi.encode(), digest_size=1).digest()[0] % 2 else "lower"


def prepare(cached: Path, directory: Path) -> tuple[Path, int, int, int]:
    """A working copy with polarity for every KPI; returns (path, values, bundled, assumed)."""
    path = directory / "prepared.sqlite3"
    shutil.copyfile(cached, path)
    store = _store(path)
    with store.session() as session, session.begin():
        values = count_values(session)
        bundled = load_bundled_polarity(session, bundled_polarity(), datetime.now(UTC))
        known = polarity_of(session)
        assumed = 0
        for kpi in session.execute(select(KoladaKpiRow.id)).scalars():
            if kpi not in known:
                note = "benchmark: assumed (hash of the id)"
                set_polarity(session, kpi, bench_polarity(kpi), note, "user", datetime.now(UTC))
                assumed += 1
    store.close()
    return path, values, bundled, assumed


def fresh_copy(prepared: Path, directory: Path, name: str) -> Path:
    path = directory / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(prepared, path)
    return path


# -- glokal, timed ----------------------------------------------------------------------------


@dataclass
class Phases:
    """Seconds of each step of one end-to-end run."""

    steps: dict[str, float] = field(default_factory=dict)
    rows: tuple[int, int] = (0, 0)

    @property
    def total(self) -> float:
        return sum(self.steps.values())


def _data(frames: AnalysisFrames) -> AnalysisData:
    return AnalysisData.of(
        values=frames.values,
        units=frames.units,
        kpis=frames.kpis,
        goal_kpis=frames.goal_kpis,
        similar=frames.similar,
    )


def end_to_end(path: Path, method: str) -> Phases:
    """What `glokal assess --method METHOD` does for every unit, minus printing."""
    phases = Phases()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases.steps[name] = now - clock
        clock = now

    store = _store(path)
    store.check_ready()
    lap("open")
    with store.session() as session:
        with session.begin():
            frames = read_analysis_frames(session)
            lap("read")
            data = _data(frames)
            lap("of")
            kpi_results, goal_results, parts = suggest(data, method=method)
            lap("compute")
            phases.rows = replace_results(
                session,
                method=method,
                units=frames.units.get_column("unit").to_list(),
                kpi_results=kpi_results,
                goal_results=goal_results,
                contributions=parts,
                computed_at=datetime.now(UTC),
            )
            session.flush()
            lap("write")
        lap("commit")
    store.close()
    return phases


def best_of(rounds: int, run: Callable[[], float]) -> tuple[float, list[float]]:
    times = [run() for _ in range(rounds)]
    return min(times), times


# -- the peer: a per-series Python loop -------------------------------------------------------


@dataclass
class PeerInput:
    values: list[tuple[str, str, int, float]]
    units: list[tuple[str, str, str | None]]
    kpis: list[tuple[str, str, str | None]]
    goal_kpis: list[tuple[int, str, str | None]]
    similar: list[tuple[str, str]]

    @classmethod
    def of(cls, frames: AnalysisFrames) -> PeerInput:
        return cls(
            values=frames.values.rows(),
            units=frames.units.rows(),
            kpis=frames.kpis.rows(),
            goal_kpis=frames.goal_kpis.rows(),
            similar=frames.similar.rows(),
        )


def _position(better: int, worse: int, compared: int) -> str:
    best, worst = 4 * better < compared, 4 * worse < compared
    if best and not worst:
        return Position.BASTA.value
    if worst and not best:
        return Position.SAMSTA.value
    return Position.MITTEN.value


def _counts(ordered: list[float], goodness: float) -> tuple[int, int, int]:
    """(better, worse, compared) of a goodness in an ascending list that contains it."""
    return (
        len(ordered) - bisect_right(ordered, goodness),
        bisect_left(ordered, goodness),
        len(ordered),
    )


Contribution = tuple[str, int, str, float | None, str | None]


def peer_suggest(
    data: PeerInput,
) -> tuple[
    dict[tuple[str, str], dict[str, Any]], dict[tuple[str, int], dict[str, Any]], list[Contribution]
]:
    """(per unit × KPI, per unit × goal, contributions) by the rules of kpis.py and goals.py."""
    units = {unit: (kind, group) for unit, kind, group in data.units}
    polarity = {kpi: p if p is not None else "unknown" for kpi, _title, p in data.kpis}
    year = max((period for _u, _k, period, value in data.values if value is not None), default=0)

    # Each unit's series per KPI, up to the reference year.
    series: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for unit, kpi, period, value in data.values:
        if value is not None and period <= year and unit in units:
            series.setdefault((unit, kpi), []).append((period, value))
    riket: dict[tuple[str, int], float] = {}
    for (unit, kpi), points in series.items():
        points.sort()
        if unit == RIKET:
            for period, value in points:
                riket[(kpi, period)] = value

    # Per unit and KPI: latest value, Riket, trend.
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for (unit, kpi), points in series.items():
        period, value = points[-1]
        pol = polarity.get(kpi, "unknown")
        sign = SIGN.get(pol)
        window = points[-TREND_WINDOW:]
        n = len(window)
        change = None
        if n >= MIN_TREND_POINTS:
            mean_t = sum(p for p, _ in window) / n
            mean_v = sum(v for _, v in window) / n
            sxy = sum((p - mean_t) * (v - mean_v) for p, v in window)
            sxx = sum((p - mean_t) ** 2 for p, _ in window)
            level = sum(abs(v) for _, v in window) / n
            change = 0.0 if level == 0 else sxy / sxx / level
        trend = None
        if sign is not None:
            if change is None:
                trend = Trend.DATA_SAKNAS.value
            elif change * sign > STABLE_BAND:
                trend = Trend.FORBATTRING.value
            elif change * sign < -STABLE_BAND:
                trend = Trend.FORSAMRING.value
            else:
                trend = Trend.OFORANDRAD.value
        riket_value = riket.get((kpi, period))
        vs_riket = None
        if sign is not None and riket_value is not None:
            gap, tolerance = (value - riket_value) * sign, abs(riket_value) * RIKET_BAND
            vs_riket = "bättre" if gap > tolerance else "sämre" if gap < -tolerance else "i nivå"
        current = period >= year - MAX_AGE_YEARS
        flags = [
            flag
            for flag, applies in (
                ("unknown_polarity", pol == "unknown"),
                ("no_direction", pol == "neither"),
                ("old_value", not current),
                ("too_few_points", change is None),
                ("no_riket_value", riket_value is None and unit != RIKET),
            )
            if applies
        ]
        results[(unit, kpi)] = {
            "polarity": pol, "period": period, "value": value, "current": current,
            "riket_value": riket_value, "vs_riket": vs_riket, "trend": trend,
            "change_per_year": change, "trend_first": window[0][0], "trend_last": window[-1][0],
            "trend_points": n, "position": None, "better": None, "worse": None, "compared": None,
            "position_kommungrupp": None, "better_kommungrupp": None, "worse_kommungrupp": None,
            "compared_kommungrupp": None, "position_similar": None, "better_similar": None,
            "worse_similar": None, "compared_similar": None, "flags": flags, "sign": sign,
        }  # fmt: skip

    # Positions: sorted goodness per KPI and year, by type and by kommungrupp, for the years
    # some unit's latest value falls in; the Liknande kommuner compared member by member.
    wanted = {(kpi, r["period"]) for (_u, kpi), r in results.items() if r["sign"] is not None}
    by_type: dict[tuple[str, int, str], list[float]] = {}
    by_group: dict[tuple[str, int, str], list[float]] = {}
    goodness: dict[tuple[str, str, int], float] = {}
    for (unit, kpi), points in series.items():
        sign = SIGN.get(polarity.get(kpi, "unknown"))
        if sign is None or unit == RIKET:
            continue
        kind, group = units[unit]
        for period, value in points:
            if (kpi, period) in wanted:
                good = value * sign
                goodness[(unit, kpi, period)] = good
                by_type.setdefault((kpi, period, kind), []).append(good)
                if group is not None:
                    by_group.setdefault((kpi, period, group), []).append(good)
    for ordered in (*by_type.values(), *by_group.values()):
        ordered.sort()
    members: dict[str, set[str]] = {}
    for unit, member in data.similar:
        members.setdefault(unit, {unit}).add(member)
    for (unit, kpi), r in results.items():
        if r["sign"] is None or unit == RIKET:
            continue
        kind, group = units[unit]
        period = r["period"]
        own = r["value"] * r["sign"]
        better, worse, compared = _counts(by_type[(kpi, period, kind)], own)
        r.update(
            better=better, worse=worse, compared=compared,
            position=_position(better, worse, compared),
        )  # fmt: skip
        if group is not None:
            better, worse, compared = _counts(by_group[(kpi, period, group)], own)
            r.update(
                better_kommungrupp=better,
                worse_kommungrupp=worse,
                compared_kommungrupp=compared,
                position_kommungrupp=_position(better, worse, compared),
            )
        if unit in members:
            peers = [goodness.get((m, kpi, period)) for m in members[unit]]
            peers = [g for g in peers if g is not None]
            better = sum(1 for g in peers if g > own)
            worse = sum(1 for g in peers if g < own)
            r.update(
                better_similar=better,
                worse_similar=worse,
                compared_similar=len(peers),
                position_similar=_position(better, worse, len(peers)),
            )

    # Scores: the mean of the position and trend marks that can be given.
    for r in results.values():
        marks = [
            m
            for m in (POSITION_MARK.get(r["position"]), TREND_MARK.get(r["trend"]))
            if m is not None
        ]
        why: str | None = (
            "no_polarity"
            if r["sign"] is None
            else "old_value"
            if not r["current"]
            else "no_mark"
            if not marks
            else None
        )
        r["unused"] = why
        r["score"] = sum(marks) / len(marks) if why is None else None

    # Goals: the goal's KPIs for the unit's type (Riket: both), the mean score, the bands.
    goal_kpis = set(data.goal_kpis)
    goals_results: dict[tuple[str, int], dict[str, Any]] = {}
    contributions: list[Contribution] = []
    for unit, (kind, _group) in units.items():
        per_goal: dict[int, set[str]] = {}
        for goal, kpi, unit_type in goal_kpis:
            if unit == RIKET or unit_type is None or unit_type == kind:
                per_goal.setdefault(goal, set()).add(kpi)
        for goal in range(1, GOAL_COUNT + 1):
            kpis = sorted(per_goal.get(goal, ()))
            scores = []
            for kpi in kpis:
                found = results.get((unit, kpi))
                score: float | None = None if found is None else found["score"]
                unused: str | None = "no_value" if found is None else found["unused"]
                contributions.append(
                    (unit, goal, kpi, score, None if score is not None else unused)
                )
                if score is not None:
                    scores.append(score)
            total, used = len(kpis), len(scores)
            assessed = (
                total > 0 and used > 0 and used >= min(total, MIN_KPIS)
                and used >= total * MIN_COVERAGE
            )  # fmt: skip
            score = sum(scores) / used if assessed else None
            if score is None:
                status = GoalStatus.EJ_BEDOMD.value
            elif score >= 0.5:
                status = GoalStatus.GOD.value
            elif score >= 0:
                status = GoalStatus.NEUTRAL.value
            elif score >= -0.5:
                status = GoalStatus.UTMANING.value
            else:
                status = GoalStatus.BETYDANDE_UTMANING.value
            goals_results[(unit, goal)] = {
                "status": status, "score": score, "kpis_total": total, "kpis_used": used,
                "coverage": used / total if total else 0.0,
                "reason": "no_kpis" if total == 0 else None if assessed else "too_few_kpis",
                "reference_year": year,
            }  # fmt: skip
    return results, goals_results, contributions


# -- the cross-check --------------------------------------------------------------------------

KPI_FIELDS = (
    "polarity", "period", "value", "current", "riket_value", "vs_riket", "trend",
    "change_per_year", "trend_first", "trend_last", "trend_points", "position", "better",
    "compared", "position_kommungrupp", "better_kommungrupp", "compared_kommungrupp",
    "position_similar", "better_similar", "compared_similar", "flags", "score", "unused",
)  # fmt: skip
# Compared too where glokal's results have them (the counts of units strictly worse).
OPTIONAL_KPI_FIELDS = ("worse", "worse_kommungrupp", "worse_similar")
GOAL_FIELDS = ("status", "score", "kpis_total", "kpis_used", "coverage", "reason", "reference_year")


# The largest difference between two floats that _same found equal (0.0: all bit for bit).
largest_difference = [0.0]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if a != b and not (math.isnan(a) and math.isnan(b)) and abs(a - b) <= TOLERANCE:
            largest_difference[0] = max(largest_difference[0], abs(a - b))
        return a == b or abs(a - b) <= TOLERANCE or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def _differences(
    name: str,
    polars_rows: dict[Any, dict[str, Any]],
    peer_rows: dict[Any, dict[str, Any]],
    fields: Iterable[str],
) -> list[str]:
    out = []
    for key in sorted(polars_rows.keys() - peer_rows.keys()):
        out.append(f"{name} {key}: only in glokal's results")
    for key in sorted(peer_rows.keys() - polars_rows.keys()):
        out.append(f"{name} {key}: only in the peer's results")
    for key in sorted(polars_rows.keys() & peer_rows.keys()):
        ours, theirs = polars_rows[key], peer_rows[key]
        for f in fields:
            if not _same(ours[f], theirs[f]):
                out.append(f"{name} {key} {f}: glokal {ours[f]!r}, peer {theirs[f]!r}")
    return out


def cross_check(
    polars_results: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
    peer_results: tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, Any]], list[Any]],
) -> list[str]:
    kpi_results, goal_results, parts = polars_results
    peer_kpis, peer_goals, peer_parts = peer_results
    ours_kpis = {(r["unit"], r["kpi"]): r for r in kpi_results.iter_rows(named=True)}
    ours_goals = {(r["unit"], r["goal"]): r for r in goal_results.iter_rows(named=True)}
    fields = KPI_FIELDS + tuple(f for f in OPTIONAL_KPI_FIELDS if f in kpi_results.columns)
    out = _differences("kpi", ours_kpis, peer_kpis, fields)
    out += _differences("goal", ours_goals, peer_goals, GOAL_FIELDS)
    ours_parts = {
        (u, g, k): {"score": s, "unused": why}
        for u, g, k, s, why in parts.select("unit", "goal", "kpi", "score", "unused").iter_rows()
    }
    theirs_parts = {(u, g, k): {"score": s, "unused": why} for u, g, k, s, why in peer_parts}
    out += _differences("contribution", ours_parts, theirs_parts, ("score", "unused"))
    return out


def check_read(session: Any, values: pl.DataFrame) -> list[str]:
    """Differences between the values as read (each series' JSON, parsed by Polars) and the
    same values through the kolada_value view (SQLite's JSON functions), as driver tuples."""
    rows = session.connection().exec_driver_sql(
        "SELECT municipality, kpi, period, value FROM kolada_value "
        "WHERE gender = 'T' AND value IS NOT NULL"
    )
    theirs = {(unit, kpi, period): value for unit, kpi, period, value in rows}
    # (The analysis' read gives the ids as enums; compared as the texts they are.)
    ours = {
        (unit, kpi, period): value
        for unit, kpi, period, value in values.select(
            pl.col("unit").cast(pl.String), pl.col("kpi").cast(pl.String), "period", "value"
        ).iter_rows()
    }
    if ours.keys() != theirs.keys():
        return ["read: the values read differ from the view's (ids or years)"]
    differing = sum(
        1
        for key, value in ours.items()
        if struct.pack("<d", value) != struct.pack("<d", theirs[key])
    )
    return [] if not differing else [f"read: {differing:,} values differ from the view's"]


# -- the run ----------------------------------------------------------------------------------


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _steps(phases: Phases) -> str:
    return ", ".join(f"{name} {seconds:.3f}" for name, seconds in phases.steps.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=KPI_COUNT, help="KPIs in the replay dataset")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each timing")
    parser.add_argument("--rebuild", action="store_true", help="build the database anew")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"load average {_load()}; polars {pl.__version__}, {pl.thread_pool_size()} threads")
    cached = build_database(args.kpis, rebuild=args.rebuild)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        prepared, stored, bundled, assumed = prepare(cached, directory)
        store = _store(prepared)
        with store.session() as session, session.begin():
            frames = read_analysis_frames(session)
            read_mismatches = check_read(session, frames.values)
        store.close()
        data = _data(frames)
        print(
            f"store: {stored:,} values ({frames.values.height:,} totals read), "
            f"{frames.kpis.height} KPIs ({bundled} polarities from the bundled table, {assumed} "
            f"assumed for the benchmark), {frames.goal_kpis.height} KPI → goal links, "
            f"{frames.units.height} units, {frames.similar.height:,} Liknande kommuner memberships"
        )

        # 1. End to end, each round on a fresh copy.
        runs: dict[str, list[Phases]] = {"default": [], "opensdg": []}
        for round_ in range(args.rounds):
            for method, phases in runs.items():
                path = fresh_copy(prepared, directory, f"{method}{round_}")
                phases.append(end_to_end(path, method))
                path.unlink()
        for method, phases in runs.items():
            for phase in phases:
                print(f"end to end, {method:<7}: {phase.total:6.3f} s  ({_steps(phase)})")
        best = {m: min(p, key=lambda x: x.total) for m, p in runs.items()}
        kpi_rows, goal_rows = best["default"].rows
        print(f"  (stored {kpi_rows:,} KPI results and {goal_rows:,} goal suggestions a run)")

        # 2. The compute step alone, and the peer.
        def polars_once() -> float:
            t = time.perf_counter()
            suggest(data, method="default")
            return time.perf_counter() - t

        polars_best, polars_times = best_of(args.rounds, polars_once)
        polars_results = suggest(data, method="default")
        peer_input = PeerInput.of(frames)
        peer_results: list[Any] = []

        def peer_once() -> float:
            t = time.perf_counter()
            peer_results[:] = [peer_suggest(peer_input)]
            return time.perf_counter() - t

        peer_best, peer_times = best_of(args.rounds, peer_once)
        print(
            "compute, polars suggest():  "
            + ", ".join(f"{t:.3f}" for t in polars_times)
            + " s; peer (Python loop): "
            + ", ".join(f"{t:.3f}" for t in peer_times)
            + " s"
        )
        mismatches = read_mismatches + cross_check(polars_results, peer_results[0])

    e2e = best["default"].total
    ratio = peer_best / polars_best
    print()
    print(f"best of {args.rounds}; load average {_load()}")
    print(
        f"end to end, default: {e2e:6.3f} s  ({_steps(best['default'])})  "
        f"goal ≤ {GOAL_SECONDS:.0f} s: {_verdict(e2e <= GOAL_SECONDS)}"
    )
    print(f"end to end, opensdg: {best['opensdg'].total:6.3f} s  ({_steps(best['opensdg'])})")
    print(f"compute (suggest):   {polars_best:6.3f} s")
    print(f"peer (Python loop):  {peer_best:6.3f} s")
    print(
        f"peer / polars compute: {ratio:5.1f}×  goal ≥ {GOAL_RATIO:.0f}×: "
        f"{_verdict(ratio >= GOAL_RATIO)}"
    )
    checked = len(polars_results[0]), len(polars_results[1]), len(polars_results[2])
    if mismatches:
        print(f"\n{len(mismatches)} differences between glokal and the peer:")
        for line in mismatches[:50]:
            print(f"  {line}")
    else:
        print(f"read check: the {frames.values.height:,} values read are the view's, bit for bit")
        print(
            f"cross-check: glokal and the peer agree on {checked[0]:,} unit × KPI results, "
            f"{checked[1]:,} unit × goal statuses and {checked[2]:,} contributions "
            f"(largest difference between floats: {largest_difference[0]:.1e})"
        )
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
