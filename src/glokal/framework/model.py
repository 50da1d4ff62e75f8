"""The Agenda 2030 framework as typed, immutable records, and the parsing of its ids."""

from __future__ import annotations

import re
from dataclasses import dataclass

from glokal.errors import InputError
from glokal.i18n import N_

GOAL_COUNT = 17
# ASCII digits only: str.isdigit and \d also accept "²" or "٣", which int() then refuses.
GOAL_NUMBER = re.compile(r"[0-9]{1,3}")
TARGET_ID = re.compile(r"^(?P<goal>[0-9]{1,2})\.(?P<part>[0-9]{1,2}|[a-z])$")
INDICATOR_ID = re.compile(r"^(?P<target>[0-9]{1,2}\.(?:[0-9]{1,2}|[a-z]))\.(?P<n>[0-9]{1,2})$")


@dataclass(frozen=True, slots=True)
class Goal:
    """One of the 17 global goals."""

    number: int
    short_sv: str
    short_en: str
    title_sv: str
    title_en: str
    colour: str
    aliases_sv: tuple[str, ...]
    source: str

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_sv

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_sv


@dataclass(frozen=True, slots=True)
class Target:
    """One of the 169 targets, e.g. "1.1" or "1.a"."""

    id: str
    goal: int
    text_en: str
    text_sv: str
    short_sv: str
    short_en: str
    source: str

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_sv

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_sv


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator of the UN global indicator framework, e.g. "1.1.1".

    Some indicators are listed under more than one target (11.5.1 repeats 1.5.1); such a
    repeat keeps its own id and names the first listing in ``same_as``.
    """

    id: str
    target: str
    text_en: str
    text_sv: str | None
    same_as: str | None
    source: str

    @property
    def goal(self) -> int:
        return int(self.id.split(".", 1)[0])

    def text(self, lang: str) -> str:
        if lang == "sv" and self.text_sv:
            return self.text_sv
        return self.text_en


@dataclass(frozen=True, slots=True)
class MillenniumGoal:
    """One of the 8 Millennium Development Goals (2000–2015), the historical framework."""

    number: int
    title_sv: str
    title_en: str
    source: str

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_sv


def parse_goal_number(text: str | int, *, where: str | None = None) -> int:
    """Parse a goal number ("5", " 17 ") and check that it is one of 1–17."""
    raw = str(text).strip()
    if not GOAL_NUMBER.fullmatch(raw):
        raise InputError(
            N_("{text!r} is not a goal number; goals are numbered 1–{count}"),
            text=raw,
            count=GOAL_COUNT,
            where=where,
        )
    number = int(raw)
    if not 1 <= number <= GOAL_COUNT:
        raise InputError(
            N_("there is no goal {number}; goals are numbered 1–{count}"),
            number=number,
            count=GOAL_COUNT,
            where=where,
        )
    return number


def parse_target_id(text: str, *, where: str | None = None) -> str:
    """Check the shape of a target id ("1.1", "1.a"); return it normalised."""
    raw = text.strip().lower()
    match = TARGET_ID.match(raw)
    if not match:
        raise InputError(
            N_("{text!r} is not a target id like '1.1' or '1.a'"), text=text, where=where
        )
    parse_goal_number(match["goal"], where=where)
    return raw


def parse_indicator_id(text: str, *, where: str | None = None) -> str:
    """Check the shape of an indicator id ("1.1.1", "1.a.2"); return it normalised."""
    raw = text.strip().lower()
    match = INDICATOR_ID.match(raw)
    if not match:
        raise InputError(N_("{text!r} is not an indicator id like '1.1.1'"), text=text, where=where)
    parse_target_id(match["target"], where=where)
    return raw


def target_sort_key(target_id: str) -> tuple[int, int, int | str]:
    """Official order: numbered targets before lettered ones ("1.5" < "1.a")."""
    goal, part = target_id.split(".")
    return (int(goal), 0, int(part)) if part.isdigit() else (int(goal), 1, part)


def indicator_sort_key(indicator_id: str) -> tuple[int, int, int | str, int]:
    target, n = indicator_id.rsplit(".", 1)
    return (*target_sort_key(target), int(n))
