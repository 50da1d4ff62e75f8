"""The data exports parsed back in each format: the rows as stored, and every row attributed:
Källa: Kolada for raw values, Glokal's own analysis for derived figures (never Kolada), the
unit for its decisions."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import load_workbook

from glokal.errors import InputError
from glokal.publish import KOLADA_SOURCE
from glokal.publish.exports import (
    Section,
    assessments_export,
    values_export,
    write_activities_export,
    write_export,
)
from glokal.register import COLUMNS
from glokal.register.activities import SWEDISH_HEADERS
from glokal.store import Store
from glokal.store.activities import find_activities
from glokal.store.exports import (
    all_decisions,
    all_kpi_analyses,
    all_suggestions,
    kpi_titles,
    unit_names,
)
from glokal.store.kolada import iter_values
from tests.store.sample import fill

FORMATS = ("csv", "xlsx", "json")


@pytest.fixture
def filled(store: Store) -> Store:
    return fill(store)


def _export(
    store: Store, what: str, file_format: str, lang: str = "sv", units: Sequence[str] = ()
) -> bytes:
    out = io.BytesIO()
    with store.session() as s, s.begin():
        names, titles = unit_names(s), kpi_titles(s)
        sections: list[Section]
        if what == "values":
            sections = values_export(iter_values(s, units=list(units) or None), titles, names, lang)
        else:
            sections = assessments_export(
                all_decisions(s, units), all_suggestions(s, units), all_kpi_analyses(s, units),
                titles, names, lang,
            )  # fmt: skip
        write_export(out, sections, file_format)
    return out.getvalue()


def parse(data: bytes, file_format: str) -> dict[str, list[dict[str, Any]]]:
    """Rows per section (CSV: by its record column, or "values" when it has none)."""
    if file_format == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        found: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            found.setdefault(row.pop("record", "values"), []).append(row)
        return found
    if file_format == "json":
        document = json.loads(data)
        return {key: section["rows"] for key, section in document.items()}
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheets: dict[str, list[dict[str, Any]]] = {}
    for sheet in book.worksheets:
        header, *body = list(sheet.iter_rows(values_only=True))
        sheets[sheet.title] = [dict(zip(header, row, strict=True)) for row in body]
    return sheets


@pytest.mark.parametrize("file_format", FORMATS)
def test_values_come_back_as_stored_each_with_kalla_kolada(filled: Store, file_format: str) -> None:
    with filled.session() as s, s.begin():
        stored = list(iter_values(s, units=["1781", "0000"]))
    data = _export(filled, "values", file_format, units=["1781", "0000"])
    [rows] = parse(data, file_format).values()
    assert len(rows) == len(stored) == 2 * 2 * 7 * 3
    assert {row["source"] for row in rows} == {KOLADA_SOURCE}
    back = [
        (r["kpi"], r["municipality"], int(r["period"]), r["gender"],
         None if r["value"] in ("", None) else float(r["value"]))
        for r in rows
    ]  # fmt: skip
    if file_format == "xlsx":  # openpyxl writes 16 significant digits (Excel shows 15)
        assert back == [(*row[:4], pytest.approx(row[4], rel=1e-15)) for row in stored]
    else:
        assert back == stored  # every digit
    assert {r["municipality_name"] for r in rows} == {"Riket", "Kristinehamn"}
    assert {r["kpi_title"] for r in rows} == {"Växthusgasutsläpp, ton CO2e/inv", "Fetma"}
    if file_format == "xlsx":
        assert isinstance(rows[0]["value"], float) and isinstance(rows[0]["period"], int)
        book = load_workbook(io.BytesIO(data))
        assert book.worksheets[0].title == "Värden från Kolada"
        assert KOLADA_SOURCE in (book.properties.description or "")
    if file_format == "json":
        assert json.loads(data)["values"]["source"] == KOLADA_SOURCE


@pytest.mark.parametrize("file_format", FORMATS)
def test_assessments_label_decisions_as_the_units_and_analysis_as_glokals(
    filled: Store, file_format: str
) -> None:
    sections = parse(_export(filled, "assessments", file_format), file_format)
    if file_format == "xlsx":  # sheets by their Swedish titles
        keys = {"Beslut": "decisions", "Föreslagen status per mål": "suggestions",
                "Nyckeltal, trend och position": "kpi_analyses"}  # fmt: skip
        sections = {keys[title]: rows for title, rows in sections.items()}
    assert set(sections) == {"decisions", "suggestions", "kpi_analyses"}
    [decision] = sections["decisions"]
    assert decision["source"] == "Beslutat av Kristinehamn"
    assert decision["status"] == "betydande utmaning" and decision["goal"] in (13, "13")
    assert decision["current"] in (True, "true")
    assert len(sections["suggestions"]) == 4 and len(sections["kpi_analyses"]) == 2
    for key in ("suggestions", "kpi_analyses"):
        assert {row["source"] for row in sections[key]} == {"Glokals egen analys"}
    for rows in sections.values():
        assert all("Kolada" not in row["source"] for row in rows)
    [analysis, *_] = sections["kpi_analyses"]
    assert analysis["trend"] == "improving" and analysis["rank"] in (4, "4")
    assert "value" not in analysis  # the raw value is Kolada's: it leaves with the values


def test_json_sections_name_their_source(filled: Store) -> None:
    document = json.loads(_export(filled, "assessments", "json", lang="en"))
    assert document["decisions"]["source"] == "The units' own decisions"
    assert document["decisions"]["rows"][0]["source"] == "Decided by Kristinehamn"
    assert document["suggestions"]["source"] == "Glokal's own analysis"
    assert document["kpi_analyses"]["source"] == "Glokal's own analysis"


def test_only_the_units_asked_for(filled: Store) -> None:
    sections = parse(_export(filled, "assessments", "csv", units=["0180"]), "csv")
    assert "decisions" not in sections  # 0180 has decided nothing
    assert {row["unit"] for rows in sections.values() for row in rows} == {"0180"}


@pytest.mark.parametrize("file_format", FORMATS)
def test_activities_in_the_template_or_as_json(filled: Store, file_format: str) -> None:
    with filled.session() as s, s.begin():
        activities = find_activities(s)
    out = io.BytesIO()
    assert write_activities_export(out, activities, file_format, "sv") == 1
    if file_format == "json":
        document = json.loads(out.getvalue())
        assert document["activities"]["source"] == "Enheternas eget register"
        [activity] = document["activities"]["rows"]
        assert activity["goals"] == [5, 13, 17] and len(activity["partners"]) == 2
        return
    if file_format == "csv":
        header = out.getvalue().decode("utf-8").splitlines()[0].split(",")
    else:
        book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
        header = list(next(book.worksheets[0].iter_rows(values_only=True)))
    # The Swedish import template (importing gives them back), a header for every column.
    assert tuple(header) == tuple(SWEDISH_HEADERS[c] for c in COLUMNS)
    out = io.BytesIO()
    write_activities_export(out, activities, file_format, "en")
    if file_format == "csv":
        assert tuple(out.getvalue().decode("utf-8").splitlines()[0].split(",")) == COLUMNS


def test_a_formula_like_text_stays_text_in_xlsx() -> None:
    section = Section("values", "t", KOLADA_SOURCE, ("kpi", "source"), [{"kpi": "=1+1"}])
    out = io.BytesIO()
    write_export(out, [section], "xlsx")
    [row] = parse(out.getvalue(), "xlsx")["t"]
    assert row == {"kpi": "=1+1", "source": KOLADA_SOURCE}


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        write_export(io.BytesIO(), [], "ods")
    assert "csv, xlsx, json" in caught.value.message
