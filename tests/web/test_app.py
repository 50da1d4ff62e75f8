"""The web app served by a real `glokal serve` process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web.browser import serving


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("web")) as base:
        yield base


def test_start_page_lists_goals_and_units_from_the_database(server: str) -> None:
    response = httpx.get(f"{server}/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="sv">' in html
    assert "Ingen fattigdom" in html and "Genomförande och globalt partnerskap" in html
    assert html.count('class="tile"') == 17
    assert "Kommuner (290)" in html and "Regioner (21)" in html
    assert "Stockholm" in html and "Storstäder" in html and "Region Norrbotten" in html
    assert '<a href="/0000">Riket</a>' in html


def test_start_page_in_english(server: str) -> None:
    html = httpx.get(f"{server}/", params={"lang": "en"}).text
    assert '<html lang="en">' in html
    assert "No Poverty" in html and "Municipalities (290)" in html and "Large cities" in html


def test_json_twin_of_the_start_page(server: str) -> None:
    page = httpx.get(f"{server}/index.json").json()
    assert page["lang"] == "sv"
    assert len(page["goals"]) == 17 and page["goals"][0]["short_sv"] == "Ingen fattigdom"
    assert len(page["kommuner"]) == 290 and len(page["regions"]) == 21
    assert page["riket"]["id"] == "0000"


def test_security_headers(server: str) -> None:
    page = httpx.get(f"{server}/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    policy = page.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert httpx.get(f"{server}/index.json").headers["x-content-type-options"] == "nosniff"


def test_head_is_get_without_the_body(server: str) -> None:
    for path in ("/", "/1781/mal/13", "/1781/mal/13.json", "/static/glokal.css"):
        got, head = httpx.get(f"{server}{path}"), httpx.head(f"{server}{path}")
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"]
    assert httpx.head(f"{server}/9999").status_code == 404
