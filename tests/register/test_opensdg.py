"""`import_opensdg` on SQLite and PostgreSQL: Open SDG data from Glokal and from other sites,
and every validation rule with a bad file: the message names the file, row and field, and
nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from glokal.errors import InputError
from glokal.register.opensdg import import_opensdg
from glokal.store import Store
from glokal.store.agenda import LocalIndicator, local_agenda

UNIT = "0680"

LOCAL_META = """\
indicator_number: 1.2.lokal.0680.gm.3.11
indicator_name: Andel rökfria elever
target_id: '1.2'
sdg_goal: '1'
reporting_status: complete
data_non_statistical: false
graph_type: line
computation_units: procent
glokal:
  kind: local
  unit: '0680'
  code: GM.3.11
  goal: SE.1.8
  baseline_value: 80.0
  baseline_year: 2020
  target_value: 95.0
  target_year: 2030
  local_goals:
  - {code: SE.1, title: Ingen fattigdom, parent: null, targets: ['1.2']}
  - {code: SE.1.8, title: Minskad barnfattigdom, parent: SE.1, targets: []}
"""
LOCAL_DATA = "Year,GeoCode,Value\n2022,0680,88\n2023,0680,90.5\n"
# From another Open SDG site: no Glokal block, several units and a disaggregation.
FOREIGN_META = """\
indicator_number: 3.4.2
indicator_name: Suicide mortality rate
target_id: '3.4'
computation_units: per 100 000
reporting_status: complete
progress_calculation_options:
- target: 5
  target_year: 2030
  direction: negative
"""
FOREIGN_DATA = (
    "Year,Region,Sex,GeoCode,Value\n"
    "2020,Jönköping,,0680,12.5\n"
    "2020,Jönköping,Female,0680,7\n"
    "2021,Jönköping,,0680,11\n"
    "2020,Stockholm,,0180,10\n"
    "2021,,,,9.8\n"
)
KOLADA_META = "indicator_name: Valdeltagande\nglokal: {kind: kolada, kpi: N00401}\n"


def write_folder(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "meta").mkdir()
    files = {
        "meta/1-2-lokal-0680-gm-3-11.yml": LOCAL_META,
        "data/indicator_1-2-lokal-0680-gm-3-11.csv": LOCAL_DATA,
        "meta/3-4-2.yml": FOREIGN_META,
        "data/indicator_3-4-2.csv": FOREIGN_DATA,
        "meta/5-kolada-n00401.yml": KOLADA_META,
        "data/indicator_5-kolada-n00401.csv": "Year,GeoCode,Value\n2022,0680,84\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _indicators(store: Store, unit: str = UNIT) -> tuple[LocalIndicator, ...]:
    with store.session() as session:
        return local_agenda(session, unit).indicators


def test_glokal_and_foreign_files_become_local_indicators(
    initialised_store: Store, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "in")
    with initialised_store.session() as session, session.begin():
        report = import_opensdg(session, folder)
    assert (report.indicators, report.inserted, report.goals_added) == (3, 3, 2)
    assert report.skipped == ("5-kolada-n00401",)  # Kolada's own values: synced, not imported
    mine = {i.code: i for i in _indicators(initialised_store)}
    assert mine["GM.3.11"] == LocalIndicator(
        UNIT, "GM.3.11", "Andel rökfria elever", goal="SE.1.8", measure="procent",
        baseline_value=80.0, baseline_year=2020, target_value=95.0, target_year=2030,
        values=((2022, 88.0), (2023, 90.5)),
    )  # fmt: skip
    # The headline rows (no Sex) of Jönköping's GeoCode; the target from the progress options.
    assert mine["3.4.2"] == LocalIndicator(
        UNIT, "3.4.2", "Suicide mortality rate", measure="per 100 000", target_value=5.0,
        target_year=2030, values=((2020, 12.5), (2021, 11.0)),
    )  # fmt: skip
    assert [i.values for i in _indicators(initialised_store, "0180")] == [((2020, 10.0),)]


def test_unit_keeps_one_units_rows_and_places_rows_without_geocode(
    initialised_store: Store, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "in")
    with initialised_store.session() as session, session.begin():
        report = import_opensdg(session, folder, unit="0180")
    assert report.indicators == 1 and "1-2-lokal-0680-gm-3-11" in report.skipped
    assert [i.values for i in _indicators(initialised_store, "0180")] == [
        ((2020, 10.0), (2021, 9.8))  # the row without GeoCode is the given unit's
    ]
    assert _indicators(initialised_store) == ()


def test_check_stores_nothing(initialised_store: Store, tmp_path: Path) -> None:
    with initialised_store.session() as session, session.begin():
        report = import_opensdg(session, write_folder(tmp_path / "in"), check=True)
    assert report.indicators == 3 and not report.written
    assert _indicators(initialised_store) == ()


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _write(name: str, content: str | bytes) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return change


def _remove(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).unlink()


LOCAL_CSV = "data/indicator_1-2-lokal-0680-gm-3-11.csv"
LOCAL_YML = "meta/1-2-lokal-0680-gm-3-11.yml"
FOREIGN_CSV = "data/indicator_3-4-2.csv"
FOREIGN_YML = "meta/3-4-2.yml"

BAD = {
    "bad file name": (_write("data/values.csv", "Year,Value\n"), "data/values.csv: name it"),
    "data without metadata": (_remove(FOREIGN_YML), f"{FOREIGN_CSV}: no metadata file"),
    "not UTF-8": (_write(FOREIGN_CSV, "Year,Value\n2020,\xe5".encode("latin-1")),
                  f"{FOREIGN_CSV}: not UTF-8"),
    "empty CSV": (_write(FOREIGN_CSV, ""), f"{FOREIGN_CSV}: empty"),
    "no Value column": (_replace(LOCAL_CSV, "Value", "Värde"),
                        f"{LOCAL_CSV}, row 1: missing column Value"),
    "a column twice": (_replace(FOREIGN_CSV, "Sex", "Region"), f"{FOREIGN_CSV}, row 1, Region: "
                       "appears twice"),
    "a nameless column": (_replace(LOCAL_CSV, "GeoCode,", ","), "a column without a name"),
    "too few cells": (_replace(LOCAL_CSV, "2023,0680,90.5", "2023,90.5"),
                      f"{LOCAL_CSV}, row 3: 2 cells; the header has 3"),
    "bad year": (_replace(LOCAL_CSV, "2023,", "2023-24,"),
                 f"{LOCAL_CSV}, row 3, Year: '2023-24' is not a year"),
    "bad value": (_replace(FOREIGN_CSV, "12.5", "12.5 %"), "row 2, Value: '12.5 %' is not a num"),
    "infinite value": (_replace(LOCAL_CSV, "90.5", "inf"), "row 3, Value: 'inf' is not a num"),
    "unknown GeoCode": (_replace(FOREIGN_CSV, "0180", "9999"),
                        f"{FOREIGN_CSV}, row 5, GeoCode: there is no unit '9999'"),
    "a year twice": (_replace(LOCAL_CSV, "2023,0680", "2022,0680"),
                     f"{LOCAL_CSV}, row 3, Year: 2022 is also on row 2"),
    "GeoCode of another unit": (_replace(LOCAL_CSV, "2023,0680", "2023,0180"),
                                f"{LOCAL_CSV}, row 3, GeoCode: 0180 is not the unit 0680"),
    "two Units": (_write(FOREIGN_CSV, "Year,Units,GeoCode,Value\n2020,%,0680,1\n"
                         "2021,antal,0680,2\n"), f"{FOREIGN_CSV}, row 3, Units: 'antal' differs"),
    "not YAML": (_write(FOREIGN_YML, "indicator_name: [unclosed\n"),
                 f"{FOREIGN_YML}, line 2: not valid YAML"),
    "not a mapping": (_write(FOREIGN_YML, "- a\n- b\n"), f"{FOREIGN_YML}: not a YAML mapping"),
    "no name": (_replace(FOREIGN_YML, "indicator_name: Suicide mortality rate\n", ""),
                f"{FOREIGN_YML}, indicator_name: must be the indicator's name"),
    "unknown target": (_replace(FOREIGN_YML, "'3.4'", "'3.99'"),
                       f"{FOREIGN_YML}, target_id: there is no target '3.99'"),
    "target as a number": (_replace(FOREIGN_YML, "'3.4'", "3.4"), "target_id: 3.4 is read as a"),
    "bad goal": (_replace(LOCAL_YML, "sdg_goal: '1'", "sdg_goal: 18"),
                 f"{LOCAL_YML}, sdg_goal: 18 is not a goal number"),
    "bad reporting status": (_replace(FOREIGN_YML, "complete", "done"), "reporting_status: 'done'"),
    "flag not boolean": (_replace(LOCAL_YML, "data_non_statistical: false",
                                  "data_non_statistical: maybe"),
                         "data_non_statistical: 'maybe' is not true or false"),
    "bad target value": (_replace(FOREIGN_YML, "target: 5", "target: fem"),
                         "progress_calculation_options[0].target: 'fem' is not a number"),
    "bad target year": (_replace(FOREIGN_YML, "target_year: 2030", "target_year: snart"),
                        "progress_calculation_options[0].target_year: 'snart' is not a year"),
    "unknown unit in glokal": (_replace(LOCAL_YML, "unit: '0680'", "unit: '9999'"),
                               f"{LOCAL_YML}, glokal.unit: there is no unit '9999'"),
    "bad KPI": (_replace(LOCAL_YML, "code: GM.3.11", "code: GM.3.11\n  kpi: X1"),
                "glokal.kpi: 'X1' is not a Kolada KPI id"),
    "code too long": (_replace(LOCAL_YML, "code: GM.3.11", "code: " + "G" * 40),
                      "glokal.code: 'GGGG"),
    "unknown local goal": (_replace(LOCAL_YML, "goal: SE.1.8", "goal: SE.9"),
                           f"{LOCAL_YML}, glokal.goal: 'SE.9' is not a local goal of 0680"),
    "local goal without title": (_replace(LOCAL_YML, "title: Ingen fattigdom, ", ""),
                                 "glokal.local_goals[0].title: the local goal needs a title"),
    "local goal's unknown target": (_replace(LOCAL_YML, "targets: ['1.2']", "targets: ['1.77']"),
                                    "glokal.local_goals[0].targets: there is no target '1.77'"),
    "missing parent": (_replace(LOCAL_YML, "parent: SE.1,", "parent: SE.0,"),
                       "the parent 'SE.0' of 'SE.1.8' is not a local goal of 0680"),
    "same code twice": (_write("meta/lokal-0680-gm-3-11.yml", LOCAL_META),
                        "0680 'GM.3.11' is also in"),
    "no unit at all": (_replace(FOREIGN_CSV, "GeoCode", "Kod"), "give --unit"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_imports_nothing(initialised_store: Store, tmp_path: Path, case: str) -> None:
    change, message = BAD[case]
    folder = write_folder(tmp_path / "in")
    change(folder)
    with (
        pytest.raises(InputError) as caught,
        initialised_store.session() as session,
        session.begin(),
    ):
        import_opensdg(session, folder)
    assert message in str(caught.value), str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert _indicators(initialised_store) == () and _indicators(initialised_store, "0180") == ()
    with initialised_store.session() as session:
        assert local_agenda(session, UNIT).goals == ()


def test_the_problems_are_said_in_swedish_too(initialised_store: Store, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in")
    _replace(LOCAL_CSV, "2023,", "2023-24,")(folder)
    _write(FOREIGN_YML, "indicator_name: [unclosed\n")(folder)
    with (
        pytest.raises(InputError) as caught,
        initialised_store.session() as session,
        session.begin(),
    ):
        import_opensdg(session, folder)
    swedish = caught.value.in_language("sv")
    assert "2 problem i Open SDG-filerna; inget importerades:" in swedish
    assert f"{LOCAL_CSV}, rad 3, Year: '2023-24' är inte ett årtal som 2024" in swedish
    assert f"{FOREIGN_YML}, rad 2: inte giltig YAML" in swedish
    assert "2 problems in the Open SDG files; nothing was imported:" in str(caught.value)


def test_a_folder_that_is_not_open_sdg_data(initialised_store: Store, tmp_path: Path) -> None:
    with initialised_store.session() as session, session.begin():
        with pytest.raises(InputError, match="no such folder"):
            import_opensdg(session, tmp_path / "missing")
        with pytest.raises(InputError, match="no data/ or meta/ folder"):
            import_opensdg(session, tmp_path)
