"""SQL for the audit log: every change made through the editor or the API, with who made it,
when, and the record before and after (as JSON).

Every function takes a Session; the caller owns the transaction, so a change and its entry are
written together or not at all.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glokal.store.models import AuditRow


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str  # "create", "update", "draft", "publish", "approve", "reject", …
    entity: str  # "assessment", "activity", "local_goal", "comment", "user", …
    entity_id: str
    unit: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def plain(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as objects, dates as ISO text, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def record_change(
    session: Session, *, actor: str, action: str, entity: str, entity_id: str | int,
    unit: str | None, before: Any, after: Any, at: datetime,
) -> None:  # fmt: skip
    """Add one entry; ``before`` and ``after`` (dataclasses, dicts or None) stored as JSON."""
    session.add(
        AuditRow(
            at=_utc(at), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
            unit=unit, before=plain(before) if before is not None else None,
            after=plain(after) if after is not None else None,
        )
    )  # fmt: skip
    session.flush()


def audit_entries(
    session: Session, *, unit: str | None = None, limit: int = 100, offset: int = 0
) -> list[AuditEntry]:
    """The newest entries first (of one unit, or all)."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
    if unit is not None:
        query = query.where(AuditRow.unit == unit)
    return [
        AuditEntry(
            id=row.id, at=_utc(row.at), actor=row.actor, action=row.action, entity=row.entity,
            entity_id=row.entity_id, unit=row.unit, before=row.before, after=row.after,
        )
        for row in session.scalars(query)
    ]  # fmt: skip


def count_audit_entries(session: Session, *, unit: str | None = None) -> int:
    query = select(func.count()).select_from(AuditRow)
    if unit is not None:
        query = query.where(AuditRow.unit == unit)
    return session.scalar(query) or 0


__all__ = ["AuditEntry", "audit_entries", "count_audit_entries", "plain", "record_change"]
