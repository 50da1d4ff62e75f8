"""A local Kolada v3 replay server for tests and benchmarks.

`ReplayDataset` builds a deterministic Kolada from the real metadata in ../shared/data/kolada
(about 100 real KPIs, the 312 real units, the real municipality groups) and generated values;
`ReplayServer` serves it over HTTP/1.1 on 127.0.0.1 the way Kolada v3 does (envelope,
`next_url` paging, 25 values per path segment, empty cells, `isdeleted`, `from_date`), with
injectable faults (429, 500, 503, slow answers, dropped connections, truncated bodies).

The server uses the standard library only, so that faults happen at the socket level. Values
are generated lazily per KPI and cached; `ReplayDataset.generate_all()` warms everything. The
server also keeps each data answer it has encoded (per request path, as a real server's cache
would), until the dataset changes: `change_value`, `add_value` and `delete_value` bump
`ReplayDataset.version`, and an answer encoded under an older version is generated anew.
Change cells only through those methods.

Conventions of this replay where Kolada's own behaviour is unconfirmed
(../shared/reference/kolada-api.md):
`count` in the envelope is the length of the page; gender cells come in the order K, M, T;
`from_date` keeps only the cells modified on or after the date (and only the items that have
one); a municipality-group id (`G…`) in a data request gives the unweighted mean of the
members' live values, `count` = contributing members; unknown ids give no rows (200).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import random
import re
import socket
import ssl
import struct
import sys
import threading
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

__all__ = [
    "AGENDA_GOALS",
    "MAX_PER_PAGE",
    "MAX_SEGMENT_VALUES",
    "REQUIRED_KPIS",
    "Faults",
    "ReplayDataset",
    "ReplayServer",
]

MAX_PER_PAGE = 5000
MAX_SEGMENT_VALUES = 25

# Always selected when present in kpi.json: SKR's named Agenda 2030 examples (by title) and the
# KPI of the real data sample.
REQUIRED_KPIS = (
    "N00401",
    "N85072",
    "N85073",
    "N00403",
    "U01411",
    "N85054",
    "N05401",
    "N07900",
    "N02902",
    "N00945",
)
# The goal each required KPI is filed under (SCB's national indicator for the same topic).
_REQUIRED_GOALS = {
    "N00401": 13,
    "N85072": 13,
    "N85073": 13,
    "N00403": 2,
    "U01411": 3,
    "N85054": 15,
    "N05401": 16,
    "N07900": 9,
    "N02902": 1,
    "N00945": 5,
}

AGENDA_GOALS: dict[int, str] = {
    1: "Ingen fattigdom",
    2: "Ingen hunger",
    3: "God hälsa och välbefinnande",
    4: "God utbildning för alla",
    5: "Jämställdhet",
    6: "Rent vatten och sanitet",
    7: "Hållbar energi för alla",
    8: "Anständiga arbetsvillkor och ekonomisk tillväxt",
    9: "Hållbar industri, innovationer och infrastruktur",
    10: "Minskad ojämlikhet",
    11: "Hållbara städer och samhällen",
    12: "Hållbar konsumtion och produktion",
    13: "Bekämpa klimatförändringen",
    14: "Hav och marina resurser",
    15: "Ekosystem och biologisk mångfald",
    16: "Fredliga och inkluderande samhällen",
    17: "Genomförande och globalt partnerskap",
}
_OTHER_KPI_GROUPS = (
    "Kommunens ekonomi i korthet",
    "Miljö och klimat, översikt",
    "Välfärd och hälsa, jämförelse",
)

# Cell kinds.
_NORMAL, _EMPTY, _MISSING, _DELETED = 0, 1, 2, 3
# Thresholds on 16 random bits: ~10 % empty, ~1 % genuine missing, ~0.5 % deleted.
_EMPTY_BELOW, _MISSING_BELOW, _DELETED_BELOW = 6554, 7209, 7537

_FIRST_DAY = date(2020, 1, 1).toordinal()
_DAYS = date(2025, 12, 31).toordinal() - _FIRST_DAY + 1
_M64 = (1 << 64) - 1
_DISCONTINUED = re.compile(r"\(-\d{4}\)\s*$")


def _hash64(*parts: object) -> int:
    key = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def _read_values(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    values: list[dict[str, Any]] = data["values"]
    return values


@dataclass
class _Cell:
    kind: int
    value: float | None
    modified: int  # date ordinal


class _KpiData:
    """The generated cells of one KPI: a grid (units × years × genders) in flat arrays."""

    def __init__(
        self, record: dict[str, Any], units: list[str], years: list[int], seed: int
    ) -> None:
        self.id: str = record["id"]
        self.units = units
        self.unit_index = {u: i for i, u in enumerate(units)}
        self.years = years
        self.year_index = {y: i for i, y in enumerate(years)}
        self.genders: tuple[str, ...] = (
            ("K", "M", "T") if record["is_divided_by_gender"] else ("T",)
        )
        self.gender_index = {g: i for i, g in enumerate(self.genders)}
        size = len(units) * len(years) * len(self.genders)
        self.kind = array("B", bytes(size))
        self.value = array("d", bytes(8 * size))
        self.modified = array("i", bytes(4 * size))
        # Cells outside the grid (a period not in `years`), added later: (unit, period, gender).
        self.extra: dict[tuple[int, int, int], _Cell] = {}
        self.extra_periods: dict[int, set[int]] = {}
        self._generate(record, seed)

    def _generate(self, record: dict[str, Any], seed: int) -> None:
        title = str(record.get("title") or "").lower()
        hk = _hash64(seed, "kpi", self.id)
        r1 = (hk & 0xFFFF) / 65536
        r2 = ((hk >> 16) & 0xFFFF) / 65536
        r3 = ((hk >> 32) & 0xFFFF) / 65536
        if "(%)" in title or "andel" in title:
            base, spread, low, high = 5 + 80 * r1, 0.15 + 0.35 * r2, 0.0, 100.0
        elif "kr" in title:
            base, spread, low, high = 10 ** (2.5 + 2.2 * r1), 0.1 + 0.3 * r2, 0.0, math.inf
        else:
            base, spread, low, high = 10 ** (3 * r1), 0.2 + 0.5 * r2, 0.0, math.inf
        gender_gap = (0.04 + 0.16 * r3) * (1 if hk >> 63 else -1)
        noise_scale = base * 0.03
        ng = len(self.genders)
        divided = ng == 3
        blake2b = hashlib.blake2b
        unpack = struct.Struct(f"<{ng}Q").unpack
        year_keys = [(year, f"\x1f{year}".encode()) for year in self.years]
        kind, value, modified = self.kind, self.value, self.modified
        index = 0
        for unit in self.units:
            prefix = f"{seed}\x1fcell\x1f{self.id}\x1f{unit}".encode()
            hu = int.from_bytes(blake2b(prefix, digest_size=8).digest(), "little")
            u1 = (hu & 0xFFFFFF) / 16777216
            u2 = ((hu >> 24) & 0xFFFFFF) / 16777216
            level = base * (1 + spread * (2 * u1 - 1))
            slope = base * 0.015 * (2 * u2 - 1)
            for year, suffix in year_keys:
                # One 64-bit word per gender from a hash of (seed, kpi, unit, year):
                # bits 0-15 the cell's kind, 16-39 the noise, 40-63 the modification date.
                words = unpack(blake2b(prefix + suffix, digest_size=8 * ng).digest())
                trend = level + slope * (year - 2012)
                values: list[float] = []
                for g, x in enumerate(words):
                    noise = ((x >> 16) & 0xFFFF) / 65536 + ((x >> 32) & 0xFF) / 256 - 1.0
                    if not divided:
                        v = trend + noise * noise_scale
                    elif g == 0:  # K
                        v = trend * (1 + gender_gap) + noise * noise_scale
                    elif g == 1:  # M
                        v = trend * (1 - gender_gap) + noise * noise_scale
                    else:  # T, between the two
                        v = (values[0] + values[1]) / 2
                    if v < low:
                        v = low
                    elif v > high:
                        v = high
                    v = int(v * 10 + 0.5) / 10  # v >= 0: rounded to one decimal
                    values.append(v)
                    bits = x & 0xFFFF
                    if bits >= _DELETED_BELOW:
                        kind[index] = _NORMAL
                    elif bits < _EMPTY_BELOW:
                        kind[index] = _EMPTY
                    elif bits < _MISSING_BELOW:
                        kind[index] = _MISSING
                    else:
                        kind[index] = _DELETED
                    value[index] = v
                    modified[index] = _FIRST_DAY + (x >> 40) % _DAYS
                    index += 1

    # Cells -------------------------------------------------------------------------------

    def grid_index(self, unit: int, period: int, gender: int) -> int | None:
        year = self.year_index.get(period)
        if year is None:
            return None
        return (unit * len(self.years) + year) * len(self.genders) + gender

    def cell(self, unit: int, period: int, gender: int) -> _Cell | None:
        index = self.grid_index(unit, period, gender)
        if index is None:
            return self.extra.get((unit, period, gender))
        kind = self.kind[index]
        value: float | None = self.value[index]
        if kind in (_EMPTY, _MISSING) or value != value:  # NaN: deleted without value
            value = None
        return _Cell(kind, value, self.modified[index])

    def set_cell(self, unit: int, period: int, gender: int, cell: _Cell) -> None:
        index = self.grid_index(unit, period, gender)
        if index is None:
            self.extra[(unit, period, gender)] = cell
            self.extra_periods.setdefault(unit, set()).add(period)
            return
        self.kind[index] = cell.kind
        self.value[index] = math.nan if cell.value is None else cell.value
        self.modified[index] = cell.modified

    def periods(self, unit: int, wanted: list[int] | None) -> list[int]:
        """The periods of one unit that have cells, restricted to `wanted` when given."""
        extra = self.extra_periods.get(unit)
        if wanted is None:
            return sorted(set(self.years) | extra) if extra else self.years
        return [p for p in wanted if p in self.year_index or (extra and p in extra)]

    def live(self) -> Iterator[tuple[str, int, str, float | None]]:
        ny, ng = len(self.years), len(self.genders)
        kind, value = self.kind, self.value
        for index, k in enumerate(kind):
            if k in (_NORMAL, _MISSING):
                unit, rest = divmod(index, ny * ng)
                year, gender = divmod(rest, ng)
                yield (
                    self.units[unit],
                    self.years[year],
                    self.genders[gender],
                    value[index] if k == _NORMAL else None,
                )
        for (unit, period, gender), cell in self.extra.items():
            if cell.kind in (_NORMAL, _MISSING):
                yield self.units[unit], period, self.genders[gender], cell.value


def _render_cell(gender: str, cell: _Cell) -> dict[str, Any]:
    kind = cell.kind
    return {
        "gender": gender,
        "count": 0 if kind == _EMPTY else 1,
        "status": "",
        "value": cell.value,
        "isdeleted": kind == _DELETED,
    }


class ReplayDataset:
    """A deterministic Kolada: real KPIs and units, generated values, synthetic KPI groups."""

    def __init__(
        self,
        kolada_dir: Path,
        *,
        seed: int = 2030,
        years: range = range(2000, 2026),
        kpi_count: int = 100,
    ) -> None:
        self.seed = seed
        self.years: list[int] = list(years)
        all_kpis = _read_values(kolada_dir / "kpi.json")
        self.municipalities: list[dict[str, Any]] = _read_values(kolada_dir / "municipality.json")
        self.municipality_groups: list[dict[str, Any]] = _read_values(
            kolada_dir / "municipality_groups.json"
        )
        self.kpis: list[dict[str, Any]] = self._select(all_kpis, kpi_count)
        self.kpi_by_id: dict[str, dict[str, Any]] = {k["id"]: k for k in self.kpis}
        ids = sorted(m["id"] for m in self.municipalities)
        types = {m["id"]: m["type"] for m in self.municipalities}
        riket = ["0000"] if "0000" in types else []
        self._units_by_type: dict[str, list[str]] = {
            "K": sorted([u for u in ids if types[u] == "K"] + riket),
            "L": [u for u in ids if types[u] == "L"],
            "A": ids,
        }
        self._group_members: dict[str, list[str]] = {
            g["id"]: [m["member_id"] for m in g["members"]] for g in self.municipality_groups
        }
        self.kpi_goals: dict[str, int] = self._assign_goals()
        self.kpi_groups: list[dict[str, Any]] = []
        self.agenda_groups: dict[int, tuple[str, str]] = {}
        self._build_kpi_groups()
        self._data: dict[str, _KpiData] = {}
        self._lock = threading.RLock()
        self.version = 0  # bumped by every change of a cell; the server's answer cache uses it

    # Selection and groups ------------------------------------------------------------------

    def _select(self, records: list[dict[str, Any]], kpi_count: int) -> list[dict[str, Any]]:
        """The required KPIs, then seeded picks: half for kommuner (K, A), half for regioner
        (L, A), `kpi_count` in all (at least the required ones); none discontinued."""
        by_id = {r["id"]: r for r in records}
        taken = {k for k in REQUIRED_KPIS if k in by_id}
        total = max(kpi_count, len(taken))
        kommun = sum(1 for k in taken if by_id[k]["municipality_type"] in ("K", "A"))
        rng = random.Random(f"kpi-selection:{self.seed}")
        current = [r for r in records if not _DISCONTINUED.search(r["title"] or "")]
        for side in ("K", "L"):
            pool = [r["id"] for r in current if r["municipality_type"] in (side, "A")]
            rng.shuffle(pool)
            for kpi in pool:
                full = kommun >= total // 2 if side == "K" else len(taken) >= total
                if full or len(taken) >= total:
                    break
                if kpi not in taken:
                    taken.add(kpi)
                    kommun += side == "K"
        return [r for r in records if r["id"] in taken]

    def _assign_goals(self) -> dict[str, int]:
        """Each selected KPI under one goal 1–16, balanced per unit type; goal 17 stays empty."""
        goals: dict[str, int] = {}
        load = {"K": dict.fromkeys(range(1, 17), 0), "L": dict.fromkeys(range(1, 17), 0)}

        def file(kpi: str, goal: int) -> None:
            goals[kpi] = goal
            kind = self.kpi_by_id[kpi]["municipality_type"]
            for side in ("K", "L"):
                if kind in (side, "A"):
                    load[side][goal] += 1

        for kpi, goal in _REQUIRED_GOALS.items():
            if kpi in self.kpi_by_id:
                file(kpi, goal)
        rng = random.Random(f"kpi-goals:{self.seed}")
        rest = [k["id"] for k in self.kpis if k["id"] not in goals]
        rng.shuffle(rest)
        # Both-type KPIs first (they weigh on both sides), then each side's own.
        rest.sort(key=lambda k: self.kpi_by_id[k]["municipality_type"] != "A")
        for kpi in rest:
            kind = self.kpi_by_id[kpi]["municipality_type"]
            if kind == "A":
                goal = min(range(1, 17), key=lambda g: (load["K"][g] + load["L"][g], g))
            else:
                side = load["K" if kind == "K" else "L"]
                goal = min(range(1, 17), key=lambda g: (side[g], g))
            file(kpi, goal)
        return goals

    def _build_kpi_groups(self) -> None:
        rng = random.Random(f"kpi-groups:{self.seed}")
        numbers = rng.sample(range(100000, 1000000), 2 * 17 + len(_OTHER_KPI_GROUPS))
        ids = [f"G2KPI{n:06d}" for n in numbers]

        def members(kpis: Iterable[str]) -> list[dict[str, str]]:
            return [
                {"member_id": k, "member_title": self.kpi_by_id[k]["title"]} for k in sorted(kpis)
            ]

        groups: list[dict[str, Any]] = []
        for goal, name in AGENDA_GOALS.items():
            kommun_id, region_id = ids[goal - 1], ids[17 + goal - 1]
            for group_id, side, label in ((kommun_id, "K", "kommun"), (region_id, "L", "region")):
                kpis = [
                    k
                    for k, g in self.kpi_goals.items()
                    if g == goal and self.kpi_by_id[k]["municipality_type"] in (side, "A")
                ]
                groups.append(
                    {
                        "id": group_id,
                        "title": f"Agenda 2030 {label} – Mål {goal} {name}",
                        "members": members(kpis),
                    }
                )
            self.agenda_groups[goal] = (kommun_id, region_id)
        selected = sorted(self.kpi_by_id)
        for group_id, title in zip(ids[34:], _OTHER_KPI_GROUPS, strict=True):
            groups.append(
                {"id": group_id, "title": title, "members": members(rng.sample(selected, 5))}
            )
        self.kpi_groups = sorted(groups, key=lambda g: g["id"])

    # Values -------------------------------------------------------------------------------

    def units_of(self, kpi: str) -> list[str]:
        """The units (sorted ids) that have cells for a KPI, by its municipality_type."""
        return self._units_by_type[self.kpi_by_id[kpi]["municipality_type"]]

    def genders_of(self, kpi: str) -> tuple[str, ...]:
        return ("K", "M", "T") if self.kpi_by_id[kpi]["is_divided_by_gender"] else ("T",)

    def _kpi_data(self, kpi: str) -> _KpiData:
        data = self._data.get(kpi)
        if data is None:
            with self._lock:
                data = self._data.get(kpi)
                if data is None:
                    record = self.kpi_by_id[kpi]
                    data = _KpiData(record, self.units_of(kpi), self.years, self.seed)
                    self._data[kpi] = data
        return data

    def generate_all(self) -> None:
        """Generate (and cache) the values of every selected KPI."""
        for kpi in self.kpi_by_id:
            self._kpi_data(kpi)

    def live_values(self) -> set[tuple[str, str, int, str, float | None]]:
        """(kpi, municipality, period, gender, value) of every value Kolada would have stored:
        not empty (count 0), not deleted. A genuine missing value (value None with count>=1)
        is included with None."""
        live: set[tuple[str, str, int, str, float | None]] = set()
        for kpi in self.kpi_by_id:
            live.update((kpi, *row) for row in self._kpi_data(kpi).live())
        return live

    def cell(self, kpi: str, municipality: str, period: int, gender: str) -> dict[str, Any] | None:
        """The cell as served (`{"gender","count","status","value","isdeleted"}`), or None."""
        data, unit, g = self._locate(kpi, municipality, gender)
        cell = data.cell(unit, period, g)
        return None if cell is None else _render_cell(gender, cell)

    def _locate(self, kpi: str, municipality: str, gender: str) -> tuple[_KpiData, int, int]:
        if kpi not in self.kpi_by_id:
            raise KeyError(f"KPI {kpi} is not in the replay dataset")
        data = self._kpi_data(kpi)
        unit = data.unit_index.get(municipality)
        if unit is None:
            raise KeyError(f"{municipality} has no cells for {kpi}")
        g = data.gender_index.get(gender)
        if g is None:
            raise KeyError(f"{kpi} has no gender {gender!r} (genders {data.genders})")
        return data, unit, g

    def change_value(
        self,
        kpi: str,
        municipality: str,
        period: int,
        gender: str,
        value: float | None,
        *,
        on: date,
    ) -> None:
        """Give an existing cell a new value (None: genuine missing), modified `on`."""
        with self._lock:
            data, unit, g = self._locate(kpi, municipality, gender)
            if data.cell(unit, period, g) is None:
                raise KeyError(f"no cell {kpi}/{municipality}/{period}/{gender}; use add_value")
            kind = _NORMAL if value is not None else _MISSING
            data.set_cell(unit, period, g, _Cell(kind, value, on.toordinal()))
            self.version += 1

    def add_value(
        self,
        kpi: str,
        municipality: str,
        period: int,
        gender: str,
        value: float | None,
        *,
        on: date,
    ) -> None:
        """Give a cell that is empty, deleted or absent (a period outside `years`) a value."""
        with self._lock:
            data, unit, g = self._locate(kpi, municipality, gender)
            cell = data.cell(unit, period, g)
            if cell is not None and cell.kind in (_NORMAL, _MISSING):
                raise ValueError(f"{kpi}/{municipality}/{period}/{gender} already has a value")
            if cell is None:  # a new period: its other genders start empty
                for other in range(len(data.genders)):
                    if other != g and data.cell(unit, period, other) is None:
                        data.set_cell(unit, period, other, _Cell(_EMPTY, None, on.toordinal()))
            kind = _NORMAL if value is not None else _MISSING
            data.set_cell(unit, period, g, _Cell(kind, value, on.toordinal()))
            self.version += 1

    def delete_value(
        self, kpi: str, municipality: str, period: int, gender: str, *, on: date
    ) -> None:
        """Mark a cell deleted (`isdeleted: true`, served but not live), modified `on`."""
        with self._lock:
            data, unit, g = self._locate(kpi, municipality, gender)
            cell = data.cell(unit, period, g)
            if cell is None:
                raise KeyError(f"no cell {kpi}/{municipality}/{period}/{gender}")
            data.set_cell(unit, period, g, _Cell(_DELETED, cell.value, on.toordinal()))
            self.version += 1

    # Serving ------------------------------------------------------------------------------

    def data_rows(
        self,
        kpis: list[str] | None,
        units: list[str] | None,
        periods: list[int] | None,
        from_date: date | None,
    ) -> list[tuple[str, str, int]]:
        """The (kpi, unit, period) items a data request answers, in Kolada's order."""
        kpi_ids = sorted(self.kpi_by_id if kpis is None else set(kpis) & self.kpi_by_id.keys())
        wanted = sorted(set(periods)) if periods is not None else None
        since = from_date.toordinal() if from_date else None
        rows: list[tuple[str, str, int]] = []
        for kpi in kpi_ids:
            data = self._kpi_data(kpi)
            if units is None:
                unit_ids: list[str] = data.units
            else:
                unit_ids = sorted(
                    {u for u in units if u in data.unit_index or u in self._group_members}
                )
            for unit_id in unit_ids:
                unit = data.unit_index.get(unit_id)
                if unit is None:  # a municipality group
                    group_periods = wanted if wanted is not None else self._all_periods(data)
                    for period in group_periods:
                        if since is None or self._group_cells(data, unit_id, period, since):
                            rows.append((kpi, unit_id, period))
                    continue
                for period in data.periods(unit, wanted):
                    if since is None or self._changed_since(data, unit, period, since):
                        rows.append((kpi, unit_id, period))
        return rows

    def render_rows(
        self, rows: list[tuple[str, str, int]], from_date: date | None
    ) -> list[dict[str, Any]]:
        since = from_date.toordinal() if from_date else None
        items: list[dict[str, Any]] = []
        for kpi, unit_id, period in rows:
            data = self._kpi_data(kpi)
            unit = data.unit_index.get(unit_id)
            if unit is None:
                cells = self._group_cells(data, unit_id, period, since)
            elif since is None and period in data.year_index:
                cells = self._grid_cells(data, unit, period)
            else:
                cells = []
                for g, gender in enumerate(data.genders):
                    cell = data.cell(unit, period, g)
                    if cell is not None and (since is None or cell.modified >= since):
                        cells.append(_render_cell(gender, cell))
            items.append({"kpi": kpi, "municipality": unit_id, "period": period, "values": cells})
        return items

    @staticmethod
    def _grid_cells(data: _KpiData, unit: int, period: int) -> list[dict[str, Any]]:
        ng = len(data.genders)
        start = (unit * len(data.years) + data.year_index[period]) * ng
        kind, value = data.kind, data.value
        cells = []
        for g in range(ng):
            k = kind[start + g]
            v: float | None = value[start + g]
            if k in (_EMPTY, _MISSING) or v != v:  # NaN: deleted without a value
                v = None
            cells.append(
                {
                    "gender": data.genders[g],
                    "count": 0 if k == _EMPTY else 1,
                    "status": "",
                    "value": v,
                    "isdeleted": k == _DELETED,
                }
            )
        return cells

    @staticmethod
    def _changed_since(data: _KpiData, unit: int, period: int, since: int) -> bool:
        index = data.grid_index(unit, period, 0)
        if index is None:
            return any(
                (cell := data.extra.get((unit, period, g))) is not None and cell.modified >= since
                for g in range(len(data.genders))
            )
        return any(data.modified[index + g] >= since for g in range(len(data.genders)))

    @staticmethod
    def _all_periods(data: _KpiData) -> list[int]:
        periods = set(data.years)
        for extra in data.extra_periods.values():
            periods |= extra
        return sorted(periods)

    def _group_cells(
        self, data: _KpiData, group: str, period: int, since: int | None
    ) -> list[dict[str, Any]]:
        """Unweighted mean of the members' live values; count = contributing members."""
        cells = []
        members = [data.unit_index[m] for m in self._group_members[group] if m in data.unit_index]
        for g, gender in enumerate(data.genders):
            total, count, modified = 0.0, 0, _FIRST_DAY
            for unit in members:
                cell = data.cell(unit, period, g)
                if cell is None:
                    continue
                modified = max(modified, cell.modified)
                if cell.kind == _NORMAL and cell.value is not None:
                    total += cell.value
                    count += 1
            if since is not None and modified < since:
                continue
            cells.append(
                {
                    "gender": gender,
                    "count": count,
                    "status": "",
                    "value": total / count if count else None,
                    "isdeleted": False,
                }
            )
        return cells


# Server ---------------------------------------------------------------------------------------


@dataclass
class Faults:
    """Injected faults, all off by default; deterministic given the seed and request order.

    One draw per request picks at most one of 429/500/503/drop/truncate (rates add up, at most
    1); a second draw makes the answer slow. `first_requests_clean` requests after the faults
    were set are always clean.
    """

    rate_429: float = 0.0
    retry_after: str = "1"  # Retry-After header value in seconds
    rate_500: float = 0.0
    rate_503: float = 0.0
    rate_slow: float = 0.0
    slow_seconds: float = 2.0
    rate_drop: float = 0.0  # close the connection without any response
    rate_truncate: float = 0.0  # 200 with half the body (invalid JSON), Content-Length to match
    seed: int = 7
    first_requests_clean: int = 0

    def __post_init__(self) -> None:
        rates = (self.rate_429, self.rate_500, self.rate_503, self.rate_drop, self.rate_truncate)
        if any(r < 0 for r in (*rates, self.rate_slow)) or sum(rates) > 1 or self.rate_slow > 1:
            raise ValueError("fault rates must be >= 0, each <= 1, and the error rates sum <= 1")


@dataclass
class _Decision:
    error: str | None = None  # "429", "500", "503", "drop", "truncate"
    slow: bool = False


@dataclass
class _Route:
    pattern: re.Pattern[str]
    name: str
    segments: tuple[str, ...] = field(default_factory=tuple)


_ROUTES = [
    _Route(re.compile(r"/v3/kpi"), "kpi"),
    _Route(re.compile(r"/v3/kpi/([^/]+)"), "kpi", ("kpi",)),
    _Route(re.compile(r"/v3/kpi_groups"), "kpi_groups"),
    _Route(re.compile(r"/v3/kpi_groups/([^/]+)"), "kpi_groups", ("kpi_groups",)),
    _Route(re.compile(r"/v3/municipality"), "municipality"),
    _Route(re.compile(r"/v3/municipality/([^/]+)"), "municipality", ("municipality",)),
    _Route(re.compile(r"/v3/municipality_groups"), "municipality_groups"),
    _Route(
        re.compile(r"/v3/municipality_groups/([^/]+)"),
        "municipality_groups",
        ("municipality_groups",),
    ),
    _Route(re.compile(r"/v3/data/kpi/([^/]+)/year/([^/]+)"), "data", ("kpi", "year")),
    _Route(
        re.compile(r"/v3/data/kpi/([^/]+)/municipality/([^/]+)/year/([^/]+)"),
        "data",
        ("kpi", "municipality", "year"),
    ),
    _Route(
        re.compile(r"/v3/data/kpi/([^/]+)/municipality/([^/]+)"), "data", ("kpi", "municipality")
    ),
    _Route(
        re.compile(r"/v3/data/municipality/([^/]+)/year/([^/]+)"),
        "data",
        ("municipality", "year"),
    ),
]


class _HTTPError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _int(value: str, name: str, low: int, high: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _HTTPError(400, f"{name} must be an integer, got {value!r}") from None
    if number < low or (high is not None and number > high):
        limit = f"between {low} and {high}" if high is not None else f">= {low}"
        raise _HTTPError(400, f"{name} must be {limit}, got {number}")
    return number


class ReplayServer:
    """Kolada v3 on 127.0.0.1 (a free port), in a daemon thread."""

    def __init__(
        self,
        dataset: ReplayDataset,
        faults: Faults | None = None,
        *,
        absolute_next_url: bool = False,
        cache: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.dataset = dataset
        self.tls = tls  # a server context: HTTPS, as the public API answers
        self.absolute_next_url = absolute_next_url
        # Encoded data answers by request path: (dataset version, JSON bytes). Encoding the
        # JSON is most of this server's CPU; a real server would not redo it per request
        # either, and the benchmark should measure its clients rather than this server.
        self.cache = cache
        self._pages: dict[str, tuple[int, bytes]] = {}
        self.pages_encoded = 0  # data answers generated and encoded (cache misses)
        self.request_count = 0
        self.request_log: list[str] = []
        self._lock = threading.Lock()
        self._faults = Faults()
        self._rng = random.Random(self._faults.seed)
        self._since_faults = 0
        self.faults = faults or Faults()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self.connections_opened = 0  # TCP connections accepted (keep-alive reuse shows here)
        self.port = 0

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        """Replace the faults; their random sequence and `first_requests_clean` start over."""
        with self._lock:
            self._faults = faults
            self._rng = random.Random(faults.seed)
            self._since_faults = 0

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/v3"

    def start(self) -> str:
        """Start in a daemon thread; return the base URL 'http://127.0.0.1:PORT/v3'."""
        if self._httpd is not None:
            return self.base_url
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.replay = self
        httpd.tls = self.tls
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"kolada-replay-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # wake keep-alive handlers blocked on a read
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # Request handling (called from handler threads) ---------------------------------------

    def _admit(self, path: str) -> _Decision:
        with self._lock:
            self.request_count += 1
            self.request_log.append(path)
            faults, n = self._faults, self._since_faults
            self._since_faults += 1
            error_draw, slow_draw = self._rng.random(), self._rng.random()
        if n < faults.first_requests_clean:
            return _Decision()
        decision = _Decision(slow=slow_draw < faults.rate_slow)
        threshold = 0.0
        for name, rate in (
            ("429", faults.rate_429),
            ("500", faults.rate_500),
            ("503", faults.rate_503),
            ("drop", faults.rate_drop),
            ("truncate", faults.rate_truncate),
        ):
            threshold += rate
            if error_draw < threshold:
                decision.error = name
                break
        return decision

    def _payload(self, raw_path: str) -> tuple[int, bytes]:
        """Status and encoded body of a GET; data answers come from the cache when current."""
        cacheable = self.cache and raw_path.startswith("/v3/data/")
        # Read before generating: a change made meanwhile leaves the entry stale, not wrong.
        version = self.dataset.version
        if cacheable:
            cached = self._pages.get(raw_path)
            if cached is not None and cached[0] == version:
                return 200, cached[1]
        try:
            status, body = self._answer(raw_path)
        except _HTTPError as exc:
            status, body = exc.status, {"detail": exc.detail}
        except Exception as exc:  # a bug in the replay: answer like a server would
            status, body = 500, {"detail": f"replay error: {exc!r}"}
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if cacheable and status == 200:
            with self._lock:
                self._pages[raw_path] = (version, payload)
                self.pages_encoded += 1
        return status, payload

    def _answer(self, raw_path: str) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(raw_path)
        path = parts.path
        query = parse_qsl(parts.query, keep_blank_values=True)
        params = dict(query)
        for route in _ROUTES:
            match = route.pattern.fullmatch(path)
            if match:
                break
        else:
            raise _HTTPError(404, "Not Found")
        segments: dict[str, list[str]] = {}
        for name, raw in zip(route.segments, match.groups(), strict=True):
            given = list(dict.fromkeys(v.strip() for v in unquote(raw).split(",") if v.strip()))
            if len(given) > MAX_SEGMENT_VALUES:
                raise _HTTPError(
                    400,
                    f"Too many values for {name}: {len(given)}; "
                    f"at most {MAX_SEGMENT_VALUES} values per path segment",
                )
            segments[name] = given
        page = _int(params.get("page", "1"), "page", 1)
        per_page = _int(params.get("per_page", str(MAX_PER_PAGE)), "per_page", 1, MAX_PER_PAGE)
        start, stop = (page - 1) * per_page, page * per_page
        if route.name == "data":
            from_date = None
            if "from_date" in params:
                try:
                    from_date = date.fromisoformat(params["from_date"])
                except ValueError:
                    raise _HTTPError(400, "from_date must be YYYY-MM-DD") from None
            years = None
            if "year" in segments:
                years = [_int(y, "year", 0) for y in segments["year"]]
            rows = self.dataset.data_rows(
                segments.get("kpi"), segments.get("municipality"), years, from_date
            )
            total = len(rows)
            values = self.dataset.render_rows(rows[start:stop], from_date)
        else:
            items = self._metadata(route.name, segments.get(route.name), params)
            total = len(items)
            values = items[start:stop]
        return 200, {
            "count": len(values),
            "values": values,
            "next_url": self._page_url(path, query, page + 1, per_page) if stop < total else None,
            "previous_url": self._page_url(path, query, page - 1, per_page) if page > 1 else None,
        }

    def _metadata(
        self, name: str, ids: list[str] | None, params: dict[str, str]
    ) -> list[dict[str, Any]]:
        dataset = self.dataset
        items = {
            "kpi": dataset.kpis,
            "kpi_groups": dataset.kpi_groups,
            "municipality": dataset.municipalities,
            "municipality_groups": dataset.municipality_groups,
        }[name]
        if ids is not None:
            wanted = set(ids)
            items = [item for item in items if item["id"] in wanted]
        title = params.get("title")
        if title:
            needle = title.casefold()
            items = [item for item in items if needle in str(item["title"]).casefold()]
        if name == "municipality" and "region_type" in params:
            region_type = params["region_type"]
            if region_type not in ("K", "L"):
                raise _HTTPError(400, "region_type must be K or L")
            items = [item for item in items if item["type"] == region_type]
        return items

    def _page_url(self, path: str, query: list[tuple[str, str]], page: int, per_page: int) -> str:
        kept = [(k, v) for k, v in query if k not in ("page", "per_page")]
        url = f"{path}?{urlencode([('page', str(page)), ('per_page', str(per_page)), *kept])}"
        return f"http://127.0.0.1:{self.port}{url}" if self.absolute_next_url else url


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    replay: ReplayServer
    tls: ssl.SSLContext | None = None

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        if self.tls is not None:  # the handshake in the connection's own thread (setup)
            connection = self.tls.wrap_socket(
                connection, server_side=True, do_handshake_on_connect=False
            )
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a cancelled or timed-out request), or refuses the
        # certificate, is normal here.
        if isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KoladaReplay/1.0"
    disable_nagle_algorithm = True
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    server: _HTTPServer

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()  # a failed one (an untrusting client) ends the thread
        super().setup()
        replay = self.server.replay
        with replay._lock:
            replay._connections.add(self.connection)
            replay.connections_opened += 1

    def finish(self) -> None:
        replay = self.server.replay
        with replay._lock:
            replay._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        replay = self.server.replay
        decision = replay._admit(self.path)
        if decision.slow:
            time.sleep(replay.faults.slow_seconds)
        error = decision.error
        if error == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        headers: dict[str, str] = {}
        if error == "429":
            status, payload = 429, b'{"detail": "Too Many Requests"}'
            headers["Retry-After"] = replay.faults.retry_after
        elif error == "500":
            status, payload = 500, b'{"detail": "Internal Server Error"}'
        elif error == "503":
            status, payload = 503, b'{"detail": "Service Unavailable"}'
        else:
            status, payload = replay._payload(self.path)
        if error == "truncate":
            payload = payload[: len(payload) // 2]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
