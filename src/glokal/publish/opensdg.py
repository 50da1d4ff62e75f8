"""Open SDG data out: the inputs an Open SDG site (sdg-build) builds from, one CSV and one
metadata YAML per indicator, as docs/opensdg.md describes.

What becomes an indicator: each local indicator of the chosen units (its own series, or its
Kolada KPI's values for the unit) and each Kolada KPI of the Agenda 2030 selection, once per
goal it is filed under, with the values of the chosen units (``GeoCode`` tells them apart).
Ids never clash with the global ones (``1-1-1``): see ``local_indicator_id`` and
``kolada_indicator_id``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.i18n import N_, translator
from glokal.publish.values import KOLADA_SOURCE
from glokal.register.opensdg import (
    DATA_DIR,
    DATA_PREFIX,
    GEOCODE,
    GEOGRAPHY,
    GLOKAL,
    KIND_KOLADA,
    KIND_LOCAL,
    META_DIR,
    SEX,
    VALUE,
    YEAR,
)
from glokal.settings import DEFAULT_KOLADA_BASE_URL
from glokal.store.agenda import LocalGoal, LocalIndicator, local_agenda
from glokal.store.kolada import StoredKpi, iter_values, list_kpis
from glokal.store.queries import list_places

KOLADA_ORGANISATION = "RKA / Kolada"
LOCAL_PART = "lokal"
KOLADA_PART = "kolada"
GENDER_TOTAL = "T"


@dataclass(frozen=True, slots=True)
class OpenSdgIndicator:
    """One indicator as an Open SDG site reads it: its id, metadata and data rows."""

    id: str
    meta: dict[str, Any]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class OpenSdgExport:
    directory: str
    local: int  # local indicators written
    kolada: int  # Kolada KPI indicators written (one per KPI and goal)
    rows: int
    removed: int  # files of an earlier Glokal export no longer written


def slug(code: str) -> str:
    """A unit's own code as an id part: "GM.3.11" → "gm-3-11", "Mål 3" → "mal-3"."""
    folded = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def local_indicator_id(unit: str, code: str, target: str | None) -> str:
    """``{goal}-{target}-lokal-{unit}-{code}`` under a global target (``5-5-lokal-0680-gm-3-11``),
    ``lokal-{unit}-{code}`` (a standalone indicator) without one. The third part, ``lokal``,
    is never a global indicator's number."""
    tail = f"{LOCAL_PART}-{unit}-{slug(code)}"
    return f"{target.replace('.', '-')}-{tail}" if target else tail


def kolada_indicator_id(goal: int, kpi: str) -> str:
    """``{goal}-kolada-{kpi}`` (``5-kolada-n00401``): under the goal, never a global target."""
    return f"{goal}-{KOLADA_PART}-{kpi.lower()}"


def export_opensdg(
    session: Session,
    directory: Path,
    units: Sequence[str] = (),
    *,
    lang: str = "sv",
    drafts: bool = False,
    kolada_url: str = DEFAULT_KOLADA_BASE_URL,
) -> OpenSdgExport:
    """Write the Open SDG files of ``units`` (all without any) into ``directory``/data and
    /meta, replacing the files an earlier Glokal export wrote there; other files stay."""
    names = {p.id: p.name for p in list_places(session)}
    for unit in units:
        if unit not in names:
            raise NotFound(
                N_("there is no unit {unit!r}"),
                unit=unit,
                where="--unit",
                hint=N_("`glokal places` lists them"),
            )
    chosen = list(dict.fromkeys(units)) or sorted(names)
    _ = translator(lang)
    indicators: list[OpenSdgIndicator] = []
    for unit in chosen:
        agenda = local_agenda(session, unit, published_only=not drafts)
        goals = {g.code: g for g in agenda.goals}
        made = [_local(session, i, goals, names[unit], _, kolada_url) for i in agenda.indicators]
        indicators.extend(_unique(made))
    local = len(indicators)
    for kpi in list_kpis(session):
        if kpi.goals and not kpi.missing:
            indicators.extend(_kolada(session, kpi, units, names, _, kolada_url))
    removed = _write(directory, indicators)
    return OpenSdgExport(
        str(directory), local, len(indicators) - local, sum(len(i.rows) for i in indicators),
        removed,
    )  # fmt: skip


def _unique(made: list[OpenSdgIndicator]) -> list[OpenSdgIndicator]:
    """Codes that make the same id ("SE.1", "SE-1") get a short hash of the code added."""
    counts: dict[str, int] = {}
    for indicator in made:
        counts[indicator.id] = counts.get(indicator.id, 0) + 1
    unique = []
    for indicator in made:
        if counts[indicator.id] > 1:
            code = indicator.meta[GLOKAL]["code"]
            digest = hashlib.sha1(code.encode()).hexdigest()[:6]
            indicator = OpenSdgIndicator(
                f"{indicator.id}-{digest}", indicator.meta, indicator.columns, indicator.rows
            )
        unique.append(indicator)
    return unique


def _number(value: float) -> str:
    """A value as the CSV holds it: exact (repr), whole numbers without ".0"."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _sex(gender: str) -> str:
    return "" if gender == GENDER_TOTAL else gender


def _chain(goal: LocalGoal | None, goals: dict[str, LocalGoal]) -> list[LocalGoal]:
    """The goal and the goals above it, the top one first."""
    chain: list[LocalGoal] = []
    while goal is not None and goal not in chain:
        chain.insert(0, goal)
        goal = goals.get(goal.parent) if goal.parent is not None else None
    return chain


def _local(
    session: Session,
    indicator: LocalIndicator,
    goals: dict[str, LocalGoal],
    unit_name: str,
    _: Any,
    kolada_url: str,
) -> OpenSdgIndicator:
    chain = _chain(goals.get(indicator.goal) if indicator.goal else None, goals)
    target = next((g.targets[0] for g in reversed(chain) if g.targets), None)
    inid = local_indicator_id(indicator.unit, indicator.code, target)
    if indicator.kpi is not None:
        values = [
            (year, _sex(gender), value)
            for _kpi, _unit, year, gender, value in iter_values(
                session, [indicator.kpi], [indicator.unit]
            )
            if value is not None
        ]
        values.sort(key=lambda v: (v[0], v[1]))  # the total ("") first
    else:
        values = [(year, "", value) for year, value in indicator.values]
    gendered = any(sex for _year, sex, _value in values)
    columns = (YEAR, *((SEX,) if gendered else ()), GEOCODE, VALUE)
    rows = tuple(
        (str(year), *((sex,) if gendered else ()), indicator.unit, _number(value))
        for year, sex, value in values
    )
    meta = _site_meta(inid, indicator.title, bool(rows), target, _)
    meta["standalone"] = target is None
    meta["published"] = all(g.published for g in chain)
    meta["national_geographical_coverage"] = unit_name
    meta["national_indicator_available"] = indicator.title
    meta["tags"] = [_(N_("Local indicator"))]
    if indicator.measure:
        meta["computation_units"] = indicator.measure
    if indicator.kpi is not None:
        meta.update(_kolada_source(indicator.kpi, kolada_url))
    else:
        meta.update(source_active_1=True, source_organisation_1=unit_name)
    if indicator.target_value is not None:
        label = _(N_("Target {year}")).format(year=indicator.target_year or "").strip()
        meta["graph_target_lines"] = [{"value": indicator.target_value, "label_content": label}]
        option: dict[str, Any] = {"target": indicator.target_value}
        if indicator.target_year is not None:
            option["target_year"] = indicator.target_year
        start = indicator.baseline_value if indicator.baseline_value is not None else (
            values[0][2] if values else None
        )  # fmt: skip
        if start is not None and start != indicator.target_value:
            option["direction"] = "positive" if indicator.target_value > start else "negative"
        meta["progress_calculation_options"] = [option]
    meta[GLOKAL] = {
        "kind": KIND_LOCAL, "unit": indicator.unit, "code": indicator.code,
        "kpi": indicator.kpi, "measure": indicator.measure, "goal": indicator.goal,
        "baseline_value": indicator.baseline_value, "baseline_year": indicator.baseline_year,
        "target_value": indicator.target_value, "target_year": indicator.target_year,
        "local_goals": [
            {"code": g.code, "title": g.title, "description": g.description,
             "parent": g.parent, "targets": list(g.targets), "published": g.published}
            for g in chain
        ],
    }  # fmt: skip
    return OpenSdgIndicator(inid, meta, columns, rows)


def _site_meta(inid: str, title: str, has_data: bool, target: str | None, _: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "indicator_number": inid.replace("-", "."),
        "indicator_name": title,
        "graph_title": title,
    }
    if target is not None:
        meta["target_id"] = target
        meta["sdg_goal"] = target.split(".")[0]
    meta.update(
        reporting_status="complete" if has_data else "notstarted",
        data_non_statistical=False,
        graph_type="line",
    )
    return meta


def _kolada_source(kpi: str, kolada_url: str) -> dict[str, Any]:
    return {
        "source_active_1": True,
        "source_organisation_1": KOLADA_ORGANISATION,
        "source_url_1": f"{kolada_url.rstrip('/')}/kpi/{kpi}",
        "source_url_text_1": KOLADA_SOURCE,
        "data_footnote": KOLADA_SOURCE,
    }


def _kolada(
    session: Session,
    kpi: StoredKpi,
    units: Sequence[str],
    names: dict[str, str],
    _: Any,
    kolada_url: str,
) -> list[OpenSdgIndicator]:
    """The KPI's values for the chosen units, once per goal of the selection it is under."""
    values = [
        (year, unit, _sex(gender), value)
        for _kpi, unit, year, gender, value in iter_values(session, [kpi.id], list(units) or None)
        if value is not None
    ]
    if not values:
        return []
    values.sort(key=lambda v: (v[1], v[0], v[2]))
    several = len({unit for _year, unit, _sex, _value in values}) > 1
    gendered = any(sex for _year, _unit, sex, _value in values)
    columns = (
        YEAR, *((GEOGRAPHY,) if several else ()), *((SEX,) if gendered else ()), GEOCODE, VALUE,
    )  # fmt: skip
    rows = tuple(
        (str(year), *((names[unit],) if several else ()), *((sex,) if gendered else ()), unit,
         _number(value))
        for year, unit, sex, value in values
    )  # fmt: skip
    coverage = names[values[0][1]] if not several else _(N_("Municipalities and regions"))
    made = []
    for goal in kpi.goals:
        inid = kolada_indicator_id(goal, kpi.id)
        meta = _site_meta(inid, kpi.title, True, None, _)
        meta.update(sdg_goal=str(goal), standalone=False, published=True)
        meta["national_geographical_coverage"] = coverage
        meta["tags"] = ["Kolada"]
        meta["data_show_map"] = several
        meta.update(_kolada_source(kpi.id, kolada_url))
        meta[GLOKAL] = {"kind": KIND_KOLADA, "kpi": kpi.id, "goals": list(kpi.goals)}
        made.append(OpenSdgIndicator(inid, meta, columns, rows))
    return made


def _csv(indicator: OpenSdgIndicator) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(indicator.columns)
    writer.writerows(indicator.rows)
    return out.getvalue()


class _Dumper(yaml.SafeDumper):
    """Quotes text of digits (unit ids: "0680"), which a YAML 1.2 reader takes for a number."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "'" if text.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def _yaml(meta: dict[str, Any]) -> str:
    return yaml.dump(
        meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def _replace(path: Path, text: str) -> None:
    """Write a file whole or not at all (a stopped export leaves no half file)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _glokal_ids(meta_dir: Path) -> set[str]:
    """Ids of the metadata files a Glokal export wrote (they carry the ``glokal`` block)."""
    found = set()
    for path in meta_dir.glob("*.yml"):
        try:
            meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(meta, dict) and isinstance(meta.get(GLOKAL), dict):
            found.add(path.stem)
    return found


def _write(directory: Path, indicators: Iterable[OpenSdgIndicator]) -> int:
    data_dir, meta_dir = directory / DATA_DIR, directory / META_DIR
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        meta_dir.mkdir(parents=True, exist_ok=True)
        earlier = _glokal_ids(meta_dir)
        written = set()
        for indicator in indicators:
            _replace(data_dir / f"{DATA_PREFIX}{indicator.id}.csv", _csv(indicator))
            _replace(meta_dir / f"{indicator.id}.yml", _yaml(indicator.meta))
            written.add(indicator.id)
        for inid in earlier - written:
            (meta_dir / f"{inid}.yml").unlink(missing_ok=True)
            (data_dir / f"{DATA_PREFIX}{inid}.csv").unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(
            N_("cannot write: {error}"), error=str(exc.strerror or exc), where=str(directory)
        ) from None
    return len(earlier - written)


__all__ = [
    "KOLADA_ORGANISATION",
    "OpenSdgExport",
    "OpenSdgIndicator",
    "export_opensdg",
    "kolada_indicator_id",
    "local_indicator_id",
    "slug",
]
