"""Target values for the Open SDG method: CSV text in, a frame out, clear errors otherwise."""

from __future__ import annotations

import pytest

from glokal.analysis import parse_targets
from glokal.errors import InputError


def test_targets_are_read_with_swedish_decimal_commas_and_blank_lines() -> None:
    text = '\ufeffkpi,target,target_year\nN00401,"1,5",2030\n\nu01411,12.5,2045\n'
    frame = parse_targets(text, source="mål.csv")
    assert frame.rows() == [("N00401", 1.5, 2030), ("U01411", 12.5, 2045)]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", "mål.csv", "the file is empty"),
        ("kpi;target;target_year\n", "mål.csv, row 1", "expected exactly kpi,target,target_year"),
        ("kpi,target,target_year\nN00401,2\n", "mål.csv, row 2", "2 fields; expected 3"),
        ("kpi,target,target_year\nX1,2,2030\n", "mål.csv, row 2, kpi", "'X1' is not a Kolada"),
        ("kpi,target,target_year\nN00401,två,2030\n", "mål.csv, row 2, target", "'två' is not"),
        ("kpi,target,target_year\nN00401,nan,2030\n", "mål.csv, row 2, target", "not a number"),
        ("kpi,target,target_year\nN00401,2,30\n", "mål.csv, row 2, target_year", "'30' is not"),
        (
            "kpi,target,target_year\nN00401,2,2030\nN00401,3,2035\n",
            "mål.csv, row 3, kpi",
            "N00401 already has a target on row 2",
        ),
    ],
)
def test_bad_targets_name_the_file_row_and_field(text: str, where: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_targets(text, source="mål.csv")
    assert caught.value.where == where
    assert message in caught.value.message
