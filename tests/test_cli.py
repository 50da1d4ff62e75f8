"""The `glokal` command as a user runs it: output, languages, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from glokal import __version__
from glokal.cli import main
from tests.conftest import clean_environ


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory with the default SQLite database in it."""
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GLOKAL_DATABASE_URL", raising=False)
    monkeypatch.delenv("GLOKAL_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version")[:2] == (0, f"glokal {__version__}\n")


def test_init_twice_reports_nothing_new(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0 and "312" in out
    assert (data_dir / "glokal.sqlite3").exists()
    code, out, _ = run(capsys, "init")
    assert code == 0 and "Oförändrade" in out
    assert " 312 " in out.replace("│", " ")


def test_goals_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    goals = run_json(capsys, "goals")
    assert len(goals) == 17
    assert {"number", "short_sv", "title_sv", "title_en", "colour"} <= set(goals[0])
    assert goals[0]["short_sv"] == "Ingen fattigdom" and goals[0]["colour"] == "#E5243B"


def test_targets_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    targets = run_json(capsys, "targets")
    assert len(targets) == 169
    assert {"id", "goal", "text_sv", "text_en", "short_sv"} <= set(targets[0])
    only_5 = run_json(capsys, "targets", "--goal", "5")
    assert len(only_5) == 9 and {t["goal"] for t in only_5} == {5}


def test_indicators_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    indicators = run_json(capsys, "indicators")
    assert len([i for i in indicators if i["same_as"] is None]) >= 231
    assert {"id", "target", "text_en"} <= set(indicators[0])
    goal_13 = run_json(capsys, "indicators", "--goal", "13")
    assert {i["id"] for i in goal_13} >= {"13.1.1", "13.2.1"}


def test_places_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    places = run_json(capsys, "places")
    assert len(places) == 312
    assert {"id", "name", "type", "county", "kommungrupp"} <= set(places[0])
    kommuner = [p for p in places if p["type"] == "K"]
    assert len(kommuner) == 290 and all(p["kommungrupp"] for p in kommuner)
    assert all(p["kommungrupp"] is None for p in places if p["type"] == "L")
    stockholm = next(p for p in places if p["id"] == "0180")
    assert stockholm["kommungrupp"] == "A1" and stockholm["kommungrupp_name_sv"] == "Storstäder"
    assert len(run_json(capsys, "places", "--type", "L")) == 22


def test_tables_speak_swedish_by_default_and_english_on_request(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "goals")
    assert code == 0 and "Globala mål" in out and "Ingen fattigdom" in out
    code, out, _ = run(capsys, "goals", "--lang", "en")
    assert code == 0 and "Global goals" in out and "No Poverty" in out
    code, out, _ = run(capsys, "places", "--type", "K", "--lang", "en")
    assert "Large cities" in out and "Stockholm" in out
    code, out, _ = run(capsys, "mdgs")
    assert code == 0 and "Millenniemålen" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["targets", "--goal", "18", "--lang", "en"], "there is no goal 18"),
        (["targets", "--goal", "0", "--lang", "en"], "there is no goal 0"),
        (["indicators", "--goal", "abc", "--lang", "en"], "'abc' is not a goal number"),
        (["places", "--type", "X", "--lang", "en"], "'X' is not a unit type"),
        (["goals", "--format", "xml"], "xml"),
        (["goals", "--lang", "de"], "de"),
        (["nosuchcommand"], "nosuchcommand"),
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
    assert code == 2
    assert out == ""
    assert err.startswith("glokal: error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (data_dir / "glokal.sqlite3").exists()  # nothing written


def test_unreachable_database_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GLOKAL_DATABASE_URL", "postgresql+psycopg://glokal:pw@127.0.0.1:1/none")
    code, out, err = run(capsys, "goals", "--lang", "en")
    assert code == 2 and out == ""
    assert err.startswith("glokal: error: GLOKAL_DATABASE_URL: cannot use the database")
    assert err.count("\n") == 1 and "pw" not in err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/x", "unsupported database 'mysql'"),
        ("not a url", "not a database URL"),
    ],
)
def test_bad_database_url_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, expected: str
) -> None:
    monkeypatch.setenv("GLOKAL_DATABASE_URL", url)
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # `init` has no --lang
    code, _, err = run(capsys, "init")
    assert code == 2
    assert err.startswith("glokal: error: GLOKAL_DATABASE_URL: ") and expected in err
    assert err.count("\n") == 1


def test_outdated_schema_asks_for_an_upgrade(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine, text

    assert run(capsys, "init")[0] == 0
    engine = create_engine(f"sqlite:///{data_dir / 'glokal.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    engine.dispose()
    code, _, err = run(capsys, "goals")
    assert code == 2 and "glokal db upgrade" in err


def test_db_upgrade_and_current(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.engine import make_url

    from glokal.store import Store

    head = Store(make_url("sqlite://")).head_revision()
    code, out, _ = run(capsys, "db", "upgrade", "--lang", "en")
    assert code == 0 and f"(empty) → {head}" in out
    code, out, _ = run(capsys, "db", "current", "--lang", "en")
    assert code == 0 and f"{head} (head {head})" in out
    # Migrations alone load no reference data: listings ask for `glokal init`, not show [].
    monkeypatch.setenv("GLOKAL_DATABASE_URL", f"sqlite:///{data_dir / 'glokal.sqlite3'}")
    code, out, err = run(capsys, "goals", "--format", "json", "--lang", "en")
    assert code == 2 and out == "" and "run `glokal init`" in err
    code, _, err = run(capsys, "db", "upgrade", "--revision", "nonsense")
    assert code == 2 and err.startswith("glokal: fel: --revision: ")


def test_console_script_in_a_real_process(data_dir: Path) -> None:
    env = {**clean_environ(), "GLOKAL_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "glokal", "targets", "--goal", "99", "--lang", "en"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "glokal: error: --goal: there is no goal 99; goals are numbered 1–17"
    )
    done = subprocess.run(
        [sys.executable, "-m", "glokal", "goals", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 17


@pytest.mark.parametrize("goal", ["²", "١", "５", "1" * 500, "-3", "1.5"])
def test_odd_goal_values_are_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str], goal: str
) -> None:
    code, out, err = run(capsys, "targets", "--goal", goal)
    assert code == 2 and out == "" and "goal" in err and err.count("\n") == 1


def _not_a_directory(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "file").write_text("x")
    return {"GLOKAL_DATA_DIR": str(tmp_path / "file")}


def _not_a_database(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "text.db").write_text("this is not SQLite " * 100)
    return {"GLOKAL_DATABASE_URL": f"sqlite:///{tmp_path / 'text.db'}"}


@pytest.mark.parametrize(
    ("make_env", "expected"),
    [
        (_not_a_directory, "GLOKAL_DATA_DIR: cannot use the database"),
        (_not_a_database, "GLOKAL_DATABASE_URL: "),
        (lambda p: {"GLOKAL_DATABASE_URL": "sqlite+aiosqlite:////tmp/x.db"}, "unsupported driver"),
        (lambda p: {"GLOKAL_DATABASE_URL": "postgresql://h:abc/db"}, "not a database URL"),
        (lambda p: {"GLOKAL_LANGUAGE": "de"}, "GLOKAL_LANGUAGE"),
        (
            lambda p: {"GLOKAL_DATABASE_URL": f"sqlite:///{p / 'no' / 'such' / 'dir.db'}"},
            "does not exist yet; run `glokal init`",
        ),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    make_env: object, expected: str,
) -> None:  # fmt: skip
    for key, value in make_env(tmp_path).items():  # type: ignore[operator]
        monkeypatch.setenv(key, value)
    code, out, err = run(capsys, "goals", "--lang", "en")
    assert code == 2 and out == ""
    assert err.startswith("glokal: error: ") and expected in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "no").exists()  # a read creates no directories


def test_a_read_of_a_database_not_yet_made_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GLOKAL_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    code, _, err = run(capsys, "goals", "--lang", "en")
    assert code == 2 and "does not exist yet; run `glokal init`" in err
    assert not (tmp_path / "fresh.sqlite3").exists()


def test_a_configured_empty_database_is_not_written_by_a_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GLOKAL_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    (tmp_path / "empty.db").touch()
    code, _, err = run(capsys, "goals", "--lang", "en")
    assert code == 2 and "run `glokal init`" in err
    assert (tmp_path / "empty.db").stat().st_size == 0


@pytest.mark.parametrize(("args", "expected"), [
    (["serve", "--port", "99999"], "65535"),
    (["serve", "--host", "nosuch.invalid"], "cannot listen on nosuch.invalid"),
])  # fmt: skip
def test_serve_refuses_an_address_it_cannot_use(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, _, err = run(capsys, *args)
    assert code == 2 and expected in err and err.count("\n") == 1


def test_serve_refuses_a_port_in_use(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "serve", "--port", str(port))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err


def test_no_arguments_prints_help_without_an_error_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _code, out, err = run(capsys)
    assert "Usage" in out + err and "glokal: fel" not in err and "glokal: error" not in err


def test_coroutines_run_beside_a_running_event_loop() -> None:
    """A sync from a notebook, or beside Playwright's loop: no 'asyncio.run() cannot be called'."""
    import asyncio

    from glokal.cli.base import run_coroutine

    async def inside_a_loop() -> int:
        return run_coroutine(asyncio.sleep(0, result=7))

    assert run_coroutine(asyncio.sleep(0, result=6)) == 6
    assert asyncio.run(inside_a_loop()) == 7
