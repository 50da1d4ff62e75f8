"""Analysis: trends, relative positions and suggested goal statuses, computed from plain data.

Pure: functions here take data frames and dataclasses and return them; they read no database
and call no API. The store writes their results; the CLI and web show them.
"""

__all__: list[str] = []
