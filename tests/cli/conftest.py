"""The `glokal` command as a user runs it: a scratch data directory with a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from glokal.cli import main

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOGNAME", "strateg")
    # A wide console whatever the terminal (the module's console is made at import).
    for module in ("activities", "agenda"):
        monkeypatch.setattr(f"glokal.cli.{module}.stdout", Console(highlight=False, width=250))
    return tmp_path


@pytest.fixture
def run(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """`glokal ARGS…` → (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("init")[0] == 0
    return run
