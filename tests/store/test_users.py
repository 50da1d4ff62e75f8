"""Users, login sessions and API tokens: secrets stored only as hashes, expiry, scoping.

Runs on SQLite and PostgreSQL (the ``initialised_store`` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from glokal.errors import InputError, NotFound
from glokal.store import Store
from glokal.store.models import ApiTokenRow, SessionRow, UserRow
from glokal.store.users import (
    SESSION_LIFETIME,
    add_api_token,
    add_user,
    authenticate,
    close_other_sessions,
    close_session,
    digest,
    get_user,
    open_session,
    session_login,
    set_password,
    token_user,
    verify_password,
)

T0 = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
PASSWORD = "korrekt häst batteri"


def test_add_user_hashes_the_password_with_argon2(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        user = add_user(s, " Anna@Example.SE ", PASSWORD, "editor", ["0180", "1781"], now=T0)
    assert user.email == "anna@example.se" and user.units == ("0180", "1781")
    with initialised_store.session() as s:
        stored = s.scalars(select(UserRow.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert user.can_edit("0180") and not user.can_edit("0181") and not user.can_moderate


@pytest.mark.parametrize(
    ("email", "password", "role", "units", "where"),
    [
        ("not-an-address", PASSWORD, "editor", ["0180"], "EMAIL"),
        ("a@b.se", "short", "editor", ["0180"], "password"),
        ("a@b.se", PASSWORD, "boss", [], "--role"),
        ("a@b.se", PASSWORD, "editor", [], "--unit"),
        ("a@b.se", PASSWORD, "admin", ["0180"], "--unit"),
        ("a@b.se", PASSWORD, "editor", ["9999"], "--unit"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_written(
    initialised_store: Store, email: str, password: str, role: str, units: list[str], where: str
) -> None:
    with pytest.raises(InputError) as caught, initialised_store.session() as s, s.begin():
        add_user(s, email, password, role, units, now=T0)
    assert caught.value.where == where
    with initialised_store.session() as s:
        assert s.scalar(select(func.count()).select_from(UserRow)) == 0


def test_an_email_is_taken_once(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        add_user(s, "a@b.se", PASSWORD, "admin", [], now=T0)
    with pytest.raises(InputError, match="already"), initialised_store.session() as s, s.begin():
        add_user(s, "A@B.se", PASSWORD, "reviewer", [], now=T0)


def test_authenticate_and_change_password(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        user = add_user(s, "a@b.se", PASSWORD, "admin", [], now=T0)
    with initialised_store.session() as s, s.begin():
        assert authenticate(s, "A@b.se", PASSWORD) == user
        assert authenticate(s, "a@b.se", "wrong password") is None
        assert authenticate(s, "nobody@b.se", PASSWORD) is None
        with pytest.raises(InputError):
            set_password(s, user.id, "short")
        set_password(s, user.id, "ett nytt långt lösenord")
    with initialised_store.session() as s, s.begin():
        assert authenticate(s, "a@b.se", PASSWORD) is None
        assert verify_password(s, user.id, "ett nytt långt lösenord")


def test_sessions_are_stored_by_hash_and_expire(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        user = add_user(s, "a@b.se", PASSWORD, "reviewer", [], now=T0)
        cookie, csrf = open_session(s, user.id, now=T0)
        other, _ = open_session(s, user.id, now=T0)
    with initialised_store.session() as s, s.begin():
        stored = set(s.scalars(select(SessionRow.token_hash)))
        assert stored == {digest(cookie), digest(other)} and cookie not in stored
        login = session_login(s, cookie, now=T0 + timedelta(hours=1))
        assert login is not None and login.user == user and login.csrf == csrf
        assert session_login(s, cookie, now=T0 + SESSION_LIFETIME) is None
        assert session_login(s, "forged", now=T0) is None
        assert close_other_sessions(s, user.id, keep=cookie) == 1
        assert session_login(s, other, now=T0) is None
        close_session(s, cookie)
        assert session_login(s, cookie, now=T0) is None


def test_api_tokens(initialised_store: Store) -> None:
    with initialised_store.session() as s, s.begin():
        user = add_user(s, "a@b.se", PASSWORD, "editor", ["0180"], now=T0)
        token = add_api_token(s, "a@b.se", "import script", now=T0)
        expiring = add_api_token(s, "a@b.se", "old", now=T0, expires_at=T0 + timedelta(days=1))
        with pytest.raises(NotFound):
            add_api_token(s, "nobody@b.se", "x", now=T0)
    with initialised_store.session() as s:
        assert token not in set(s.scalars(select(ApiTokenRow.token_hash)))
        assert token_user(s, token, now=T0) == user
        assert token_user(s, expiring, now=T0 + timedelta(days=2)) is None
        assert token_user(s, "nonsense", now=T0) is None
        assert get_user(s, "a@b.se").units == ("0180",)
