"""Kolada groups: stored with their members, rewritten only when Kolada changed them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from glokal.store import Store
from glokal.store.kolada import group_members, replace_groups
from glokal.store.models import KoladaGroupRow

FIRST = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _group(group_id: str, title: str, *members: str) -> dict[str, object]:
    return {
        "id": group_id,
        "title": title,
        "members": [{"member_id": m, "member_title": f"Enhet {m}"} for m in members],
    }


def test_unchanged_groups_are_left_and_changed_ones_replaced(initialised_store: Store) -> None:
    store = initialised_store
    groups = [_group("G1", "Ett", "0180", "1280"), _group("G2", "Två", "1480"),
              _group("G3", "Tre")]  # fmt: skip
    with store.session() as session, session.begin():
        assert replace_groups(session, "municipality", groups, FIRST) == 3
    again = [_group("G1", "Ett", "1280", "0180"),  # the same members in another order
             _group("G2", "Två", "1480", "1490"),  # a member more
             _group("G3", "Tre, nytt namn"), _group("G4", "Fyra", "0180")]  # fmt: skip
    with store.session() as session, session.begin():
        assert replace_groups(session, "municipality", again, LATER) == 3
    with store.session() as session:
        fetched = dict(session.execute(select(KoladaGroupRow.id, KoladaGroupRow.fetched_at)).all())
        titles = dict(session.execute(select(KoladaGroupRow.id, KoladaGroupRow.title)).all())
        members = group_members(session, ["G1", "G2", "G3", "G4"])
    assert {g: at.replace(tzinfo=UTC) for g, at in fetched.items()} == {
        "G1": FIRST, "G2": LATER, "G3": LATER, "G4": LATER,
    }  # fmt: skip
    assert titles["G3"] == "Tre, nytt namn"
    assert {g: sorted(m) for g, m in members.items()} == {
        "G1": ["0180", "1280"], "G2": ["1480", "1490"], "G3": [], "G4": ["0180"],
    }  # fmt: skip
    with store.session() as session, session.begin():
        assert replace_groups(session, "municipality", again, LATER) == 0
