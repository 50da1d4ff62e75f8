"""The Kolada commands as a user runs them: sync, values, kpis, polarity, and bad input."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from glokal.cli import main
from tests.conftest import KOLADA_DATA
from tests.kolada.replay import ReplayDataset, ReplayServer


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(ReplayDataset(KOLADA_DATA, kpi_count=10)) as replay:
        yield replay


@pytest.fixture
def synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ReplayServer,
    capsys: pytest.CaptureFixture[str],
) -> ReplayServer:  # fmt: skip
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GLOKAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    code = main(["sync", "kolada", "--base-url", server.base_url, "--rate", "0",
                 "--from-year", "2000"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Källa: Kolada" in out
    return server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_values_csv_has_exactly_the_documented_columns(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "values", "--kpi", "N00401", "--unit", "0180,1280")
    assert code == 0 and "Källa: Kolada" in err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["kpi", "municipality", "period", "gender", "value"]
    body = rows[1:]
    assert body and {r[0] for r in body} == {"N00401"} and {r[1] for r in body} == {"0180", "1280"}
    expected = {
        (k, u, p, g, v) for k, u, p, g, v in synced.dataset.live_values()
        if k == "N00401" and u in ("0180", "1280")
    }  # fmt: skip
    assert {(r[0], r[1], int(r[2]), r[3], float(r[4]) if r[4] else None) for r in body} == expected


def test_values_json_names_the_source(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "values", "--kpi", "N00401", "--year", "2020", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["source"] == "Källa: Kolada"
    assert data["values"] and {v["period"] for v in data["values"]} == {2020}


def test_kpis_with_goals_and_polarity(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    kpis = json.loads(run(capsys, "kpis", "--format", "json")[1])
    by_id = {k["id"]: k for k in kpis}
    assert set(by_id) == {k["id"] for k in synced.dataset.kpis}
    assert by_id["N00401"]["polarity"] == "lower"
    goal = synced.dataset.kpi_goals["N00401"]
    assert goal in by_id["N00401"]["goals"]
    on_goal = json.loads(run(capsys, "kpis", "--goal", str(goal), "--format", "json")[1])
    assert "N00401" in {k["id"] for k in on_goal}
    code, out, _ = run(capsys, "kpis")
    assert code == 0 and "Nyckeltal från Kolada" in out and "lägre" in out


def test_a_users_polarity_outlasts_the_next_sync(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "polarity", "set", "N00401", "neither", "--note", "local choice")[0] == 0
    assert run(capsys, "sync", "kolada", "--base-url", synced.base_url, "--rate", "0",
               "--from-year", "2000")[0] == 0  # fmt: skip
    kpis = json.loads(run(capsys, "kpis", "--format", "json")[1])
    assert {k["id"]: k["polarity"] for k in kpis}["N00401"] == "neither"


def test_if_empty_skips_a_store_with_values(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "sync", "kolada", "--base-url", synced.base_url, "--if-empty")
    assert code == 0 and "Kolada: databasen har redan värden; inget att göra." in out


def test_offline_is_one_line_and_exit_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v3"
    code, out, err = run(capsys, "sync", "kolada", "--base-url", url, "--offline-ok")
    assert code == 0 and out == ""
    assert err.startswith("Kolada går inte att nå (") and err.count("\n") == 1
    assert err.rstrip().endswith("visar det som finns i databasen.")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["sync", "kolada", "--kpi", "X1"], "'X1' is not a Kolada KPI id"[1:3]),
        (["sync", "kolada", "--kpi-group", "nope"], "nope is not a Kolada group id"),
        (["sync", "kolada", "--since", "yesterday"], "'yesterday' is not a date"),
        (["sync", "kolada", "--kpi", "N00401", "--kpi-group", "G1"], "not both"),
        (["sync", "kolada", "--concurrency", "0"], "concurrency"),
        (["sync", "kolada", "--base-url", "notaurl"], "'notaurl' is not an http(s) URL"),
        (["sync", "kolada", "--since", "2024-01-01", "--full"], "give --since or --full, not both"),
        (["sync", "kolada", "--from-year", "2999"], "2999 is not a year to fetch from: 1970–"),
        (["sync", "kolada", "--from-year", "1800"], "--from-year: 1800 is not a year to fetch"),
        (["sync", "kolada", "--since", "2999-01-01"], "--since: 2999-01-01 is after today"),
        (["values", "--unit", "Stockholm"], "'Stockholm' is not a unit id"),
        (["values", "--year", "20x0"], "'20x0' is not a year"),
        (["kpis", "--goal", "99"], "there is no goal 99"),
        (["polarity", "set", "N00401", "better"], "'better' is not a polarity"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], expected: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("glokal: error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "glokal.sqlite3").exists()


def test_a_4xx_from_kolada_names_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    server: ReplayServer,
) -> None:  # fmt: skip
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path))
    code, _, err = run(
        capsys, "sync", "kolada", "--base-url", server.base_url + "/nope", "--rate", "0"
    )
    assert code == 2
    assert "HTTP 404" in err and "/v3/nope/" in err and err.count("\n") == 1


def test_a_users_polarity_note_is_shown_and_reset_returns_to_the_table(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "polarity", "set", "N00401", "higher", "--note", "vår läsning")[0] == 0
    kpis = {k["id"]: k for k in json.loads(run(capsys, "kpis", "--format", "json")[1])}
    assert (kpis["N00401"]["polarity"], kpis["N00401"]["polarity_note"]) == (
        "higher",
        "vår läsning",
    )
    assert kpis["N00401"]["polarity_by"] == "user"
    assert "högre (eget val)" in run(capsys, "kpis")[1]
    code, out, _ = run(capsys, "polarity", "reset", "N00401")
    assert code == 0 and out.strip() == "N00401: lower"
    kpis = {k["id"]: k for k in json.loads(run(capsys, "kpis", "--format", "json")[1])}
    assert (kpis["N00401"]["polarity"], kpis["N00401"]["polarity_by"]) == ("lower", "glokal")


def test_polarity_takes_one_kpi(
    synced: ReplayServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, out, err = run(capsys, "polarity", "set", "N00401,N00945", "higher")
    assert code == 2 and out == "" and "give one KPI id, not 2" in err


def test_ids_the_store_does_not_know_are_refused(
    synced: ReplayServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A mistyped unit or KPI is an error naming it, not an empty listing that looks fine."""
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    for args, expected in [
        (["values", "--unit", "9999"], "no unit has the id 9999"),
        (["values", "--kpi", "N99999"], "no KPI N99999 in the store"),
        (["polarity", "set", "N99999", "higher"], "no KPI N99999 in the store"),
    ]:
        code, out, err = run(capsys, *args)
        assert code == 2 and out == "", args
        assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    # A year without values is a valid question with an empty answer.
    code, out, _ = run(capsys, "values", "--year", "1990")
    assert code == 0 and out.strip() == "kpi,municipality,period,gender,value"
