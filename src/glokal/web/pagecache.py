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
in. Installed inside auth's middleware (which notes the user and the token on the request);
outside it, or without it, any request with a cookie is left alone. Bounded by bytes, least
recently used first out.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glokal.store import Store
from glokal.store.opendata import data_version

DEFAULT_MAX_BYTES = 192 * 1024 * 1024
# The public pages, in Swedish and under /en: start page, unit, goal page, comparison, one goal
# across units, the activity search.
PAGES = re.compile(r"^(/en)?(/|/mal/\d{1,2}|/aktiviteter|/\d{4}(/mal/\d{1,2}|/jamfor)?)$")

Key = tuple[str, str, bytes]


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
        self._marker: int | None = None
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
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        version = await self._current_version()
        if version is None:
            await self.app(scope, receive, send)
            return
        # Inside LanguagePrefix, /en/… arrives as /… with glokal_lang set: part of the key.
        key: Key = (
            str(scope.get("glokal_lang", "")),
            scope["path"],
            scope.get("query_string", b""),
        )
        token = str(scope.get("state", {}).get("csrf") or "").encode()
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            self.entries.move_to_end(key)
            self.hits += 1
            body = token.join(entry.parts) if len(entry.parts) > 1 else entry.parts[0]
            length = (b"content-length", str(len(body)).encode())
            await send({"type": "http.response.start", "status": entry.status,
                        "headers": [*entry.headers, length]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                # A copy: middleware outside (auth's CSRF cookie) may add to the message.
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, version, start, b"".join(chunks), token)
            await send(message)

        await self.app(scope, receive, capture)

    @staticmethod
    def _cacheable(scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if not PAGES.match(scope["path"]):
            return False
        headers = {name for name, _ in scope["headers"]}
        if b"authorization" in headers:
            return False
        state = scope.get("state", {})
        if "user" in state:  # inside auth's middleware: anonymous visitors only
            return state["user"] is None
        return b"cookie" not in headers

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
        personal = len(token) >= 16 and token in body
        parts = tuple(body.split(token)) if personal else (body,)
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        entry = Entry(version, 200, headers, parts)
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= dropped.size
