"""Logins and CSRF: who a request comes from, and that a form was sent from Glokal's own pages.

- A login is a random cookie (HttpOnly, SameSite=Lax, Secure over https) whose SHA-256 the store
  keeps with the user and a CSRF token, so that any app worker knows every login.
- Every form carries ``csrf``: for a logged-in user the login's token, for anyone else a
  double-submit cookie (a random value in the cookie and the same value in the form).
- ``AuthState`` (middleware) puts ``request.state.user`` and ``request.state.csrf`` on every
  request, so every page can show the user and render forms; ``check_csrf`` refuses a post
  whose token is missing or wrong with 403.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glokal.errors import GlokalError, InputError, NotAuthenticated, PermissionDenied
from glokal.i18n import translator
from glokal.store import Store
from glokal.store.audit import record_change
from glokal.store.users import (
    MIN_PASSWORD_LENGTH,
    SESSION_LIFETIME,
    LoginSession,
    User,
    authenticate,
    close_other_sessions,
    close_session,
    open_session,
    session_login,
    set_password,
    verify_password,
)
from glokal.web.messages import said
from glokal.web.render import render, request_language, url_for_lang

SESSION_COOKIE = "glokal_session"
CSRF_COOKIE = "glokal_csrf"
CSRF_LIFETIME_S = 12 * 3600
# Paths that never render a form: no CSRF cookie for them.
NO_FORMS = ("/static/", "/api/", "/healthz")

router = APIRouter(include_in_schema=False)


def now() -> datetime:
    return datetime.now(UTC)


def _lookup(store: Store, cookie: str) -> LoginSession | None:
    with store.session() as session, session.begin():
        return session_login(session, cookie, now=now())


def _cookie(name: str, value: str, *, max_age: int, secure: bool) -> str:
    flags = f"; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax"
    return f"{name}={value}{flags}{'; Secure' if secure else ''}"


# What new_csrf makes: 32 random bytes in URL-safe base64. A cookie of any other form is
# replaced: a token is written into pages (and cut out of kept ones), so it must be nothing
# but letters, digits, "-" and "_".
CSRF_FORM = re.compile(r"[A-Za-z0-9_-]{43}")


def usable_csrf(token: str) -> bool:
    """Whether a visitor's CSRF cookie can be kept (else they get a new one)."""
    return CSRF_FORM.fullmatch(token) is not None


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def csrf_cookie(token: str, *, secure: bool) -> str:
    """The Set-Cookie value that gives an anonymous visitor their CSRF token."""
    return _cookie(CSRF_COOKIE, token, max_age=CSRF_LIFETIME_S, secure=secure)


class AuthState:
    """Notes the request's user (from the session cookie) and CSRF token on ``request.state``;
    gives a visitor without one a CSRF cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
        state = scope.setdefault("state", {})
        login = None
        if cookies.get(SESSION_COOKIE):
            store: Store = scope["app"].state.store
            try:
                login = await run_in_threadpool(_lookup, store, cookies[SESSION_COOKIE])
            except GlokalError:  # the database is down: the page itself will say so
                login = None
        fresh = None  # a CSRF token made for this visitor, sent as a cookie with the answer
        if login is not None:
            state["user"], state["csrf"] = login.user, login.csrf
        else:
            token = cookies.get(CSRF_COOKIE, "")
            if not usable_csrf(token):
                token = fresh = new_csrf()
            state["user"], state["csrf"] = None, token
        path: str = scope["path"]
        if fresh is None or path.startswith(NO_FORMS):
            await self.app(scope, receive, send)
            return
        cookie = csrf_cookie(fresh, secure=scope.get("scheme") == "https")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class LoginRequired(NotAuthenticated):
    """A page needs a login: a GET goes to the login page, anything else gets 401."""


def user_of(request: Request) -> User | None:
    user: User | None = getattr(request.state, "user", None)
    return user


def require_user(request: Request) -> User:
    user = user_of(request)
    if user is None:
        gettext = translator(request_language(request))
        raise LoginRequired(gettext("Log in to use the editor."), where="login")
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def _write_session(request: Request) -> Iterator[Session]:
    """One transaction, committed before the response is sent (so a redirect sees it)."""
    store: Store = request.app.state.store
    with store.errors(), store.session() as session, session.begin():
        yield session


WriteSession = Annotated[Session, Depends(_write_session, scope="function")]


async def _form(request: Request) -> dict[str, str]:
    """A posted form's text fields (files ignored), each cut at 20,000 characters."""
    form = await request.form()
    return {key: value[:20_000] for key, value in form.items() if isinstance(value, str)}


FormData = Annotated[dict[str, str], Depends(_form)]


def check_csrf(request: Request, token: str) -> None:
    """403 unless ``token`` is the request's CSRF token (the login's, or the cookie's)."""
    expected = str(getattr(request.state, "csrf", "") or "")
    if not token or not expected or not secrets.compare_digest(token, expected):
        gettext = translator(request_language(request))
        raise PermissionDenied(
            gettext(
                "The form could not be accepted: its security token is missing or out of date. "
                "Go back, reload the page and send the form again."
            ),
            where="csrf",
        )


def forbid(request: Request, message: str) -> PermissionDenied:
    return PermissionDenied(translator(request_language(request))(message), where="role")


def _link(request: Request, path: str) -> str:
    return url_for_lang(path, request_language(request))


def _safe_next(target: str) -> str | None:
    """A local path to go on to after login; None for anything that could leave the site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return None


def install(app: FastAPI) -> None:
    """The middleware and the login redirect; call before adding LanguagePrefix."""
    from glokal.web.app import _error

    async def login_required(request: Request, exc: Exception) -> Response:
        path = str(request.scope.get("glokal_path", request.url.path))
        if request.method == "GET" and not path.startswith("/api/"):
            here = _link(request, path) + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(
                _link(request, "/logga-in") + "?next=" + quote(here, safe="/"), status_code=303
            )
        message = exc.message if isinstance(exc, GlokalError) else str(exc)
        return _error(request, 401, lambda _: message, "login")

    app.add_exception_handler(LoginRequired, login_required)
    app.add_middleware(AuthState)


# -- the pages ---------------------------------------------------------------------------------


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@router.get("/logga-in", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:
    return render(request, "editor/login.html", None, next=_safe_next(next) or "", error="",
                  email="")  # fmt: skip


@router.post("/logga-in", response_class=HTMLResponse)
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    check_csrf(request, csrf)
    store = _store(request)
    with store.errors(), store.session() as session, session.begin():
        user = authenticate(session, email, password)
        if user is None:
            record_change(
                session, actor=email.strip().lower()[:254], action="login_failed", entity="user",
                entity_id=email.strip().lower()[:254], unit=None, before=None, after=None,
                at=now(),
            )  # fmt: skip
            cookie = None
        else:
            cookie, _csrf = open_session(session, user.id, now=now())
    if user is None or cookie is None:
        gettext = translator(request_language(request))
        page = render(request, "editor/login.html", None, next=_safe_next(next) or "",
                      error=gettext("Wrong e-mail address or password."), email=email)  # fmt: skip
        page.status_code = 400
        return page
    target = _safe_next(next) or _link(request, "/redigera")
    response = RedirectResponse(target, status_code=303)
    response.headers.append(
        "set-cookie",
        _cookie(SESSION_COOKIE, cookie, max_age=int(SESSION_LIFETIME.total_seconds()),
                secure=request.url.scheme == "https"),
    )  # fmt: skip
    return response


@router.post("/logga-ut")
def logout(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    check_csrf(request, csrf)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        store = _store(request)
        with store.errors(), store.session() as session, session.begin():
            close_session(session, cookie)
    response = RedirectResponse(_link(request, "/"), status_code=303)
    response.headers.append(
        "set-cookie",
        _cookie(SESSION_COOKIE, "", max_age=0, secure=request.url.scheme == "https"),
    )
    return response


@router.get("/konto/losenord", response_class=HTMLResponse)
def password_form(request: Request, user: CurrentUser) -> HTMLResponse:
    return render(request, "editor/password.html", None, errors={}, done=False,
                  min_length=MIN_PASSWORD_LENGTH)  # fmt: skip


@router.post("/konto/losenord", response_class=HTMLResponse)
def change_password(
    request: Request,
    user: CurrentUser,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> HTMLResponse:
    check_csrf(request, csrf)
    gettext = translator(request_language(request))
    errors: dict[str, str] = {}
    store = _store(request)
    with store.errors(), store.session() as session, session.begin():
        if not verify_password(session, user.id, current):
            errors["current"] = gettext("The current password is wrong.")
        elif len(new) < MIN_PASSWORD_LENGTH:
            errors["new"] = gettext("The new password is too short.")
        else:
            try:
                set_password(session, user.id, new)
            except InputError as exc:
                errors["new"] = said(exc, gettext)
        if not errors:
            ended = close_other_sessions(session, user.id, keep=request.cookies.get(SESSION_COOKIE))
            record_change(
                session, actor=user.email, action="password_change", entity="user",
                entity_id=user.email, unit=None, before=None,
                after={"other_sessions_ended": ended}, at=now(),
            )  # fmt: skip
    page = render(request, "editor/password.html", None, errors=errors, done=not errors,
                  min_length=MIN_PASSWORD_LENGTH)  # fmt: skip
    if errors:
        page.status_code = 400
    return page


__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "AuthState",
    "CurrentUser",
    "FormData",
    "LoginRequired",
    "WriteSession",
    "check_csrf",
    "forbid",
    "install",
    "require_user",
    "router",
    "user_of",
]
