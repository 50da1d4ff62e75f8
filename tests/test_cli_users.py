"""`glokal user add`, `glokal user list` and `glokal token add` as a user runs them."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from glokal.cli import main
from glokal.store import Store
from glokal.store.models import ApiTokenRow, AuditRow, UserRow
from glokal.store.users import digest
from tests.conftest import clean_environ


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    return tmp_path


def _store(data_dir: Path) -> Store:
    return Store(make_url(f"sqlite:///{data_dir / 'glokal.sqlite3'}"))


def test_user_add_reads_the_password_from_stdin(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ett långt lösenord\n"))
    code = main(["user", "add", "Anna@Kommun.se", "--role", "editor", "--unit", "0180",
                 "--unit", "1781", "--password-stdin"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "anna@kommun.se: editor (0180, 1781)" in out and "lösenord" not in out + err
    store = _store(data_dir)
    with store.session() as s:
        assert s.scalars(select(UserRow.password_hash)).one().startswith("$argon2")
        audit = s.scalars(select(AuditRow)).one()
        assert audit.action == "create" and audit.after == {
            "email": "anna@kommun.se", "role": "editor", "units": ["0180", "1781"]
        }  # fmt: skip
    store.close()
    assert main(["user", "list"]) == 0
    assert "anna@kommun.se: editor (0180, 1781)" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_user_add_prompts_twice_without_echo(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    monkeypatch.setattr("sys.stdin", _Terminal())
    answers = iter(["ett långt lösenord", "ett annat lösenord"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["user", "add", "a@b.se", "--role", "admin"]) == 2
    assert "the two passwords differ" in capsys.readouterr().err
    answers = iter(["ett långt lösenord"] * 2)
    assert main(["user", "add", "a@b.se", "--role", "admin"]) == 0


def test_user_add_without_a_terminal_says_how_to_give_the_password(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal

    def typed(prompt: str = "") -> str:
        raise AssertionError("getpass was asked without a terminal")

    monkeypatch.setattr("getpass.getpass", typed)
    assert main(["user", "add", "granskare@example.se", "--role", "reviewer"]) == 2
    assert capsys.readouterr() == (
        "",
        "glokal: error: a password is needed: type it in a terminal, or pass --password-stdin "
        "and give it on standard input\n",
    )
    assert not (data_dir / "glokal.sqlite3").exists()  # no store made, so no user either
    # At a terminal, Ctrl-D at the prompt names the password, not an option never given.
    monkeypatch.setattr("sys.stdin", _Terminal())

    def ended(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", ended)
    assert main(["user", "add", "granskare@example.se", "--role", "reviewer"]) == 2
    assert capsys.readouterr().err == "glokal: error: password: no password given\n"


def test_user_add_from_a_script_in_a_real_process(data_dir: Path) -> None:
    # A new session has no controlling terminal, as under cron or CI; stdin is /dev/null.
    result = subprocess.run(
        [sys.executable, "-m", "glokal", "user", "add", "granskare@example.se",
         "--role", "reviewer"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=clean_environ()
        | {"GLOKAL_DATA_DIR": str(data_dir), "GLOKAL_LANGUAGE": "en"}, start_new_session=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "glokal: error: a password is needed: type it in a terminal, or pass --password-stdin "
        "and give it on standard input\n"
    )
    assert not (data_dir / "glokal.sqlite3").exists()  # no user, nor a store to hold one


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "editor"], "an editor needs at least one --unit"),
        (["--role", "chef"], "is not a role"),
        (["--role", "editor", "--unit", "01"], "--unit"),
    ],
)
def test_user_add_refuses_bad_input(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str], message: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    monkeypatch.setattr("sys.stdin", io.StringIO("ett långt lösenord\n"))
    assert main(["user", "add", "a@b.se", *args, "--password-stdin"]) == 2
    assert message in capsys.readouterr().err


def test_token_add_prints_the_token_once_and_stores_its_hash(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ett långt lösenord\n"))
    assert main(["user", "add", "a@b.se", "--role", "admin", "--password-stdin"]) == 0
    capsys.readouterr()
    assert main(["token", "add", "a@b.se", "--name", "importskript"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert len(token) >= 40 and "den visas bara nu" in err  # Swedish, the default
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    store = _store(data_dir)
    with store.session() as s:
        row = s.scalars(select(ApiTokenRow)).one()
        assert row.token_hash == digest(token) and row.name == "importskript"
    store.close()
    assert main(["token", "add", "nobody@b.se", "--name", "x"]) == 2
    assert "there is no user" in capsys.readouterr().err
