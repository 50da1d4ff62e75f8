"""Parsing the fields people enter for activities, local goals and programmes: each function
takes text and returns the stored form, or raises InputError saying what is wrong and what
would be right. The importers and the CLI options share them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from glokal.errors import InputError
from glokal.framework import Framework, parse_goal_number, parse_target_id
from glokal.places import Places, parse_place_id
from glokal.store.models import (
    ACTIVITY_KINDS,
    FUNDING_SOURCES,
    ICLD_PHASES,
    ICLD_VARIANTS,
    PARTNER_TYPES,
)

LIST_SEPARATOR = ";"
REPORT_KINDS = ("partial", "final")

# What people write for a funding source, folded, → the stored id.
FUNDING_ALIASES = {
    "icld": "icld", "esf": "esf", "esf+": "esf", "eruf": "eruf", "erdf": "eruf",
    "erasmus": "erasmus", "erasmus+": "erasmus", "interreg": "interreg", "leader": "leader",
    "own": "own", "egen": "own", "egna": "own", "egna medel": "own", "other": "other",
    "annan": "other", "annat": "other", "övrigt": "other",
}  # fmt: skip
PHASE_ALIASES = {"förberedelse": "forberedelse", "inception": "forberedelse"}
PARTNER_TYPE_ALIASES = {
    "kommun": "municipality", "region": "municipality", "civilsamhälle": "civil_society",
    "civil society": "civil_society", "företag": "business", "näringsliv": "business",
    "akademi": "academia", "universitet": "academia", "myndighet": "authority",
    "annan": "other",
}  # fmt: skip
YES = {"yes", "ja", "true", "1", "y", "j"}
NO = {"no", "nej", "false", "0", "n"}


def split_list(text: str) -> list[str]:
    """ "5;10" → ["5", "10"]; empty parts are dropped, ", " is accepted too."""
    separator = LIST_SEPARATOR if LIST_SEPARATOR in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def _choice(text: str, allowed: Sequence[str], what: str, aliases: dict[str, str]) -> str:
    key = text.strip().casefold()
    key = aliases.get(key, key)
    if key not in allowed:
        raise InputError(f"{text!r} is not a {what}; use one of: {', '.join(allowed)}")
    return key


def parse_kind(text: str) -> str:
    return _choice(text.replace("-", "_"), ACTIVITY_KINDS, "kind of activity", {})


def parse_funding_source(text: str) -> str:
    return _choice(text, FUNDING_SOURCES, "funding source", FUNDING_ALIASES)


def parse_partner_type(text: str) -> str:
    return _choice(text.replace("-", "_"), PARTNER_TYPES, "partner type", PARTNER_TYPE_ALIASES)


def parse_icld_phase(text: str) -> str:
    return _choice(text, ICLD_PHASES, "ICLD phase", PHASE_ALIASES)


def parse_icld_variant(text: str) -> str:
    return _choice(text, ICLD_VARIANTS, "ICLD variant", {})


def parse_report_kind(text: str) -> str:
    return _choice(
        text, REPORT_KINDS, "report kind", {"delrapport": "partial", "slutrapport": "final"}
    )


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a date like 2025-01-31") from None


def parse_year(text: str) -> int:
    raw = text.strip()
    if not re.fullmatch(r"[12][0-9]{3}", raw):
        raise InputError(f"{text!r} is not a year like 2024")
    return int(raw)


def parse_amount(text: str) -> float:
    """SEK as people write it: "250000", "250 000", "250 000,50", "250000.50"."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("kr").strip()
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        amount = float(raw)
    except ValueError:
        raise InputError(f"{text!r} is not an amount in SEK like 250000") from None
    if amount < 0 or amount != amount or amount in (float("inf"),):
        raise InputError(f"{text!r}: an amount must be zero or more")
    return amount


def parse_bool(text: str) -> bool | None:
    """yes/no (ja/nej, true/false); empty: not said."""
    key = text.strip().casefold()
    if not key:
        return None
    if key in YES:
        return True
    if key in NO:
        return False
    raise InputError(f"{text!r} is not yes or no (ja/nej)")


def parse_goals(text: str) -> list[int]:
    goals = [parse_goal_number(part) for part in split_list(text)]
    return list(dict.fromkeys(goals))


def parse_targets(text: str, framework: Framework) -> list[str]:
    known = _target_ids(framework)
    targets = []
    for part in split_list(text):
        target = parse_target_id(part)
        if target not in known:
            raise InputError(f"there is no target {target!r}; `glokal targets` lists them")
        targets.append(target)
    return list(dict.fromkeys(targets))


def _target_ids(framework: Framework) -> frozenset[str]:
    return frozenset(t.id for t in framework.targets)


def parse_unit(text: str, places: Places) -> str:
    unit = parse_place_id(text)
    if places.get(unit) is None:
        raise InputError(f"there is no unit {unit!r}; `glokal places` lists them")
    return unit


def parse_code(text: str) -> str:
    """A unit's own code for a local goal or indicator: "SE.17", "GM.3.11", "Mål 3".

    Kept as written (codes already stored match as they are), but line breaks, tabs and
    other control characters are refused: no code holds them, and a code with one could not
    be typed again to find its goal. Other spaces, such as a no-break space from Word, are
    characters like any other.
    """
    raw = text.strip()
    if any(unicodedata.category(c) == "Cc" for c in raw):
        raise InputError(f"{text!r} is not a code: no line breaks, tabs or control characters")
    if not raw or len(raw) > 32 or LIST_SEPARATOR in raw:
        raise InputError(f"{text!r} is not a code: 1–32 characters, no ';'")
    return raw


def format_amount(amount: float | None) -> str:
    if amount is None:
        return ""
    return str(int(amount)) if amount.is_integer() else repr(amount)
