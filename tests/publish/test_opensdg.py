"""`export_opensdg` on SQLite and PostgreSQL: the files an Open SDG site reads, their ids, and
the round trip through `import_opensdg` into a fresh store."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from glokal.errors import NotFound
from glokal.framework import load_framework
from glokal.publish.opensdg import export_opensdg, local_indicator_id, slug
from glokal.register.opensdg import import_opensdg
from glokal.store import Store
from glokal.store.agenda import (
    LocalGoal,
    LocalIndicator,
    local_agenda,
    save_local_goals,
    save_local_indicator,
)
from tests.publish.opensdg_data import INDICATORS, OTHER, UNIT, fill

GLOBAL_ID = re.compile(r"[0-9]{1,2}-(?:[0-9]{1,2}|[a-z])-[0-9]{1,2}")


def _export(store: Store, out: Path, units: list[str], **options: Any) -> Any:
    with store.session() as session, session.begin():
        return export_opensdg(session, out, units, **options)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def _meta(path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return meta


@pytest.fixture
def filled(initialised_store: Store) -> Store:
    fill(initialised_store)
    return initialised_store


def test_files_an_open_sdg_site_reads(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "site-data"
    report = _export(filled, out, [UNIT])
    ids = sorted(p.stem for p in (out / "meta").glob("*.yml"))
    assert ids == [
        "1-2-lokal-0680-gm-3-11", "16-kolada-n00401", "5-5-lokal-0680-k-1", "5-kolada-n00401",
        "lokal-0680-mal-3",
    ]  # fmt: skip
    assert sorted(p.name for p in (out / "data").iterdir()) == [f"indicator_{i}.csv" for i in ids]
    assert (report.local, report.kolada) == (3, 2)

    # An own series: Year first, Value last, the unit as GeoCode; values exact.
    own = out / "data" / "indicator_1-2-lokal-0680-gm-3-11.csv"
    assert _header(own) == ["Year", "GeoCode", "Value"]
    assert _csv(own) == [
        {"Year": "2021", "GeoCode": "0680", "Value": "0.30000000000000004"},
        {"Year": "2022", "GeoCode": "0680", "Value": "88"},
        {"Year": "2023", "GeoCode": "0680", "Value": "90.5"},
    ]
    meta = _meta(out / "meta" / "1-2-lokal-0680-gm-3-11.yml")
    assert {k: meta[k] for k in (
        "indicator_number", "indicator_name", "target_id", "sdg_goal", "reporting_status",
        "data_non_statistical", "graph_type", "computation_units", "standalone", "published",
        "national_geographical_coverage", "source_organisation_1", "tags",
    )} == {
        "indicator_number": "1.2.lokal.0680.gm.3.11",
        "indicator_name": "Andel rökfria elever, åk 9",
        "target_id": "1.2", "sdg_goal": "1", "reporting_status": "complete",
        "data_non_statistical": False, "graph_type": "line", "computation_units": "procent",
        "standalone": False, "published": True, "national_geographical_coverage": "Jönköping",
        "source_organisation_1": "Jönköping", "tags": ["Lokal indikator"],
    }  # fmt: skip
    assert meta["graph_target_lines"] == [{"value": 95.0, "label_content": "Mål 2030"}]
    assert meta["progress_calculation_options"] == [
        {"target": 95.0, "target_year": 2030, "direction": "positive"}
    ]
    assert meta["glokal"]["unit"] == "0680" and "unit: '0680'" in (
        out / "meta" / "1-2-lokal-0680-gm-3-11.yml"
    ).read_text(encoding="utf-8")  # quoted: a YAML 1.2 reader would see the number 680

    # A local indicator that follows a Kolada KPI: Kolada's values with Sex (total empty).
    kolada_local = out / "data" / "indicator_5-5-lokal-0680-k-1.csv"
    assert _header(kolada_local) == ["Year", "Sex", "GeoCode", "Value"]
    assert [(r["Year"], r["Sex"], r["Value"]) for r in _csv(kolada_local)] == [
        ("2018", "", "84"), ("2018", "K", "85.5"), ("2018", "M", "82.5"),
        ("2022", "", "88"), ("2022", "K", "89.5"), ("2022", "M", "86.5"),
    ]  # fmt: skip
    meta = _meta(out / "meta" / "5-5-lokal-0680-k-1.yml")
    assert meta["source_organisation_1"] == "RKA / Kolada"
    assert meta["source_url_1"] == "https://api.kolada.se/v3/kpi/N00401"
    assert meta["data_footnote"] == "Källa: Kolada"
    assert meta["graph_target_lines"] == [{"value": 90.0, "label_content": "Mål"}]

    # No global target: a standalone indicator, with no goal.
    meta = _meta(out / "meta" / "lokal-0680-mal-3.yml")
    assert meta["standalone"] is True and "sdg_goal" not in meta and "target_id" not in meta

    # A KPI of the Agenda 2030 selection, once per goal; the missing 2014 value left out.
    selection = out / "data" / "indicator_5-kolada-n00401.csv"
    assert _header(selection) == ["Year", "Sex", "GeoCode", "Value"]
    assert {r["GeoCode"] for r in _csv(selection)} == {UNIT}
    assert "2014" not in {r["Year"] for r in _csv(selection)}
    assert selection.read_text() == (out / "data" / "indicator_16-kolada-n00401.csv").read_text()
    meta = _meta(out / "meta" / "16-kolada-n00401.yml")
    assert (meta["sdg_goal"], meta["indicator_name"], meta["source_organisation_1"]) == (
        "16", "Valdeltagande i senaste kommunalvalet, andel (%)", "RKA / Kolada"
    )  # fmt: skip


def test_one_kolada_file_holds_several_units(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(filled, out, [UNIT, OTHER], lang="en")
    rows = _csv(out / "data" / "indicator_5-kolada-n00401.csv")
    assert _header(out / "data" / "indicator_5-kolada-n00401.csv") == [
        "Year", "Geography", "Sex", "GeoCode", "Value",
    ]  # fmt: skip
    assert sorted({(r["GeoCode"], r["Geography"]) for r in rows}) == [
        (OTHER, "Stockholm"),
        (UNIT, "Jönköping"),
    ]
    meta = _meta(out / "meta" / "5-kolada-n00401.yml")
    assert meta["data_show_map"] is True
    assert meta["national_geographical_coverage"] == "Municipalities and regions"
    assert _meta(out / "meta" / "lokal-0680-mal-3.yml")["tags"] == ["Local indicator"]


def test_ids_never_clash_with_the_global_indicators(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(filled, out, [])
    global_ids = {i.id.replace(".", "-") for i in load_framework().indicators}
    for path in (out / "meta").glob("*.yml"):
        assert not GLOBAL_ID.fullmatch(path.stem) and path.stem not in global_ids
        assert not GLOBAL_ID.fullmatch(".".join(path.stem.split("-")[:3]).replace(".", "-"))
    assert slug("Mål 3") == "mal-3" and slug("GM.3.11") == "gm-3-11"
    assert local_indicator_id("0680", "SE.1", "1.a") == "1-a-lokal-0680-se-1"


def test_codes_that_make_the_same_id_stay_apart(initialised_store: Store, tmp_path: Path) -> None:
    with initialised_store.session() as session, session.begin():
        for code in ("SE.1", "SE-1"):
            save_local_indicator(session, LocalIndicator(UNIT, code, f"Indikator {code}"))
    out = tmp_path / "out"
    _export(initialised_store, out, [UNIT])
    ids = sorted(p.stem for p in (out / "meta").glob("*.yml"))
    assert len(ids) == 2 and all(i.startswith("lokal-0680-se-1-") for i in ids)


def test_drafts_stay_out_unless_asked(initialised_store: Store, tmp_path: Path) -> None:
    with initialised_store.session() as session, session.begin():
        save_local_goals(session, [LocalGoal(UNIT, "D1", "Utkast", published=False)])
        save_local_indicator(session, LocalIndicator(UNIT, "D1.1", "Ett utkast", goal="D1"))
    assert _export(initialised_store, tmp_path / "a", [UNIT]).local == 0
    assert _export(initialised_store, tmp_path / "b", [UNIT], drafts=True).local == 1
    assert _meta(tmp_path / "b" / "meta" / "lokal-0680-d1-1.yml")["published"] is False


def test_a_new_export_replaces_glokal_files_and_leaves_others(
    filled: Store, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _export(filled, out, [UNIT])
    (out / "meta" / "1-1-1.yml").write_text("indicator_name: Global\n", encoding="utf-8")
    (out / "data" / "indicator_1-1-1.csv").write_text("Year,Value\n2020,1\n", encoding="utf-8")
    with filled.session() as session, session.begin():
        save_local_indicator(session, LocalIndicator(UNIT, "Mål 3", "Utan mål", goal="SE.1"))
    report = _export(filled, out, [UNIT])
    assert report.removed == 1  # lokal-0680-mal-3 is now 1-2-lokal-0680-mal-3
    names = {p.stem for p in (out / "meta").glob("*.yml")}
    assert "lokal-0680-mal-3" not in names and {"1-2-lokal-0680-mal-3", "1-1-1"} <= names
    assert not (out / "data" / "indicator_lokal-0680-mal-3.csv").exists()


def test_an_unknown_unit_is_refused(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no unit '9999'"):
        _export(filled, tmp_path / "out", ["9999"])
    assert not (tmp_path / "out").exists()


def test_export_then_import_is_lossless(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(filled, out, [UNIT])
    fresh = Store(make_url(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    try:
        fresh.init()
        with fresh.session() as session, session.begin():
            report = import_opensdg(session, out)
        assert (report.inserted, report.updated, report.goals_added) == (3, 0, 3)
        assert sorted(report.skipped) == ["16-kolada-n00401", "5-kolada-n00401"]
        with filled.session() as session, fresh.session() as copy:
            before, after = local_agenda(session, UNIT), local_agenda(copy, UNIT)
        assert after.indicators == before.indicators
        assert sorted(after.indicators, key=lambda i: i.code) == sorted(
            INDICATORS, key=lambda i: i.code
        )
        assert after.goals == before.goals
        # Again: the same indicators, updated in place, nothing added.
        with fresh.session() as session, session.begin():
            again = import_opensdg(session, out)
        assert (again.inserted, again.updated, again.goals_added) == (0, 3, 0)
        with fresh.session() as copy:
            assert local_agenda(copy, UNIT) == after
    finally:
        fresh.close()
