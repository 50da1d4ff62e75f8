"""The annual report as HTML and PDF: every chapter there, the PDF paged with ink on every
page, and the same statuses and figures as the public goal pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from glokal.publish.report import Report, build_report, report_html, report_pdf
from glokal.store import Store
from tests.web.opendata import build_store

REQUIRE_TOOLS = bool(__import__("os").environ.get("CI"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = build_store(tmp_path_factory.mktemp("report"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def report(store: Store) -> Report:
    with store.session() as session, session.begin():
        return build_report(session, "1781", "sv", 2025, date(2026, 12, 1))


class _Nodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("style", "svg", "title")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "svg", "title")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.nodes.append(data)


def _nodes(html: str) -> list[str]:
    """The text nodes of the report, without styles and charts."""
    parser = _Nodes()
    parser.feed(html)
    return parser.nodes


def _text(html: str) -> str:
    return "".join(_nodes(html))


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.sections.append(dict(attrs).get("id") or "")
        if tag not in ("meta", "link", "br", "img", "input", "path", "rect", "line", "circle",
                       "use", "stop"):  # fmt: skip
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("meta", "link", "br", "img", "input", "path", "rect", "line", "circle", "use",
                   "stop"):  # fmt: skip
            return
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else '-'}>")
        else:
            self.open.pop()


def test_the_html_report_has_every_chapter_in_order(report: Report) -> None:
    html = report_html(report)
    outline = _Outline()
    outline.feed(html)
    assert outline.errors == [] and outline.open == []
    assert outline.sections == [
        "", "summary", *(f"goal-{n}" for n in range(1, 18)), "partnerships", "method",
    ]  # fmt: skip
    assert '<html lang="sv">' in html and "Hållbarhetsrapport 2025" in html
    # The decided status of goal 13, as on the public page, with its assessor.
    assert "Sammantaget kan Kristinehamns status i förhållande till Agenda 2030 och mål 13" in html
    assert "beslutad av Hållbarhetsstrategen" in html
    # A draft decision is not in the report: goal 5 shows the published one.
    goal5 = html[html.index('id="goal-5"') : html.index('id="goal-6"')]
    assert "bedömas vara god" in goal5
    # Raw values carry Källa: Kolada; derived figures are Glokal's analysis.
    assert "Källa: Kolada" in html and "Glokals analys" in html
    assert html.count("<svg") >= 2  # the summary chart and key figure charts, as vector graphics
    assert "Partnerskap och program" in html and "Glokala Sverige" in html


def test_the_report_reads_right_where_a_goal_is_not_assessed_and_for_programmes(
    report: Report,
) -> None:
    html = report_html(report)
    words = " ".join(_text(html).split())
    assert "bedömas vara ej bedömd" not in words
    goal4 = html[html.index('id="goal-4"') : html.index('id="goal-5"')]
    assert "Mål 4 har ännu inte bedömts för Kristinehamn." in goal4
    assert "Glokals förslag" not in goal4  # no suggestion to speak of
    # The programme line: no space before a punctuation mark, even read element by element.
    assert "Glokala Sverige – medlem sedan 2019-01-01" in words
    assert not re.search(r"\w [,:]", " ".join(" ".join(_nodes(html)).split()))


def test_the_report_in_english(store: Store) -> None:
    with store.session() as session, session.begin():
        english = report_html(build_report(session, "1781", "en", 2025, date(2026, 12, 1)))
    assert '<html lang="en">' in english and "Sustainability report 2025" in english
    assert "Overall, Kristinehamn&#39;s status in relation to Agenda 2030 and goal 13" in english
    assert "Goal 4 has not been assessed for Kristinehamn yet." in english
    assert "Glokala Sverige</strong> – member since 2019-01-01" in english


def _pdftoppm() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        if REQUIRE_TOOLS:
            pytest.fail("pdftoppm (Debian's poppler-utils) is missing; .ci/run installs it")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return tool


def test_the_pdf_has_a_page_per_chapter_and_ink_on_every_page(
    report: Report, tmp_path: Path
) -> None:
    tool = _pdftoppm()
    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run([tool, "-r", "12", "-gray", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) >= 1 + 1 + 1 + 17 + 2  # cover, contents, summary, 17 goals, 2 more
    blank = [p.name for p in pages if _ink(p) == 0]
    assert blank == []


def _ink(page: Path) -> int:
    """How many pixels of a grey-scale PGM page are not white."""
    data = page.read_bytes()
    # P5 header: magic, width, height, maxval, each followed by whitespace.
    fields, rest = data.split(b"\n", 3)[:3], data.split(b"\n", 3)[3]
    width, height = map(int, fields[1].split())
    pixels = rest[-width * height :]
    return sum(1 for value in pixels if value < 200)
