"""CSV downloads: every cell as text a spreadsheet reads back, none of them a formula."""

from __future__ import annotations

import csv
import io

from glokal.web.downloads import DataTable, cell, download


def test_a_text_that_would_be_a_formula_is_made_inert() -> None:
    assert cell('=HYPERLINK("http://x";"y")') == '\'=HYPERLINK("http://x";"y")'
    assert [cell(t) for t in ("+46 8 123", "@summa", "-rubrik")] == [
        "'+46 8 123", "'@summa", "'-rubrik",
    ]  # fmt: skip
    # Numbers stay numbers, and other texts as they are.
    assert [cell(v) for v in (-1.5, "-1.5", "1e3", "Vänersborg", None)] == [
        "-1.5", "-1.5", "1e3", "Vänersborg", "",
    ]  # fmt: skip


def test_the_csv_download_holds_the_inert_text() -> None:
    table = DataTable("aktiviteter", ("title", "value"), [{"title": "=1+1", "value": -2.0}])
    response = download(table, "csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8"))))
    assert rows == [{"title": "'=1+1", "value": "-2"}]
