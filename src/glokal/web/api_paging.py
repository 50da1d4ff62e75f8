"""The JSON API's common parts: paging (limit and offset, with total and next links), the
choice of JSON, CSV or Excel, and the parsing of filters into clear 400 errors.

A filter value that parses but names nothing stored (a KPI, unit, target, programme,
kommungrupp, county, …) is a 400 too, as on the public pages (/mal/{n}, /aktiviteter): an
empty list would read as "nothing matched". A filter of something that exists which matches
nothing (a stored KPI, a year without values) is an empty list.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.framework import parse_goal_number
from glokal.i18n import N_, Message
from glokal.places import parse_place_id
from glokal.store.opendata import stored_ids
from glokal.store.programmes import programme_ids
from glokal.web import api_models as m
from glokal.web.downloads import (
    Cell,
    DataTable,
    download,
    numeric,
)

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": m.ErrorOut,
        "description": "A parameter does not parse, or a filter names nothing that is stored "
        "(a KPI, unit, goal, target, programme, kommungrupp, county, …): `where` names the "
        "parameter and `error` its value. A filter of something stored that matches nothing "
        "is an empty list, not an error.",
    },
    404: {"model": m.ErrorOut, "description": "The id names nothing that is published."},
    422: {"model": m.ErrorOut, "description": "A parameter has the wrong type or range."},
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or with format=csv|xlsx (or Accept) a CSV or Excel file.",
        "content": {"text/csv": {}, XLSX_TYPE: {}},
    }
}
P = TypeVar("P", bound=m.Page[Any])
T = TypeVar("T")

Format = Literal["json", "csv", "xlsx"]
Filter = Annotated[str, Query(max_length=200)]


@dataclass(frozen=True)
class Paging:
    limit: int | None  # None: not given (JSON: the default; downloads: every row)
    offset: int
    format: Format

    @property
    def page_size(self) -> int:
        return self.limit or DEFAULT_LIMIT

    @property
    def download(self) -> bool:
        return self.format != "json"


def paging(
    request: Request,
    limit: Annotated[
        int | None,
        Query(ge=1, le=MAX_LIMIT, description=f"Items per page (default {DEFAULT_LIMIT}; "
              "downloads: every matching row unless given)."),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
    format: Annotated[
        Format | None, Query(description="json (default), csv or xlsx; or send Accept.")
    ] = None,
) -> Paging:  # fmt: skip
    chosen: Format = format or "json"
    if format is None:
        accept = request.headers.get("accept", "")
        if "text/csv" in accept:
            chosen = "csv"
        elif "spreadsheetml" in accept:
            chosen = "xlsx"
    return Paging(limit, offset, chosen)


PagingDep = Annotated[Paging, Depends(paging)]


def links(request: Request, paging: Paging, total: int) -> tuple[str | None, str | None]:
    size = paging.page_size
    after = paging.offset + size
    following = (
        str(request.url.include_query_params(offset=after, limit=size)) if after < total else None
    )
    before = max(paging.offset - size, 0)
    previous = (
        str(request.url.include_query_params(offset=before, limit=size))
        if paging.offset > 0
        else None
    )
    return following, previous


def page_of(
    request: Request, paging: Paging, shape: type[P], items: Sequence[T],
    convert: Callable[[T], Any], name: str = "glokal",
) -> Any:  # fmt: skip
    """The page of ``items`` (all that match) that ``paging`` asks for; for a download, the
    rows (every one unless ``limit`` is given) with nested fields as JSON text."""
    if paging.download:
        models = [convert(i) for i in download_rows(paging, items)]
        item_type = shape.model_fields["items"].annotation.__args__[0]  # type: ignore[union-attr]
        columns = tuple(item_type.model_fields)
        rows = [{c: flat(v) for c, v in model.model_dump(mode="json").items()}
                for model in models]  # fmt: skip
        return download(DataTable(name, columns, rows), paging.format)
    chosen = items[paging.offset : paging.offset + paging.page_size]
    following, previous = links(request, paging, len(items))
    return shape(
        items=[convert(i) for i in chosen], total=len(items), limit=paging.page_size,
        offset=paging.offset, next=following, previous=previous,
    )  # fmt: skip


def flat(value: Any) -> Cell:
    """A field as a cell: nested ones as JSON text, numbers as numbers, the rest as text."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return numeric(value)
    return str(value)


def download_rows(paging: Paging, rows: Sequence[T]) -> Sequence[T]:
    if paging.limit is None:
        return rows[paging.offset :]
    return rows[paging.offset : paging.offset + paging.limit]


def csv_list(
    text: str, parse: Callable[[str], T], most: int = 50, where: str | None = None
) -> list[T]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > most:
        raise InputError(N_("at most {most} values, separated by commas"), most=most, where=where)
    return [parse(p) for p in parts]


def goal_param(text: str) -> int | None:
    return parse_goal_number(text, where="goal") if text.strip() else None


def unit_param(text: str) -> list[str]:
    return csv_list(text, lambda t: parse_place_id(t, where="unit"), where="unit")


def kpi_id(text: str) -> str:
    if not (1 <= len(text) <= 16 and text.isascii() and text.isalnum()):
        raise InputError(
            N_("{text!r} is not a Kolada KPI id (like N00401)"), text=text, where="kpi"
        )
    return text.upper()


def year_param(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1900 <= int(text) <= 2100):
        raise InputError(N_("{text!r} is not a year (1900–2100)"), text=text, where="year")
    return int(text)


def one_of(text: str, allowed: Sequence[str], what: str, where: str) -> str:
    """``text`` if it is one of ``allowed``; else the 400 /mal/{n}'s filters give. ``what``
    (a message id) names the choice with its article: "a county"."""
    if text not in allowed:
        raise InputError(
            N_("{text!r} is not {what}; use one of: {allowed}"),
            text=text,
            what=Message(what),
            allowed=list(allowed),
            where=where,
        )
    return text


def refuse_unstored(
    session: Session, *, found: bool, kpi: Sequence[str] = (), unit: Sequence[str] = (),
    target: Sequence[str] = (), programme: Sequence[str] = (),
) -> None:  # fmt: skip
    """A 400 naming the first filter value (parameter ``kpi``, ``unit``, ``target`` or
    ``programme``) that no stored KPI, unit, target or programme has.

    ``found`` says the answer has rows: then a filter of one value names something stored
    (the rows matched it), and only filters of several values are looked up. The lookup is one
    round trip of primary-key lookups, and none at all in the common case of rows found for
    single values.
    """

    def asked(values: Sequence[str]) -> Sequence[str]:
        return values if len(values) > 1 or not found else ()

    kpi, unit, target, programme = asked(kpi), asked(unit), asked(target), asked(programme)
    stored = stored_ids(session, kpis=kpi, units=unit, targets=target, programmes=programme)
    checks = ((N_("there is no KPI {kpi!r}"), "kpi", kpi, stored.kpis),
              (N_("there is no unit {unit!r}"), "unit", unit, stored.units),
              (N_("there is no target {target!r}"), "target", target, stored.targets))  # fmt: skip
    for message, where, values, held in checks:
        for value in values:
            if value not in held:
                raise InputError(message, where=where, **{where: value})
    for value in programme:
        if value not in stored.programmes:
            known = programme_ids(session)
            raise InputError(
                N_("there is no programme {programme!r} (stored: {known})"),
                programme=value,
                known=list(known) if known else Message(N_("none yet")),
                where="programme",
            )


def goal_number(text: str) -> int:
    try:
        return parse_goal_number(text, where="goal")
    except InputError as exc:
        raise NotFound(exc.msg, where="goal") from None


def unit_id(text: str) -> str:
    try:
        return parse_place_id(text, where="unit")
    except InputError as exc:
        raise NotFound(exc.msg, where="unit") from None
