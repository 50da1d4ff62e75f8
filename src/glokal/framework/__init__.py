"""The Agenda 2030 framework (17 goals, 169 targets, the global indicators) and the 8 MDGs,
with the scales a goal's follow-up uses (statuses, trend verdicts, positions).

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
from glokal.framework.statuses import (
    POSITION_STYLES,
    STATUS_STYLES,
    TREND_STYLES,
    GoalStatus,
    Position,
    Style,
    Trend,
    parse_status,
)

__all__ = [
    "GOAL_COUNT",
    "POSITION_STYLES",
    "STATUS_STYLES",
    "TREND_STYLES",
    "Framework",
    "Goal",
    "GoalStatus",
    "Indicator",
    "MillenniumGoal",
    "Position",
    "Style",
    "Target",
    "Trend",
    "indicator_sort_key",
    "load_framework",
    "parse_goal_number",
    "parse_indicator_id",
    "parse_status",
    "parse_target_id",
    "target_sort_key",
]
