"""Publishing: renderings of what the store holds (terminal listings so far)."""

from glokal.publish.listings import (
    Listing,
    goals_listing,
    indicators_listing,
    mdgs_listing,
    places_listing,
    targets_listing,
)

__all__ = [
    "Listing",
    "goals_listing",
    "indicators_listing",
    "mdgs_listing",
    "places_listing",
    "targets_listing",
]
