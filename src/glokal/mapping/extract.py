"""Text out of a document's bytes: plain text, PDF, DOCX and HTML.

Pure: the caller reads the file (and refuses one over ``MAX_BYTES`` before reading it) and passes
the bytes with the file's name, which picks the format together with the bytes' signature. Every
problem is an ``InputError`` whose ``where`` is that name, so a batch can report it and go on.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from html.parser import HTMLParser
from io import BytesIO
from pathlib import PurePath
from xml.etree import ElementTree

from glokal.errors import InputError
from glokal.i18n import N_

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: larger files are refused, not read
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a DOCX's document.xml, unpacked (zip bombs)
# The messages are gettext ids: the CLI shows them in the user's language.
TOO_LARGE = N_("the file is larger than 20 MB, the limit")
EMPTY_FILE = N_("the file is empty")
NO_TEXT = N_("the file contains no text")
NO_TEXT_PDF = N_("the PDF contains no text (a scanned PDF needs text recognition first)")
BINARY = N_("the file is binary, not text, PDF, DOCX or HTML")
ENCODING = N_("the file is not readable text (unknown encoding)")
ENCRYPTED_PDF = N_("the PDF is encrypted (password protected); save an unprotected copy")
BAD_PDF = N_("the PDF cannot be read (damaged, or not a PDF)")
NOT_DOCX = N_("the file is a ZIP archive but not a Word document (.docx)")
BAD_DOCX = N_("the Word document (.docx) is damaged")
LARGE_DOCX = N_("the Word document is too large once unpacked")
ENCRYPTED_DOCX = N_("the Word document is encrypted (password protected)")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class DocumentKind(StrEnum):
    text = "text"
    pdf = "pdf"
    docx = "docx"
    html = "html"


_SUFFIXES = {
    ".txt": DocumentKind.text,
    ".text": DocumentKind.text,
    ".md": DocumentKind.text,
    ".csv": DocumentKind.text,
    ".pdf": DocumentKind.pdf,
    ".docx": DocumentKind.docx,
    ".html": DocumentKind.html,
    ".htm": DocumentKind.html,
    ".xhtml": DocumentKind.html,
}
SUPPORTED_SUFFIXES = tuple(sorted(_SUFFIXES))


def document_kind(data: bytes, name: str) -> DocumentKind:
    """The format, from the bytes' signature first and the file name's suffix second."""
    if data.startswith(b"%PDF-"):
        return DocumentKind.pdf
    if data.startswith(b"PK\x03\x04"):
        return DocumentKind.docx
    suffix = PurePath(name).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return DocumentKind.html
    return DocumentKind.text


def extract_text(data: bytes, *, name: str) -> str:
    """The text of a document, or an InputError naming ``name`` (empty, binary, encrypted…)."""
    if len(data) > MAX_BYTES:
        raise InputError(TOO_LARGE, where=name)
    if not data.strip():
        raise InputError(EMPTY_FILE, where=name)
    kind = document_kind(data, name)
    if kind is DocumentKind.pdf:
        text = _pdf_text(data, name)
    elif kind is DocumentKind.docx:
        text = _docx_text(data, name)
    elif kind is DocumentKind.html:
        text = _html_text(data)
    else:
        text = _plain_text(data, name)
    text = _tidy(text)
    if not text:
        raise InputError(NO_TEXT_PDF if kind is DocumentKind.pdf else NO_TEXT, where=name)
    return text


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if _looks_binary(data):
        raise InputError(BINARY, where=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older Swedish files are often Windows-1252; it decodes almost any byte, so a file
        # with undefined bytes is not text at all.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(ENCODING, where=name) from None


def _plain_text(data: bytes, name: str) -> str:
    return _decode(data, name)


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf_text(data: bytes, name: str) -> str:
    with _pypdf_quiet():  # its log lines on a damaged file say less than our one message
        return _pdf_text_of(data, name)


def _pdf_text_of(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty password only to restrict printing.
            try:
                opened = bool(reader.decrypt(""))
            except (DependencyError, NotImplementedError):
                opened = False
            if not opened:
                raise InputError(ENCRYPTED_PDF, where=name)
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError(ENCRYPTED_PDF, where=name) from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise InputError(BAD_PDF, where=name) from None
    return "\n\n".join(pages)


def _docx_text(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError:
                raise InputError(NOT_DOCX, where=name) from None
            if info.file_size > MAX_UNPACKED_BYTES:
                raise InputError(LARGE_DOCX, where=name)
            xml = archive.read(info)
    except zipfile.BadZipFile:
        raise InputError(BAD_DOCX, where=name) from None
    except RuntimeError:  # an encrypted ZIP entry
        raise InputError(ENCRYPTED_DOCX, where=name) from None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        raise InputError(BAD_DOCX, where=name) from None
    paragraphs: list[str] = []
    for paragraph in root.iter(f"{_W}p"):
        parts: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
        paragraphs.append("".join(parts))
    return "\n\n".join(paragraphs)


class _HTMLText(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    BLOCK = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "td",
            "th",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "nav",
            "aside",
            "main",
            "blockquote",
            "pre",
            "dd",
            "dt",
            "title",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html_text(data: bytes) -> str:
    match = _CHARSET.search(data[:4096])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        markup = data.decode(encoding, errors="replace")
    except LookupError:
        markup = data.decode("utf-8", errors="replace")
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)
