"""Comments: pending until approved, counted per address hash, validated before writing.

Runs on SQLite and PostgreSQL (the ``initialised_store`` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from glokal.errors import InputError, NotFound
from glokal.store import Store
from glokal.store.audit import audit_entries, count_audit_entries, record_change
from glokal.store.comments import (
    add_comment,
    approved_comments,
    comments_since,
    comments_to_moderate,
    moderate_comment,
)
from glokal.store.models import CommentRow

T0 = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)


def test_comments_show_once_approved(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        first = add_comment(s, "1781", 17, author=" Eva ", body=" Bra! ", address_hash="a",
                            now=T0)  # fmt: skip
        second = add_comment(s, "1781", 17, author="", body="Mer cykelvägar", address_hash="a",
                             now=T0 + timedelta(minutes=1))  # fmt: skip
        third = add_comment(s, "0180", 5, author="", body="Annat", address_hash="b", now=T0)
    with initialised_store.session() as s, s.begin():
        assert approved_comments(s, "1781", 17) == []
        assert [c.id for c in comments_to_moderate(s)] == [first.id, third.id, second.id]
        assert [c.id for c in comments_to_moderate(s, ["1781"])] == [first.id, second.id]
        approved = moderate_comment(s, first.id, "approved", by="r@b.se", now=T0)
        assert approved.status == "approved" and approved.moderated_by == "r@b.se"
        moderate_comment(s, second.id, "rejected", by="r@b.se", now=T0)
        with pytest.raises(InputError):
            moderate_comment(s, second.id, "deleted", by="r@b.se", now=T0)
        with pytest.raises(NotFound):
            moderate_comment(s, 999, "approved", by="r@b.se", now=T0)
    with initialised_store.session() as s:
        shown = approved_comments(s, "1781", 17)
        assert [(c.author, c.body) for c in shown] == [("Eva", "Bra!")]
        assert comments_since(s, "a", T0) == 2
        assert comments_since(s, "a", T0 + timedelta(seconds=30)) == 1
        assert comments_since(s, "c", T0) == 0


@pytest.mark.parametrize(
    ("author", "body", "where"),
    [("", "   ", "body"), ("", "x" * 4001, "body"), ("x" * 101, "text", "name")],
)
def test_bad_comments_write_nothing(
    initialised_store: Store, author: str, body: str, where: str
) -> None:
    with pytest.raises(InputError) as caught, initialised_store.session() as s, s.begin():
        add_comment(s, "1781", 17, author=author, body=body, address_hash="a", now=T0)
    assert caught.value.where == where
    with initialised_store.session() as s:
        assert s.scalar(select(func.count()).select_from(CommentRow)) == 0


def test_audit_entries_keep_before_and_after_as_json(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        record_change(s, actor="a@b.se", action="update", entity="activity", entity_id=3,
                      unit="0180", before={"title": "Gammal", "start": T0.date()},
                      after={"title": "Ny", "goals": (5, 10)}, at=T0)  # fmt: skip
        record_change(s, actor="b@b.se", action="create", entity="user", entity_id="b@b.se",
                      unit=None, before=None, after={"role": "admin"}, at=T0)  # fmt: skip
    with initialised_store.session() as s:
        newest, oldest = audit_entries(s)
        assert newest.entity == "user" and newest.before is None
        assert oldest.before == {"title": "Gammal", "start": "2025-04-01"}
        assert oldest.after == {"title": "Ny", "goals": [5, 10]} and oldest.entity_id == "3"
        assert [e.actor for e in audit_entries(s, unit="0180")] == ["a@b.se"]
        assert count_audit_entries(s) == 2 and count_audit_entries(s, unit="0181") == 0
