"""Swedish units: the 290 kommuner, 21 regioner and Riket, their counties and SKR kommungrupper.

Bundled as package data with Kolada-compatible ids. Pure: no database, no network.
"""

from glokal.places.load import Places, load_places
from glokal.places.model import (
    RIKET_ID,
    County,
    Kommungrupp,
    Place,
    UnitType,
    parse_place_id,
    parse_unit_type,
)

__all__ = [
    "RIKET_ID",
    "County",
    "Kommungrupp",
    "Place",
    "Places",
    "UnitType",
    "load_places",
    "parse_place_id",
    "parse_unit_type",
]
