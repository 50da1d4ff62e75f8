"""Publishing: renderings of what the store holds (terminal listings so far)."""

from glokal.publish.listings import (
    Listing,
    goals_listing,
    indicators_listing,
    kpis_listing,
    mdgs_listing,
    places_listing,
    targets_listing,
)
from glokal.publish.values import (
    CSV_COLUMNS,
    KOLADA_SOURCE,
    write_values_csv,
    write_values_json,
)

__all__ = [
    "CSV_COLUMNS",
    "KOLADA_SOURCE",
    "Listing",
    "goals_listing",
    "indicators_listing",
    "kpis_listing",
    "mdgs_listing",
    "places_listing",
    "targets_listing",
    "write_values_csv",
    "write_values_json",
]
