"""The data exports (`glokal export values|assessments|activities`) as CSV, XLSX or JSON.

Every row says where it comes from, in a ``source`` column a spreadsheet user sees (and the
same text as each JSON section's ``source``):

- raw Kolada values: "Källa: Kolada";
- Glokal's own analysis (suggested statuses, trends, positions, scores): "Glokals egen analys",
  never Kolada, even though it is computed from Kolada's values;
- decided statuses: "Beslutat av <unit>", the unit's own decisions.

An export is a list of sections (one sheet each in XLSX, one key each in JSON; in CSV one table
with a ``record`` column naming the section when there are several).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from typing import IO, Any

from glokal.errors import InputError
from glokal.i18n import N_, translator
from glokal.publish.register import activity_json
from glokal.publish.values import KOLADA_SOURCE
from glokal.register import write_activities
from glokal.store.activities import Activity
from glokal.store.assessments import GoalAssessment
from glokal.store.exports import KpiAnalysis, SuggestionRecord

EXPORT_FORMATS = ("csv", "xlsx", "json")
XLSX_MAX_ROWS = 1_048_576  # one sheet's rows, the header included
ANALYSIS_SOURCE = N_("Glokal's own analysis")
DECISION_SOURCE = N_("Decided by {unit}")
DECISIONS_SOURCE = N_("The units' own decisions")
REGISTER_SOURCE = N_("The units' own register")

Cell = str | int | float | bool | None
# progress(rows written so far)
RowProgress = Callable[[int], None]


@dataclass(frozen=True)
class Section:
    """One table of an export: its key, its title, its attribution, columns and rows."""

    key: str  # the JSON key, the CSV record name
    title: str  # the sheet's name (at most 31 characters)
    source: str  # the attribution of every row (a row's own "source" can say more)
    columns: tuple[str, ...]  # "source" last
    rows: Iterable[Mapping[str, Any]]


def _cell(value: Any) -> Cell:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # every digit: the value as stored
    return str(value)


def _records(section: Section) -> Iterator[dict[str, Cell]]:
    for row in section.rows:
        record = {c: _cell(row.get(c)) for c in section.columns}
        if record.get("source") is None:
            record["source"] = section.source
        yield record


def _counted(records: Iterator[dict[str, Cell]], progress: RowProgress | None) -> Iterator[Any]:
    for count, record in enumerate(records, start=1):
        if progress is not None and count % 10_000 == 0:
            progress(count)
        yield record


# -- writers -------------------------------------------------------------------------------


def write_export(
    out: IO[bytes],
    sections: Sequence[Section],
    file_format: str,
    progress: RowProgress | None = None,
) -> int:
    """Write the sections as ``file_format`` (csv, xlsx, json); returns the rows written."""
    writers = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}
    if file_format not in writers:
        raise InputError(
            N_("unknown format {format!r}; the formats are: {formats}"),
            format=file_format,
            formats=list(EXPORT_FORMATS),
            where="--format",
        )
    return writers[file_format](out, sections, progress)


def _write_csv(out: IO[bytes], sections: Sequence[Section], progress: RowProgress | None) -> int:
    several = len(sections) > 1
    columns: list[str] = ["record"] if several else []
    for section in sections:
        columns += [c for c in section.columns if c not in columns and c != "source"]
    columns.append("source")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for section in sections:
        for record in _counted(_records(section), progress):
            if several:
                record["record"] = section.key
            writer.writerow([_text(record.get(c)) for c in columns])
            count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(out: IO[bytes], sections: Sequence[Section], progress: RowProgress | None) -> int:
    from openpyxl import Workbook  # only when an .xlsx is written: it costs ~0.2 s to import
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    book.properties.title = ", ".join(s.title for s in sections)
    book.properties.description = "; ".join(f"{s.title}: {s.source}" for s in sections)
    book.properties.creator = "Glokal"
    count = 0
    for section in sections:
        sheet = book.create_sheet(re.sub(r"[\\/*?:\[\]]", " ", section.title)[:31])
        sheet.freeze_panes = "A2"

        def cell(value: Cell, sheet: Any = sheet) -> Any:
            if isinstance(value, str) and value.startswith("="):
                literal = WriteOnlyCell(sheet, value=value)
                literal.data_type = "s"  # text, not a formula
                return literal
            return value

        sheet.append(list(section.columns))
        rows = 1
        for record in _counted(_records(section), progress):
            rows += 1
            if rows > XLSX_MAX_ROWS:
                raise InputError(
                    N_(
                        "{section}: more rows than an Excel sheet holds ({most:,}); choose "
                        "--format csv or fewer units with --unit"
                    ),
                    section=section.title,
                    most=XLSX_MAX_ROWS - 1,
                    where="--format",
                )
            sheet.append([cell(record.get(c)) for c in section.columns])
        count += rows - 1
    book.save(out)
    return count


def _write_json(out: IO[bytes], sections: Sequence[Section], progress: RowProgress | None) -> int:
    """{"<key>": {"title": …, "source": …, "columns": […], "rows": [{…}, …]}, …}"""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    count = 0
    text.write("{")
    for number, section in enumerate(sections):
        head = {"title": section.title, "source": section.source, "columns": section.columns}
        text.write(("," if number else "") + f"\n{json.dumps(section.key)}: ")
        text.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [')
        for n, record in enumerate(_counted(_records(section), progress)):
            text.write(("," if n else "") + "\n  " + json.dumps(record, ensure_ascii=False))
            count += 1
        text.write("\n]}")
    text.write("\n}\n")
    text.flush()
    text.detach()
    return count


# -- the exports ---------------------------------------------------------------------------

VALUE_COLUMNS = (
    "kpi", "kpi_title", "municipality", "municipality_name", "period", "gender", "value",
    "source",
)  # fmt: skip
DECISION_COLUMNS = (
    "id", "unit", "unit_name", "goal", "status", "current", "text", "assessor", "method_note",
    "cutoff", "justification", "suggested_status", "suggestion_method", "recorded_by",
    "recorded_at", "published_at", "source",
)  # fmt: skip
SUGGESTION_COLUMNS = (
    "method", "unit", "unit_name", "goal", "status", "score", "kpis_used", "kpis_total",
    "reference_year", "computed_at", "source",
)  # fmt: skip
ANALYSIS_COLUMNS = (
    "method", "unit", "unit_name", "kpi", "kpi_title", "reference_year", "period", "polarity",
    "vs_riket", "trend", "change_per_year", "trend_first", "trend_last", "position", "rank",
    "compared", "position_kommungrupp", "rank_kommungrupp", "compared_kommungrupp",
    "position_similar", "rank_similar", "compared_similar", "score", "flags", "unused",
    "computed_at", "source",
)  # fmt: skip

_KOLADA_VALUES = N_("Kolada values")
_DECISIONS = N_("Decisions")
_SUGGESTIONS = N_("Suggested statuses per goal")
_ANALYSES = N_("Trends and positions per KPI")


def values_export(
    values: Iterable[tuple[str, str, int, str, float | None]],
    kpi_titles: Mapping[str, str],
    unit_names: Mapping[str, str],
    lang: str,
) -> list[Section]:
    """Raw Kolada values, each row with "Källa: Kolada"."""
    rows = (
        {"kpi": kpi, "kpi_title": kpi_titles.get(kpi, ""), "municipality": unit,
         "municipality_name": unit_names.get(unit, ""), "period": period, "gender": gender,
         "value": value}
        for kpi, unit, period, gender, value in values
    )  # fmt: skip
    gettext = translator(lang)
    return [Section("values", gettext(_KOLADA_VALUES), KOLADA_SOURCE, VALUE_COLUMNS, rows)]


def assessments_export(
    decisions: Sequence[GoalAssessment],
    suggestions: Sequence[SuggestionRecord],
    analyses: Sequence[KpiAnalysis],
    kpi_titles: Mapping[str, str],
    unit_names: Mapping[str, str],
    lang: str,
) -> list[Section]:
    """The units' decisions (labelled as theirs), then Glokal's analysis: suggested statuses
    per goal and trends and positions per KPI (labelled as Glokal's, never Kolada's)."""
    gettext = translator(lang)
    analysis = gettext(ANALYSIS_SOURCE)
    current = {(d.unit, d.goal): d.id for d in decisions}  # oldest first: the last one stands
    decided = [
        {**_fields(d), "unit_name": unit_names.get(d.unit, d.unit),
         "current": current[(d.unit, d.goal)] == d.id,
         "source": gettext(DECISION_SOURCE).format(unit=unit_names.get(d.unit, d.unit))}
        for d in decisions
    ]  # fmt: skip
    suggested = [{**_fields(s), "unit_name": unit_names.get(s.unit, s.unit)} for s in suggestions]
    analysed = [
        {**_fields(a), "unit_name": unit_names.get(a.unit, a.unit),
         "kpi_title": kpi_titles.get(a.kpi, "")}
        for a in analyses
    ]  # fmt: skip
    return [
        Section(
            "decisions",
            gettext(_DECISIONS),
            gettext(DECISIONS_SOURCE),
            DECISION_COLUMNS,
            decided,
        ),
        Section("suggestions", gettext(_SUGGESTIONS), analysis, SUGGESTION_COLUMNS, suggested),
        Section("kpi_analyses", gettext(_ANALYSES), analysis, ANALYSIS_COLUMNS, analysed),
    ]


def _fields(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def write_activities_export(
    out: IO[bytes], activities: Sequence[Activity], file_format: str, lang: str
) -> int:
    """Activities: CSV and XLSX in the register's import template (importing gives them back),
    JSON with every field and the register as source."""
    if file_format in ("csv", "xlsx"):
        write_activities(out, activities, file_format, lang)
        return len(activities)
    source = translator(lang)(REGISTER_SOURCE)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    json.dump(
        {"activities": {"source": source, "rows": [activity_json(a) for a in activities]}},
        text,
        ensure_ascii=False,
        indent=1,
    )
    text.write("\n")
    text.flush()
    text.detach()
    return len(activities)


__all__ = [
    "ANALYSIS_SOURCE",
    "DECISIONS_SOURCE",
    "DECISION_SOURCE",
    "EXPORT_FORMATS",
    "REGISTER_SOURCE",
    "Section",
    "assessments_export",
    "values_export",
    "write_activities_export",
    "write_export",
]
