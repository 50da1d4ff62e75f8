"""KPI polarity: whether a higher value is better. Kolada does not publish it; Glokal keeps a
table for the Agenda 2030 KPIs (kolada/data/polarity.csv), which users may override.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

from glokal.errors import InputError
from glokal.i18n import N_

POLARITIES = ("higher", "lower", "neither", "unknown")


def parse_polarity(text: str, *, where: str | None = None) -> str:
    value = text.strip().lower()
    if value not in POLARITIES:
        raise InputError(
            N_("{text!r} is not a polarity; use one of: {allowed}"),
            text=text,
            allowed=POLARITIES,
            where=where,
        )
    return value


@cache
def bundled_polarity() -> tuple[tuple[str, str, str], ...]:
    """(kpi, polarity, note) for every KPI the project has decided on."""
    text = files("glokal.kolada").joinpath("data", "polarity.csv").read_text(encoding="utf-8")
    rows = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        polarity = parse_polarity(row["polarity"], where=f"polarity.csv, row {number}")
        rows.append((row["kpi"], polarity, row["note"]))
    return tuple(rows)
