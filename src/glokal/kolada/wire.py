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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

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


class _RawEnvelope(msgspec.Struct, gc=False):
    values: msgspec.Raw  # checked as JSON, not turned into objects
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
_raw = msgspec.json.Decoder(_RawEnvelope, strict=False)


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


def read_raw(body: bytes) -> Page[bytes]:
    """A data answer checked but not decoded: the whole body, for a database that reads JSON.

    The check parses every byte (truncation or damage anywhere is caught) but makes no
    objects, about a fifth of the CPU of decoding the items (bench/README.md).
    """
    try:
        envelope = _raw.decode(body)
    except msgspec.ValidationError as exc:
        raise Malformed(f"a data answer not shaped like Kolada's: {exc}") from None
    except msgspec.DecodeError:
        raise Malformed(f"malformed JSON ({len(body)} bytes)") from None
    if memoryview(envelope.values)[:1].tobytes() != b"[":
        raise Malformed("a JSON answer whose 'values' is not a list")
    return Page(body, envelope.next_url)


def decode_items(body: bytes) -> list[DataItem]:
    """Data items from a JSON list of them (a test's sample, a file)."""
    return msgspec.json.decode(body, type=list[DataItem], strict=False)


def items_from(objects: list[dict[str, Any]]) -> list[DataItem]:
    """Data items from already decoded JSON objects."""
    return msgspec.convert(objects, list[DataItem], strict=False)
