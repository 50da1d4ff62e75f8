"""Loading the bundled reference data (framework, MDGs, places) into the store, idempotently.

Each table is brought in line with the package data by primary key: new records are inserted,
changed ones updated, equal ones left alone, so a second run writes nothing. Records that have
left the package data are kept: other tables may refer to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from glokal.framework import Framework, indicator_sort_key, target_sort_key
from glokal.places import Places
from glokal.store.models import (
    Base,
    CountyRow,
    GoalRow,
    IndicatorRow,
    KommungruppRow,
    MillenniumGoalRow,
    PlaceRow,
    TargetRow,
)


@dataclass(frozen=True)
class TableCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


ReferenceCounts = dict[str, TableCounts]


def _sync_table(
    session: Session, model: type[Base], records: Iterable[Mapping[str, Any]]
) -> TableCounts:
    (key_column,) = inspect(model).primary_key
    key = str(key_column.key)
    existing = {getattr(row, key): row for row in session.scalars(select(model))}
    inserted = updated = unchanged = 0
    for record in records:
        row = existing.get(record[key])
        if row is None:
            session.add(model(**record))
            inserted += 1
            continue
        changed = False
        for name, value in record.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        updated += changed
        unchanged += not changed
    # Flush per table so rows referred to by the next table exist before it is written.
    session.flush()
    return TableCounts(inserted, updated, unchanged)


def load_reference(session: Session, framework: Framework, places: Places) -> ReferenceCounts:
    """Bring the reference tables in line with ``framework`` and ``places``; returns counts."""
    target_position = {
        t.id: n
        for n, t in enumerate(sorted(framework.targets, key=lambda t: target_sort_key(t.id)))
    }
    indicators = sorted(framework.indicators, key=lambda i: indicator_sort_key(i.id))
    # Repeats point at earlier listings; write first listings first for the self-reference.
    indicators.sort(key=lambda i: i.same_as is not None)
    counts: ReferenceCounts = {}
    counts["goal"] = _sync_table(
        session,
        GoalRow,
        (
            {
                "number": g.number,
                "short_sv": g.short_sv,
                "short_en": g.short_en,
                "title_sv": g.title_sv,
                "title_en": g.title_en,
                "colour": g.colour,
                "aliases_sv": list(g.aliases_sv),
                "source": g.source,
            }
            for g in framework.goals
        ),
    )
    counts["target"] = _sync_table(
        session,
        TargetRow,
        (
            {
                "id": t.id,
                "goal": t.goal,
                "position": target_position[t.id],
                "text_en": t.text_en,
                "text_sv": t.text_sv,
                "short_sv": t.short_sv,
                "short_en": t.short_en,
                "source": t.source,
            }
            for t in framework.targets
        ),
    )
    indicator_position = {
        i.id: n for n, i in enumerate(sorted(indicators, key=lambda i: indicator_sort_key(i.id)))
    }
    counts["indicator"] = _sync_table(
        session,
        IndicatorRow,
        (
            {
                "id": i.id,
                "target": i.target,
                "position": indicator_position[i.id],
                "text_en": i.text_en,
                "text_sv": i.text_sv,
                "same_as": i.same_as,
                "source": i.source,
            }
            for i in indicators
        ),
    )
    counts["mdg"] = _sync_table(
        session,
        MillenniumGoalRow,
        (
            {"number": m.number, "title_sv": m.title_sv, "title_en": m.title_en, "source": m.source}
            for m in framework.mdgs
        ),
    )
    counts["county"] = _sync_table(
        session,
        CountyRow,
        (
            {"code": c.code, "name": c.name, "region": c.region, "source": c.source}
            for c in places.counties
        ),
    )
    counts["kommungrupp"] = _sync_table(
        session,
        KommungruppRow,
        (
            {
                "code": k.code,
                "main_group": k.main_group,
                "name_sv": k.name_sv,
                "name_en": k.name_en,
                "kolada_group": k.kolada_group,
                "source": k.source,
            }
            for k in places.kommungrupper
        ),
    )
    # Regions and Riket (type L) first: kommuner refer to their region.
    ordered_places = sorted(places.places, key=lambda p: (p.type == "K", p.id))
    counts["place"] = _sync_table(
        session,
        PlaceRow,
        (
            {
                "id": p.id,
                "name": p.name,
                "type": p.type,
                "county": p.county,
                "region": p.region,
                "kommungrupp": p.kommungrupp,
                "source": p.source,
            }
            for p in ordered_places
        ),
    )
    return counts
