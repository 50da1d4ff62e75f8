"""SQL for the people who log in: users with a role and (editors) their units, stored login
sessions and API bearer tokens.

Secrets never reach the database as they are: passwords are stored as argon2 hashes, session
cookies and API tokens by their SHA-256 (so a copy of the database opens no session). Sessions
live in the database so that several stateless app workers know every login. Every function
takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.i18n import N_
from glokal.store.models import (
    ROLES,
    ApiTokenRow,
    PlaceRow,
    SessionRow,
    UserRow,
    UserUnitRow,
)

SESSION_LIFETIME = timedelta(days=7)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this bounds the work a login can ask for
TOKEN_BYTES = 32
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong
# password and a login does not tell which e-mails exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class User:
    """Someone who logs in, with what they may do."""

    id: int
    email: str
    role: str  # "admin", "editor" or "reviewer"
    units: tuple[str, ...] = ()  # an editor's units; a reviewer's, when scoped
    active: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_edit(self, unit: str) -> bool:
        """May change ``unit``'s assessments, narratives, activities and local goals."""
        return self.is_admin or (self.role == "editor" and unit in self.units)

    @property
    def can_moderate(self) -> bool:
        return self.role in ("admin", "reviewer")

    def can_moderate_unit(self, unit: str) -> bool:
        """Reviewers without units moderate every unit's comments; with units, those."""
        return self.is_admin or (self.role == "reviewer" and (not self.units or unit in self.units))


@dataclass(frozen=True, slots=True)
class LoginSession:
    """A stored login: its user and the CSRF token its forms carry."""

    user: User
    csrf: str
    expires_at: datetime


def digest(secret: str) -> str:
    """The SHA-256 of a cookie or token, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_email(text: str, *, where: str = "email") -> str:
    """An e-mail address, stripped and lower-cased; InputError if it does not look like one."""
    email = text.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InputError(N_("{text!r} is not an e-mail address"), text=text, where=where)
    return email


def parse_role(text: str, *, where: str = "--role") -> str:
    role = text.strip().lower()
    if role not in ROLES:
        raise InputError(
            N_("{text!r} is not a role; use one of: {allowed}"),
            text=text,
            allowed=tuple(ROLES),
            where=where,
        )
    return role


def check_password(password: str, *, where: str = "password") -> str:
    """A new password: at least MIN_PASSWORD_LENGTH characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            N_("the password must have at least {count} characters"),
            count=MIN_PASSWORD_LENGTH,
            where=where,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(
            N_("the password must have at most {count} characters"),
            count=MAX_PASSWORD_LENGTH,
            where=where,
        )
    return password


def _units_of(session: Session, user_id: int) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(UserUnitRow.unit).where(UserUnitRow.user_id == user_id).order_by("unit")
        )
    )


def _user(session: Session, row: UserRow) -> User:
    return User(row.id, row.email, row.role, _units_of(session, row.id), row.active)


def add_user(
    session: Session, email: str, password: str, role: str, units: tuple[str, ...] | list[str],
    *, now: datetime,
) -> User:  # fmt: skip
    """A new user; InputError for a taken e-mail, a short password, an unknown role or unit."""
    address = parse_email(email, where="EMAIL")
    checked_role = parse_role(role)
    check_password(password, where="password")
    if checked_role == "admin" and units:
        raise InputError(N_("an admin may change every unit; give no --unit"), where="--unit")
    if checked_role == "editor" and not units:
        raise InputError(N_("an editor needs at least one --unit"), where="--unit")
    known = set(session.scalars(select(PlaceRow.id).where(PlaceRow.id.in_(units))))
    unknown = [u for u in units if u not in known]
    if unknown:
        raise NotFound(
            N_("there is no unit {unit!r}"),
            unit=unknown[0],
            where="--unit",
            hint=N_("`glokal places` lists them"),
        )
    if session.scalar(select(UserRow.id).where(UserRow.email == address)) is not None:
        raise InputError(N_("there is already a user {email}"), email=address, where="EMAIL")
    row = UserRow(
        email=address, password_hash=_hasher.hash(password), role=checked_role, active=True,
        created_at=_utc(now),
    )  # fmt: skip
    session.add(row)
    session.flush()
    for unit in dict.fromkeys(units):
        session.add(UserUnitRow(user_id=row.id, unit=unit))
    session.flush()
    return _user(session, row)


def get_user(session: Session, email: str) -> User:
    row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if row is None:
        raise NotFound(N_("there is no user {email!r}"), email=email, where="EMAIL")
    return _user(session, row)


def list_users(session: Session) -> list[User]:
    return [_user(session, row) for row in session.scalars(select(UserRow).order_by("email"))]


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the same time either way).

    A hash made with older argon2 parameters is replaced by one with today's.
    """
    row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    stored = row.password_hash if row is not None and row.active else _DUMMY_HASH
    try:
        _hasher.verify(stored, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
        session.flush()
    return _user(session, row)


def verify_password(session: Session, user_id: int, password: str) -> bool:
    row = session.get(UserRow, user_id)
    if row is None:
        return False
    try:
        return _hasher.verify(row.password_hash, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, user_id: int, password: str) -> None:
    """Store a new password (checked) for the user."""
    check_password(password, where="new")
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound(N_("there is no user {user}"), user=user_id, where="user")
    row.password_hash = _hasher.hash(password)
    session.flush()


# -- login sessions ----------------------------------------------------------------------------


def open_session(session: Session, user_id: int, *, now: datetime) -> tuple[str, str]:
    """A new login for the user: returns (cookie value, CSRF token); only a hash is stored."""
    cookie, csrf = new_secret(), new_secret()
    session.add(
        SessionRow(
            token_hash=digest(cookie), user_id=user_id, csrf=csrf, created_at=_utc(now),
            expires_at=_utc(now) + SESSION_LIFETIME,
        )
    )  # fmt: skip
    session.flush()
    return cookie, csrf


def session_login(session: Session, cookie: str, *, now: datetime) -> LoginSession | None:
    """The login a cookie belongs to, if it has not expired and its user is active."""
    found = session.execute(
        select(SessionRow, UserRow)
        .join(UserRow, UserRow.id == SessionRow.user_id)
        .where(SessionRow.token_hash == digest(cookie))
    ).first()
    if found is None:
        return None
    row, user = found
    if _utc(row.expires_at) <= _utc(now) or not user.active:
        return None
    return LoginSession(_user(session, user), row.csrf, _utc(row.expires_at))


def close_session(session: Session, cookie: str) -> None:
    session.execute(delete(SessionRow).where(SessionRow.token_hash == digest(cookie)))


def close_other_sessions(session: Session, user_id: int, keep: str | None) -> int:
    """End the user's logins except the one with cookie ``keep``; returns how many ended."""
    query = delete(SessionRow).where(SessionRow.user_id == user_id)
    if keep is not None:
        query = query.where(SessionRow.token_hash != digest(keep))
    return session.execute(query).rowcount or 0  # type: ignore[attr-defined]


def purge_sessions(session: Session, *, now: datetime) -> int:
    """Delete expired logins; returns how many."""
    result = session.execute(delete(SessionRow).where(SessionRow.expires_at <= _utc(now)))
    return result.rowcount or 0  # type: ignore[attr-defined]


# -- API tokens --------------------------------------------------------------------------------


def add_api_token(
    session: Session, email: str, name: str, *, now: datetime, expires_at: datetime | None = None
) -> str:
    """A new bearer token for the user, returned once; only its hash is stored."""
    user = get_user(session, email)
    token = new_secret()
    session.add(
        ApiTokenRow(
            token_hash=digest(token), user_id=user.id, name=name.strip(), created_at=_utc(now),
            expires_at=_utc(expires_at) if expires_at is not None else None,
        )
    )  # fmt: skip
    session.flush()
    return token


def token_user(session: Session, token: str, *, now: datetime) -> User | None:
    """The active user a bearer token belongs to, unless it has expired."""
    found = session.execute(
        select(ApiTokenRow, UserRow)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.token_hash == digest(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at is not None and _utc(row.expires_at) <= _utc(now):
        return None
    return _user(session, user) if user.active else None


__all__ = [
    "MIN_PASSWORD_LENGTH",
    "SESSION_LIFETIME",
    "LoginSession",
    "User",
    "add_api_token",
    "add_user",
    "authenticate",
    "check_password",
    "close_other_sessions",
    "close_session",
    "digest",
    "get_user",
    "list_users",
    "new_secret",
    "open_session",
    "parse_email",
    "parse_role",
    "purge_sessions",
    "session_login",
    "set_password",
    "token_user",
    "verify_password",
]
