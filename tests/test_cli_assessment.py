"""`glokal assessment` as a user runs it: decisions beside suggestions, history, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from glokal.cli import main
from glokal.store import Store
from glokal.store.audit import audit_entries
from glokal.store.models import GoalAssessmentRow, GoalSuggestionRow
from tests.conftest import clean_environ

SET = ["assessment", "set"]
DECISION = [
    "--text", "Så ligger Stockholm till i korthet: lönegapet minskar.",
    "--assessor", "Hållbarhetsgruppen", "--cutoff", "2025-03-31",
]  # fmt: skip


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    # A wide console whatever the terminal (the module's console is made at import).
    monkeypatch.setattr("glokal.cli.analysis.stdout", Console(highlight=False, width=250))
    monkeypatch.setenv("LOGNAME", "strateg")  # what getpass.getuser() reads first
    return tmp_path


@pytest.fixture
def store(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Store]:
    """An initialised default database, with a stored suggestion: 0180 goal 5 is 'god'."""
    assert main(["init"]) == 0
    capsys.readouterr()
    store = Store(make_url(f"sqlite:///{data_dir / 'glokal.sqlite3'}"))
    with store.session() as session, session.begin():
        session.add(
            GoalSuggestionRow(
                method="default", unit="0180", goal=5, reference_year=2024, status="god",
                score=1.2, kpis_total=5, kpis_used=4, details={},
                computed_at=datetime(2025, 5, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    try:
        yield store
    finally:
        store.close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def decisions(store: Store) -> list[tuple[str, int, str, str | None, str | None, str]]:
    with store.session() as session:
        rows = session.scalars(select(GoalAssessmentRow).order_by(GoalAssessmentRow.id))
        return [
            (r.unit, r.goal, r.status, r.suggested_status, r.justification, r.recorded_by)
            for r in rows
        ]


def show_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "assessment", "show", *args, "--format", "json")
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_a_differing_decision_needs_a_justification_end_to_end(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *SET, "0180", "5", "--status", "utmaning", *DECISION)
    assert code == 2 and out == ""
    assert err == (  # a Swedish user's session: the message in Swedish
        "glokal: fel: --justification: den beslutade statusen 'utmaning' skiljer sig från den "
        "föreslagna 'god'; motivera med --justification\n"
    )
    assert decisions(store) == []  # nothing written
    code, out, err = run(
        capsys, *SET, "0180", "5", "--status", "utmaning", *DECISION,
        "--justification", "Löneskillnaderna kvarstår enligt egen uppföljning.",
    )  # fmt: skip
    assert code == 0, err
    assert "0180 Stockholm, mål 5: beslutad status ● utmaning (version 1, strateg)." in out
    assert "Glokals förslag (default, 2024): ● god." in out
    assert decisions(store) == [
        ("0180", 5, "utmaning", "god", "Löneskillnaderna kvarstår enligt egen uppföljning.",
         "strateg"),
    ]  # fmt: skip


def test_an_agreeing_decision_needs_no_justification(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *SET, "0180", "5", "--status", "God", *DECISION, "--by", "Eva")
    assert code == 0, err
    assert "(version 1, Eva)" in out and "Glokals förslag (default, 2024): ● god." in out
    assert decisions(store) == [("0180", 5, "god", "god", None, "Eva")]
    with store.session() as session:  # in the audit log, as the editor's decisions are
        [entry] = audit_entries(session, unit="0180")
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        "cli:Eva",
        "publish",
        "assessment",
        "0180/5",
    )
    assert entry.before is None and entry.after is not None and entry.after["status"] == "god"


def test_without_a_stored_suggestion_the_decision_is_recorded_without_one(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *SET, "0180", "13", "--status", "betydande utmaning", *DECISION)
    assert code == 0, err
    assert "Inget förslag är sparat för målet" in out
    assert decisions(store) == [("0180", 13, "betydande utmaning", None, None, "strateg")]
    (shown,) = show_json(capsys, "0180")
    assert shown["suggested_status"] is None and shown["current_suggestion"] is None


def test_show_puts_decision_and_suggestion_side_by_side_with_history(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, *SET, "0180", "5", "--status", "god", *DECISION, "--by", "anna")[0] == 0
    assert run(
        capsys, *SET, "0180", "5", "--status", "neutral", "--text", "Ny bedömning.",
        "--assessor", "Konsult AB", "--cutoff", "2025-04-30", "--method-note", "Workshop",
        "--justification", "Ny statistik", "--by", "bo",
    )[0] == 0  # fmt: skip
    assert run(capsys, *SET, "1280", "5", "--status", "god", *DECISION)[0] == 0

    (current,) = show_json(capsys, "0180")
    assert {k: current[k] for k in ("unit", "goal", "status", "suggested_status")} == {
        "unit": "0180", "goal": 5, "status": "neutral", "suggested_status": "god",
    }  # fmt: skip
    assert current["current_suggestion"] == {
        "status": "god", "method": "default", "reference_year": 2024,
        "computed_at": "2025-05-01T00:00:00+00:00",
    }  # fmt: skip
    assert (current["text"], current["assessor"], current["method_note"]) == (
        "Ny bedömning.", "Konsult AB", "Workshop",
    )  # fmt: skip
    assert (current["cutoff"], current["justification"], current["recorded_by"]) == (
        "2025-04-30", "Ny statistik", "bo",
    )  # fmt: skip
    assert str(current["recorded_at"]).endswith("+00:00")

    history = show_json(capsys, "0180", "--goal", "5", "--history")
    assert [(h["version"], h["status"], h["recorded_by"]) for h in history] == [
        (1, "god", "anna"), (2, "neutral", "bo"),
    ]  # fmt: skip
    assert show_json(capsys, "0180", "--goal", "6") == []

    code, out, _ = run(capsys, "assessment", "show", "0180")
    assert code == 0
    assert "Beslutade målstatusar: 0180 Stockholm (1)" in out
    assert "Beslutad" in out and "Förslag" in out and "Motivering" in out
    assert "● neutral" in out and "● god" in out and "Ny statistik" in out
    code, out, _ = run(capsys, "assessment", "show", "0180", "--history", "--lang", "en")
    assert code == 0
    assert "Decided goal statuses, every version: 0180 Stockholm (2)" in out
    assert "● good" in out and "● neutral" in out and "Justification" in out
    code, out, _ = run(capsys, "assessment", "show", "2021")
    assert code == 0 and out == "Inga beslut registrerade för 2021 Vansbro.\n"


def test_show_marks_a_suggestion_that_changed_since_the_decision(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, *SET, "0180", "5", "--status", "god", *DECISION)[0] == 0
    with store.session() as session, session.begin():
        row = session.get(GoalSuggestionRow, ("default", "0180", 5))
        assert row is not None
        row.status = "utmaning"
    (shown,) = show_json(capsys, "0180")
    assert shown["suggested_status"] == "god"
    assert shown["current_suggestion"] == {
        "status": "utmaning", "method": "default", "reference_year": 2024,
        "computed_at": "2025-05-01T00:00:00+00:00",
    }  # fmt: skip
    code, out, _ = run(capsys, "assessment", "show", "0180", "--lang", "en")
    assert code == 0 and "(now: ● challenge)" in out


def test_user_text_is_shown_as_written(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Mål [bold]5[/bold] \\[x]"
    assert run(capsys, *SET, "0180", "5", "--status", "god", "--text", text,
               "--assessor", "A [red]", "--cutoff", "2025-01-01")[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "assessment", "show", "0180")
    assert code == 0 and text in out and "A [red]" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["9999", "5", "--status", "god"], "unit: there is no unit '9999'"),
        (["Stockholm", "5", "--status", "god"], "UNIT: 'Stockholm' is not a unit id"),
        (["0180", "18", "--status", "god"], "GOAL: there is no goal 18"),
        (["0180", "5", "--status", "bra"], "--status: 'bra' is not a status; use one of 'god'"),
        (["0180", "5", "--status", "neutral"], "differs from the suggested status 'god'"),
        (["0180", "5", "--status", "god", "--cutoff", "31/3/2025"], "--cutoff: '31/3/2025'"),
        (["0180", "5", "--status", "god", "--cutoff", "2999-01-01"], "is in the future"),
        (["0180", "5", "--status", "god", "--text", "  "], "--text: the text"),
        (["0180", "5", "--status", "god", "--assessor", ""], "--assessor: the assessor"),
        (["0180", "5", "--status", "god", "--by", " "], "--by: who records the decision"),
        (["0180", "5", "--text", "x"], "Missing option '--status'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    store: Store,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, out, err = run(capsys, *SET, *args[:2], *DECISION, *args[2:])
    assert code == 2 and out == ""
    assert err.startswith("glokal: error: ") and expected in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert decisions(store) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["9999"], "there is no unit '9999'"),
        (["0180", "--goal", "18"], "--goal: there is no goal 18"),
        (["0180", "--format", "xml"], "xml"),
    ],
)
def test_show_refuses_bad_input(
    store: Store,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, out, err = run(capsys, "assessment", "show", *args)
    assert code == 2 and out == "" and expected in err and err.count("\n") == 1


def test_in_a_real_process(store: Store, data_dir: Path) -> None:
    env = {**clean_environ(), "GLOKAL_DATA_DIR": str(data_dir), "LOGNAME": "strateg"}
    command = [sys.executable, "-m", "glokal", *SET, "0180", "5", "--status", "utmaning",
               *DECISION]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    # A Swedish user's message, by default.
    assert done.stderr.startswith("glokal: fel: --justification: den beslutade statusen")
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(GoalAssessmentRow)) == 0
    done = subprocess.run(
        [*command, "--justification", "Egen uppföljning"],
        capture_output=True, text=True, env={**env, "GLOKAL_LANGUAGE": "en"}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0180 Stockholm, goal 5: decided ● challenge (version 1, strateg)." in done.stdout
    assert decisions(store) == [("0180", 5, "utmaning", "god", "Egen uppföljning", "strateg")]
