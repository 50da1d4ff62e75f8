"""The web app served by a real `glokal serve` process on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import clean_environ


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("web")
    port = _free_port()
    env = {**clean_environ(), "GLOKAL_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "glokal", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"glokal serve did not start:\n{output}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


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
