"""The activity template: what a row becomes, and every rule a bad row breaks."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from glokal.errors import InputError
from glokal.framework import load_framework
from glokal.places import load_places
from glokal.register import ActivityContext, read_activities, write_activities
from glokal.register.activities import COLUMNS, SWEDISH_HEADERS
from glokal.store.activities import Funding, GoalLink, Partner, TargetLink
from tests.register.examples import HEADER, ROWS, write_examples

CONTEXT = ActivityContext(load_places(), load_framework(), frozenset({"millenniekommun"}))


def test_the_example_file_reads_as_the_municipalities_describe_it(tmp_path: Path) -> None:
    activities = read_activities(write_examples(tmp_path / "a.csv"), CONTEXT)
    assert len(activities) == len(ROWS)
    vaxjo, robertsfors = activities[0], activities[1]
    assert (vaxjo.unit, vaxjo.kind, vaxjo.start, vaxjo.end) == (
        "0780", "partnership", date(2019, 1, 1), date(2020, 12, 31),
    )  # fmt: skip
    assert vaxjo.description == "Växjö och JB Marks tar fram en energiplan, med Växjö Energi"
    assert vaxjo.partners == (Partner("JB Marks Local Municipality", "ZA"),)
    assert vaxjo.funding == (Funding("icld", 450000.0),)
    assert vaxjo.goals == (GoalLink(7),) and vaxjo.targets == (TargetLink("7.2"),)
    assert robertsfors.funding == (Funding("icld", None),)  # budget_sek may be empty
    assert [t.target for t in robertsfors.targets] == ["5.5", "5.c"]
    ale = activities[3]
    assert ale.partners == (Partner("Ghanzi District Council", "BW"), Partner("Budesti", "MD"))
    assert activities[2].partners[0].country == "KE"  # "Kenya" is stored as its code


def test_columns_in_any_order_and_semicolon_separated_files(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "title;goals;unit;kind;partner_country;partner\n"
        'Jämställdhet;"5;10";2409;partnership;Kenia;Machakos\n'.replace("Kenia", "KE"),
        encoding="utf-8-sig",  # as Excel saves "CSV UTF-8", with a byte order mark
    )
    (activity,) = read_activities(path, CONTEXT)
    assert activity.title == "Jämställdhet" and [g.goal for g in activity.goals] == [5, 10]
    assert activity.partners == (Partner("Machakos", "KE"),)


def test_a_target_brings_its_goal(tmp_path: Path) -> None:
    path = write_examples(tmp_path / "a.csv", ["0780,project,Cykelvägar,,,,,11.2,,,,"])
    (activity,) = read_activities(path, CONTEXT)
    assert activity.goals == (GoalLink(11),)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("9999,project,T,,,,,,,,,", "row 2, unit: there is no unit '9999'"),
        ("01800,project,T,,,,,,,,,", "row 2, unit: '01800' is not"),
        ("0780,studieresa,T,,,,,,,,,", "row 2, kind: 'studieresa' is not a kind of activity"),
        ("0780,project,,,,,,,,,,", "row 2, title: must not be empty"),
        ("0780,project,T,,2020-02-30,,,,,,,", "row 2, start: '2020-02-30' is not a date"),
        ("0780,project,T,,2021-01-01,2020-01-01,,,,,,", "row 2, end: ends (2020-01-01) before"),
        ("0780,project,T,,,,5;18,,,,,", "row 2, goals: there is no goal 18"),
        ("0780,project,T,,,,5,5.9,,,,", "row 2, targets: there is no target '5.9'"),
        ("0780,project,T,,,,5,x.1,,,,", "row 2, targets: 'x.1' is not a target id"),
        (
            "0780,project,T,,,,,,Org,Atlantis,,",
            "row 2, partner_country: 'Atlantis' is not a country",
        ),
        ("0780,project,T,,,,,,A;B,KE,,", "row 2, partner_country: 1 entries for 2 partners"),
        ("0780,project,T,,,,,,,,Sida,", "row 2, funding_source: 'Sida' is not a funding source"),
        ("0780,project,T,,,,,,,,,100", "row 2, funding_source: a budget_sek needs"),
        ("0780,project,T,,,,,,,,own,tio", "row 2, budget_sek: 'tio' is not an amount"),
        ("0780,project,T,,,,,,,,own,-5", "row 2, budget_sek: '-5': an amount must be zero"),
    ],
)
def test_every_bad_field_is_named_with_its_row(tmp_path: Path, row: str, expected: str) -> None:
    path = write_examples(tmp_path / "a.csv", [row])
    with pytest.raises(InputError) as caught:
        read_activities(path, CONTEXT)
    assert caught.value.where == str(path)
    assert expected in caught.value.message
    assert "nothing was imported" in caught.value.message


def test_all_problems_of_all_rows_are_reported_at_once(tmp_path: Path) -> None:
    path = write_examples(
        tmp_path / "a.csv", [ROWS[0], "0780,x,T,,,,19,,,,,", ROWS[1], ",,,,,,,,,,,5"]
    )
    with pytest.raises(InputError) as caught:
        read_activities(path, CONTEXT)
    message = caught.value.message
    assert message.startswith("6 problems in the activities")
    for part in ("row 3, kind", "row 3, goals", "row 5, unit", "row 5, kind", "row 5, title",
                 "row 5, funding_source"):  # fmt: skip
        assert part in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"unit,kind\n0780,project\n", "missing column title"),
        (b"unit,kind,title,colour\n", "unknown column colour; the columns are: unit, kind"),
        (b"unit,kind,title,title\n", "column title appears twice"),
        (b"unit,kind,title\n", "a header but no activities"),
        ("unit,kind,title\n0780,project,Å\n".encode("latin-1"), "not UTF-8 text"),
        (b"\x00\x01\x02unit", "binary data"),
        (b'unit,kind,title\n0780,project,"never closed\n', "not valid CSV"),
        (b'unit,kind,title\n0780,project,"a"b\n', "not valid CSV at line 2"),
        (b"enhet;titel\n0780;T\n", "missing column kind (typ)"),
        (b"unit,kind,title\n0780,project,T,extra\n", "row 2 has more cells than the header"),
    ],
)
def test_bad_files_are_refused_with_the_file_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_activities(path, CONTEXT)
    assert expected in caught.value.message and caught.value.where == str(path)


def test_a_file_that_is_not_xlsx_or_is_missing(tmp_path: Path) -> None:
    fake = tmp_path / "a.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"not an Excel \.xlsx file"):
        read_activities(fake, CONTEXT)
    with pytest.raises(InputError, match="no such file"):
        read_activities(tmp_path / "missing.csv", CONTEXT)
    with pytest.raises(InputError, match=r"name it \.csv or \.xlsx"):
        read_activities(tmp_path / "a.txt", CONTEXT)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_activities(
    tmp_path: Path, file_format: str, lang: str
) -> None:
    rich = (
        "unit,kind,title,description,start,end,goals,secondary_goals,targets,partner,"
        "partner_country,partner_type,funding,programme,results,evaluated,lessons,"
        "knowledge_transfer,icld_phase,icld_variant,icld_round,icld_reports,suggested_goals,"
        "department,status,published\n"
        '1440,partnership,No Dropouts,"Rad ett\nrad två, med ""citat""",2018-01-01,2020-12-31,'
        "4,10,4.1,Ghanzi;Budesti,BW;MD,municipality;municipality,"
        "2018:icld:300000;2019:icld:450000.5;:own:,millenniekommun,Färre avhopp,yes,"
        "Förankra tidigt,Seminarium för skolorna,projekt,trepart,2018 vår,"
        '1:partial:2019-01-31;1:final:2019-03-31:2019-03-20,"3:0.4;16:0.123456789",'
        "Utbildningsförvaltningen,avslutad,no\n"
        "0780,policy,=Energiplan,,,,,,,,,,,,,no,,,,,,,,,\n"
    )
    source = tmp_path / "rich.csv"
    source.write_text(rich, encoding="utf-8")
    first = read_activities(source, CONTEXT)
    exported = tmp_path / f"out.{file_format}"
    with exported.open("wb") as out:
        write_activities(out, first, file_format, lang)  # the Swedish or the English headers
    again = read_activities(exported, CONTEXT)
    assert again == first
    assert first[0].funding[2] == Funding("own", None, None)
    assert first[0].goals[-1] == GoalLink(16, False, "classifier", False, 0.123456789)
    assert first[1].title == "=Energiplan"  # text, never a formula
    assert (first[0].published, first[1].published) == (False, True)


def test_export_writes_every_column_of_the_template() -> None:
    out = io.BytesIO()
    write_activities(out, [], "csv")
    assert out.getvalue().decode().strip() == ",".join(COLUMNS)
    assert ",".join(COLUMNS).startswith(HEADER)


def test_the_swedish_template_reads_as_the_english_one(tmp_path: Path) -> None:
    swedish = tmp_path / "aktiviteter.csv"
    # As a person types headers in Excel: any case, spaces for underscores, semicolons.
    swedish.write_text(
        "Enhet;Typ;Titel;Mål;Sekundära mål;Partnerland;Partner;Finansiär;Budget kr\n"
        "1440;partnership;No Dropouts;4;10;BW;Ghanzi;ICLD;450 000\n",
        encoding="utf-8",
    )
    english = tmp_path / "activities.csv"
    english.write_text(
        "unit,kind,title,goals,secondary_goals,partner_country,partner,funding_source,budget_sek\n"
        '1440,partnership,No Dropouts,4,10,BW,Ghanzi,ICLD,"450 000"\n',
        encoding="utf-8",
    )
    assert read_activities(swedish, CONTEXT) == read_activities(english, CONTEXT)
    out = io.BytesIO()
    write_activities(out, [], "csv", "sv")
    assert out.getvalue().decode().strip() == ",".join(SWEDISH_HEADERS[c] for c in COLUMNS)


def test_problems_name_the_columns_as_the_file_does(tmp_path: Path) -> None:
    path = tmp_path / "aktiviteter.csv"
    path.write_text("enhet,typ,titel,mål\n1440,partnership,A,19\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_activities(path, CONTEXT)
    assert "row 2, mål:" in caught.value.message
    path.write_text("enhet,typ,titel,mål,goals\n1440,partnership,A,4,4\n", encoding="utf-8")
    with pytest.raises(InputError, match="column goals and mål appears twice"):
        read_activities(path, CONTEXT)
    path.write_text("enhet,typ,titel,målen\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown column målen; .*Swedish names"):
        read_activities(path, CONTEXT)


def test_the_swedish_template_says_its_choices_in_swedish_and_reads_them_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "activities.csv"
    path.write_text(
        "unit,kind,title,goals,partner,partner_country,partner_type,funding_source,"
        "icld_phase,icld_reports,evaluated,results,published\n"
        "1440,partnership,No Dropouts,4,Ghanzi;Röda korset,BW;SE,municipality;civil_society,"
        'icld,projekt,"1:partial:2026-01-31;1:final:2026-06-30:2026-06-01",'
        "yes,Fler klarar skolan,no\n"
        "0780,eu_project,Cykelvägar,11,,,,,,,no,,\n"
        "0180,twin_town,Vänort,17,,,,,,,,,\n",
        encoding="utf-8",
    )
    activities = read_activities(path, CONTEXT)
    swedish, english = io.BytesIO(), io.BytesIO()
    write_activities(swedish, activities, "csv", "sv")
    write_activities(english, activities, "csv", "en")
    text = swedish.getvalue().decode()
    first, second, third = text.splitlines()[1:]
    assert first.startswith("1440,partnerskap,") and "kommun;civilsamhälle" in first
    assert "1:delrapport:2026-01-31;1:slutrapport:2026-06-30:2026-06-01" in first
    assert ",ja," in first and first.endswith(",nej")
    assert second.startswith("0780,EU-projekt,") and third.startswith("0180,vänort,")
    assert "partnership" not in text and "civil_society" not in text
    for written, name in [(swedish, "aktiviteter.csv"), (english, "activities_en.csv")]:
        again = tmp_path / name
        again.write_bytes(written.getvalue())
        assert read_activities(again, CONTEXT) == activities


@pytest.mark.parametrize(
    ("written", "kind"),
    [("Projekt", "project"), ("partnerskap", "partnership"), ("EU-projekt", "eu_project"),
     ("eu project", "eu_project"), ("Vänort", "twin_town"), ("program", "programme"),
     ("IOP", "iop"), ("policy", "policy")],
)  # fmt: skip
def test_a_kind_is_read_by_its_swedish_or_english_name(written: str, kind: str) -> None:
    from glokal.register import parse_kind

    assert parse_kind(written) == kind
