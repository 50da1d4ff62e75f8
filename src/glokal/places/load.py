"""Reading the bundled places (places/data/*.csv): 290 kommuner, 21 regioner and Riket."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from glokal.places.model import County, Kommungrupp, Place, UnitType, parse_unit_type


@dataclass(frozen=True)
class Places:
    """All bundled units with their counties and SKR kommungrupper."""

    places: tuple[Place, ...]
    counties: tuple[County, ...]
    kommungrupper: tuple[Kommungrupp, ...]
    _by_id: dict[str, Place] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {p.id: p for p in self.places})

    def get(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def of_type(self, unit_type: UnitType) -> list[Place]:
        return [p for p in self.places if p.type == unit_type]


def _rows(name: str) -> list[dict[str, str]]:
    text = files("glokal.places").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _cite(sources: dict[str, str], keys: str) -> str:
    return " ".join(sources[key] for key in keys.split(";"))


@cache
def load_places() -> Places:
    """Load and return the bundled places (read once per process)."""
    sources: dict[str, str] = json.loads(
        files("glokal.places").joinpath("data", "sources.json").read_text(encoding="utf-8")
    )
    places = tuple(
        Place(
            id=r["id"],
            name=r["name"],
            type=parse_unit_type(r["type"], where=f"places.csv, unit {r['id']}"),
            county=r["county"] or None,
            region=r["region"] or None,
            kommungrupp=r["kommungrupp"] or None,
            source=_cite(sources, r["source"]),
        )
        for r in _rows("places.csv")
    )
    counties = tuple(
        County(
            code=r["code"], name=r["name"], region=r["region"], source=_cite(sources, r["source"])
        )
        for r in _rows("counties.csv")
    )
    groups = tuple(
        Kommungrupp(
            code=r["code"],
            main_group=r["main_group"],
            name_sv=r["name_sv"],
            name_en=r["name_en"],
            kolada_group=r["kolada_group"],
            source=_cite(sources, r["source"]),
        )
        for r in _rows("kommungrupper.csv")
    )
    return Places(places=places, counties=counties, kommungrupper=groups)
