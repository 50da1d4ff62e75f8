"""`glokal agenda` as a user runs it: local goals checked like the import template, no loop of
parents by any path, changes that keep what is not given, and Swedish numbers in `agenda show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Run

UNIT = "1781"


def _goals(run: Run) -> list[dict[str, Any]]:
    code, out, err = run("agenda", "show", UNIT, "--format", "json")
    assert code == 0, err
    goals: list[dict[str, Any]] = json.loads(out)["local_goals"]
    return goals


@pytest.fixture
def two_goals(run: Run) -> Run:
    assert run("agenda", "goal", UNIT, "SE.1", "--title", "A", "--targets", "5.5")[0] == 0
    assert run("agenda", "goal", UNIT, "SE.1.8", "--parent", "SE.1", "--title", "B")[0] == 0
    return run


def test_a_parent_that_would_make_a_loop_is_refused(
    two_goals: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    run = two_goals
    before = _goals(run)
    code, out, err = run("agenda", "goal", UNIT, "SE.1", "--parent", "SE.1.8", "--title", "A")
    assert (code, out) == (2, "")
    assert err == (
        "glokal: error: --parent: local goal 'SE.1' cannot have the parent 'SE.1.8': 'SE.1.8' "
        "is under 'SE.1', so the parents would form a loop (SE.1 → SE.1.8 → SE.1)\n"
    )
    code, _, err = run("agenda", "goal", UNIT, "SE.1.8", "--parent", "SE.1.8")
    assert code == 2 and "--parent: 'SE.1.8' cannot be its own parent" in err
    assert "Traceback" not in err
    assert _goals(run) == before
    code, out, _ = run("agenda", "show", UNIT)
    assert code == 0 and "SE.1.8" in out


def test_an_import_row_pointing_at_a_stored_child_is_refused(
    two_goals: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    run = two_goals
    before = _goals(run)
    source = tmp_path / "mal.csv"
    source.write_text("unit,code,title,parent\n1781,SE.2,Ny,\n1781,SE.1,A,SE.1.8\n", "utf-8")
    for check in ((), ("--check",)):
        code, out, err = run("agenda", "import", str(source), *check)
        assert code == 2 and out == ""
        assert "1 problem in the local goals; nothing was imported" in err
        assert "row 3, parent: local goal 'SE.1' cannot have the parent 'SE.1.8'" in err
    assert _goals(run) == before
    code, out, err = run("agenda", "export", "--unit", UNIT)
    assert code == 0 and "SE.1.8" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SE.4", "--title", ""], "--title: must not be empty"),
        (["SE.4", "--title", "  "], "--title: must not be empty"),
        (["SE.4"], "--title: must not be empty"),  # a new goal needs a title
        (["SE;4", "--title", "x"], "CODE: 'SE;4' is not a code: 1–32 characters, no ';'"),
        (["SE.4", "--title", "x", "--parent", "NOPE"], "--parent: 1781 has no local goal 'NOPE'"),
        (["SE.4", "--title", "x", "--targets", "5.99"], "--targets: there is no target '5.99'"),
        (["SE.1", "--title", ""], "--title: must not be empty"),  # nor may a change empty it
    ],
)
def test_a_goal_is_checked_like_a_row_of_the_template(
    two_goals: Run,
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    before = _goals(two_goals)
    code, out, err = two_goals("agenda", "goal", UNIT, *args)
    assert (code, out) == (2, "") and message in err and "Traceback" not in err
    assert _goals(two_goals) == before


def test_changing_a_goal_keeps_what_is_not_given(two_goals: Run) -> None:
    run = two_goals
    assert run("agenda", "goal", UNIT, "SE.1.8", "--description", "Mer om B")[0] == 0
    assert run("agenda", "goal", UNIT, "SE.1", "--title", "A2")[0] == 0
    assert _goals(run) == [
        {"code": "SE.1", "title": "A2", "description": "", "parent": None, "targets": ["5.5"]},
        {"code": "SE.1.8", "title": "B", "description": "Mer om B", "parent": "SE.1",
         "targets": []},
    ]  # fmt: skip
    # '' clears what an option holds.
    assert run("agenda", "goal", UNIT, "SE.1.8", "--parent", "", "--description", "")[0] == 0
    assert run("agenda", "goal", UNIT, "SE.1", "--targets", "")[0] == 0
    assert [(g["code"], g["parent"], g["targets"], g["description"]) for g in _goals(run)] == [
        ("SE.1", None, [], ""), ("SE.1.8", None, [], ""),
    ]  # fmt: skip


def test_show_prints_numbers_in_the_language_asked(two_goals: Run) -> None:
    run = two_goals
    assert run("agenda", "indicator", UNIT, "I.1", "--title", "Andel", "--goal", "SE.1",
               "--values", "2022:88;2023:90,5", "--target-value", "95.5",
               "--target-year", "2030")[0] == 0  # fmt: skip
    code, out, _ = run("agenda", "show", UNIT)
    assert code == 0 and "90,5 (2023)" in out and "95,5 (2030)" in out
    assert "Målvärde" in out and "90.5" not in out
    code, out, _ = run("agenda", "show", UNIT, "--lang", "en")
    assert code == 0 and "90.5 (2023)" in out and "95.5 (2030)" in out and "Target value" in out


def test_an_indicator_code_is_checked_like_a_goal_code(
    two_goals: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    for bad in ("  ", "GM\t3", "GM;3"):
        code, _out, err = two_goals("agenda", "indicator", "0680", bad, "--title", "T")
        assert code != 0 and "CODE" in err and "is not a code" in err, bad
    code, out, err = two_goals("agenda", "indicator", "0680", " GM.3.11 ", "--title", "T")
    assert code == 0 and "GM.3.11" in out, err


def test_an_import_of_what_is_stored_changes_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "mal.csv"
    path.write_text(
        "unit,code,title,parent,targets\n1781,SE.1,A,,5.5\n1781,SE.1.8,B,SE.1,\n",
        encoding="utf-8",
    )
    code, out, err = run("agenda", "import", str(path))
    assert code == 0 and "2 nya, 0 ändrade" in out + err, out + err
    code, out, err = run("agenda", "import", str(path))
    assert code == 0 and "0 nya, 0 ändrade" in out + err, out + err
    path.write_text(
        "unit,code,title,parent,targets\n1781,SE.1,A,,5.5;5.1\n1781,SE.1.8,B,SE.1,\n",
        encoding="utf-8",
    )
    code, out, err = run("agenda", "import", str(path))
    assert code == 0 and "0 nya, 1 ändrade" in out + err, out + err
