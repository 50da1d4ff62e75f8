"""Countries of partners: ISO 3166-1 alpha-2 codes, read from a code or a Swedish or English
name, with names from Babel's CLDR data (so no list of our own to keep up to date)."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

from glokal.errors import InputError
from glokal.i18n import N_

# CLDR territories that are not countries (the EU, the euro zone, the UN, "unknown", …);
# XK (Kosovo) is kept: it is not in ISO 3166-1 but is how everyone writes it, ICLD included.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    return " ".join(folded.replace("-", " ").split())


@cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """(code → Swedish name, folded Swedish or English name → code)."""
    sv = Locale("sv").territories
    en = Locale("en").territories
    codes = [
        c
        for c in sv
        if isinstance(c, str) and len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES
    ]
    by_name: dict[str, str] = {}
    for code in codes:
        for name in (sv.get(code), en.get(code)):
            if isinstance(name, str) and name:
                by_name.setdefault(_key(name), code)
    return {code: str(sv[code]) for code in codes}, by_name


NOT_A_COUNTRY = N_(
    "{text!r} is not a country: give an ISO 3166-1 alpha-2 code such as KE, "
    "or the country's name in Swedish or English"
)


def parse_country(text: str, *, where: str | None = None) -> str:
    """An ISO 3166-1 alpha-2 code from "KE", "ke", "Kenya" or "Sydafrika"."""
    raw = text.strip()
    names, by_name = _names()
    if len(raw) == 2 and raw.upper() in names:
        return raw.upper()
    code = by_name.get(_key(raw))
    if code is None:
        raise InputError(NOT_A_COUNTRY, text=text, where=where)
    return code


def country_name(code: str, lang: str = "sv") -> str:
    """The country's name in Swedish (default) or English; the code itself if unknown."""
    territories = Locale("en" if lang == "en" else "sv").territories
    name: str = territories.get(code, code)
    return name
