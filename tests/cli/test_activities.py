"""`glokal activities confirm` and the suggestions as shown: a confirmed goal is served (primary)
unless confirmed as secondary, and scores are shown best first in the language asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Run


@pytest.fixture
def suggested(run: Run, tmp_path: Path) -> Run:
    """Activity 1 with the classifier's suggestions 7 (0.59), 13 (0.65) and 5.5 (0.7)."""
    source = tmp_path / "aktiviteter.csv"
    source.write_text(
        "unit,kind,title,suggested_goals,suggested_targets\n"
        "1781,project,Solceller på skolor,7:0.59;13:0.65;5:0.4,5.5:0.7;13.2:0.6\n",
        encoding="utf-8",
    )
    code, _, err = run("activities", "import", str(source))
    assert code == 0, err
    return run


def _activity(run: Run) -> dict[str, Any]:
    code, out, err = run("activities", "show", "1", "--format", "json")
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


def test_suggestions_are_shown_best_first_with_the_languages_decimal_sign(suggested: Run) -> None:
    code, out, _ = suggested("activities", "show", "1")
    assert code == 0 and "13 (0,65), 7 (0,59), 5 (0,4)" in out
    code, out, _ = suggested("activities", "show", "1", "--lang", "en")
    assert code == 0 and "13 (0.65), 7 (0.59), 5 (0.4)" in out


def test_confirmed_goals_are_primary_unless_confirmed_as_secondary(suggested: Run) -> None:
    code, out, err = suggested("activities", "confirm", "1", "--goals", "7",
                               "--secondary-goals", "13", "--targets", "5.5",
                               "--secondary-targets", "13.2")  # fmt: skip
    assert code == 0, err
    assert "7, 13 (sekundärt)" in out and "5 (0,4)" in out
    activity = _activity(suggested)
    assert (activity["goals"], activity["primary_goals"]) == ([7, 13], [7])
    assert sorted(activity["targets"]) == ["13.2", "5.5"]
    assert activity["suggested_goals"] == [{"goal": 5, "score": 0.4}]
    code, out, err = suggested("activities", "export")  # the Swedish template
    assert code == 0, err
    header, row = out.splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["mål"], cells["sekundära_mål"]) == ("7", "13")
    assert (cells["delmål"], cells["sekundära_delmål"]) == ("5.5", "13.2")
    code, out, err = suggested("activities", "export", "--lang", "en")
    header, row = out.splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["goals"], cells["secondary_goals"]) == ("7", "13")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goals", "7", "--secondary-goals", "7"], "--secondary-goals: 7 is named by another"),
        (["--goals", "7", "--reject", "7"], "--reject: 7 is named by another option too"),
        (["--secondary-goals", "3"], "--secondary-goals: goal 3 is not a suggestion for activity"),
        (["--secondary-targets", "1.1"], "--secondary-targets: target 1.1 is not a suggestion"),
    ],
)
def test_confirming_refuses_what_is_not_a_suggestion_or_named_twice(
    suggested: Run,
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    before = _activity(suggested)
    code, out, err = suggested("activities", "confirm", "1", *args)
    assert (code, out) == (2, "") and message in err and "Traceback" not in err
    assert _activity(suggested)["goals"] == before["goals"] == []


@pytest.mark.parametrize(
    "command",
    [
        ("activities", "export"),
        ("agenda", "export"),
        ("export", "activities"),
        ("export", "assessments"),
    ],
)
def test_an_export_for_a_unit_not_stored_keeps_the_file(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("unit,kind,title\n1781,project,Behålls\n", encoding="utf-8")
    code, _out, err = run(*command, str(kept), "--unit", "9999")
    assert code != 0 and "9999" in err and "--unit" in err
    assert kept.read_text(encoding="utf-8") == "unit,kind,title\n1781,project,Behålls\n"


def test_a_list_for_a_unit_not_stored_is_refused(run: Run) -> None:
    for command in (("activities", "list"), ("activities", "unevaluated"),
                    ("activities", "reports")):  # fmt: skip
        code, _out, err = run(*command, "--unit", "9999")
        assert code != 0 and "9999" in err, command
