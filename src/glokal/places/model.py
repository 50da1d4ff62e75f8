"""Swedish units as typed records: kommuner, regioner and Riket, with Kolada-compatible ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from glokal.errors import InputError
from glokal.i18n import N_

UnitType = Literal["K", "L"]
RIKET_ID = "0000"
PLACE_ID = re.compile(r"[0-9]{4}")


@dataclass(frozen=True, slots=True)
class Place:
    """A kommun (type K), a region or Riket (type L), keyed by its 4-character Kolada id.

    ``county`` is the two-digit county (län) code, None for Riket; ``region`` is the id of the
    region a kommun belongs to; ``kommungrupp`` the SKR code ("A1".."C9") of a kommun.
    """

    id: str
    name: str
    type: UnitType
    county: str | None
    region: str | None
    kommungrupp: str | None
    source: str

    @property
    def is_kommun(self) -> bool:
        return self.type == "K"

    @property
    def is_riket(self) -> bool:
        return self.id == RIKET_ID


@dataclass(frozen=True, slots=True)
class County:
    """A county (län), e.g. "01" Stockholms län, and the id of its region."""

    code: str
    name: str
    region: str
    source: str


@dataclass(frozen=True, slots=True)
class Kommungrupp:
    """One of SKR's 9 municipality groups (2023 revision), e.g. "A1" Storstäder."""

    code: str
    main_group: str
    name_sv: str
    name_en: str
    kolada_group: str
    source: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_sv


def parse_place_id(text: str, *, where: str | None = None) -> str:
    """Check the shape of a unit id: four digits, e.g. "0180" (a kommun) or "0001" (a region)."""
    raw = text.strip()
    if re.fullmatch(r"[0-9]{3}", raw):
        raw = "0" + raw  # "180" as spreadsheets leave Stockholm's code
    if not PLACE_ID.fullmatch(raw):
        raise InputError(
            N_(
                "{text!r} is not a unit id: four digits such as '0180' (Stockholm), "
                "'0001' (Region Stockholm) or '0000' (Riket)"
            ),
            text=text,
            where=where,
        )
    return raw


def parse_unit_type(text: str, *, where: str | None = None) -> UnitType:
    raw = text.strip().upper()
    if raw == "K":
        return "K"
    if raw == "L":
        return "L"
    raise InputError(
        N_("{text!r} is not a unit type; use K (kommun) or L (region and Riket)"),
        text=text,
        where=where,
    )
