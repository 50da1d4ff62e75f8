"""Imports into the register, each in the caller's transaction: read the file, check every row
against what is stored, then write all or (with ``check``) nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from glokal.framework import Framework, load_framework
from glokal.places import Places, load_places
from glokal.register.activities import ActivityContext, read_activities
from glokal.register.agenda import read_local_goals
from glokal.register.programmes import builtin_programmes
from glokal.store.activities import ActivityQuery, add_activities, find_activities
from glokal.store.agenda import local_goal_parents, save_local_goals
from glokal.store.programmes import programme_ids, save_programme


@dataclass(frozen=True, slots=True)
class ImportReport:
    source: str
    rows: int
    inserted: int
    updated: int
    written: bool  # False for a check
    ids: tuple[int, ...] = ()  # of the activities stored
    # Rows like activities stored before (same unit, title and start): the file may have been
    # imported already, or be an export of this store; they are stored as new all the same.
    like_stored: tuple[int, ...] = ()  # the stored activities' ids


def activity_context(
    session: Session, places: Places | None = None, framework: Framework | None = None
) -> ActivityContext:
    return ActivityContext(
        places=places or load_places(),
        framework=framework or load_framework(),
        programmes=frozenset(programme_ids(session)),
    )


def import_activities(
    session: Session,
    path: Path,
    *,
    by: str,
    now: datetime,
    check: bool = False,
    file_format: str | None = None,
) -> ImportReport:
    activities = read_activities(path, activity_context(session), file_format)
    units = {a.unit for a in activities}
    stored = {
        (a.unit, a.title.strip().casefold(), a.start): a.id or 0
        for a in find_activities(session, ActivityQuery(unit=sorted(units)))
    }
    like = tuple(
        sorted({stored[k] for a in activities
                if (k := (a.unit, a.title.strip().casefold(), a.start)) in stored})
    )  # fmt: skip
    ids = () if check else tuple(add_activities(session, activities, by=by, now=now))
    return ImportReport(
        str(path), len(activities), len(activities), 0, not check, ids, like_stored=like
    )


def import_local_goals(
    session: Session, path: Path, *, check: bool = False, file_format: str | None = None
) -> ImportReport:
    places = load_places()
    # Which goals each unit has stored and their parents, so a row may name a stored goal as
    # its parent, and may not make a loop of parents with the stored ones.
    stored = local_goal_parents(session)
    goals = read_local_goals(path, places, load_framework(), stored, file_format)
    if check:
        known = sum(1 for g in goals if g.code in stored.get(g.unit, {}))
        return ImportReport(str(path), len(goals), len(goals) - known, known, False)
    inserted, updated = save_local_goals(session, goals)
    return ImportReport(str(path), len(goals), inserted, updated, True)


def install_builtin_programmes(session: Session) -> int:
    """Store the ready-made programme definitions that are not stored yet; returns how many."""
    return sum(save_programme(session, p, replace=False) for p in builtin_programmes())
