"""Named queries return typed records in official order, on SQLite and PostgreSQL."""

from __future__ import annotations

from glokal.framework import Goal, Target, load_framework
from glokal.places import Place
from glokal.store import (
    Store,
    list_goals,
    list_indicators,
    list_kommungrupper,
    list_mdgs,
    list_places,
    list_targets,
)


def test_goals_and_targets_round_trip(initialised_store: Store) -> None:
    framework = load_framework()
    with initialised_store.session() as session:
        goals = list_goals(session)
        targets = list_targets(session)
    assert all(isinstance(g, Goal) for g in goals)
    assert goals == list(framework.goals)
    assert all(isinstance(t, Target) for t in targets)
    assert targets == list(framework.targets)


def test_filters_by_goal(initialised_store: Store) -> None:
    with initialised_store.session() as session:
        targets = list_targets(session, 6)
        indicators = list_indicators(session, 6)
    assert [t.id for t in targets] == ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.a", "6.b"]
    assert indicators and all(i.id.startswith("6.") for i in indicators)
    assert [i.id for i in indicators][:2] == ["6.1.1", "6.2.1"]


def test_places_and_groups(initialised_store: Store) -> None:
    with initialised_store.session() as session:
        kommuner = list_places(session, "K")
        regions = list_places(session, "L")
        groups = list_kommungrupper(session)
        mdgs = list_mdgs(session)
    assert len(kommuner) == 290 and all(isinstance(p, Place) for p in kommuner)
    assert all(p.kommungrupp for p in kommuner)
    assert len(regions) == 22 and regions[0].id == "0000"
    assert [g.code for g in groups] == ["A1", "A2", "B3", "B4", "B5", "C6", "C7", "C8", "C9"]
    assert len(mdgs) == 8
