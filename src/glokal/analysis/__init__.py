"""Analysis: trends, relative positions and suggested goal statuses, computed from plain data.

Pure: functions here take data frames and dataclasses and return them; they read no database
and call no API. The store writes their results; the CLI and web show them.
"""

from glokal.analysis.data import RIKET, AnalysisData
from glokal.analysis.explain import explain
from glokal.analysis.goals import METHODS, suggest
from glokal.analysis.kpis import analyse_kpis
from glokal.analysis.opensdg import analyse_progress
from glokal.analysis.targets import parse_targets

__all__ = [
    "METHODS",
    "RIKET",
    "AnalysisData",
    "analyse_kpis",
    "analyse_progress",
    "explain",
    "parse_targets",
    "suggest",
]
