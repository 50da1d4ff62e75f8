"""`glokal backup` and `glokal restore` as an administrator runs them: messages, exit codes, no
traceback for bad input, and a database refused unless --replace."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from glokal.cli import main
from glokal.store import Store
from glokal.store.backup import tables as backup_tables
from tests.conftest import clean_environ
from tests.store.sample import dump, fill


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    store = fill(Store(make_url(url)))
    store.close()
    monkeypatch.setenv("GLOKAL_DATABASE_URL", url)
    return store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_then_restore_elsewhere(
    source: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "glokal-2026-12-01.backup"
    code, out, err = run(capsys, "backup", str(file))
    assert code == 0, err
    tables, revision = len(backup_tables()), source.head_revision()
    assert f"{file}: " in out and f"rader i {tables} tabeller, schemarevision {revision}" in out
    assert re.search(r": \d{1,3}(\u00a0\d{3})* rader i", out)  # Swedish digit grouping, no comma
    target_url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    monkeypatch.setenv("GLOKAL_DATABASE_URL", target_url)
    code, out, err = run(capsys, "restore", str(file))
    assert code == 0, err
    assert "återställde" in out
    target = Store(make_url(target_url))
    try:
        assert dump(target) == dump(source)
    finally:
        target.close()

    # Now the target holds data: a second restore asks for --replace, and gets it.
    code, out, err = run(capsys, "restore", str(file))
    assert code == 2 and "--replace" in err and "activity (1)" in err
    code, out, err = run(capsys, "restore", "--replace", str(file))
    assert code == 0, err


def test_restore_after_init_needs_no_replace(
    source: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "a.backup"
    assert run(capsys, "backup", str(file))[0] == 0
    monkeypatch.setenv("GLOKAL_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert run(capsys, "init")[0] == 0  # reference data and the ready-made programmes
    code, _, err = run(capsys, "restore", str(file))
    assert code == 0, err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"kpi,value\n", "not a Glokal backup"),
        (b"SQLite format 3\x00" + b"\x01" * 3000, "damaged"),
    ],
)
def test_bad_files_get_a_message_and_exit_2(
    source: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    file = tmp_path / "x.backup"
    if content is not None:
        file.write_bytes(content)
    before = dump(source)
    code, out, err = run(capsys, "restore", "--replace", str(file))
    assert code == 2 and out == ""
    assert err.startswith(f"glokal: error: {file}: ") and message in err
    assert "Traceback" not in err
    assert dump(source) == before


def test_backup_into_a_missing_directory_is_a_message(
    source: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    file = tmp_path / "no" / "such" / "dir" / "a.backup"
    code, _, err = run(capsys, "backup", str(file))
    assert code == 2 and "cannot write the backup" in err and str(file) in err
    assert not file.parent.exists()


def test_the_console_script_shows_no_traceback(source: Store, tmp_path: Path) -> None:
    env = {**clean_environ(), "GLOKAL_DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}",
           "GLOKAL_LANGUAGE": "en"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "glokal", "restore", str(tmp_path / "missing.backup")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "no such file" in done.stderr and "Traceback" not in done.stderr
