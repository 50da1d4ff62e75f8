"""Stored Kolada values out: CSV (exactly kpi,municipality,period,gender,value) or JSON.

Raw values are Kolada's: the JSON names the source, and the CLI prints it beside the CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

CSV_COLUMNS = ("kpi", "municipality", "period", "gender", "value")
KOLADA_SOURCE = "Källa: Kolada"

ValueRow = tuple[str, str, int, str, float | None]


def write_values_csv(rows: Iterable[ValueRow], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for kpi, unit, period, gender, value in rows:
        writer.writerow((kpi, unit, period, gender, "" if value is None else repr(value)))
        count += 1
    return count


def write_values_json(rows: Iterable[ValueRow], out: TextIO) -> int:
    """{"source": "Källa: Kolada", "values": [{kpi, municipality, period, gender, value}, …]}"""
    out.write(f'{{"source": {json.dumps(KOLADA_SOURCE, ensure_ascii=False)}, "values": [')
    count = 0
    for kpi, unit, period, gender, value in rows:
        record = {"kpi": kpi, "municipality": unit, "period": period, "gender": gender,
                  "value": value}  # fmt: skip
        out.write(("," if count else "") + "\n  " + json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count
