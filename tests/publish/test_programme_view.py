"""A programme as `glokal programme show` prints it: its targets' progress as percentages written
the way each language writes them (Swedish "0 %", English "0%")."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from glokal.places import load_places
from glokal.publish.register import programme_view
from glokal.register import install_builtin_programmes, programme_progress
from glokal.store import Store
from glokal.store.programmes import Membership, programme_record, save_membership


def _shown(store: Store, lang: str) -> str:
    with store.session() as session:
        record = programme_record(session, "millenniekommun")
    types = {p.id: p.type for p in load_places().places}
    progress = programme_progress(record, types)
    console = Console(width=200, record=True, color_system=None)
    console.print(programme_view(record, progress, {"1781": "Kristinehamn"}, lang))
    return console.export_text()


def test_shares_are_percentages_in_each_languages_way(initialised_store: Store) -> None:
    with initialised_store.session() as session, session.begin():
        install_builtin_programmes(session)
        save_membership(session, "millenniekommun", Membership("1781", date(2010, 1, 1)))
    swedish = _shown(initialised_store, "sv")
    assert "0\xa0%" in swedish or "0 %" in swedish
    assert "0%" not in swedish.replace("\xa0", " ").replace(" %", "")
    english = _shown(initialised_store, "en")
    assert "0%" in english and "0 %" not in english.replace("\xa0", " ")
