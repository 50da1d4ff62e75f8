"""The static site: the public pages as files, every internal link and asset resolving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from glokal.errors import InputError
from glokal.store import Store
from glokal.web.site import export_site, page_file, relative_href
from tests.web.linkcheck import broken_links
from tests.web.opendata import build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = build_store(tmp_path_factory.mktemp("site"))
    yield store
    store.close()


def test_paths_and_relative_links() -> None:
    assert page_file("/") == "index.html"
    assert page_file("/1781/mal/13") == "1781/mal/13/index.html"
    assert page_file("/1781/mal/13.json") == "1781/mal/13.json"
    assert relative_href("/1781", "1781/mal/13/index.html") == "../../index.html"
    assert relative_href("/aktiviteter?goal=5", "index.html") == "aktiviteter/index.html?goal=5"
    assert relative_href("/en/1781", "1781/index.html") == "../en/1781/index.html"


def test_two_units_in_both_languages_with_every_link_resolving(
    store: Store, tmp_path: Path
) -> None:
    site = export_site(store, tmp_path / "site", units=["1781", "2409"])
    root = site.directory
    # Per language: the start page, activities, 17 goals across units, and per unit its page,
    # its comparison and its 17 goal pages.
    assert site.pages == 2 * (1 + 1 + 17 + 2 * (1 + 1 + 17))
    assert broken_links(root) == []
    goal = (root / "1781/mal/13/index.html").read_text(encoding="utf-8")
    assert "Sammantaget kan Kristinehamns status" in goal and "<svg" in goal
    assert 'href="../../../static/glokal.css"' in goal
    english = (root / "en/1781/mal/13/index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english
    twin = json.loads((root / "1781/mal/13.json").read_text(encoding="utf-8"))
    assert twin["unit"]["id"] == "1781" and twin["goal"]["number"] == 13
    # The comparison says how much of the kommungrupp this site holds (only what it exports).
    compare = " ".join((root / "1781/jamfor/index.html").read_text(encoding="utf-8").split())
    assert "Kristinehamn och de 23 andra kommunerna i kommungruppen B5" in compare
    assert "0 av dem visas här: de andra ingår inte i den här webbplatsen." in compare
    # Only the exported units are linked to: the start page lists two municipalities.
    start = (root / "index.html").read_text(encoding="utf-8")
    assert 'href="1781/index.html"' in start and 'href="0180/index.html"' not in start
    # A second export replaces the first whole.
    again = export_site(store, root, units=["1781"], languages=["sv"])
    assert not (root / "2409").exists() and not (root / "en").exists()
    assert again.pages == 1 + 1 + 17 + 1 + 1 + 17
    assert broken_links(root) == []


def test_refuses_a_directory_that_is_not_an_export(store: Store, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not empty and not an earlier export"):
        export_site(store, tmp_path, units=["1781"], languages=["sv"])
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(InputError, match="there is no unit 9999"):
        export_site(store, tmp_path / "x", units=["9999"])
    assert not (tmp_path / "x").exists()
