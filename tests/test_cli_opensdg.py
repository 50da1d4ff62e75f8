"""`glokal export opensdg` and `glokal import opensdg` as a user runs them, on SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.engine import make_url

from glokal.cli import main
from glokal.store import Store
from glokal.store.agenda import local_agenda
from tests.publish.opensdg_data import UNIT, fill


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _use(monkeypatch: pytest.MonkeyPatch, database: Path) -> None:
    monkeypatch.setenv("GLOKAL_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setattr("glokal.cli.opensdg.stdout", Console(highlight=False, width=250))


def test_export_then_import_into_another_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Store(make_url(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    source.init()
    fill(source)
    source.close()
    _use(monkeypatch, tmp_path / "a.sqlite3")
    out = tmp_path / "site"
    code, text, err = run(capsys, "export", "opensdg", str(out), "--unit", UNIT)
    assert code == 0, err
    assert "3 lokala indikatorer, 2 Kolada-indikatorer" in text and "Källa: Kolada" in text
    assert (out / "data" / "indicator_5-kolada-n00401.csv").read_text().startswith("Year,")

    target = Store(make_url(f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    target.init()
    target.close()
    _use(monkeypatch, tmp_path / "b.sqlite3")
    code, text, err = run(capsys, "import", "opensdg", str(out), "--check")
    assert code == 0 and "kontrollerat, inget sparat" in text, err
    code, text, err = run(capsys, "import", "opensdg", str(out))
    assert code == 0 and "3 lokala indikatorer (3 nya, 0 uppdaterade)" in text, err
    code, text, err = run(capsys, "import", "opensdg", str(out))
    assert code == 0 and "(0 nya, 3 uppdaterade)" in text, err
    store = Store(make_url(f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    with store.session() as session:
        assert [i.code for i in local_agenda(session, UNIT).indicators] == [
            "GM.3.11", "K.1", "Mål 3",
        ]  # fmt: skip
    store.close()


def test_a_bad_file_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(make_url(f"sqlite:///{tmp_path / 'c.sqlite3'}"))
    store.init()
    store.close()
    _use(monkeypatch, tmp_path / "c.sqlite3")
    (tmp_path / "in" / "data").mkdir(parents=True)
    (tmp_path / "in" / "meta").mkdir()
    (tmp_path / "in" / "meta" / "1-1-1.yml").write_text("indicator_name: X\n", encoding="utf-8")
    (tmp_path / "in" / "data" / "indicator_1-1-1.csv").write_text(
        "Year,Value\n2020,tio\n", encoding="utf-8"
    )
    code, _, err = run(
        capsys, "import", "opensdg", str(tmp_path / "in"), "--unit", "0680", "--lang", "en"
    )
    assert code == 2
    assert "data/indicator_1-1-1.csv, row 2, Value: 'tio' is not a number" in err
    assert "nothing was imported" in err
    code, _, err = run(
        capsys, "export", "opensdg", str(tmp_path / "out"), "--unit", "9999", "--lang", "en"
    )
    assert code == 2 and "--unit: there is no unit '9999'" in err
