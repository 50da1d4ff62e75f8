"""`glokal report` and `glokal export site` as a user runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from glokal.cli import main
from glokal.store import Store
from tests.web.linkcheck import broken_links
from tests.web.opendata import build_store


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("publish")
    store: Store = build_store(directory)
    store.close()
    yield f"sqlite:///{directory / 'glokal.sqlite3'}"


@pytest.fixture
def env(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOKAL_DATABASE_URL", database)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("env")
def test_report_as_html_and_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "rapport.html"
    code, out, err = run(capsys, "report", "1781", "-o", str(html))  # the format from the name
    assert code == 0, err
    assert "Kristinehamn" in out and "Hållbarhetsrapport" in html.read_text(encoding="utf-8")
    forced = tmp_path / "rapport.htm.txt"
    code, _, err = run(capsys, "report", "1781", "--format", "html", "-o", str(forced))
    assert code == 0 and forced.read_text(encoding="utf-8").startswith("<!doctype html>")
    pdf = tmp_path / "rapport.pdf"
    code, _, err = run(capsys, "report", "1781", "--year", "2025", "--lang", "en", "-o", str(pdf))
    assert code == 0, err
    assert (
        pdf.read_bytes().startswith(b"%PDF-") and not pdf.with_name("rapport.pdf.partial").exists()
    )


@pytest.mark.usefixtures("env")
def test_report_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, _, err = run(capsys, "report", "9999", "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and "there is no unit '9999'" in err and "Traceback" not in err
    assert not (tmp_path / "r.pdf").exists()
    code, _, err = run(capsys, "report", "1781", "--format", "docx", "-o", str(tmp_path / "r"))
    assert code == 2 and "docx" in err
    # A mistyped directory is not made (as `export` and `backup`): refused before any work.
    missing = tmp_path / "finns-inte" / "r.pdf"
    code, _, err = run(capsys, "report", "1781", "-o", str(missing))
    assert code == 2 and "there is no directory" in err and str(missing) in err
    assert not missing.parent.exists()


@pytest.mark.usefixtures("env")
def test_export_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    site = tmp_path / "webb"
    code, out, err = run(capsys, "export", "site", str(site), "--unit", "1781", "--lang", "sv",
                         "--jobs", "1")  # fmt: skip
    assert code == 0, err
    assert "38 pages" in out and broken_links(site) == []
    code, _, err = run(capsys, "export", "site", str(site), "--unit", "9999")
    assert code == 2 and "there is no unit 9999" in err
    assert (site / "index.html").exists()  # the earlier export stays as it was
