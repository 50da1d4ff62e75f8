"""The store: the schema, its migrations, the Store object and the named queries.

The only package that speaks SQL. Callers own their transactions.
"""

from glokal.store.backup import (
    BackupSummary,
    read_backup_revision,
    restore_backup,
    take_backup,
)
from glokal.store.database import DATABASE_SETTING, Store
from glokal.store.queries import (
    list_goals,
    list_indicators,
    list_kommungrupper,
    list_mdgs,
    list_places,
    list_targets,
    row_counts,
)
from glokal.store.reference import ReferenceCounts, TableCounts, load_reference

__all__ = [
    "DATABASE_SETTING",
    "BackupSummary",
    "ReferenceCounts",
    "Store",
    "TableCounts",
    "list_goals",
    "list_indicators",
    "list_kommungrupper",
    "list_mdgs",
    "list_places",
    "list_targets",
    "load_reference",
    "read_backup_revision",
    "restore_backup",
    "row_counts",
    "take_backup",
]
