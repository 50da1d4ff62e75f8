"""Open SDG data in: a folder with ``data/indicator_{id}.csv`` and ``meta/{id}.yml`` files (the
inputs an Open SDG site builds from) read into local indicators, as docs/opensdg.md describes.

Parse → validate → write: every file is read and checked before anything is stored, every
problem is reported with its file, row and field, and the writing runs in the caller's
transaction, so a folder with one bad file imports nothing. Local indicators are matched by
unit and code, so importing the same folder again changes nothing.

The names of the format (columns, metadata fields, Glokal's own ``glokal`` block) are defined
here and shared with the exporter in ``glokal.publish.opensdg``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from glokal.errors import InputError
from glokal.framework import Framework, load_framework, parse_target_id
from glokal.i18n import N_, Joined, Message
from glokal.places import Places, load_places, parse_place_id
from glokal.register.fields import parse_code
from glokal.register.tables import raise_problems
from glokal.store.agenda import (
    LocalGoal,
    LocalIndicator,
    local_agenda,
    local_goal_codes,
    save_local_goals,
    save_local_indicator,
)

DATA_DIR = "data"
META_DIR = "meta"
DATA_PREFIX = "indicator_"
# The columns an Open SDG site gives a meaning to; every other column is a disaggregation.
YEAR = "Year"
VALUE = "Value"
GEOCODE = "GeoCode"
UNITS = "Units"
SERIES = "Series"
SEX = "Sex"
# The column naming the unit of a row beside its GeoCode (Glokal writes "Geography"); read as
# a label of the GeoCode, not as a disaggregation.
GEOGRAPHY = "Geography"
GEOGRAPHY_COLUMNS = frozenset({GEOGRAPHY, "Geografi", "Kommun", "Region", "Område"})
NOT_DISAGGREGATIONS = frozenset({YEAR, VALUE, GEOCODE, UNITS, SERIES}) | GEOGRAPHY_COLUMNS
# Glokal's own metadata block: what a local indicator needs beyond Open SDG's fields.
GLOKAL = "glokal"
KIND_LOCAL = "local"
KIND_KOLADA = "kolada"
REPORTING_STATUSES = ("complete", "inprogress", "notstarted", "notapplicable")
INDICATOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
KPI_ID = re.compile(r"[NU][0-9]{5}")
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class OpenSdgRead:
    """What a folder holds, checked: local indicators and the local goals they need."""

    source: str
    indicators: tuple[LocalIndicator, ...]
    goals: tuple[LocalGoal, ...]  # from Glokal's metadata; stored only where missing
    skipped: tuple[str, ...]  # indicator ids not imported (Kolada's own series, other units)


@dataclass(frozen=True, slots=True)
class OpenSdgImport:
    source: str
    indicators: int
    inserted: int
    updated: int
    goals_added: int
    skipped: tuple[str, ...]
    written: bool  # False for a check


@dataclass
class _Problems:
    """Every problem of the folder, each naming its file, row and field: messages (ids and
    their values), said in a language where they are shown, as the register's RowProblems."""

    found: list[Message] = field(default_factory=list)

    def add(
        self,
        file: str,
        message: str | Message,
        *,
        row: int | None = None,
        at: str | Message | None = None,
    ) -> None:
        where: list[object] = [file]
        if row is not None:
            where.append(Message(N_("row {row}"), row=row))
        if at:
            where.append(at)
        problem = message if isinstance(message, Message) else Message(message)
        self.found.append(
            Message(N_("{where}: {problem}"), where=Joined(where, ", "), problem=problem)
        )

    def check(self, source: str) -> None:
        """Raise one InputError listing every problem; nothing has been written yet."""
        if self.found:
            raise_problems(self.found, Message(N_("the Open SDG files")), where=source)


class _Shown:
    """A value of a file as its ``repr`` says it: a YAML list is not joined as a message's
    list values are."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)

    __str__ = __repr__


def _shown(value: object) -> object:
    return _Shown(value) if isinstance(value, list | tuple) else value


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    year: int
    value: float
    unit: str | None  # its GeoCode, or None
    units: str
    series: str
    total: bool  # no disaggregation: the headline


@dataclass(frozen=True, slots=True)
class _Meta:
    title: str
    code: str | None  # indicator_number, for indicators from other Open SDG sites
    measure: str
    target_value: float | None
    target_year: int | None
    glokal: Mapping[str, Any] | None


def import_opensdg(
    session: Session, directory: Path, *, unit: str | None = None, check: bool = False
) -> OpenSdgImport:
    """Read, check and (unless ``check``) store the folder's indicators in the caller's
    transaction: local goals they name that the unit lacks, then the indicators."""
    found = read_opensdg(
        directory, load_places(), load_framework(), unit=unit, stored=local_goal_codes(session)
    )
    stored = {
        u: {i.code for i in local_agenda(session, u).indicators}
        for u in sorted({i.unit for i in found.indicators})
    }
    updated = sum(1 for i in found.indicators if i.code in stored[i.unit])
    codes = local_goal_codes(session)
    missing = [g for g in found.goals if g.code not in codes.get(g.unit, set())]
    if not check:
        save_local_goals(session, missing)
        for indicator in found.indicators:
            save_local_indicator(session, indicator)
    return OpenSdgImport(
        found.source, len(found.indicators), len(found.indicators) - updated, updated,
        len(missing), found.skipped, not check,
    )  # fmt: skip


def read_opensdg(
    directory: Path,
    places: Places,
    framework: Framework,
    *,
    unit: str | None = None,
    stored: Mapping[str, set[str]] | None = None,
) -> OpenSdgRead:
    """The folder's indicators, every file checked; ``unit`` keeps only that unit's rows (and
    is the unit of files that name none); ``stored`` (unit → local goal codes) lets an
    indicator name a local goal that is stored instead of described in the file."""
    source = str(directory)
    if not directory.is_dir():
        raise InputError(N_("no such folder"), where=source)
    data_dir, meta_dir = directory / DATA_DIR, directory / META_DIR
    if not data_dir.is_dir() and not meta_dir.is_dir():
        raise InputError(
            N_("not Open SDG data: no {data}/ or {meta}/ folder in it"),
            data=DATA_DIR,
            meta=META_DIR,
            where=source,
        )
    problems = _Problems()
    ids: dict[str, tuple[Path | None, Path | None]] = {}
    for path in sorted(data_dir.glob("*.csv")) if data_dir.is_dir() else ():
        inid = path.stem.removeprefix(DATA_PREFIX)
        if not path.stem.startswith(DATA_PREFIX) or not INDICATOR_ID.fullmatch(inid):
            problems.add(_name(directory, path), N_("name it indicator_{id}.csv, e.g. "
                         "indicator_1-1-1.csv (letters, digits, - and _ in the id)"))  # fmt: skip
            continue
        ids[inid] = (path, None)
    for path in sorted(meta_dir.iterdir()) if meta_dir.is_dir() else ():
        if path.suffix not in (".yml", ".yaml"):
            continue
        if not INDICATOR_ID.fullmatch(path.stem):
            problems.add(_name(directory, path), N_("name it {id}.yml, e.g. 1-1-1.yml"))
            continue
        if path.stem in ids and ids[path.stem][1] is not None:
            problems.add(
                _name(directory, path),
                Message(N_("{id} has two metadata files"), id=path.stem),
            )
            continue
        ids[path.stem] = (ids.get(path.stem, (None, None))[0], path)
    if unit is not None:
        unit = _known_unit(unit, places, problems, "--unit", None)
    targets = frozenset(t.id for t in framework.targets)
    indicators: dict[tuple[str, str], tuple[LocalIndicator, str]] = {}
    goals: dict[tuple[str, str], tuple[LocalGoal, str]] = {}
    skipped: list[str] = []
    for inid, (data, meta_path) in sorted(ids.items()):
        if meta_path is None:
            assert data is not None
            problems.add(_name(directory, data), Message(N_(
                "no metadata file {file} (it gives the indicator's name)"),
                file=f"{META_DIR}/{inid}.yml"))  # fmt: skip
            continue
        meta_name = _name(directory, meta_path)
        meta = _read_meta(meta_path, meta_name, places, targets, problems)
        rows = _read_data(data, _name(directory, data), places, problems) if data else []
        if meta is None or rows is None:
            continue
        block = meta.glokal or {}
        if block.get("kind") == KIND_KOLADA:
            skipped.append(inid)  # Kolada's values: `glokal sync kolada` brings them
            continue
        own_unit = block.get("unit")
        file_unit = own_unit if own_unit is not None else unit
        by_unit: dict[str, list[_Row]] = {}
        for row in rows:
            row_unit = row.unit if row.unit is not None else file_unit
            if row_unit is None or (unit is not None and row_unit != unit):
                continue
            if own_unit is not None and row_unit != own_unit:
                assert data is not None
                problems.add(_name(directory, data), Message(N_(
                    "{unit} is not the unit {own} of {file}"), unit=row_unit, own=own_unit,
                    file=meta_name), row=row.number, at=GEOCODE)  # fmt: skip
                continue
            by_unit.setdefault(row_unit, []).append(row)
        if file_unit is not None and (unit is None or file_unit == unit):
            by_unit.setdefault(file_unit, [])
        if not by_unit:
            if rows and unit is None and not any(r.unit for r in rows):
                problems.add(meta_name, N_("neither a GeoCode column nor a unit in the "
                             "metadata: give --unit"))  # fmt: skip
            else:
                skipped.append(inid)
            continue
        for row_unit, unit_rows in sorted(by_unit.items()):
            assert data is not None or not unit_rows
            data_name = _name(directory, data) if data else meta_name
            indicator = _indicator(inid, row_unit, meta, unit_rows, data_name, meta_name, problems)
            if indicator is None:
                continue
            key = (indicator.unit, indicator.code)
            if key in indicators:
                problems.add(meta_name, Message(N_("{unit} {code!r} is also in {file}"),
                             unit=indicator.unit, code=indicator.code, file=indicators[key][1]),
                             at="indicator_number")  # fmt: skip
                continue
            indicators[key] = (indicator, meta_name)
        if own_unit is not None and meta.glokal is not None:
            for goal in _local_goals(meta.glokal, own_unit, targets, meta_name, problems):
                key = (goal.unit, goal.code)
                if key in goals and goals[key][0] != goal:
                    problems.add(meta_name, Message(N_(
                        "local goal {code!r} differs from the one in {file}"), code=goal.code,
                        file=goals[key][1]), at="glokal.local_goals")  # fmt: skip
                goals.setdefault(key, (goal, meta_name))
    known = {(u, c) for u, codes in (stored or {}).items() for c in codes} | set(goals)
    for indicator, meta_name in indicators.values():
        if indicator.goal is not None and (indicator.unit, indicator.goal) not in known:
            problems.add(meta_name, Message(N_(
                "{goal!r} is not a local goal of {unit}, in the files or stored"),
                goal=indicator.goal, unit=indicator.unit), at="glokal.goal")  # fmt: skip
    for goal, meta_name in goals.values():
        if goal.parent is not None and (goal.unit, goal.parent) not in known:
            problems.add(meta_name, Message(N_(
                "the parent {parent!r} of {code!r} is not a local goal of {unit}"),
                parent=goal.parent, code=goal.code, unit=goal.unit),
                at="glokal.local_goals")  # fmt: skip
    problems.check(source)
    return OpenSdgRead(
        source,
        tuple(i for i, _ in sorted(indicators.values(), key=lambda p: (p[0].unit, p[0].code))),
        tuple(g for g, _ in goals.values()),
        tuple(skipped),
    )


def _name(directory: Path, path: Path) -> str:
    return path.relative_to(directory).as_posix()


def _known_unit(
    text: object, places: Places, problems: _Problems, file: str, row: int | None, at: str = ""
) -> str | None:
    try:
        unit = parse_place_id(str(text))
    except InputError as exc:
        problems.add(file, exc.msg, row=row, at=at or None)
        return None
    if places.get(unit) is None:
        problems.add(file, Message(N_("there is no unit {unit!r}; `glokal places` lists them"),
                     unit=unit), row=row, at=at or None)  # fmt: skip
        return None
    return unit


def _read_bytes(path: Path, name: str, problems: _Problems) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.add(
                name, Message(N_("larger than {most} MB"), most=MAX_FILE_BYTES // 1_000_000)
            )
            return None
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(name, Message(N_("not UTF-8 text (byte {byte})"), byte=exc.start))
    except OSError as exc:
        problems.add(
            name, Message(N_("cannot read the file: {error}"), error=str(exc.strerror or exc))
        )
    return None


def _read_data(path: Path, name: str, places: Places, problems: _Problems) -> list[_Row] | None:
    """The rows of a data file, or None when it has problems (all noted)."""
    text = _read_bytes(path, name, problems)
    if text is None:
        return None
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        problems.add(name, Message(N_("not valid CSV: {error}"), error=str(exc)))
        return None
    if not lines or not any(c.strip() for c in lines[0]):
        problems.add(name, N_("empty: the first row must name the columns (Year, …, Value)"))
        return None
    header = [c.strip() for c in lines[0]]
    before = len(problems.found)
    if any(not c for c in header):
        problems.add(name, N_("a column without a name"), row=1)
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        problems.add(name, N_("appears twice"), row=1, at=column)
    for column in (YEAR, VALUE):
        if column not in header:
            problems.add(
                name,
                Message(
                    N_("missing column {column} (Open SDG needs Year and Value)"), column=column
                ),
                row=1,
            )
    if len(problems.found) > before:
        return None
    position = {c: i for i, c in enumerate(header)}
    disaggregations = [c for c in header if c not in NOT_DISAGGREGATIONS]
    rows: list[_Row] = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            problems.add(name, Message(N_("{cells} cells; the header has {columns} columns"),
                         cells=len(cells), columns=len(header)), row=number)  # fmt: skip
            continue
        cell = {c: cells[i].strip() for c, i in position.items()}
        ok = len(problems.found)
        year = _year(cell[YEAR], problems, name, number, YEAR)
        raw = cell[VALUE]
        if not raw:
            continue  # no value that year: Open SDG leaves a gap, so does Glokal
        value = _number(raw, problems, name, number, VALUE)
        geocode = cell.get(GEOCODE, "")
        unit = _known_unit(geocode, places, problems, name, number, GEOCODE) if geocode else None
        if len(problems.found) > ok or year is None or value is None:
            continue
        total = not any(cell[c] for c in disaggregations)
        rows.append(
            _Row(number, year, value, unit, cell.get(UNITS, ""), cell.get(SERIES, ""), total)
        )
    return rows


def _not_text(value: object) -> Message:
    return Message(N_("{value!r} is not text"), value=_shown(value))


def _not_bool(value: object) -> Message:
    return Message(N_("{value!r} is not true or false"), value=_shown(value))


def _year(text: object, problems: _Problems, file: str, row: int | None, at: str) -> int | None:
    raw = str(text).strip()
    if isinstance(text, bool) or not re.fullmatch(r"[12][0-9]{3}", raw):
        problems.add(
            file, Message(N_("{text!r} is not a year like 2024"), text=_shown(text)), row=row, at=at
        )
        return None
    return int(raw)


def _number(text: object, problems: _Problems, file: str, row: int | None, at: str) -> float | None:
    if isinstance(text, bool):
        number = math.nan
    elif isinstance(text, int | float):
        number = float(text)
    else:
        try:
            number = float(str(text).strip())
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        problems.add(
            file,
            Message(N_("{text!r} is not a number like 12.5"), text=_shown(text)),
            row=row,
            at=at,
        )
        return None
    return number


def _read_meta(
    path: Path, name: str, places: Places, targets: frozenset[str], problems: _Problems
) -> _Meta | None:
    text = _read_bytes(path, name, problems)
    if text is None:
        return None
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = Message(N_("line {line}"), line=mark.line + 1) if mark is not None else None
        error = str(getattr(exc, "problem", None) or exc)
        problems.add(name, Message(N_("not valid YAML: {error}"), error=error), at=at)
        return None
    if not isinstance(meta, dict):
        problems.add(name, N_("not a YAML mapping of field: value"))
        return None
    before = len(problems.found)
    title = meta.get("indicator_name")
    if not isinstance(title, str) or not title.strip():
        problems.add(name, N_("must be the indicator's name (text)"), at="indicator_name")
    number = meta.get("indicator_number")
    code = None
    if number is not None:
        try:
            code = parse_code(str(number))
        except InputError as exc:
            problems.add(name, exc.msg, at="indicator_number")
    target = meta.get("target_id")
    if target is not None:
        _target(target, targets, problems, name, "target_id")
    goal = meta.get("sdg_goal")
    if goal is not None and (
        isinstance(goal, bool) or str(goal).strip() not in {str(n) for n in range(1, 18)}
    ):
        problems.add(
            name,
            Message(N_("{goal!r} is not a goal number 1–17"), goal=_shown(goal)),
            at="sdg_goal",
        )
    status = meta.get("reporting_status")
    if status is not None and status not in REPORTING_STATUSES:
        problems.add(name, Message(N_("{status!r} is not one of {allowed}"),
                     status=_shown(status), allowed=list(REPORTING_STATUSES)),
                     at="reporting_status")  # fmt: skip
    for flag in ("data_non_statistical", "standalone", "published"):
        if flag in meta and not isinstance(meta[flag], bool):
            problems.add(name, _not_bool(meta[flag]), at=flag)
    units = meta.get("computation_units")
    if units is not None and not isinstance(units, str):
        problems.add(name, _not_text(units), at="computation_units")
    target_value, target_year = _site_target(meta, name, problems)
    block = meta.get(GLOKAL)
    if block is not None:
        block = _glokal_block(block, name, places, problems)
    if len(problems.found) > before:
        return None
    assert isinstance(title, str)
    return _Meta(
        title.strip(), code, units.strip() if isinstance(units, str) else "",
        target_value, target_year, block,
    )  # fmt: skip


def _target(
    value: object, targets: frozenset[str], problems: _Problems, file: str, at: str
) -> str | None:
    if isinstance(value, float):
        problems.add(file, Message(N_("{value!r} is read as a number: write the target in "
                     "quotes, e.g. '8.10'"), value=value), at=at)  # fmt: skip
        return None
    try:
        target = parse_target_id(str(value))
    except InputError as exc:
        problems.add(file, exc.msg, at=at)
        return None
    if target not in targets:
        problems.add(file, Message(N_("there is no target {target!r}"), target=target), at=at)
        return None
    return target


def _site_target(
    meta: Mapping[str, Any], name: str, problems: _Problems
) -> tuple[float | None, int | None]:
    """The target value and year an Open SDG site shows: progress_calculation_options'
    ``target`` and ``target_year``, else graph_target_lines' ``value``."""
    value: float | None = None
    year: int | None = None
    for key, value_key in (("progress_calculation_options", "target"),
                           ("graph_target_lines", "value")):  # fmt: skip
        items = meta.get(key)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            problems.add(name, N_("must be a list of mappings (- target: 95)"), at=key)
            continue
        for i, item in enumerate(items):
            if item.get(value_key) is not None:
                found = _number(item[value_key], problems, name, None, f"{key}[{i}].{value_key}")
                value = found if value is None else value
            if key == "progress_calculation_options" and item.get("target_year") is not None:
                found_year = _year(item["target_year"], problems, name, None,
                                   f"{key}[{i}].target_year")  # fmt: skip
                year = found_year if year is None else year
    return value, year


def _glokal_block(
    block: object, name: str, places: Places, problems: _Problems
) -> Mapping[str, Any] | None:
    """Glokal's own fields, checked and normalised (unit, kpi, years, numbers)."""
    if not isinstance(block, dict):
        problems.add(name, N_("must be a mapping"), at=GLOKAL)
        return None
    checked: dict[str, Any] = dict(block)
    kind = block.get("kind", KIND_LOCAL)
    if kind not in (KIND_LOCAL, KIND_KOLADA):
        problems.add(name, Message(N_("{kind!r} is not {local} or {kolada}"), kind=_shown(kind),
                     local=KIND_LOCAL, kolada=KIND_KOLADA), at="glokal.kind")  # fmt: skip
    checked["kind"] = kind
    kpi = block.get("kpi")
    if kpi is not None and not (isinstance(kpi, str) and KPI_ID.fullmatch(kpi)):
        problems.add(name, Message(N_("{kpi!r} is not a Kolada KPI id like N00401"),
                     kpi=_shown(kpi)), at="glokal.kpi")  # fmt: skip
    if kind == KIND_KOLADA:
        return checked
    if "unit" not in block:
        problems.add(name, N_("missing: the unit the indicator belongs to"), at="glokal.unit")
    else:
        checked["unit"] = _known_unit(block["unit"], places, problems, name, None, "glokal.unit")
    for key in ("code", "goal"):
        if block.get(key) is None:
            if key == "code":
                problems.add(
                    name, N_("missing: the unit's code for the indicator"), at="glokal.code"
                )
            continue
        try:
            checked[key] = parse_code(str(block[key]))
        except InputError as exc:
            problems.add(name, exc.msg, at=f"glokal.{key}")
    for key in ("baseline_value", "target_value"):
        if block.get(key) is not None:
            checked[key] = _number(block[key], problems, name, None, f"glokal.{key}")
    for key in ("baseline_year", "target_year"):
        if block.get(key) is not None:
            checked[key] = _year(block[key], problems, name, None, f"glokal.{key}")
    measure = block.get("measure")
    if measure is not None and not isinstance(measure, str):
        problems.add(name, _not_text(measure), at="glokal.measure")
    goals = block.get("local_goals", [])
    if not isinstance(goals, list) or not all(isinstance(g, dict) for g in goals):
        problems.add(name, N_("must be a list of local goals (- code: …)"), at="glokal.local_goals")
        checked["local_goals"] = []
    return checked


def _local_goals(
    block: Mapping[str, Any], unit: str, targets: frozenset[str], name: str, problems: _Problems
) -> list[LocalGoal]:
    goals = []
    for i, item in enumerate(block.get("local_goals", [])):
        at = f"glokal.local_goals[{i}]"
        before = len(problems.found)
        code = parent = None
        try:
            code = parse_code(str(item.get("code", "")))
            parent = parse_code(str(item["parent"])) if item.get("parent") is not None else None
        except InputError as exc:
            problems.add(name, exc.msg, at=at)
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.add(name, N_("the local goal needs a title (text)"), at=f"{at}.title")
        description = item.get("description", "")
        if not isinstance(description, str):
            problems.add(name, _not_text(description), at=f"{at}.description")
        published = item.get("published", True)
        if not isinstance(published, bool):
            problems.add(name, _not_bool(published), at=f"{at}.published")
        raw_targets = item.get("targets", [])
        if not isinstance(raw_targets, list):
            problems.add(name, N_("must be a list of target ids"), at=f"{at}.targets")
            raw_targets = []
        found = [_target(t, targets, problems, name, f"{at}.targets") for t in raw_targets]
        if len(problems.found) > before or code is None:
            continue
        assert isinstance(title, str) and isinstance(description, str)
        goals.append(
            LocalGoal(
                unit=unit, code=code, title=title.strip(), description=description,
                parent=parent, targets=tuple(t for t in found if t is not None),
                published=bool(published),
            )
        )  # fmt: skip
    return goals


def _indicator(
    inid: str,
    unit: str,
    meta: _Meta,
    rows: list[_Row],
    data_name: str,
    meta_name: str,
    problems: _Problems,
) -> LocalIndicator | None:
    """One unit's local indicator from a file: its headline rows (no disaggregation)."""
    block = meta.glokal if meta.glokal is not None and meta.glokal.get("unit") == unit else {}
    before = len(problems.found)
    values: dict[int, float] = {}
    seen: dict[int, int] = {}
    units: str | None = None
    series: str | None = None
    for row in rows:
        if not row.total:
            continue
        if row.year in seen:
            problems.add(data_name, Message(N_("{year} is also on row {row} (one value a year "
                         "for {unit})"), year=row.year, row=seen[row.year], unit=unit),
                         row=row.number, at=YEAR)  # fmt: skip
            continue
        for column, text, first in ((UNITS, row.units, units), (SERIES, row.series, series)):
            if first is not None and text != first:
                problems.add(data_name, Message(N_("{text!r} differs from {first!r} on an "
                             "earlier row: Glokal keeps one series per indicator"), text=text,
                             first=first), row=row.number, at=column)  # fmt: skip
        units = row.units if units is None else units
        series = row.series if series is None else series
        seen[row.year] = row.number
        values[row.year] = row.value
    if len(problems.found) > before:
        return None
    kpi = block.get("kpi")
    code = block.get("code") or meta.code or inid.replace("-", ".")
    if len(code) > 32:
        problems.add(meta_name, Message(N_("the code {code!r} is longer than 32 characters: "
                     "give indicator_number"), code=code), at="indicator_number")  # fmt: skip
        return None
    measure = block.get("measure")
    return LocalIndicator(
        unit=unit,
        code=code,
        title=meta.title,
        goal=block.get("goal"),
        kpi=kpi,
        measure=measure if isinstance(measure, str) else (meta.measure or units or ""),
        baseline_value=block.get("baseline_value"),
        baseline_year=block.get("baseline_year"),
        target_value=block.get("target_value", meta.target_value),
        target_year=block.get("target_year", meta.target_year),
        values=() if kpi else tuple(sorted(values.items())),  # a KPI's values are Kolada's
    )
