"""cli/__init__.py's main: a GlokalError is one line on stderr in the interface language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer

from tests.cli.conftest import Run
from tests.conftest import clean_environ


def test_an_error_is_swedish_by_default(run: Run) -> None:
    code, out, err = run("indicators", "--goal", "abc")
    assert code == 2 and out == ""
    assert err == "glokal: fel: --goal: 'abc' är inte ett målnummer; målen är numrerade 1–17\n"


def test_an_error_is_english_with_lang_en(run: Run) -> None:
    code, _, err = run("places", "--type", "X", "--lang", "en")
    assert code == 2
    assert err.startswith("glokal: error: --type: 'X' is not a unit type")


def test_an_error_is_english_with_glokal_language_en(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")
    code, _, err = run("activities", "show", "999")
    assert code == 2
    assert err == "glokal: error: activity: there is no activity 999\n"
    code, _, err = run("activities", "show", "999", "--lang", "sv")  # --lang wins
    assert err == "glokal: fel: activity: det finns ingen aktivitet 999\n"


def test_a_wrong_setting_is_said_in_glokal_language(tmp_path: Path) -> None:
    """Through the real entry point: one line, no traceback, exit code 2."""
    env = {**clean_environ(), "GLOKAL_DATA_DIR": str(tmp_path), "GLOKAL_LANGUAGE": "en",
           "GLOKAL_DATABASE_URL": "mysql://somewhere/db"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "glokal", "goals"], capture_output=True,
                          text=True, env=env, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (
        "glokal: error: GLOKAL_DATABASE_URL: unsupported database 'mysql'; use one of: "
        "sqlite, postgresql\n"
    )
    env["GLOKAL_LANGUAGE"] = "sv"
    swedish = subprocess.run([sys.executable, "-m", "glokal", "goals"], capture_output=True,
                             text=True, env=env, timeout=60)  # fmt: skip
    assert swedish.returncode == 2
    assert swedish.stderr.startswith(
        "glokal: fel: GLOKAL_DATABASE_URL: databasen 'mysql' stöds inte"
    )


def test_every_command_takes_lang() -> None:
    """Each command says its messages (and errors) in --lang; `serve` has the web's own."""
    import glokal.cli

    def commands(group: object, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], object]]:
        found: list[tuple[tuple[str, ...], object]] = []
        for name, command in getattr(group, "commands", {}).items():
            if hasattr(command, "commands"):
                found += commands(command, (*path, name))
            else:
                found.append(((*path, name), command))
        return found

    without = [
        " ".join(path)
        for path, command in commands(typer.main.get_command(glokal.cli.app), ())
        if not any("--lang" in getattr(p, "opts", ()) for p in getattr(command, "params", ()))
    ]
    assert without == ["serve"]


def test_a_command_that_writes_says_its_error_in_lang(run: Run) -> None:
    args = ("agenda", "goal", "1781", "SE.4", "--title", "")
    assert run(*args)[2] == "glokal: fel: --title: får inte vara tomt\n"
    assert run(*args, "--lang", "en")[2] == "glokal: error: --title: must not be empty\n"


def test_the_cli_s_own_errors_are_swedish_by_default(run: Run) -> None:
    assert run("values", "--unit", "9999")[2] == "glokal: fel: --unit: ingen enhet har id 9999\n"
    assert run("values", "--unit", "9999", "--lang", "en")[2] == (
        "glokal: error: --unit: no unit has the id 9999\n"
    )


@pytest.mark.parametrize(
    ("args", "swedish", "english"),
    [
        (["nosuchcommand"], "Kommandot 'nosuchcommand' finns inte.",
         "No such command 'nosuchcommand'."),
        (["goal"], "Kommandot 'goal' finns inte. Menade du 'goals'?",
         "No such command 'goal'. Did you mean 'goals'?"),
        (["goals", "--format", "xml"],
         "Ogiltigt värde för '--format' / '-f': 'xml' är inte något av 'table', 'json'.",
         "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json'."),
        (["places", "--nope"], "Alternativet --nope finns inte (möjliga alternativ: --type)",
         "No such option: --nope (Possible options: --type)"),
        (["sync", "kolada", "--base-url"], "Alternativet '--base-url' kräver ett värde.",
         "Option '--base-url' requires an argument."),
        (["user", "add"], "Argumentet 'email' saknas.", "Missing argument 'email'."),
        (["user", "add", "a@b.se"], "Alternativet '--role' saknas.", "Missing option '--role'."),
    ],
)  # fmt: skip
def test_usage_errors_are_said_in_the_interface_language(
    run: Run, args: list[str], swedish: str, english: str
) -> None:
    """Click's own messages, by their shape; --lang counts even when met after the mistake."""
    code, out, err = run(*args)
    assert (code, out, err) == (2, "", f"glokal: fel: {swedish}\n")
    if args[-1] == "--base-url":  # --lang after it would be taken as its value
        args = [*args[:-1], "--lang", "en", args[-1]]
    else:
        args = [*args, "--lang", "en"]
    assert run(*args)[2] == f"glokal: error: {english}\n"
