"""CSV and Excel downloads beside every public table: the same page contexts as the HTML and
JSON twins. A row holds numbers as numbers: CSV (UTF-8) writes them as text a spreadsheet reads
back exactly, .xlsx as numeric cells (through the exports' writer, as `glokal export` does), so
that values, years, ranks and counts sum and sort in Excel. Words (statuses, trends, positions)
are in the page's language.

Raw values carry "Källa: Kolada"; derived figures (trend, positions, suggested statuses) are
labelled as Glokal's analysis, in a column of each row so that the label survives any filter
or sort in a spreadsheet. ``/mal/13.csv``, ``/1781/mal/13.xlsx``, ``/aktiviteter.csv?goal=5``
and ``/1781/jamfor.csv`` are the twins of the pages without the suffix.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from glokal.errors import InputError
from glokal.i18n import N_, translator
from glokal.publish.exports import Section, write_export
from glokal.publish.pages import (
    POSITION_LABELS,
    TREND_LABELS,
    ActivitiesPage,
    Catalogue,
    ComparePage,
    GoalAcrossPage,
    activities_page,
    compare_page,
    goal_across_page,
)
from glokal.register import FORMATS, activity_to_row
from glokal.register.activities import COLUMNS as ACTIVITY_COLUMNS
from glokal.register.tables import write_table
from glokal.store.activities import Activity
from glokal.store.opendata import ValueTuple
from glokal.store.public import KeyFigure, key_figures
from glokal.web.public import (
    ActivityFilters,
    GoalFilters,
    LangDep,
    SessionDep,
    _activity_query,
    _goal,
    _unit,
    _units,
)

KOLADA = "Källa: Kolada"
ANALYSIS = N_("Glokal's analysis")
DECIDED = N_("decided by the unit")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel's sheet holds 1,048,576 rows; one is the header.
MAX_XLSX_ROWS = 1_048_575

# The activity template's columns that hold one number (the others hold text or lists).
NUMERIC_ACTIVITY_COLUMNS = frozenset({"budget_sek"})

router = APIRouter(include_in_schema=False)

Cell = str | int | float | None


@dataclass(frozen=True)
class DataTable:
    """A table to download: its columns, its rows (text, numbers, None for a missing value)
    and the file's name without suffix."""

    name: str
    columns: tuple[str, ...]
    rows: Iterable[Mapping[str, Cell]]


def cell(value: Cell) -> str:
    """A value as text a spreadsheet reads back exactly (repr of floats, '' for missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _inert(str(value))


# What a spreadsheet takes for the start of a formula in a CSV cell (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """A text that would open as a formula ("=HYPERLINK(…)" in a title anyone may have
    written) gets a leading apostrophe, which a spreadsheet shows it without and reads as
    text. Numbers ("-1.5") are left as they are. The .xlsx downloads write texts as text."""
    if text.startswith(FORMULA_STARTS):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def numeric(value: float | int | None) -> float | int | None:
    """A number for a numeric cell: None (an empty cell) for a missing or non-finite one."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


def _number_or_text(text: str) -> Cell:
    """A template cell's number ("450000", "2.5") as a number; other text as it is."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    return int(value) if value.is_integer() else value


def download(table: DataTable, file_format: str) -> Response:
    """The table as a CSV or .xlsx attachment: numbers as text in CSV, as numbers in .xlsx."""
    if file_format not in FORMATS:
        raise InputError(
            N_("unknown format {format!r}; use one of: {allowed}"),
            format=file_format,
            allowed=["json", *FORMATS],
            where="format",
        )
    out = io.BytesIO()
    if file_format == "csv":
        texts = ({c: cell(row.get(c)) for c in table.columns} for row in table.rows)
        write_table(out, table.columns, texts, file_format)
    else:
        sheet = Section(table.name, table.name[:31], "", table.columns, table.rows)
        write_export(out, [sheet], file_format)
    return Response(
        out.getvalue(),
        media_type=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{table.name}.{file_format}"'},
    )


def goal_across_table(page: GoalAcrossPage) -> DataTable:
    gettext = translator(page.lang)
    columns = ("unit", "name", "type", "kommungrupp", "county", "goal", "status", "decided",
               "activities", "source")  # fmt: skip
    rows = (
        {
            "unit": row.unit.id, "name": row.unit.name, "type": row.unit.type,
            "kommungrupp": row.unit.kommungrupp or "", "county": row.unit.county or "",
            "goal": page.goal.number, "status": row.status.label,
            "decided": "yes" if row.status.decided else "no", "activities": row.activities,
            "source": gettext(DECIDED) if row.status.decided else gettext(ANALYSIS),
        }
        for row in page.rows
    )  # fmt: skip
    return DataTable(f"glokal-mal-{page.goal.number}", columns, list(rows))


FIGURE_COLUMNS = (
    "unit", "goal", "kpi", "title", "value", "year", "riket_value", "value_source", "trend",
    "change_per_year", "position", "rank", "compared", "position_kommungrupp",
    "rank_kommungrupp", "compared_kommungrupp", "polarity", "analysis_source",
)  # fmt: skip


def goal_figures_table(unit: str, goal: int, figures: Sequence[KeyFigure], lang: str) -> DataTable:
    """The key figures table of a unit's goal page: Kolada's values beside Glokal's analysis,
    the trend and positions in the page's words."""
    gettext = translator(lang)
    analysis = gettext(ANALYSIS)

    def word(labels: Mapping[str, str], value: str | None) -> str:
        return gettext(labels[value]) if value is not None and value in labels else value or ""

    rows = [
        {
            "unit": unit, "goal": goal, "kpi": f.kpi, "title": f.title,
            "value": numeric(f.value), "year": numeric(f.period),
            "riket_value": numeric(f.riket_value), "value_source": KOLADA,
            "trend": word(TREND_LABELS, f.trend),
            "change_per_year": numeric(f.change_per_year),
            "position": word(POSITION_LABELS, f.position),
            "rank": numeric(f.rank), "compared": numeric(f.compared),
            "position_kommungrupp": word(POSITION_LABELS, f.position_kommungrupp),
            "rank_kommungrupp": numeric(f.rank_kommungrupp),
            "compared_kommungrupp": numeric(f.compared_kommungrupp),
            "polarity": f.polarity or "", "analysis_source": analysis,
        }
        for f in figures
    ]  # fmt: skip
    return DataTable(f"glokal-{unit}-mal-{goal}", FIGURE_COLUMNS, rows)


def unit_goal_figures(session: Session, unit: str, goal: int) -> list[KeyFigure]:
    """The key figures of /{unit}/mal/{goal}, without the page's charts."""
    catalogue = Catalogue.read(session)
    place = catalogue.unit(unit)
    catalogue.goal(goal)
    return key_figures(session, place.id, goal, place.type)


def activities_table(activities: Sequence[Activity], name: str = "glokal-aktiviteter") -> DataTable:
    """Activities in the register's template (docs/register.md): a download imports again.
    The budget is a number; lists ("5;17") and dates stay text, as the template has them."""
    rows = [
        {c: _number_or_text(v) if c in NUMERIC_ACTIVITY_COLUMNS else v for c, v in row.items()}
        for row in map(activity_to_row, activities)
    ]
    return DataTable(name, ACTIVITY_COLUMNS, rows)


def activities_page_table(page: ActivitiesPage) -> DataTable:
    return activities_table(page.activities)


def compare_tables(page: ComparePage, table: str) -> DataTable:
    """The comparison's key figures (Källa: Kolada) or its statuses per goal."""
    units = [c.unit.id for c in page.columns]
    name = f"glokal-{page.unit.id}-jamfor"
    if table == "status":
        gettext = translator(page.lang)
        columns = ("goal", *units, "source")
        source = gettext(ANALYSIS) + " / " + gettext(DECIDED)
        statuses: list[dict[str, Cell]] = []
        for number in (g.number for g in page.goals):
            row: dict[str, Cell] = {"goal": number, "source": source}
            for c in page.columns:
                status = c.statuses[number]
                row[c.unit.id] = status.label + ("" if status.decided else "*")
            statuses.append(row)
        return DataTable(f"{name}-status", columns, statuses)
    if table != "figures":
        raise InputError(
            N_("unknown table {table!r}; use figures or status"), table=table, where="table"
        )
    columns = ("goal", "kpi", "title", *(f"{u}_{part}" for u in units for part in
               ("value", "year")), "source")  # fmt: skip
    rows: list[dict[str, Cell]] = []
    for goal, kpi, title in page.kpis:
        row = {"goal": goal, "kpi": kpi, "title": title, "source": KOLADA}
        for column in page.columns:
            figure = column.figures.get(kpi)
            row[f"{column.unit.id}_value"] = numeric(figure.value if figure else None)
            row[f"{column.unit.id}_year"] = numeric(figure.period if figure else None)
        rows.append(row)
    return DataTable(name, columns, rows)


def values_table(rows: Iterable[ValueTuple], name: str = "glokal-kolada-values") -> DataTable:
    columns = ("kpi", "municipality", "period", "gender", "value", "source")
    return DataTable(
        name,
        columns,
        (
            {"kpi": k, "municipality": m, "period": p, "gender": g, "value": numeric(v),
             "source": KOLADA}
            for k, m, p, g, v in rows
        ),
    )  # fmt: skip


# -- the page twins ---------------------------------------------------------------------------


def _goal_across(fmt: str) -> Callable[..., Response]:
    def view(
        number: str, session: SessionDep, lang: LangDep, kommungrupp: GoalFilters = "",
        county: GoalFilters = "", status: GoalFilters = "", type: GoalFilters = "",
        sort: GoalFilters = "",
    ) -> Response:  # fmt: skip
        filters = {"kommungrupp": kommungrupp, "county": county, "status": status,
                   "type": type, "sort": sort}  # fmt: skip
        page = goal_across_page(session, _goal(number), lang, filters)
        return download(goal_across_table(page), fmt)

    return view


def _goal_figures(fmt: str) -> Callable[..., Response]:
    def view(unit: str, number: str, session: SessionDep, lang: LangDep) -> Response:
        wanted, goal = _unit(unit), _goal(number)
        figures = unit_goal_figures(session, wanted, goal)
        return download(goal_figures_table(wanted, goal, figures, lang), fmt)

    return view


def _activities(fmt: str) -> Callable[..., Response]:
    def view(
        session: SessionDep, lang: LangDep, goal: ActivityFilters = "",
        country: ActivityFilters = "", funding: ActivityFilters = "", kind: ActivityFilters = "",
        unit: ActivityFilters = "", text: ActivityFilters = "",
    ) -> Response:  # fmt: skip
        query, shown = _activity_query(goal, country, funding, kind, unit, text)
        return download(activities_page_table(activities_page(session, lang, query, shown)), fmt)

    return view


def _compare(fmt: str) -> Callable[..., Response]:
    def view(
        unit: str, session: SessionDep, lang: LangDep,
        med: Annotated[str, Query(max_length=120)] = "",
        table: Annotated[str, Query(max_length=10)] = "figures",
    ) -> Response:  # fmt: skip
        page = compare_page(session, _unit(unit), lang, _units(med))
        return download(compare_tables(page, table), fmt)

    return view


for _fmt in FORMATS:
    router.add_api_route(f"/mal/{{number}}.{_fmt}", _goal_across(_fmt), methods=["GET"])
    router.add_api_route(f"/aktiviteter.{_fmt}", _activities(_fmt), methods=["GET"])
    router.add_api_route(f"/{{unit}}/mal/{{number}}.{_fmt}", _goal_figures(_fmt), methods=["GET"])
    router.add_api_route(f"/{{unit}}/jamfor.{_fmt}", _compare(_fmt), methods=["GET"])
