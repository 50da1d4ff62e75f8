"""`glokal classify` as a user runs it: texts, files, JSON, JSON Lines, and bad input per file."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from glokal.cli import main
from tests.mapping.documents import docx_with_paragraphs, encrypted_pdf, html_page, pdf_with_text

CLIMATE_SV = "Kommunen bygger solceller och minskar utsläppen av växthusgaser med klimatplanen."
WATER_SV = "Reningsverket byggs ut så att avloppsvattnet renas från läkemedelsrester."


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOKAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GLOKAL_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_text_as_a_swedish_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "classify", CLIMATE_SV)
    assert code == 0, err
    assert "Föreslagna mål (Glokals analys av texten)" in out
    assert "13 Bekämpa klimatförändringen" in out and "utsläppen" in out and "text nr 1" in out
    assert re.search(r"\(0,\d\d?\)", out) and not re.search(r"\(0\.\d", out)  # decimal comma


def test_the_readme_example_finds_what_the_docs_say(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    [text] = re.findall(r'glokal classify "([^"]+)"', readme)
    code, out, _ = run(capsys, "classify", text, "--format", "json")
    assert code == 0
    assert [g["goal"] for g in json.loads(out)[0]["goals"]] == [13, 7]


def test_files_of_every_format_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "a.txt": WATER_SV.encode(),
        "b.pdf": pdf_with_text([CLIMATE_SV]),
        "c.docx": docx_with_paragraphs([WATER_SV]),
        "d.html": html_page("Klimat", [CLIMATE_SV]),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in files]
    code, out, err = run(
        capsys, "classify", *paths, "--format", "json", "--targets", "--lang", "en"
    )
    assert code == 0, err
    records = json.loads(out)
    assert [r["source"] for r in records] == paths
    top = [r["goals"][0]["goal"] for r in records]
    assert top[0] == 6 and top[2] == 6 and {top[1], top[3]} <= {7, 13}
    assert records[0]["goals"][0]["name"] == "Clean Water and Sanitation"
    assert any(t["target"] == "6.3" for t in records[0]["targets"])
    assert all(r["evidence"] and r["language"] == "sv" for r in records)


def test_bad_files_are_reported_and_the_rest_is_still_classified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bra.txt").write_text(WATER_SV, encoding="utf-8")
    (tmp_path / "tom.txt").write_bytes(b"")
    (tmp_path / "bild.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "låst.pdf").write_bytes(encrypted_pdf([CLIMATE_SV]))
    with (tmp_path / "stor.txt").open("wb") as big:
        big.truncate(21 * 1024 * 1024)  # sparse: its size is seen before anything is read
    (tmp_path / "mapp.txt").mkdir()
    names = ["bra.txt", "tom.txt", "bild.txt", "låst.pdf", "stor.txt", "mapp.txt", "saknas.pdf"]
    code, out, err = run(capsys, "classify", *[str(tmp_path / n) for n in names], "-f", "json")
    assert code == 1
    records = {Path(r["source"]).name: r for r in json.loads(out)}
    assert records["bra.txt"]["goals"][0]["goal"] == 6
    expected = {
        "tom.txt": "filen är tom",
        "bild.txt": "filen är binär",
        "låst.pdf": "pdf-filen är krypterad",
        "stor.txt": "filen är större än 20 MB",
        "mapp.txt": "är en mapp",
        "saknas.pdf": "filen finns inte",
    }
    for name, message in expected.items():
        assert records[name]["error"].startswith(message), name
        assert f"{tmp_path / name}: {message}" in err, name
    assert "6 av 7 indata kunde inte klassas." in err


def test_messages_in_english_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tom.txt").write_bytes(b"")
    code, out, err = run(capsys, "classify", str(tmp_path / "tom.txt"), "   ", "--lang", "en")
    assert code == 1 and out == ""
    assert "tom.txt: the file is empty" in err and "text no. 1: the text is empty" in err
    assert "2 of 2 inputs could not be classified." in err


def test_jsonl_in_and_out_in_input_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"id": "a1", "text": WATER_SV}, ensure_ascii=False),
        "not json",
        json.dumps({"id": 7, "text": CLIMATE_SV}, ensure_ascii=False),
        json.dumps({"id": "x", "text": ""}),
        json.dumps({"id": "y"}),
        "",
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run(capsys, "classify", "--jsonl", str(source), "--targets")
    assert code == 1
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["id"] for a in answers] == ["a1", None, 7, "x", "y"]
    first = answers[0]
    assert set(first) == {"id", "goals", "targets", "evidence"}
    assert first["goals"][0]["goal"] == 6 and first["targets"] and first["evidence"]
    scores = [g["score"] for g in answers[2]["goals"]]
    assert scores == sorted(scores, reverse=True) and all(s >= 0.5 for s in scores)
    assert answers[1]["error"] == "raden är inte JSON" and answers[3]["error"] == "texten är tom"
    assert f"{source}, line 2: raden är inte JSON" in err
    assert f'{source}, line 5: raden måste vara ett JSON-objekt med en sträng "text"' in err

    monkeypatch.setattr("sys.stdin", io.StringIO(lines[0] + "\n"))
    code, out, err = run(capsys, "classify", "--jsonl", "-")
    assert code == 0, err
    assert json.loads(out)["id"] == "a1"


def test_usage_mistakes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOKAL_LANGUAGE", "en")  # the English messages
    code, _out, err = run(capsys, "classify")
    assert code == 2 and "give at least one text or file" in err
    code, _out, err = run(capsys, "classify", "text", "--jsonl", str(tmp_path / "x.jsonl"))
    assert code == 2 and "not both" in err
    code, _out, err = run(capsys, "classify", "--jsonl", str(tmp_path / "saknas.jsonl"))
    assert code == 2 and "saknas.jsonl: no such file" in err


def test_an_empty_argument_and_a_damaged_pdf_get_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "trasig.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    code, out, err = run(capsys, "classify", "", str(tmp_path / "trasig.pdf"))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "glokal: fel: text nr 1: texten är tom",  # not "is a directory": "" is no path
        f"glokal: fel: {tmp_path / 'trasig.pdf'}: pdf-filen går inte att läsa (skadad, eller "
        "inte en pdf)",
        "2 av 2 indata kunde inte klassas.",
    ]  # and no log lines of the PDF library
