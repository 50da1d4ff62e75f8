"""Kolada (RKA's municipal KPI database): the v3 client, the sync engine, KPI polarity."""

from glokal.kolada.client import (
    DEFAULT_BASE_URL,
    DEFAULT_CONCURRENCY,
    DEFAULT_RATE,
    MAX_IDS_PER_SEGMENT,
    KoladaClient,
    RetryPolicy,
)
from glokal.kolada.plan import AgendaGroup, ParsedData, agenda_groups, chunked, parse_data
from glokal.kolada.polarity import POLARITIES, bundled_polarity, parse_polarity
from glokal.kolada.sync import (
    AGENDA_SELECTION,
    KoladaSync,
    SyncOptions,
    SyncProgress,
    SyncReport,
    parse_group_ids,
    parse_kpi_ids,
    sync_kolada,
)

__all__ = [
    "AGENDA_SELECTION",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_RATE",
    "MAX_IDS_PER_SEGMENT",
    "POLARITIES",
    "AgendaGroup",
    "KoladaClient",
    "KoladaSync",
    "ParsedData",
    "RetryPolicy",
    "SyncOptions",
    "SyncProgress",
    "SyncReport",
    "agenda_groups",
    "bundled_polarity",
    "chunked",
    "parse_data",
    "parse_group_ids",
    "parse_kpi_ids",
    "parse_polarity",
    "sync_kolada",
]
