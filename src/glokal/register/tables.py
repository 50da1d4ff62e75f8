"""Tables people keep in files: CSV (comma or semicolon separated, as Swedish Excel saves it)
and Excel (.xlsx), read into rows of text with their spreadsheet row numbers, and written back.

Reading checks the file (exists, is CSV or .xlsx, has a header) and the columns (required
ones present, no unknown ones, none twice) before any row is looked at; each problem names the
file and, where there is one, the row and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TypeVar

from glokal.errors import InputError
from glokal.i18n import N_, Joined, Message

MAX_FILE_BYTES = 50 * 1024 * 1024
FORMATS = ("csv", "xlsx")

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # column → text, stripped; "" for an empty cell

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    source: str  # the file, for messages
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    # column → its header as the file writes it ("mål" for goals), so messages use its words
    headers: Mapping[str, str] = field(default_factory=dict)


def header_key(text: str) -> str:
    """A header as it is matched: any case, spaces or hyphens for underscores ("Budget SEK",
    "budget-sek" and "budget_sek" are one column)."""
    return "_".join(text.strip().lower().replace("-", " ").split())


class RowProblems:
    """Collects what is wrong with a table's rows, to report them all at once."""

    def __init__(
        self, source: str, *, options: bool = False, headers: Mapping[str, str] | None = None
    ) -> None:
        self.source = source
        self.options = options  # one "row" given as command-line options: name the option
        self.headers = headers or {}  # a column as the file names it
        self.problems: list[Message] = []

    def add(self, row: int, column: str | None, message: str | Message) -> None:
        problem = message if isinstance(message, Message) else Message(message)
        where: str | Message
        if self.options:
            where = f"--{(column or '').replace('_', '-')}"
        else:
            name = self.headers.get(column, column) if column else None
            where = (
                Message(N_("row {row}, {column}"), row=row, column=name)
                if name
                else Message(N_("row {row}"), row=row)
            )
        self.problems.append(Message(N_("{where}: {problem}"), where=where, problem=problem))

    def check(self, what: str = N_("the rows")) -> None:
        """Raise one InputError listing every problem; nothing has been written yet. ``what``
        (a message id) names what was read: "the rows", "the local goals"."""
        if not self.problems:
            return
        if self.options:
            raise InputError(N_("{problems}"), problems=Joined(self.problems, "; "))
        raise_problems(self.problems, Message(what), where=self.source)


def raise_problems(problems: Sequence[Message], what: Message, *, where: str) -> None:
    """One InputError listing ``problems`` (the first 50) found in ``what``."""
    shown: list[Message] = list(problems[:50])
    if len(problems) > len(shown):
        shown.append(Message(N_("… and {more} more"), more=len(problems) - len(shown)))
    message = (
        N_("{count} problem in {what}; nothing was imported:\n  {lines}")
        if len(problems) == 1
        else N_("{count} problems in {what}; nothing was imported:\n  {lines}")
    )
    raise InputError(
        message, count=len(problems), what=what, lines=Joined(shown, "\n  "), where=where
    )


class RowReader:
    """Reads one row's fields, noting each problem with the row and column instead of stopping."""

    def __init__(self, row: Row, problems: RowProblems) -> None:
        self.row = row
        self.problems = problems
        self.ok = True

    def field(self, column: str, parse: Callable[[str], T], default: T) -> T:
        """The column parsed, or ``default`` when it is empty or (noted) bad."""
        text = self.row.get(column)
        if not text:
            return default
        try:
            return parse(text)
        except InputError as exc:
            self.problem(column, exc.msg)
            return default

    def many(self, column: str, parse: Callable[[str], list[T]]) -> list[T]:
        """The column parsed into a list; empty when it is empty or (noted) bad."""
        found: list[T] = self.field(column, parse, [])
        return found

    def problem(self, column: str | None, message: str | Message) -> None:
        self.problems.add(self.row.number, column, message)
        self.ok = False


def table_format(path: Path, given: str | None = None) -> str:
    """'csv' or 'xlsx': as given, or from the file name."""
    name = (given or path.suffix.lstrip(".")).lower()
    if name not in FORMATS:
        raise InputError(
            N_("cannot tell the format of {name!r}: name it .csv or .xlsx, or give --format"),
            name=path.name,
            where=str(path),
        )
    return name


def read_table(
    path: Path,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    file_format: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> Table:
    """The rows of a table file. Headers are matched by ``header_key``; ``aliases`` maps other
    names of a column (its Swedish header) to it."""
    source = str(path)
    kind = table_format(path, file_format)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                N_("the file is {size:.0f} MB; at most {most} MB"),
                size=size / 1e6,
                most=MAX_FILE_BYTES // 1_000_000,
                where=source,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(N_("no such file"), where=source) from None
    except IsADirectoryError:
        raise InputError(N_("this is a directory, not a file"), where=source) from None
    except OSError as exc:
        raise InputError(
            N_("cannot read the file: {error}"), error=str(exc.strerror or exc), where=source
        ) from None
    header, body = _read_xlsx(data, source) if kind == "xlsx" else _read_csv(data, source)
    columns = _check_columns(header, required, optional, source, aliases or {})
    rows = []
    for number, cells in body:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise InputError(
                N_("row {row} has more cells than the header has columns"),
                row=number,
                where=source,
            )
        values = {
            col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns)
        }
        if any(values.values()):  # blank lines are not rows
            rows.append(Row(number, values))
    headers = {c: h.strip() for c, h in zip(columns, header, strict=False) if c}
    return Table(source, columns, tuple(rows), headers)


def _check_columns(
    header: Sequence[str],
    required: Sequence[str],
    optional: Sequence[str],
    source: str,
    aliases: Mapping[str, str],
) -> tuple[str, ...]:
    keys = {header_key(name): column for name, column in aliases.items()}
    written = [header_key(h) for h in header]
    columns = tuple(keys.get(key, key) for key in written)
    known = set(required) | set(optional)
    unknown = [h.strip() for h, c in zip(header, columns, strict=True) if c and c not in known]
    if unknown:
        raise InputError(
            (N_("unknown columns {unknown}; the columns are: {columns}") if len(unknown) > 1
             else N_("unknown column {unknown}; the columns are: {columns}"))
            if not aliases
            else (N_("unknown columns {unknown}; the columns are: {columns} (or their Swedish "
                     "names, as in the Swedish template)") if len(unknown) > 1
                  else N_("unknown column {unknown}; the columns are: {columns} (or their "
                          "Swedish names, as in the Swedish template)")),
            unknown=unknown, columns=[*required, *optional], where=source,
        )  # fmt: skip
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        names = [
            " and ".join(
                sorted({h.strip() for h, c in zip(header, columns, strict=True) if c == r})
            )
            for r in repeated
        ]
        raise InputError(N_("column {names} appears twice"), names=names, where=source)
    other_names = {column: name for name, column in aliases.items() if name != column}
    missing = [
        f"{c} ({other_names[c]})" if c in other_names else c for c in required if c not in columns
    ]
    if missing:
        raise InputError(
            N_("missing columns {missing} (the first row must name the columns)")
            if len(missing) > 1
            else N_("missing column {missing} (the first row must name the columns)"),
            missing=missing,
            where=source,
        )
    return columns


def _read_csv(data: bytes, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            N_("not UTF-8 text (byte {byte}): save the file as CSV UTF-8"),
            byte=exc.start,
            where=source,
        ) from None
    if "\x00" in text:
        raise InputError(N_("this is not a CSV file (it contains binary data)"), where=source)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        lines = list(reader)
    except csv.Error as exc:
        # line_num counts the lines read so far: the one where the record went wrong.
        raise InputError(
            N_("not valid CSV at line {line}: {error}"),
            line=reader.line_num,
            error=str(exc),
            where=source,
        ) from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise InputError(N_("the file is empty: the first row must name the columns"), where=source)
    # csv.reader counts records, not lines; a quoted cell may span lines, so number by record.
    return lines[0], [(i + 2, cells) for i, cells in enumerate(lines[1:])]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook  # only when an .xlsx is read: it costs ~0.2 s to import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise InputError(N_("not an Excel .xlsx file (or a damaged one)"), where=source) from None
    try:
        sheet = book.worksheets[0]
        rows = [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise InputError(
            N_("the first sheet is empty: its first row must name the columns"), where=source
        )
    header = rows[0][1]
    while header and not header[-1].strip():
        header.pop()
    return header, rows[1:]


def write_table(
    out: IO[bytes],
    columns: Sequence[str],
    rows: Iterable[dict[str, str]],
    file_format: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Write rows (column → text) as CSV (UTF-8, comma separated) or .xlsx to a binary stream;
    the header row names each column by ``headers`` (its Swedish name, say), else its id."""
    names = [(headers or {}).get(c, c) for c in columns]
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
        text.flush()
        text.detach()
        return
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()

    def cell(text: str) -> object:
        if not text.startswith("="):
            return text
        literal = WriteOnlyCell(sheet, value=text)
        literal.data_type = "s"  # text, not a formula: "=" starts titles too
        return literal

    sheet.append(names)
    for row in rows:
        sheet.append([cell(row.get(c, "")) for c in columns])
    book.save(out)
