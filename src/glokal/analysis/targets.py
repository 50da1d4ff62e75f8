"""Target values for the Open SDG method, read from CSV text: ``kpi,target,target_year``.

Pure: the caller reads the file and passes its text and name; every error names the file, the
row (as a spreadsheet numbers it, header = row 1) and the field.
"""

from __future__ import annotations

import csv
import io
import math
import re

import polars as pl

from glokal.analysis.data import TARGETS_SCHEMA
from glokal.errors import InputError
from glokal.i18n import N_

COLUMNS = ("kpi", "target", "target_year")
KPI_ID = re.compile(r"[NU][0-9]{5}")
FIRST_TARGET_YEAR, LAST_TARGET_YEAR = 2000, 2100


def parse_targets(text: str, *, source: str) -> pl.DataFrame:
    """kpi, target, target_year from CSV text; one target per KPI."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise InputError(
            N_("the file is empty; expected the columns kpi,target,target_year"), where=source
        )
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    if tuple(names) != COLUMNS:
        raise InputError(
            N_("the header is {header!r}; expected exactly kpi,target,target_year"),
            header=",".join(header),
            where=f"{source}, row 1",
        )
    rows: list[tuple[str, float, int]] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(reader, start=2):
        if not any(field.strip() for field in record):
            continue
        where = f"{source}, row {number}"
        if len(record) != len(COLUMNS):
            raise InputError(N_("{count} fields; expected 3"), count=len(record), where=where)
        kpi, target, year = (field.strip() for field in record)
        kpi = kpi.upper()
        if not KPI_ID.fullmatch(kpi):
            raise InputError(
                N_("{kpi!r} is not a Kolada KPI id like N00401"), kpi=kpi, where=f"{where}, kpi"
            )
        try:
            value = float(target.replace(",", ".")) if target.count(",") <= 1 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InputError(N_("{text!r} is not a number"), text=target, where=f"{where}, target")
        if not re.fullmatch(r"[0-9]{4}", year) or not (
            FIRST_TARGET_YEAR <= int(year) <= LAST_TARGET_YEAR
        ):
            raise InputError(
                N_("{year!r} is not a year between {first} and {last}"),
                year=year,
                first=FIRST_TARGET_YEAR,
                last=LAST_TARGET_YEAR,
                where=f"{where}, target_year",
            )
        if kpi in seen:
            raise InputError(
                N_("{kpi} already has a target on row {row}"),
                kpi=kpi,
                row=seen[kpi],
                where=f"{where}, kpi",
            )
        seen[kpi] = number
        rows.append((kpi, value, int(year)))
    return pl.DataFrame(rows, schema=TARGETS_SCHEMA, orient="row")


__all__ = ["parse_targets"]
