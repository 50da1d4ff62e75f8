"""`glokal assess` and the decision rule as a user meets them, over a store synced from the
Kolada replay server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from glokal.cli import main
from glokal.settings import load_settings
from glokal.store import Store
from glokal.store.models import GoalSuggestionRow, KpiResultRow
from tests.conftest import KOLADA_DATA
from tests.kolada.replay import ReplayDataset, ReplayServer

STATUSES = {"god", "neutral", "utmaning", "betydande utmaning", "ej bedömd"}


@pytest.fixture(scope="module")
def synced_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory whose default store holds a sync of 30 KPIs (done once per module)."""
    directory = tmp_path_factory.mktemp("assess")
    with (
        ReplayServer(ReplayDataset(KOLADA_DATA, kpi_count=30)) as server,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("GLOKAL_DATA_DIR", str(directory))
        patch.delenv("GLOKAL_DATABASE_URL", raising=False)
        assert main(["sync", "kolada", "--base-url", server.base_url, "--rate", "0"]) == 0
    yield directory


@pytest.fixture
def data_dir(synced_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(synced_dir))
    monkeypatch.setenv("COLUMNS", "200")
    return synced_dir


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stored(table: type[GoalSuggestionRow] | type[KpiResultRow], method: str) -> int:
    store = Store(load_settings().database())
    with store.session() as session:
        count = session.scalar(
            select(func.count()).select_from(table).where(table.method == method)
        )
    store.close()
    return int(count or 0)


def test_assess_one_unit_as_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "assess", "--unit", "0764", "--format", "json")
    assert code == 0, err
    suggestions = json.loads(out)
    assert [s["goal"] for s in suggestions] == list(range(1, 18))
    for s in suggestions:
        assert s["unit"] == "0764" and s["status"] in STATUSES
        assert {"coverage", "explanation", "score", "kpis_used", "kpis_total"} <= set(s)
        assert s["explanation"].startswith(f"Mål {s['goal']} (")
        # Derived figures: Glokal's analysis, never "Källa: Kolada".
        assert "Källa" not in s["explanation"] and "Glokals analys" in s["explanation"]
    goal_17 = suggestions[16]
    assert goal_17["status"] == "ej bedömd" and goal_17["kpis_total"] == 0
    assert "Urvalet har inga nyckeltal för det här målet." in goal_17["explanation"]
    assessed = [s for s in suggestions if s["status"] != "ej bedömd"]
    assert assessed, "no goal of 0764 could be assessed"
    for s in assessed:
        assert s["kpis_used"] >= min(2, s["kpis_total"]) and s["coverage"] >= 0.5


def test_assess_every_unit_stores_312_times_17(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "assess", "--format", "json", "--goal", "13")
    assert code == 0, err
    suggestions = json.loads(out)
    assert len(suggestions) == 312 and {s["goal"] for s in suggestions} == {13}
    assert stored(GoalSuggestionRow, "default") == 312 * 17
    assert stored(KpiResultRow, "default") > 0
    # Run again: the results are replaced, not added to.
    assert run(capsys, "assess", "--format", "json")[0] == 0
    assert stored(GoalSuggestionRow, "default") == 312 * 17


def test_assess_table_explains_in_english(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "assess", "--unit", "0180", "--goal", "13", "--lang", "en")
    assert code == 0
    assert "Suggested statuses" in out and "Goal 13 (Climate Action), Stockholm" in out
    assert "Bands: good ≥ +0.5; neutral ≥ 0; challenge ≥ −0.5" in out
    assert "ej bedömd" not in out and "utmaning" not in out  # statuses shown in English


def test_opensdg_method(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "assess", "--unit", "0764", "--method", "opensdg", "-f", "json")
    assert code == 0, err
    suggestions = json.loads(out)
    assert {s["method"] for s in suggestions} == {"opensdg"}
    assert {s["status"] for s in suggestions} <= STATUSES
    assert stored(GoalSuggestionRow, "opensdg") == 17


def test_an_earlier_reference_year(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", "--unit", "0764", "--year", "2015", "-f", "json")
    assert code == 0
    assert {s["reference_year"] for s in json.loads(out)} == {2015}


def test_a_decision_differing_from_the_computed_suggestion_needs_a_justification(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suggestions = json.loads(run(capsys, "assess", "--unit", "1290", "-f", "json")[1])
    goal = next(s for s in suggestions if s["status"] != "ej bedömd")
    other = "god" if goal["status"] != "god" else "utmaning"
    base = ["assessment", "set", "1290", str(goal["goal"]), "--text", "Så ligger vi till.",
            "--assessor", "Kommunen", "--cutoff", "2026-11-01", "--by", "test"]  # fmt: skip
    code, _out, err = run(capsys, *base, "--status", other)
    assert code == 2 and "--justification" in err and err.count("\n") == 1
    assert run(capsys, *base, "--status", goal["status"])[0] == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["assess", "--unit", "9999"], "no unit has the id 9999"),
        (["assess", "--unit", "Alvesta"], "'Alvesta' is not a unit id"),
        (["assess", "--goal", "18"], "there is no goal 18"),
        (["assess", "--year", "20x4"], "'20x4' is not a year"),
        # Outside the stored values every goal would be "not assessed", replacing the stored
        # suggestions: refused, and (the transaction rolled back) nothing is replaced.
        (["assess", "--year", "1700"], "1700 is outside them"),
        (["assess", "--year", "2200"], "2200 is outside them"),
        (["assess", "--method", "magic"], "magic"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_assess_on_a_store_without_key_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    code, out, err = run(capsys, "assess")
    assert code == 2 and out == ""
    assert "run `glokal sync kolada` first" in err and err.count("\n") == 1


def test_opensdg_with_target_values(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = tmp_path / "mål.csv"
    targets.write_text("kpi,target,target_year\nN00401,0.5,2045\n", encoding="utf-8")
    code, out, err = run(
        capsys, "assess", "--unit", "0180", "--goal", "13", "--method", "opensdg",
        "--targets", str(targets), "-f", "json",
    )  # fmt: skip
    assert code == 0, err
    (suggestion,) = json.loads(out)
    assert "N00401" in suggestion["explanation"]
    assert "kvot mot nödvändig tillväxt" in suggestion["explanation"]


@pytest.mark.parametrize(
    ("content", "extra", "expected"),
    [
        (b"kpi,target,target_year\nN00401,x,2030\n", ["--method", "opensdg"], "row 2, target"),
        (b"kpi,target\xff\n", ["--method", "opensdg"], "not UTF-8"),
        (b"kpi,target,target_year\n", [], "--method opensdg only"),
    ],
)
def test_bad_target_files(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    extra: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    targets = tmp_path / "targets.csv"
    targets.write_bytes(content)
    code, out, err = run(capsys, "assess", "--targets", str(targets), *extra)
    assert code == 2 and out == "" and expected in err and err.count("\n") == 1
    code, _out, err = run(capsys, "assess", "--method", "opensdg", "--targets", "/nonexistent")
    assert code == 2 and "cannot read the file" in err


def test_if_missing_assesses_once_as_make_run_does(
    synced_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlite3

    # SQLite's backup, not a file copy: the other tests' writes may still be in the WAL file.
    with (
        sqlite3.connect(synced_dir / "glokal.sqlite3") as source,
        sqlite3.connect(tmp_path / "glokal.sqlite3") as copy,
    ):
        source.backup(copy)
        copy.execute("DELETE FROM goal_suggestion")  # as before any `glokal assess` ran
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    code, out, err = run(capsys, "assess", "--if-missing", "--lang", "en")
    assert (code, out) == (0, "") and "5304 goal statuses suggested (default)" in err
    assert stored(GoalSuggestionRow, "default") == 312 * 17
    assert run(capsys, "assess", "--if-missing") == (0, "", "")  # already there: nothing to do
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path / "empty"))
    assert run(capsys, "assess", "--if-missing") == (0, "", "")  # no key figures: nothing


def test_assess_table_scores_in_the_readers_decimal_sign(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "assess", "--unit", "0180")
    assert code == 0 and re.search(r"[+−±]\d,\d", out) and not re.search(r"[+−-]\d\.\d\d", out)
    code, out, _ = run(capsys, "assess", "--unit", "0180", "--lang", "en")
    assert code == 0 and re.search(r"[+−±]\d\.\d", out)
