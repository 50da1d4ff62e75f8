"""Reading the framework that ships with Glokal as package data (framework/data/*.json).

Each data file holds ``sources`` (key → citation) and records whose ``source`` lists keys into
it; the loaded records carry the resolved citation text, so a record always names its source.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from glokal.framework.model import (
    Goal,
    Indicator,
    MillenniumGoal,
    Target,
    indicator_sort_key,
    target_sort_key,
)


@dataclass(frozen=True)
class Framework:
    """The whole bundled framework: the 17 goals, 169 targets, indicators and the 8 MDGs."""

    goals: tuple[Goal, ...]
    targets: tuple[Target, ...]
    indicators: tuple[Indicator, ...]
    mdgs: tuple[MillenniumGoal, ...]

    def unique_indicators(self) -> list[Indicator]:
        """Indicators counted once: repeats under a second target are left out."""
        return [i for i in self.indicators if i.same_as is None]


def _read(name: str) -> dict[str, Any]:
    text = files("glokal.framework").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _cite(sources: Mapping[str, str], keys: str | Sequence[str]) -> str:
    wanted = [keys] if isinstance(keys, str) else list(keys)
    return " ".join(sources[key] for key in wanted)


def _records(name: str, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = _read(name)
    return data["sources"], data[key]


@cache
def load_framework() -> Framework:
    """Load and return the bundled framework (read once per process)."""
    sources, raw_goals = _records("goals.json", "goals")
    goals = tuple(
        Goal(
            number=r["number"],
            short_sv=r["short_sv"],
            short_en=r["short_en"],
            title_sv=r["title_sv"],
            title_en=r["title_en"],
            colour=r["colour"],
            aliases_sv=tuple(r["aliases_sv"]),
            source=_cite(sources, r["source"]),
        )
        for r in raw_goals
    )
    sources, raw_targets = _records("targets.json", "targets")
    targets = tuple(
        sorted(
            (
                Target(
                    id=r["id"],
                    goal=r["goal"],
                    text_en=r["text_en"],
                    text_sv=r["text_sv"],
                    short_sv=r["short_sv"],
                    short_en=r["short_en"],
                    source=_cite(sources, r["source"]),
                )
                for r in raw_targets
            ),
            key=lambda t: target_sort_key(t.id),
        )
    )
    sources, raw_indicators = _records("indicators.json", "indicators")
    indicators = tuple(
        sorted(
            (
                Indicator(
                    id=r["id"],
                    target=r["target"],
                    text_en=r["text_en"],
                    text_sv=r.get("text_sv") or None,
                    same_as=r.get("same_as"),
                    source=_cite(sources, r["source"]),
                )
                for r in raw_indicators
            ),
            key=lambda i: indicator_sort_key(i.id),
        )
    )
    sources, raw_mdgs = _records("mdgs.json", "mdgs")
    mdgs = tuple(
        MillenniumGoal(
            number=r["number"],
            title_sv=r["title_sv"],
            title_en=r["title_en"],
            source=_cite(sources, r["source"]),
        )
        for r in raw_mdgs
    )
    return Framework(goals=goals, targets=targets, indicators=indicators, mdgs=mdgs)
