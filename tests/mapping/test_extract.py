"""Text out of documents: every format, and every kind of bad file with its own message."""

from __future__ import annotations

import io
import zipfile

import pytest

from glokal.errors import InputError
from glokal.mapping import MAX_BYTES, DocumentKind, document_kind, extract_text
from glokal.mapping.extract import (
    BAD_DOCX,
    BAD_PDF,
    BINARY,
    EMPTY_FILE,
    ENCRYPTED_PDF,
    NO_TEXT_PDF,
    NOT_DOCX,
    TOO_LARGE,
)
from tests.mapping.documents import docx_with_paragraphs, encrypted_pdf, html_page, pdf_with_text


def test_plain_text_in_utf8_with_bom_and_in_windows_1252() -> None:
    assert extract_text("Vatten och avlopp\r\n".encode("utf-8-sig"), name="a.txt") == (
        "Vatten och avlopp"
    )
    assert extract_text("Förskolans kök".encode("cp1252"), name="b.txt") == "Förskolans kök"
    assert extract_text("Två\n\n\n\nstycken".encode("utf-16"), name="c.txt") == "Två\n\nstycken"


def test_pdf_text_is_extracted_page_by_page() -> None:
    data = pdf_with_text(["Kommunen bygger solceller.", "Klimatet (och energin) vinner."])
    assert document_kind(data, "rapport") is DocumentKind.pdf  # the signature, not the name
    assert extract_text(data, name="rapport.pdf") == (
        "Kommunen bygger solceller.\nKlimatet (och energin) vinner."
    )


def test_docx_paragraphs_and_html_text_without_scripts_or_styles() -> None:
    docx = docx_with_paragraphs(["Första stycket.", "Andra &amp; sista."])
    assert extract_text(docx, name="beslut.docx") == "Första stycket.\n\nAndra & sista."
    page = html_page("Vårt klimatarbete", ["Vi minskar utsläppen.", "Fler &auml;ngar."])
    text = extract_text(page, name="sida.html")
    assert "Vårt klimatarbete" in text and "Vi minskar utsläppen." in text and "ängar" in text
    assert "var energi" not in text and "color" not in text
    assert document_kind(b"  <!DOCTYPE html><p>x</p>", "page") is DocumentKind.html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tom.txt", EMPTY_FILE),
        (b"  \n\t ", "blank.txt", EMPTY_FILE),
        (bytes(range(256)) * 8, "bild.txt", BINARY),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "program", BINARY),
        (b"%PDF-1.4\nthis is not really a pdf", "trasig.pdf", BAD_PDF),
        (b"PK\x03\x04 not a zip", "trasig.docx", BAD_DOCX),
    ],
    ids=["empty", "blank", "binary", "executable", "broken-pdf", "broken-docx"],
)  # fmt: skip
def test_bad_files_get_a_message_naming_the_file(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        extract_text(data, name=name)
    assert caught.value.where == name
    assert caught.value.message == message


def test_an_encrypted_pdf_is_refused_and_one_with_an_empty_password_is_read() -> None:
    with pytest.raises(InputError) as caught:
        extract_text(encrypted_pdf(["Hemligt om vatten."]), name="låst.pdf")
    assert caught.value.message == ENCRYPTED_PDF and caught.value.where == "låst.pdf"
    opened = extract_text(encrypted_pdf(["Öppet om vatten."], password=""), name="öppen.pdf")
    assert "vatten" in opened


def test_a_pdf_without_text_says_it_needs_text_recognition() -> None:
    with pytest.raises(InputError) as caught:
        extract_text(pdf_with_text([]), name="skannad.pdf")
    assert caught.value.message == NO_TEXT_PDF


def test_a_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    with pytest.raises(InputError) as caught:
        extract_text(out.getvalue(), name="arkiv.docx")
    assert caught.value.message == NOT_DOCX


def test_more_than_20_mb_is_refused_before_any_parsing() -> None:
    with pytest.raises(InputError) as caught:
        extract_text(b"a" * (MAX_BYTES + 1), name="stor.txt")
    assert caught.value.message == TOO_LARGE and caught.value.where == "stor.txt"
    assert MAX_BYTES == 20 * 1024 * 1024


def test_html_in_the_charset_it_declares() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Förskolan</p></body></html>'
    assert extract_text(page.encode("cp1252"), name="gammal.htm") == "Förskolan"
