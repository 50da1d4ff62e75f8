"""`glokal activities`, `glokal agenda` and `glokal programmes` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from glokal.cli import main
from tests.conftest import clean_environ
from tests.register.examples import ROWS, write_examples


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOGNAME", "strateg")
    # A wide console whatever the terminal (the module's console is made at import).
    for module in ("activities", "agenda"):
        monkeypatch.setattr(f"glokal.cli.{module}.stdout", Console(highlight=False, width=250))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "activities", "list", "--format", "json", *args)
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)
    return found


def test_import_then_list_by_goal_country_and_kind(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_examples(data_dir / "aktiviteter.csv")
    code, out, _ = run(capsys, "activities", "import", str(source))
    assert code == 0 and f"{len(ROWS)} aktiviteter importerade" in out
    kenya = listed(capsys, "--goal", "5", "--country", "Kenya", "--kind", "partnership")
    assert [(a["title"], a["unit"], a["kind"], a["goals"]) for a in kenya] == [
        ("Actions for Gender Equality", "2409", "partnership", [5])
    ]
    assert [a["title"] for a in listed(capsys, "--funding", "Erasmus+")] == []
    assert [a["title"] for a in listed(capsys, "--text", "vattenkraft")] == [
        "Innovation Vattenkraft 2.0"
    ]
    code, out, _ = run(capsys, "activities", "list", "--goal", "7", "--lang", "en")
    assert (
        code == 0
        and "Activities (2)" in out
        and "JB Marks Local Municipality (South Africa)" in out
    )
    code, out, _ = run(capsys, "activities", "list", "--goal", "7")
    assert "Aktiviteter (2)" in out and "(Sydafrika)" in out


def test_a_bad_file_imports_nothing_and_names_row_and_field(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    bad = write_examples(data_dir / "bad.csv", [ROWS[0], "0780,partnership,T,,,,18,,,,,", ROWS[1]])
    code, out, err = run(capsys, "activities", "import", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}: 1 problem in the activities; nothing was imported" in err
    assert "row 3, goals: there is no goal 18" in err
    assert "Traceback" not in err
    assert listed(capsys) == []


def test_check_reads_the_file_and_stores_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "activities", "import", str(write_examples(data_dir / "a.csv")), "--check"
    )
    assert code == 0 and "ingen sparad" in out
    assert listed(capsys) == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_in_a_new_store_is_lossless(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    assert run(capsys, "activities", "import", str(write_examples(data_dir / "a.csv")))[0] == 0
    assert run(capsys, "activities", "evaluate", "1", "--lessons", "Förankra tidigt")[0] == 0
    exported = data_dir / f"export.{suffix}"
    assert run(capsys, "activities", "export", str(exported))[0] == 0
    before = listed(capsys)
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(data_dir / "other"))
    assert run(capsys, "activities", "import", str(exported))[0] == 0
    after = listed(capsys)
    drop = {"id", "updated_at"}  # the new store numbers them anew
    assert [{k: v for k, v in a.items() if k not in drop} for a in after] == [
        {k: v for k, v in a.items() if k not in drop} for a in before
    ]
    (vaxjo,) = [a for a in after if a["unit"] == "0780"]
    assert vaxjo["evaluated"] is True and vaxjo["lessons"] == "Förankra tidigt"


def test_list_as_csv_is_the_template(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "activities", "import", str(write_examples(data_dir / "a.csv")))
    code, out, _ = run(
        capsys, "activities", "list", "--unit", "1781", "--kind", "iop", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))  # the template in the interface language
    assert code == 0 and [r["titel"] for r in rows] == ["Värme och vila", "Brottsofferjouren"]
    assert rows[0]["mål"] == "1;11" and rows[0]["budget_kr"] == "350000"
    code, out, _ = run(
        capsys, "activities", "list", "--unit", "1781", "--kind", "iop", "--format", "csv",
        "--lang", "en",
    )  # fmt: skip
    assert next(iter(csv.DictReader(io.StringIO(out))))["goals"] == "1;11"


def test_add_checks_every_option_and_shows_what_was_stored(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, _, err = run(
        capsys, "activities", "add", "--unit", "0780", "--kind", "studieresa", "--title", "T",
        "--goals", "19", "--partner", "A", "--partner-country", "Narnia",
    )  # fmt: skip
    assert code == 2
    assert "--kind: 'studieresa' is not a kind of activity" in err
    assert "--goals: there is no goal 19" in err and "--partner-country: 'Narnia'" in err
    assert listed(capsys) == []
    code, out, err = run(
        capsys, "activities", "add", "--unit", "1781", "--kind", "eu_project", "--title",
        "Match2Job", "--goals", "8", "--funding", "2020:esf:1200000;2021:esf:2000000",
        "--start", "2019-09-01", "--end", "2022-08-31", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    stored = json.loads(out)
    assert stored["budget_sek"] == 3200000 and stored["created_by"] == "strateg"
    assert stored["funding"][0] == {"source": "esf", "amount_sek": 1200000, "year": 2020}


def test_evaluations_and_icld_reports(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "activities", "import", str(write_examples(data_dir / "a.csv")))
    code, out, _ = run(
        capsys, "activities", "unevaluated", "--today", "2021-06-01", "--format", "json"
    )
    assert code == 0 and [a["title"] for a in json.loads(out)] == [
        "Energiplan i linje med Agenda 2030", "No Dropouts", "Actions for Gender Equality",
    ]  # fmt: skip
    run(capsys, "activities", "evaluate", "2", "--done", "--transfer", "Rapport till KS")
    code, out, _ = run(
        capsys, "activities", "unevaluated", "--today", "2021-06-01", "--format", "json"
    )
    assert [a["id"] for a in json.loads(out)] == [1, 4]
    assert run(capsys, "activities", "report", "3", "--year", "1", "--due", "2021-01-31")[0] == 0
    assert run(capsys, "activities", "report", "3", "--year", "2", "--due", "2022-01-31")[0] == 0
    code, out, _ = run(
        capsys,
        "activities",
        "reports",
        "--today",
        "2021-12-15",
        "--within",
        "60",
        "--format",
        "json",
    )
    assert [(r["activity"], r["accounting_year"], r["due"]) for r in json.loads(out)] == [
        (3, 1, "2021-01-31"), (3, 2, "2022-01-31"),
    ]  # fmt: skip
    code, out, _ = run(capsys, "activities", "reports", "--today", "2021-12-15")
    assert "försenad" in out
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the errors in English
    code, _, err = run(capsys, "activities", "report", "5", "--year", "1", "--due", "2021-01-31")
    assert code == 2 and "not an ICLD partnership" in err
    code, _, err = run(capsys, "activities", "show", "99")
    assert code == 2 and "there is no activity 99" in err


def test_agenda_goals_indicators_import_and_export(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    assert run(capsys, "agenda", "priority", "0680", "5,13,1")[0] == 0
    assert (
        run(
            capsys,
            "agenda",
            "goal",
            "0680",
            "SE.1",
            "--title",
            "Ingen fattigdom",
            "--targets",
            "1.2",
        )[0]
        == 0
    )
    source = data_dir / "mal.csv"
    source.write_text(
        "unit,code,parent,title,targets\n0680,SE.1.8,SE.1,Barnfattigdom,1.2;1.3\n"
        "0680,GM.3,,God hälsa,\n0680,GM.3.11,GM.3,Rökfria elever,3.a\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "agenda", "import", str(source))
    assert code == 0, err
    assert run(capsys, "agenda", "indicator", "0680", "I.3.11", "--title", "Andel rökfria",
               "--goal", "GM.3.11", "--target-value", "95", "--target-year", "2030",
               "--values", "2022:88;2023:90,5")[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "agenda", "show", "0680", "--format", "json")
    agenda = json.loads(out)
    assert agenda["priority_goals"] == [1, 5, 13]
    assert [(g["code"], g["parent"]) for g in agenda["local_goals"]] == [
        ("GM.3", None), ("GM.3.11", "GM.3"), ("SE.1", None), ("SE.1.8", "SE.1"),
    ]  # fmt: skip
    assert agenda["indicators"][0]["values"] == [
        {"year": 2022, "value": 88},
        {"year": 2023, "value": 90.5},
    ]
    exported = data_dir / "export.xlsx"
    assert run(capsys, "agenda", "export", str(exported))[0] == 0
    bad = data_dir / "bad.csv"
    bad.write_text("unit,code,parent,title\n0680,X.1,X,Utan förälder\n0680,,,\n", encoding="utf-8")
    code, _, err = run(capsys, "agenda", "import", str(bad))
    assert code == 2 and "row 2, parent: 'X' is not a local goal of 0680" in err
    assert "row 3, code: must not be empty" in err
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(data_dir / "other"))  # a new store
    assert run(capsys, "agenda", "import", str(exported))[0] == 0
    code, out, _ = run(capsys, "agenda", "show", "0680", "--format", "json")
    assert json.loads(out)["local_goals"] == agenda["local_goals"]


def test_programmes_members_steps_targets_and_events(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, out, _ = run(capsys, "programmes", "list", "--format", "json")
    assert code == 0 and [p["id"] for p in json.loads(out)] == [
        "millenniekommun",
        "glokala-sverige",
    ]
    assert all(p["members"] == 0 for p in json.loads(out))  # ready-made, without invented members
    run(
        capsys,
        "programmes",
        "join",
        "millenniekommun",
        "1781",
        "--joined",
        "2010-09-01",
        "--intake",
        "2010",
    )
    for step in ("viljebeslut", "analys", "kommunikationsplan"):
        assert (
            run(
                capsys,
                "programmes",
                "step",
                "millenniekommun",
                "1781",
                step,
                "--taken",
                "2011-06-16",
            )[0]
            == 0
        )
    code, _, err = run(capsys, "programmes", "step", "millenniekommun", "0180", "viljebeslut")
    assert code == 2 and "0180 is not a member of millenniekommun" in err
    code, _, err = run(capsys, "programmes", "step", "millenniekommun", "1781", "webb")
    assert code == 2 and "has no step 'webb'" in err
    event = ["--title", "Mötesplats Agenda 2030", "--kind", "conference", "--start", "2021-11-26"]
    assert (
        run(capsys, "programmes", "event", "glokala-sverige", *event, "--units", "1781,0180")[0]
        == 0
    )
    code, out, _ = run(capsys, "programmes", "show", "millenniekommun", "--format", "json")
    shown = json.loads(out)
    assert [(t["code"], t["achieved"], t["goal_value"]) for t in shown["targets"]] == [
        ("utnamnda", 1, 100), ("kommunikation", 1, 90), ("initiativ", 0, 80),
    ]  # fmt: skip
    code, out, _ = run(capsys, "programmes", "show", "millenniekommun")
    assert code == 0 and "Kristinehamn" in out
    code, _, err = run(capsys, "programmes", "show", "glokala")
    assert (
        code == 2
        and "there is no programme 'glokala'; there are: glokala-sverige, millenniekommun" in err
    )
    definition = data_dir / "nat.json"
    network = {
        "id": "klimatnatverket", "name": "Klimatnätverket",
        "steps": [{"code": "beslut", "title": "Beslut"}],
        "targets": [{"code": "t1", "title": "20", "measure": "members:K", "goal_value": 20}],
    }  # fmt: skip
    definition.write_text(json.dumps({"programmes": [network]}), encoding="utf-8")
    assert run(capsys, "programmes", "define", str(definition))[0] == 0
    wrong = {"code": "t", "title": "T", "measure": "votes", "goal_value": 1}
    definition.write_text(
        json.dumps({"programmes": [{"id": "x", "name": "X", "targets": [wrong]}]}), encoding="utf-8"
    )
    code, _, err = run(capsys, "programmes", "define", str(definition))
    assert (
        code == 2 and "programmes.0.targets.0.measure" in err and "'votes' is not a measure" in err
    )
    step = {"code": "beslut", "title": "Beslut"}
    for content, expected in [
        ([network], 'the file must be an object: {"programmes"'),
        ({"programmes": [{**network, "start": "2024-01-01", "end": "2012-12-31"}]},
         "programmes.0: it ends (2012-12-31) before it starts (2024-01-01)"),
        ({"programmes": [{**network, "steps": [step, step]}]},
         "programmes.0: the step code beslut is used twice"),
    ]:  # fmt: skip
        definition.write_text(json.dumps(content), encoding="utf-8")
        code, _, err = run(capsys, "programmes", "define", str(definition))
        assert code == 2 and expected in err and err.count("\n") == 1, err


def test_in_a_real_process(data_dir: Path) -> None:
    env = clean_environ() | {"GLOKAL_DATA_DIR": str(data_dir / "data"), "GLOKAL_LANGUAGE": "en"}
    source = write_examples(data_dir / "a.csv", [ROWS[0], "0780,x,T,,,,,,,,,"])
    result = subprocess.run(
        [sys.executable, "-m", "glokal", "activities", "import", str(source)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "row 3, kind: 'x' is not a kind of activity" in result.stderr
    assert "Traceback" not in result.stderr


def test_suggested_goals_are_confirmed_or_rejected(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    source = data_dir / "a.csv"
    source.write_text(
        "unit,kind,title,goals,suggested_goals,suggested_targets\n"
        '1781,eu_project,Match2Job,8,"10:0.61;4:0.33",10.2:0.5\n',
        encoding="utf-8",
    )
    assert run(capsys, "activities", "import", str(source))[0] == 0
    assert listed(capsys, "--goal", "10") == []  # a suggestion does not count until confirmed
    code, out, err = run(
        capsys, "activities", "confirm", "1", "--goals", "10", "--reject", "4",
        "--targets", "10.2", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert shown["goals"] == [8, 10] and shown["suggested_goals"] == []
    assert shown["targets"] == ["10.2"]
    assert [a["title"] for a in listed(capsys, "--goal", "10")] == ["Match2Job"]
    code, _, err = run(capsys, "activities", "confirm", "1", "--goals", "3")
    assert code == 2 and "goal 3 is not a suggestion for activity 1 (suggested: none)" in err


def test_the_classifier_suggests_goals_a_person_then_confirms(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "activities", "add", "--unit", "0780", "--kind", "project", "--title",
        "Klimatanpassning av Växjö", "--description", "Vi minskar utsläppen av växthusgaser "
        "och anpassar staden till ett förändrat klimat med skyfall och värmeböljor.",
        "--goals", "11", "--suggest", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert shown["goals"] == [11]  # what the person entered stays, and is not suggested again
    assert 13 in [s["goal"] for s in shown["suggested_goals"]]
    assert 11 not in [s["goal"] for s in shown["suggested_goals"]]
    assert all(0.5 <= s["score"] <= 1 for s in shown["suggested_goals"])
    assert listed(capsys, "--goal", "13") == []  # not counted before a person confirms it
    assert run(capsys, "activities", "confirm", "1", "--goals", "13")[0] == 0
    assert [a["title"] for a in listed(capsys, "--goal", "13")] == ["Klimatanpassning av Växjö"]
    # Suggesting again leaves confirmed goals alone.
    code, out, _ = run(capsys, "activities", "suggest", "1", "--format", "json")
    (again,) = json.loads(out)
    assert again["goals"] == [11, 13] and 13 not in [s["goal"] for s in again["suggested_goals"]]


def test_a_membership_must_fit_the_programme_and_itself(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    join = ["programmes", "join", "millenniekommun", "1781"]  # it ended 2012-12-31
    code, _, err = run(capsys, *join, "--joined", "2030-09-01")
    assert code == 2 and "--joined: programme 'millenniekommun' ended on 2012-12-31" in err
    code, _, err = run(capsys, *join, "--joined", "2010-03-01", "--left", "2009-01-01")
    assert code == 2 and "--left: left on 2009-01-01, before joining on 2010-03-01" in err
    code, out, _ = run(capsys, "programmes", "show", "millenniekommun", "--format", "json")
    assert code == 0 and json.loads(out)["members"] == []  # nothing written
    assert run(capsys, *join, "--joined", "2010-03-01", "--left", "2012-06-30")[0] == 0


def test_a_step_must_fall_between_joining_and_the_programmes_end(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Millenniekommun ran 2010-01-01 to 2012-12-31; Kristinehamn joins on 2010-09-01.
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    join = ["programmes", "join", "millenniekommun", "1781", "--joined", "2010-09-01"]
    assert run(capsys, *join)[0] == 0
    step = ["programmes", "step", "millenniekommun", "1781", "analys", "--taken"]
    code, out, err = run(capsys, *step, "2009-01-01")
    assert (code, out) == (2, "") and err == (
        "glokal: error: --taken: step 'analys' of programme 'millenniekommun' cannot be taken "
        "on 2009-01-01: 1781 joined it on 2010-09-01 and it started on 2010-01-01\n"
    )
    code, _, err = run(capsys, *step, "2010-08-31")
    assert code == 2 and err.endswith("on 2010-08-31: 1781 joined it on 2010-09-01\n")
    code, _, err = run(capsys, *step, "2013-01-01")
    assert code == 2 and err.endswith("on 2013-01-01: it ended on 2012-12-31\n")
    code, out, _ = run(capsys, "programmes", "show", "millenniekommun", "--format", "json")
    assert code == 0 and json.loads(out)["members"][0]["steps_taken"] == []  # nothing written
    assert run(capsys, *step, "2010-09-01")[0] == 0


def test_what_is_done_is_said_in_swedish(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["agenda", "goal", "1781", "SE.1", "--title"]
    assert run(capsys, *args, "Ett mål") == (0, "1781 Kristinehamn: SE.1 tillagt\n", "")
    assert run(capsys, *args, "Ett annat mål") == (0, "1781 Kristinehamn: SE.1 ändrat\n", "")


def test_importing_a_file_again_says_its_rows_are_like_stored_ones(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_examples(data_dir / "a.csv", ROWS[:2])
    code, out, err = run(capsys, "activities", "import", str(source))
    assert code == 0 and "2 aktiviteter importerade" in out and err == ""
    code, out, err = run(capsys, "activities", "import", str(source))
    assert code == 0 and "2 aktiviteter importerade" in out
    assert "liknar aktiviteter som redan finns" in err and "sparade som 1, 2" in err
