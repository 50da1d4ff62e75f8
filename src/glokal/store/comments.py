"""SQL for citizens' comments on goal pages: pending until a reviewer approves (or rejects)
them, counted per sender address (by a hash, never the address) for the rate limit.

Every function takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.i18n import N_
from glokal.store.models import CommentRow, PlaceRow

MAX_AUTHOR_LENGTH = 100
MAX_BODY_LENGTH = 4000


@dataclass(frozen=True, slots=True)
class PublicComment:
    """An approved comment as the goal page shows it (nothing about its sender)."""

    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment as reviewers see it."""

    id: int
    unit: str
    unit_name: str
    goal: int | None
    author: str
    body: str
    status: str  # "pending", "approved" or "rejected"
    created_at: datetime
    moderated_by: str | None
    moderated_at: datetime | None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _comment(row: CommentRow, unit_name: str) -> Comment:
    return Comment(
        id=row.id, unit=row.unit, unit_name=unit_name, goal=row.goal, author=row.author,
        body=row.body, status=row.status, created_at=_utc(row.created_at),
        moderated_by=row.moderated_by,
        moderated_at=_utc(row.moderated_at) if row.moderated_at is not None else None,
    )  # fmt: skip


def add_comment(
    session: Session, unit: str, goal: int | None, *, author: str, body: str,
    address_hash: str, now: datetime,
) -> Comment:  # fmt: skip
    """A new pending comment; InputError for an empty or too long text."""
    text, name = body.strip(), author.strip()
    if not text:
        raise InputError(N_("the comment is empty"), where="body")
    if len(text) > MAX_BODY_LENGTH:
        raise InputError(
            N_("the comment is longer than {count} characters"), count=MAX_BODY_LENGTH, where="body"
        )
    if len(name) > MAX_AUTHOR_LENGTH:
        raise InputError(
            N_("the name is longer than {count} characters"), count=MAX_AUTHOR_LENGTH, where="name"
        )
    unit_name = session.scalar(select(PlaceRow.name).where(PlaceRow.id == unit))
    if unit_name is None:
        raise NotFound(N_("there is no unit {unit!r}"), unit=unit, where="unit")
    row = CommentRow(
        unit=unit, goal=goal, author=name, body=text, status="pending",
        address_hash=address_hash, created_at=_utc(now),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _comment(row, unit_name)


def comments_since(session: Session, address_hash: str, since: datetime) -> int:
    """How many comments the sender with this address hash has sent since ``since``."""
    count = session.scalar(
        select(func.count())
        .select_from(CommentRow)
        .where(CommentRow.address_hash == address_hash, CommentRow.created_at >= _utc(since))
    )
    return count or 0


def approved_comments(session: Session, unit: str, goal: int | None) -> list[PublicComment]:
    """The approved comments on a unit's goal page, oldest first."""
    query = select(CommentRow).where(CommentRow.unit == unit, CommentRow.status == "approved")
    query = query.where(CommentRow.goal.is_(None) if goal is None else CommentRow.goal == goal)
    return [
        PublicComment(row.id, row.author, row.body, _utc(row.created_at))
        for row in session.scalars(query.order_by(CommentRow.created_at, CommentRow.id))
    ]


def comments_to_moderate(
    session: Session, units: Sequence[str] | None = None, *, status: str = "pending"
) -> list[Comment]:
    """Comments with ``status`` (of these units; every unit's with None), oldest first."""
    query = (
        select(CommentRow, PlaceRow.name)
        .join(PlaceRow, PlaceRow.id == CommentRow.unit)
        .where(CommentRow.status == status)
        .order_by(CommentRow.created_at, CommentRow.id)
    )
    if units is not None:
        query = query.where(CommentRow.unit.in_(units))
    return [_comment(row, name) for row, name in session.execute(query)]


def get_comment(session: Session, comment_id: int) -> Comment:
    found = session.execute(
        select(CommentRow, PlaceRow.name)
        .join(PlaceRow, PlaceRow.id == CommentRow.unit)
        .where(CommentRow.id == comment_id)
    ).first()
    if found is None:
        raise NotFound(N_("there is no comment {comment}"), comment=comment_id, where="comment")
    return _comment(found[0], found[1])


def moderate_comment(
    session: Session, comment_id: int, status: str, *, by: str, now: datetime
) -> Comment:
    """Approve or reject a comment; returns it as it is now."""
    if status not in ("approved", "rejected"):
        raise InputError(
            N_("{status!r} is not approved or rejected"), status=status, where="action"
        )
    row = session.get(CommentRow, comment_id)
    if row is None:
        raise NotFound(N_("there is no comment {comment}"), comment=comment_id, where="comment")
    row.status, row.moderated_by, row.moderated_at = status, by, _utc(now)
    session.flush()
    return get_comment(session, comment_id)


__all__ = [
    "MAX_AUTHOR_LENGTH",
    "MAX_BODY_LENGTH",
    "Comment",
    "PublicComment",
    "add_comment",
    "approved_comments",
    "comments_since",
    "comments_to_moderate",
    "get_comment",
    "moderate_comment",
]
