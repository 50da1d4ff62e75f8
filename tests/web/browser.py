"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright, axe-core, a real
`glokal serve` over a store with data, and the script payloads of the security tests.

Chromium is Debian's (/usr/bin/chromium; .ci/run installs it when missing); Playwright never
downloads a browser here. axe-core comes bundled in the `axe-playwright-python` package
(axe.min.js, MPL-2.0), so nothing is fetched at test time.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page

from glokal.cli import main
from tests.conftest import KOLADA_DATA, clean_environ
from tests.kolada.replay import ReplayDataset, ReplayServer
from tests.register.examples import HEADER, ROWS

CHROMIUM = Path(os.environ.get("GLOKAL_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.1 level AA, as Swedish public sector sites must meet it (DOS-lagen).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Script payloads put into every text field a user can set.
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, ATTRIBUTE)

# The editor's users (`glokal user add`), one per role: email → (role, units).
PASSWORD = "korrekt häst batteri"
ADMIN = "admin@glokal.test"
EDITOR = "redaktor@kristinehamn.test"
REVIEWER = "granskare@glokal.test"
USERS = {ADMIN: ("admin", ()), EDITOR: ("editor", ("1781",)), REVIEWER: ("reviewer", ())}


def escaped(text: str) -> str:
    """``text`` as Jinja's autoescape writes it into HTML."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def require_chromium() -> str:
    """The Chromium executable; skipped locally without it, a failure in CI (like PostgreSQL)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    message = (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
        "(apt-get install chromium; .ci/run installs it)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(data_dir: Path, *options: str) -> Iterator[str]:
    """A real `glokal serve` on a free loopback port over the store in ``data_dir``."""
    port = free_port()
    env = {**clean_environ(), "GLOKAL_DATA_DIR": str(data_dir)}
    # Its output goes to a file, not a pipe: a pipe nobody reads fills with the access log
    # after some hundred requests, and the server then stops inside its next log line.
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "glokal", "serve", "--port", str(port), *options],
            env=env, stdout=output, stderr=subprocess.STDOUT, text=True,
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
                    output.seek(0)
                    pytest.fail(f"glokal serve did not start:\n{output.read()}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
                raise


def cli(*args: str) -> None:
    code = main(list(args))
    assert code == 0, f"glokal {' '.join(args)} exited {code}"


def _payload_rows() -> list[str]:
    """Two of Kristinehamn's activities carrying the payloads in every text field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([
        "1781", "partnership", f"Vänort {SCRIPT}", f"Beskrivning {ATTRIBUTE}", "2021-01-01",
        "", "5", "5.5", f"Partner {SCRIPT}", "SE", "own", "",
    ])  # fmt: skip
    writer.writerow([
        "1781", "project", f"Projekt {ATTRIBUTE}", f"Om {SCRIPT}", "2022-01-01", "", "5;13",
        "5.1", f"Förening {ATTRIBUTE}", "SE", "own", "",
    ])  # fmt: skip
    return out.getvalue().splitlines()


@dataclass
class Site:
    """The running site and what the store behind it holds."""

    base: str
    data_dir: Path
    payload_goal: int = 5  # 1781's goal whose assessment, local goal and activities carry them
    chart_goal: int = 13  # 1781's goal with a decided status and several charts


@dataclass
class Tab:
    """A page in a browser context, with the dialogs, page errors and requests it saw."""

    page: Page
    base: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def open_in(cls, context: BrowserContext, base: str) -> Tab:
        page = context.new_page()
        tab = cls(page=page, base=base)

        def on_dialog(dialog: Any) -> None:
            tab.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: tab.errors.append(str(error)))
        page.on("request", lambda request: tab.requests.append(request.url))
        # Nothing leaves the machine: any request off the test server is refused.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(base) else route.abort()
            ),
        )
        return tab

    def open(self, path: str) -> int:
        response = self.page.goto(self.base + path)
        assert response is not None
        return response.status


def seed(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Units from `glokal init`, activities imported, a local agenda, Kolada values synced from
    the replay server and assessed, and decided assessments: all through the CLI."""
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GLOKAL_DATABASE_URL", raising=False)
    cli("init")
    # The payloads in a second import: the newest, so the overview's recent updates show them.
    for name, rows in [("examples.csv", ROWS), ("payloads.csv", _payload_rows())]:
        (data_dir / name).write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")
        cli("activities", "import", str(data_dir / name), "--by", "test")
    cli("agenda", "priority", "1781", "5,13")
    cli("agenda", "goal", "1781", "KH.5", "--title", f"Jämställd kommun {SCRIPT} {ATTRIBUTE}",
        "--description", f"Mer {ATTRIBUTE}", "--targets", "5.5")  # fmt: skip
    cli("agenda", "goal", "1781", "KH.13", "--title", "Fossilfri kommun 2030", "--targets", "13.2")
    with ReplayServer(ReplayDataset(KOLADA_DATA, kpi_count=10)) as kolada:
        cli("sync", "kolada", "--base-url", kolada.base_url, "--rate", "0", "--from-year", "2012")
    cli("assess", "--format", "json")
    cli("assessment", "set", "1781", "5", "--status", "neutral",
        "--text", f"Så ligger vi till {SCRIPT}.\n\nAndra stycket {ATTRIBUTE}",
        "--assessor", f"Gruppen {ATTRIBUTE}", "--cutoff", "2026-01-31",
        "--method-note", f"Metod {SCRIPT}", "--justification", f"Därför {ATTRIBUTE}",
        "--by", "test")  # fmt: skip
    cli("assessment", "set", "1781", "13", "--status", "utmaning",
        "--text", "Utsläppen minskar, men inte tillräckligt snabbt.",
        "--assessor", "Hållbarhetsgruppen", "--cutoff", "2026-01-31",
        "--justification", "Takten räcker inte till målet 2030.", "--by", "test")  # fmt: skip
    for email, (role, units) in USERS.items():
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        cli("user", "add", email, "--role", role, *[f"--unit={u}" for u in units],
            "--password-stdin")  # fmt: skip
