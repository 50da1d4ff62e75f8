"""How numbers and colours are shown, the same on the web pages, in the static site and in
the reports: numbers in Swedish or English, and text that stays readable on a colour."""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache

from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol

LOCALES = {"sv": "sv_SE", "en": "en_GB"}


@cache
def _separators(lang: str) -> tuple[str, str]:
    locale = LOCALES.get(lang, "sv_SE")
    return get_decimal_symbol(locale), get_group_symbol(locale)


def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """12,5 in Swedish, 12.5 in English; "–" for a missing value.

    The same text as Babel's ``format_decimal`` with the pattern ``#,##0.#`` (up to ``digits``
    decimals, half to even, the locale's decimal sign and grouping; tests/publish/test_format.py
    holds it to that), made from the locale's two symbols: a page shows hundreds of numbers (its
    charts' tables), and Babel's general pattern machinery took a third of a page's time.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    places = digits if isinstance(value, float) and not value.is_integer() else 0
    # Through the shortest decimal text of the float, as Babel rounds it, half to even.
    text = format(Decimal(str(value)), f",.{places}f")
    if places:
        text = text.rstrip("0").rstrip(".")
    decimal_sign, group_sign = _separators(lang)
    if decimal_sign == "." and group_sign == ",":
        return text
    return text.replace(",", "\0").replace(".", decimal_sign).replace("\0", group_sign)


def signed(value: float, lang: str, digits: int = 2) -> str:
    """A score with its sign, as the explanations write it: "+0,17", "−0,5", "±0"."""
    rounded = round(value, digits)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    return sign + number(abs(rounded), lang, digits)


def percent(share: float | None, lang: str) -> str:
    """A share as a whole percentage: "45 %" in Swedish (a no-break space before the sign, as
    Swedish writes it), "45%" in English; "–" for a missing share."""
    if share is None or not math.isfinite(share):
        return "–"
    return str(format_percent(share, locale=LOCALES.get(lang, "sv_SE")))


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink(background: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on ``background``."""
    light = _luminance(background)
    return "#000000" if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else "#ffffff"
