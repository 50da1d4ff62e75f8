"""`glokal export values|assessments|activities` as a user runs them: formats from the file name
or --format, --unit, the attribution in what comes out, and clear messages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import make_url

from glokal.cli import main
from glokal.store import Store
from tests.store.sample import fill


@pytest.fixture(autouse=True)
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'glokal.sqlite3'}"
    fill(Store(make_url(url))).close()
    monkeypatch.setenv("GLOKAL_DATABASE_URL", url)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_values_to_standard_output_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "values", "--unit", "1781", "--kpi", "N00945")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 7 * 3
    assert {(r["municipality"], r["kpi"], r["source"]) for r in rows} == {
        ("1781", "N00945", "Källa: Kolada")
    }


def test_assessments_to_an_xlsx_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "bedomningar.xlsx"
    code, _, err = run(capsys, "export", "assessments", str(file))
    assert code == 0 and f"{file}: 7 rader" in err
    book = load_workbook(file, read_only=True)
    assert [s.title for s in book.worksheets] == [
        "Beslut",
        "Föreslagen status per mål",
        "Nyckeltal, trend och position",
    ]
    header, *rows = list(book.worksheets[1].iter_rows(values_only=True))
    source = header.index("source")
    assert {row[source] for row in rows} == {"Glokals egen analys"}
    assert not list(tmp_path.glob("*.partial"))


def test_assessments_in_english_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "assessments", "--format", "json", "--lang", "en")
    assert code == 0, err
    document = json.loads(out)
    assert document["decisions"]["rows"][0]["source"] == "Decided by Kristinehamn"
    assert document["suggestions"]["source"] == "Glokal's own analysis"


def test_activities_as_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "activities", "--format", "json", "--unit", "1781")
    assert code == 0
    assert json.loads(out)["activities"]["rows"][0]["title"] == "Klimatpartnerskap med Machakos"
    code, _, _ = run(capsys, "export", "activities", str(tmp_path / "a.csv"), "--unit", "0180")
    assert code == 0 and (tmp_path / "a.csv").read_text("utf-8").count("\n") == 1  # header only


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("values", "values.ods"), "cannot tell the format of 'values.ods'"),
        (("values", "--unit", "99"), "--unit"),
        (("values", "--format", "pdf"), "pdf"),
    ],
)
def test_bad_options_are_messages(
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, out, err = run(capsys, "export", *args)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_an_unknown_unit_or_kpi_leaves_the_file_as_it_was(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    file = tmp_path / "v.csv"
    file.write_text("earlier export\n", encoding="utf-8")
    for args, expected in [
        (["--unit", "9999"], "no unit has the id 9999"),
        (["--kpi", "N99999"], "no KPI N99999 in the store"),
    ]:
        code, _, err = run(capsys, "export", "values", str(file), *args)
        assert code == 2 and expected in err and "Traceback" not in err
        assert file.read_text(encoding="utf-8") == "earlier export\n"
