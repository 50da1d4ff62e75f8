"""How numbers and colours are shown, the same on the web pages, in the static site and in
the reports: numbers in Swedish or English, and text that stays readable on a colour."""

from __future__ import annotations

import math

from babel.numbers import format_decimal

LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """12,5 in Swedish, 12.5 in English; "–" for a missing value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float) and not value.is_integer():
        pattern = "#,##0." + "#" * digits
    else:
        pattern = "#,##0"
    return str(format_decimal(value, format=pattern, locale=LOCALES.get(lang, "sv_SE")))


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink(background: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on ``background``."""
    light = _luminance(background)
    return "#000000" if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else "#ffffff"
