"""Rendered public pages kept in memory, keyed by the request and a cheap version of the data.

A goal page costs milliseconds to build and render (queries, analysis rows, charts, the
charts' tables); sent again from memory it costs about a tenth of one. Each request first
reads the store's data version (glokal.store.opendata.data_version: one round trip of
aggregates, asked only when the store's commit marker says something was committed since it
was last asked); a page rendered under another version is rendered anew, so a change shows
on the very next request, in every worker. Only anonymous requests for the public pages are
kept, and only answers that are 200, HTML and set no cookie: nothing personal is shared
between readers. The one personal thing an anonymous page holds, the visitor's CSRF token in
its forms (glokal.web.auth), is cut out of the kept page and each visitor's own token joined
in. Installed outermost, so that a kept page passes through nothing else: it knows an
anonymous visitor by the absence of a login cookie, and gives a new visitor their CSRF cookie
as auth's middleware would (with its rules); the security headers are in the kept answer.
Bounded by bytes, least recently used first out.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glokal.store import Store
from glokal.store.opendata import data_version
from glokal.web.auth import CSRF_COOKIE, SESSION_COOKIE, csrf_cookie, new_csrf, usable_csrf

DEFAULT_MAX_BYTES = 192 * 1024 * 1024
# The public pages, in Swedish and under /en: start page, unit, goal page, comparison, one goal
# across units, the activity search.
PAGES = re.compile(r"^(/en)?(/|/mal/\d{1,2}|/aktiviteter|/\d{4}(/mal/\d{1,2}|/jamfor)?)$")

Key = str  # the path as asked (with /en); pages with a query string are not kept
CSRF_FIELD = b'name="csrf" value="'  # how the templates write the token into a form


@dataclass(frozen=True, slots=True)
class Entry:
    version: tuple[Any, ...]
    status: int
    headers: list[tuple[bytes, bytes]]  # without content-length: the body's is sent
    # The page cut where the visitor's CSRF token goes (one part when it holds none): joined
    # with each visitor's token, a copy of the page, rather than a search through it.
    parts: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts)


class PageCache:
    """ASGI middleware: answers a public page from memory while the data has not changed."""

    def __init__(self, app: ASGIApp, store: Store, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.app = app
        self.store = store
        self.max_bytes = max_bytes
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._marker: tuple[int, int, int] | None = None
        self._marker_version: tuple[Any, ...] | None = None

    def _version(self) -> tuple[Any, ...] | None:
        try:
            with self.store.engine.connect() as connection:
                return data_version(connection)
        except Exception:  # the page itself will say what is wrong with the store
            return None

    async def _current_version(self) -> tuple[Any, ...] | None:
        """The data version; recomputed only when something was committed since the last
        time (the store's commit marker), so that an unchanged store costs a request a few
        microseconds instead of a pooled connection and a query in a worker thread."""
        marker = self.store.commit_marker()
        if marker is not None and marker == self._marker and self._marker_version is not None:
            return self._marker_version
        # The marker is read before the version: a commit in between changes the marker again,
        # and the next request computes the version anew.
        version = await anyio.to_thread.run_sync(self._version)
        self._marker, self._marker_version = marker, version
        return version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        visitor = _anonymous_visitor(scope)
        if visitor is None:
            await self.app(scope, receive, send)
            return
        version = await self._current_version()
        if version is None:
            await self.app(scope, receive, send)
            return
        token, new_cookie, cookies = visitor
        key: Key = scope["path"]
        given = [(b"set-cookie", new_cookie)] if new_cookie else []
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            self.entries.move_to_end(key)
            self.hits += 1
            body = token.join(entry.parts) if len(entry.parts) > 1 else entry.parts[0]
            length = (b"content-length", str(len(body)).encode())
            await send({"type": "http.response.start", "status": entry.status,
                        "headers": [*entry.headers, *given, length]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        # The page is rendered with this visitor's token: handed on as their cookie, so auth's
        # middleware takes it (and sets no cookie itself); the cookie is given here.
        cookies[CSRF_COOKIE] = token.decode()
        inner = dict(scope)
        inner["headers"] = [
            *((n, v) for n, v in scope["headers"] if n != b"cookie"),
            (b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode("latin-1")),
        ]
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}
                message = {**start, "headers": [*start["headers"], *given]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, version, start, b"".join(chunks), token)
            await send(message)

        await self.app(inner, receive, capture)

    def _keep(
        self, key: Key, version: tuple[Any, ...], start: Message, body: bytes, token: bytes
    ) -> None:
        headers: list[tuple[bytes, bytes]] = list(start.get("headers", []))
        names = {name.lower() for name, _ in headers}
        headers = [(n, v) for n, v in headers if n.lower() != b"content-length"]
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        if start.get("status") != 200 or b"set-cookie" in names:
            return
        if not content_type.startswith(b"text/html") or len(body) > self.max_bytes // 8:
            return
        parts = tuple(body.split(token)) if token and token in body else (body,)
        # Kept only when every place the token stands is a form's csrf field, so that joining
        # another visitor's token in changes nothing else.
        if any(not part.endswith(CSRF_FIELD) for part in parts[:-1]):
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        entry = Entry(version, 200, headers, parts)
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= dropped.size


def _anonymous_visitor(scope: Scope) -> tuple[bytes, bytes | None, dict[str, str]] | None:
    """For a GET of a public page by someone not logged in: their CSRF token, the Set-Cookie
    value when it is new, and their cookies. None for anything else: another path or method, a
    bearer token, or a login cookie (valid or not, auth's middleware decides)."""
    if scope["type"] != "http" or scope["method"] != "GET" or not PAGES.match(scope["path"]):
        return None
    if scope.get("query_string"):
        # A search or a filter is rendered each time: kept, any query string would be an entry
        # of its own, and a stream of made-up ones would push the pages out.
        return None
    cookie = b""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return None
        if name == b"cookie":
            cookie = value
    cookies = cookie_parser(cookie.decode("latin-1")) if cookie else {}
    if cookies.get(SESSION_COOKIE):
        return None
    token = cookies.get(CSRF_COOKIE, "")
    if usable_csrf(token):
        return token.encode(), None, cookies
    token = new_csrf()
    given = csrf_cookie(token, secure=scope.get("scheme") == "https")
    return token.encode(), given.encode("latin-1"), cookies
