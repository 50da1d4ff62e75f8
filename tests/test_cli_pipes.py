"""Output read only in part (`glokal values | head -1`): a quiet exit, not a database error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from glokal.store import Store
from tests.conftest import clean_environ
from tests.store.sample import fill


def test_a_reader_that_stops_early_gets_a_quiet_exit(tmp_path: Path) -> None:
    database = tmp_path / "glokal.sqlite3"
    store = Store(make_url(f"sqlite:///{database}"))
    fill(store)
    store.close()
    environ = clean_environ() | {"GLOKAL_DATABASE_URL": f"sqlite:///{database}"}
    for command in (["values"], ["export", "values"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "glokal", *command],
            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()  # then stop reading, as `head -1` does
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0, err
        assert first and err == ""
