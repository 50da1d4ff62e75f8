"""The scales of a goal's follow-up, in one place: goal statuses, trend verdicts, positions.

Goal statuses follow the municipal practice (Kristinehamn's Hållbarhetsrapport: god, neutral,
utmaning, betydande utmaning) plus "ej bedömd" for a goal the data cannot assess. Their values
are the Swedish words, stored and printed as they are (JSON too); labels are for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from glokal.errors import InputError
from glokal.i18n import N_


class GoalStatus(StrEnum):
    """A goal's status, best first; ``EJ_BEDOMD`` stands outside the order."""

    GOD = "god"
    NEUTRAL = "neutral"
    UTMANING = "utmaning"
    BETYDANDE_UTMANING = "betydande utmaning"
    EJ_BEDOMD = "ej bedömd"

    @property
    def rank(self) -> int | None:
        """0 for god … 3 for betydande utmaning; None for ej bedömd."""
        return _STATUS_RANK.get(self)

    def is_worse_than(self, other: GoalStatus) -> bool:
        """True if both are assessed and this one is further down the scale."""
        return self.rank is not None and other.rank is not None and self.rank > other.rank


class Trend(StrEnum):
    """The verdict on a KPI's development, in the direction its polarity says is better."""

    FORBATTRING = "förbättring"
    OFORANDRAD = "oförändrad"
    FORSAMRING = "försämring"
    DATA_SAKNAS = "data saknas"


class Position(StrEnum):
    """Where a unit's value stands among comparable units (Kolada's colouring, by quartile)."""

    BASTA = "bästa kvartilen"
    MITTEN = "mittersta hälften"
    SAMSTA = "sämsta kvartilen"


@dataclass(frozen=True, slots=True)
class Style:
    """How a value of a scale is shown: an English label (translated when shown) and a colour."""

    label: str
    colour: str


_STATUS_RANK = {
    GoalStatus.GOD: 0,
    GoalStatus.NEUTRAL: 1,
    GoalStatus.UTMANING: 2,
    GoalStatus.BETYDANDE_UTMANING: 3,
}

# Traffic-light colours as Swedish goal reports use them; grey for what is not assessed.
STATUS_STYLES: dict[GoalStatus, Style] = {
    GoalStatus.GOD: Style(N_("good"), "#2E8540"),
    GoalStatus.NEUTRAL: Style(N_("neutral"), "#F2C200"),
    GoalStatus.UTMANING: Style(N_("challenge"), "#EE7B22"),
    GoalStatus.BETYDANDE_UTMANING: Style(N_("significant challenge"), "#C8102E"),
    GoalStatus.EJ_BEDOMD: Style(N_("not assessed"), "#9E9E9E"),
}

TREND_STYLES: dict[Trend, Style] = {
    Trend.FORBATTRING: Style(N_("improving"), "#2E8540"),
    Trend.OFORANDRAD: Style(N_("unchanged"), "#F2C200"),
    Trend.FORSAMRING: Style(N_("deteriorating"), "#C8102E"),
    Trend.DATA_SAKNAS: Style(N_("no data"), "#9E9E9E"),
}

# Kolada's colours: green for the best quartile, yellow for the middle half, red for the worst.
POSITION_STYLES: dict[Position, Style] = {
    Position.BASTA: Style(N_("best quartile"), "#2E8540"),
    Position.MITTEN: Style(N_("middle half"), "#F2C200"),
    Position.SAMSTA: Style(N_("worst quartile"), "#C8102E"),
}


def parse_status(text: str, *, where: str = "--status") -> GoalStatus:
    """A status from its Swedish value; a clear error listing the five otherwise."""
    wanted = " ".join(text.strip().lower().split())
    for status in GoalStatus:
        if status.value == wanted:
            return status
    choices = [f"'{s.value}'" for s in GoalStatus]
    raise InputError(
        N_("{text!r} is not a status; use one of {choices}"),
        text=text,
        choices=choices,
        where=where,
    )


__all__ = [
    "POSITION_STYLES",
    "STATUS_STYLES",
    "TREND_STYLES",
    "GoalStatus",
    "Position",
    "Style",
    "Trend",
    "parse_status",
]
