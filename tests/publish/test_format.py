"""Numbers as the pages show them: exactly what Babel's CLDR patterns give, in both languages."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import example, given
from hypothesis import strategies as st

from glokal.publish.format import LOCALES, ink, number, percent, signed


def babel(value: float | int, lang: str, digits: int) -> str:
    if isinstance(value, float) and not value.is_integer():
        pattern = "#,##0." + "#" * digits
    else:
        pattern = "#,##0"
    return str(format_decimal(value, format=pattern, locale=LOCALES[lang]))


@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
        st.integers(-(10**12), 10**12),
        st.decimals(-10_000, 10_000, places=3, allow_nan=False).map(float),
    ),
    st.sampled_from(["sv", "en"]),
    st.integers(0, 4),
)
@example(0.25, "sv", 1)  # a tie: half to even
@example(0.35, "en", 1)  # its shortest text is a tie, its binary value is not
@example(-0.04, "sv", 1)  # rounds to a zero that keeps its sign, as Babel's does
@example(-0.0, "en", 1)
@example(1234567.891, "sv", 2)
def test_number_is_babels_text(value: float | int, lang: str, digits: int) -> None:
    assert number(value, lang, digits) == babel(value, lang, digits)


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(12.5, "sv", "12,5"), (12.5, "en", "12.5"), (1234567.0, "sv", "1\xa0234\xa0567"),
     (1234567.0, "en", "1,234,567"), (None, "sv", "–"), (float("nan"), "en", "–")],
)  # fmt: skip
def test_number_in_each_language(value: float | None, lang: str, text: str) -> None:
    assert number(value, lang) == text


def test_ink_is_the_readable_one() -> None:
    assert ink("#ffffff") == "#000000" and ink("#19486A") == "#ffffff"


@pytest.mark.parametrize(
    ("share", "lang", "text"),
    [(0.0, "sv", "0\xa0%"), (0.456, "sv", "46\xa0%"), (1.0, "en", "100%"), (0.0, "en", "0%"),
     (None, "sv", "–")],
)  # fmt: skip
def test_percent_has_swedish_spacing(share: float | None, lang: str, text: str) -> None:
    """Swedish puts a (no-break) space before the per cent sign; English does not."""
    assert percent(share, lang) == text
    if share is not None:
        assert text == format_percent(share, locale=LOCALES[lang])


def test_signed_scores_in_either_language() -> None:
    assert [signed(v, "sv") for v in (0.171, -0.5, 0.001, 1234.5)] == [
        "+0,17", "−0,5", "±0", "+1\u00a0234,5"
    ]  # fmt: skip
    assert signed(-0.5, "en") == "−0.5"
