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
from glokal.i18n import N_, Message
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
# The kinds as the Swedish template and pages name them (and the English names), folded, with
# "-" read as "_" → the stored id.
KIND_ALIASES = {
    "projekt": "project", "partnerskap": "partnership", "eu_projekt": "eu_project",
    "eu projekt": "eu_project", "eu project": "eu_project", "vänort": "twin_town",
    "twin town": "twin_town", "vänortssamarbete": "twin_town", "program": "programme",
    "idéburet offentligt partnerskap": "iop",
}  # fmt: skip
PARTNER_TYPE_ALIASES = {
    "kommun": "municipality", "region": "municipality", "civilsamhälle": "civil_society",
    "civil society": "civil_society", "företag": "business", "näringsliv": "business",
    "akademi": "academia", "universitet": "academia", "myndighet": "authority",
    "annan": "other",
}  # fmt: skip
# Messages the activity and local goal checks share (message ids; the web words some
# of them for its forms, web/changes.py).
MUST_NOT_BE_EMPTY = N_("must not be empty")
ENDS_BEFORE_START = N_("ends ({end}) before it starts ({start})")
FUNDING_TWICE = N_("give either funding or funding_source with budget_sek, not both")
BUDGET_WITHOUT_SOURCE = N_("a budget_sek needs its funding_source")
YES = {"yes", "ja", "true", "1", "y", "j"}
NO = {"no", "nej", "false", "0", "n"}


def split_list(text: str) -> list[str]:
    """ "5;10" → ["5", "10"]; empty parts are dropped, ", " is accepted too."""
    separator = LIST_SEPARATOR if LIST_SEPARATOR in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def refused_choice(text: str, allowed: Sequence[str], what: str) -> InputError:
    """The error for ``text`` that is none of ``allowed``; ``what`` is the choice's name with
    its article, a message id ("a kind of activity"), said in the message's language."""
    return InputError(
        N_("{text!r} is not {what}; use one of: {allowed}"),
        text=text,
        what=Message(what),
        allowed=tuple(allowed),
    )


def _choice(text: str, allowed: Sequence[str], what: str, aliases: dict[str, str]) -> str:
    key = text.strip().casefold()
    key = aliases.get(key, key)
    if key not in allowed:
        raise refused_choice(text, allowed, what)
    return key


def parse_kind(text: str) -> str:
    return _choice(text.replace("-", "_"), ACTIVITY_KINDS, N_("a kind of activity"), KIND_ALIASES)


def parse_funding_source(text: str) -> str:
    return _choice(text, FUNDING_SOURCES, N_("a funding source"), FUNDING_ALIASES)


def parse_partner_type(text: str) -> str:
    return _choice(
        text.replace("-", "_"), PARTNER_TYPES, N_("a partner type"), PARTNER_TYPE_ALIASES
    )


def parse_icld_phase(text: str) -> str:
    return _choice(text, ICLD_PHASES, N_("an ICLD phase"), PHASE_ALIASES)


def parse_icld_variant(text: str) -> str:
    return _choice(text, ICLD_VARIANTS, N_("an ICLD variant"), {})


def parse_report_kind(text: str) -> str:
    return _choice(
        text, REPORT_KINDS, N_("a report kind"), {"delrapport": "partial", "slutrapport": "final"}
    )


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(N_("{text!r} is not a date like 2025-01-31"), text=text) from None


def parse_year(text: str) -> int:
    raw = text.strip()
    if not re.fullmatch(r"[12][0-9]{3}", raw):
        raise InputError(N_("{text!r} is not a year like 2024"), text=text)
    return int(raw)


def parse_amount(text: str) -> float:
    """SEK as people write it: "250000", "250 000", "250 000,50", "250000.50"."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("kr").strip()
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        amount = float(raw)
    except ValueError:
        raise InputError(N_("{text!r} is not an amount in SEK like 250000"), text=text) from None
    if amount < 0 or amount != amount or amount in (float("inf"),):
        raise InputError(N_("{text!r}: an amount must be zero or more"), text=text)
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
    raise InputError(N_("{text!r} is not yes or no (ja/nej)"), text=text)


def parse_goals(text: str) -> list[int]:
    goals = [parse_goal_number(part) for part in split_list(text)]
    return list(dict.fromkeys(goals))


def parse_targets(text: str, framework: Framework) -> list[str]:
    known = _target_ids(framework)
    targets = []
    for part in split_list(text):
        target = parse_target_id(part)
        if target not in known:
            raise InputError(
                N_("there is no target {target!r}"),
                target=target,
                hint=N_("`glokal targets` lists them"),
            )
        targets.append(target)
    return list(dict.fromkeys(targets))


def _target_ids(framework: Framework) -> frozenset[str]:
    return frozenset(t.id for t in framework.targets)


def parse_unit(text: str, places: Places) -> str:
    unit = parse_place_id(text)
    if places.get(unit) is None:
        raise InputError(
            N_("there is no unit {unit!r}"), unit=unit, hint=N_("`glokal places` lists them")
        )
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
        raise InputError(
            N_("{text!r} is not a code: no line breaks, tabs or control characters"), text=text
        )
    if not raw or len(raw) > 32 or LIST_SEPARATOR in raw:
        raise InputError(N_("{text!r} is not a code: 1–32 characters, no ';'"), text=text)
    return raw


def format_amount(amount: float | None) -> str:
    if amount is None:
        return ""
    return str(int(amount)) if amount.is_integer() else repr(amount)
