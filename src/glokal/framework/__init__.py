"""The Agenda 2030 framework (17 goals, 169 targets, the global indicators) and the 8 MDGs.

Bundled as package data that the project writes, in Swedish and English, every record with its
source. Pure: no database, no network.
"""

from glokal.framework.load import Framework, load_framework
from glokal.framework.model import (
    GOAL_COUNT,
    Goal,
    Indicator,
    MillenniumGoal,
    Target,
    indicator_sort_key,
    parse_goal_number,
    parse_indicator_id,
    parse_target_id,
    target_sort_key,
)

__all__ = [
    "GOAL_COUNT",
    "Framework",
    "Goal",
    "Indicator",
    "MillenniumGoal",
    "Target",
    "indicator_sort_key",
    "load_framework",
    "parse_goal_number",
    "parse_indicator_id",
    "parse_target_id",
    "target_sort_key",
]
