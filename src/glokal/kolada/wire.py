"""The shapes of Kolada's answers as the client decodes them (msgspec), and the decoders.

A data page is decoded straight into ``DataItem`` and ``DataCell`` structs: no dict per item
or cell, keys matched in C, unknown fields (``status``, ``ou``) skipped. That is about half the
CPU of decoding the same page into dicts, and the structs are cheaper to read than dicts
(bench/README.md). Decoding is lax the way the sync always was: ``"2"`` or ``2.0`` is a count
of 2, ``0``/``1`` a deleted flag, an integer value a float.

Every reader takes an answer's bytes and returns a ``Page`` or raises ``Malformed``; a page
that is truncated or broken anywhere is malformed, so the client tries it again.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

import msgspec
import polars as pl

try:  # the C reader of data pages; without a C compiler at install, the general readers do it
    from glokal.kolada import _pages
except ImportError:  # pragma: no cover - every supported install builds it
    _pages = None  # type: ignore[assignment]

T = TypeVar("T")
U = TypeVar("U")


class DataCell(msgspec.Struct, gc=False):
    """One gender's cell of a data item: ``{"gender", "count", "status", "value", "isdeleted"}``."""

    gender: str | None = None
    count: int | None = None
    value: float | None = None
    isdeleted: bool | None = None


class DataItem(msgspec.Struct, gc=False):
    """One data item: a KPI's cells for one unit and year."""

    kpi: str
    municipality: str
    period: int
    values: list[DataCell] = []


class _DataEnvelope(msgspec.Struct, gc=False):
    values: list[DataItem]
    next_url: str | None = None


class Malformed(ValueError):
    """An answer that is not a whole Kolada envelope; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One answer: its ``values`` (in whatever form the reader made of them) and ``next_url``."""

    values: T
    next_url: str | None

    def map(self, each: Callable[[T], U]) -> Page[U]:
        return Page(each(self.values), self.next_url)


_generic = msgspec.json.Decoder()
_data = msgspec.json.Decoder(_DataEnvelope, strict=False)


def read_envelope(body: bytes) -> Page[list[dict[str, Any]]]:
    """Any answer (metadata): the envelope's ``values`` as plain dicts."""
    try:
        envelope = _generic.decode(body)
    except msgspec.DecodeError:
        raise Malformed(f"malformed JSON ({len(body)} bytes)") from None
    if not (isinstance(envelope, dict) and isinstance(envelope.get("values"), list)):
        raise Malformed("a JSON answer without 'values'")
    next_url = envelope.get("next_url")
    return Page(envelope["values"], next_url if isinstance(next_url, str) else None)


def read_data(body: bytes) -> Page[list[DataItem]]:
    """A data answer: its items as structs."""
    try:
        envelope = _data.decode(body)
    except msgspec.ValidationError as exc:
        raise Malformed(f"a data answer not shaped like Kolada's: {exc}") from None
    except msgspec.DecodeError:
        raise Malformed(f"malformed JSON ({len(body)} bytes)") from None
    return Page(envelope.values, envelope.next_url)


# A data page as Polars reads it. Polars parses in Rust without holding the GIL, about half
# the CPU of decoding into structs and turning those into rows in Python (bench/README.md).
_CELL = pl.Struct(
    {"gender": pl.String, "count": pl.Int64, "value": pl.Float64, "isdeleted": pl.Boolean}
)
_ITEM = pl.Struct(
    {"kpi": pl.String, "municipality": pl.String, "period": pl.Int64, "values": pl.List(_CELL)}
)
_PAGE: dict[str, pl.DataType] = {"values": pl.List(_ITEM), "next_url": pl.String()}
# One row an item of a data page (a KPI's cells for one unit and year); in a cell, ``gender``
# null is a cell without one (the total).
ITEM_COLUMNS: dict[str, Any] = {
    "kpi": pl.String, "municipality": pl.String, "period": pl.Int64, "values": pl.List(_CELL),
}  # fmt: skip
_NO_CELLS = pl.lit([], dtype=pl.List(_CELL))


def read_items(body: bytes) -> Page[pl.DataFrame]:
    """A data answer as a frame of its items (``ITEM_COLUMNS``), one row an item.

    Polars reads the page when it is of the shape Kolada sends. What Polars refuses (a count
    sent as "2", a deleted flag sent as 1, an item without its KPI, broken or truncated JSON)
    is read by ``read_data`` instead, the lax decoder, which also says what is malformed; for
    every page both read, the items are the same. Polars is laxer in a few shapes Kolada
    does not send, which the lax decoder would call malformed and the client would fetch
    again: a value of ``true`` reads as 1.0, a year or count of 2020.7 as 2020, a unit id
    sent as a number as its digits, ``"values": null`` as no cells.

    The cells stay nested: turning them into rows is left to ``plan.series_of``, once per KPI
    rather than once per page (reading is the sync's critical path: one reader thread,
    bench/README.md).
    """
    try:
        envelope = pl.read_json(io.BytesIO(body), schema=_PAGE)
    except (pl.exceptions.PolarsError, OSError, ValueError):
        envelope = None
    if envelope is not None and envelope.height == 1:
        items = envelope.get_column("values")
        if items.null_count() == 0:
            if items.list.len().item() == 0:
                return Page(pl.DataFrame(schema=ITEM_COLUMNS), envelope.item(0, "next_url"))
            frame = items.explode().struct.unnest()
            required = frame.select(pl.col("kpi", "municipality", "period").null_count())
            if required.sum_horizontal().item() == 0:
                frame = frame.with_columns(pl.col("values").fill_null(_NO_CELLS))
                return Page(frame, envelope.item(0, "next_url"))
    page = read_data(body)
    return page.map(items_frame)


# A data page as read for a full sync: scanned by the C reader, or (a shape it leaves to the
# general readers, or no C reader installed) a frame of items.
FastPage = Union["_pages.Scanned", pl.DataFrame]


def scanner_available() -> bool:
    """Whether the C reader of data pages (glokal.kolada._pages) is installed."""
    return _pages is not None


def read_fast(body: bytes) -> Page[FastPage]:
    """A data answer read for a full sync: the C reader's scan when it is of the shape Kolada
    sends (about a sixth of Polars' CPU, and it holds no GIL), otherwise ``read_items``
    (which raises ``Malformed`` for a page that is not a whole envelope).

    The C reader reads strictly: what it leaves (broken JSON, a count sent as "2", an escaped
    id) it leaves whole to ``read_items``, which decides. ``plan.series_of_pages`` turns
    either kind into series, and the same series (tests/kolada/test_pages.py).
    """
    if _pages is not None:
        scanned = _pages.scan(body)
        if scanned is not None:
            return Page(scanned, scanned.next_url)
    page = read_items(body)
    return Page(page.values, page.next_url)


def scanned_series(
    pages: Sequence[FastPage], kpi: str, known_units: Collection[str]
) -> tuple[list[tuple[str, str, str, int]], int, set[str]]:
    """The C reader's series of one KPI's scanned pages: rows ``(unit, gender, cells, size)``,
    the number of values, the units not in ``known_units`` (see ``plan.series_of_pages``)."""
    if _pages is None:  # pragma: no cover - read_fast scans only with the C reader
        raise RuntimeError("scanned pages without the C reader")
    scanned = [page for page in pages if isinstance(page, _pages.Scanned)]
    if len(scanned) != len(pages):
        raise TypeError("scanned_series takes scanned pages only")
    return _pages.series(scanned, kpi, known_units)


def as_items(page: FastPage) -> pl.DataFrame:
    """A page read by ``read_fast`` as a frame of its items (``ITEM_COLUMNS``)."""
    if isinstance(page, pl.DataFrame):
        return page
    return read_items(page.body).values


def items_frame(items: list[DataItem]) -> pl.DataFrame:
    """Decoded data items as a frame (``ITEM_COLUMNS``)."""
    return pl.DataFrame(
        [
            (item.kpi, item.municipality, item.period,
             [{"gender": c.gender, "count": c.count, "value": c.value, "isdeleted": c.isdeleted}
              for c in item.values])
            for item in items
        ],
        schema=ITEM_COLUMNS,
        orient="row",
    )  # fmt: skip


def decode_items(body: bytes) -> list[DataItem]:
    """Data items from a JSON list of them (a test's sample, a file)."""
    return msgspec.json.decode(body, type=list[DataItem], strict=False)


def items_from(objects: list[dict[str, Any]]) -> list[DataItem]:
    """Data items from already decoded JSON objects."""
    return msgspec.convert(objects, list[DataItem], strict=False)
