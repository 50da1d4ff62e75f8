"""The web application factory: one Store, one template environment, the route table.

Every public page has a JSON twin (`/1781/mal/17` and `/1781/mal/17.json` show the same
context); English pages live under `/en` with the same structure. Errors are rendered in one
place: an error page for a page, JSON for a `.json` twin or the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glokal import __version__
from glokal.errors import (
    GlokalError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StoreError,
)
from glokal.i18n import Gettext, english, translator
from glokal.settings import Settings
from glokal.store import Store
from glokal.web.messages import http_message, said, validation_message
from glokal.web.pagecache import PageCache
from glokal.web.render import make_environment, request_language


class LanguagePrefix:
    """Serves /en/… as the page … in English: strips the prefix and notes the language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path == "/en" or path.startswith("/en/"):
                scope = dict(scope)
                scope["path"] = path[3:] or "/"
                scope["raw_path"] = scope["path"].encode()
                scope["glokal_lang"] = "en"
            scope["glokal_path"] = scope["path"]
        await self.app(scope, receive, send)


# The pages use no JavaScript and load nothing from elsewhere, so the policy can be strict;
# inline style attributes (goal colours) are the one allowance. The API's interactive docs
# (/api/docs) load Swagger UI's scripts and are left out.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every answer (a Content-Security-Policy to pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith("/api/docs")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                if not docs and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    path = str(request.scope.get("glokal_path", request.url.path))
    return path.endswith(".json") or path.startswith("/api/")


def _error(
    request: Request, status: int, message: Callable[[Gettext], str], where: str | None = None
) -> Response:
    """The error page (or JSON) for ``status``; ``message`` says what is wrong in a language."""
    if _wants_json(request):
        return JSONResponse({"error": message(english), "where": where}, status_code=status)
    lang = request_language(request)
    gettext = translator(lang)
    html = request.app.state.templates.get_template("error.html").render(
        lang=lang, _=gettext, status=status, message=message(gettext),
        link=lambda p: f"/en{p}" if lang == "en" else p, path="/", user=None,
        other_language="/", json_link="/index.json", version=__version__,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


class GlokalApp(FastAPI):
    """FastAPI with the cache of rendered pages in front of all of its layers: a kept page is
    answered before FastAPI's own middleware (errors, body limits, telemetry) and ours (half of
    a cached request's time in a worker went there); anything else goes on to FastAPI."""

    page_cache: PageCache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            # HEAD is GET without the body (link checkers and `curl -I` ask it of every page);
            # FastAPI's routes answer GET only.
            scope = {**scope, "method": "GET"}
            send = _headers_only(send)
        await self.page_cache(scope, receive, send)

    async def _without_cache(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def _headers_only(send: Send) -> Send:
    async def send_headers(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return send_headers


def create_app(settings: Settings, store: Store | None = None) -> GlokalApp:
    """Build the app around one Store (created from ``settings`` unless given)."""
    from importlib.resources import files

    from glokal.web import api, api_index, api_write, auth, comments, downloads, editor, public

    app = GlokalApp(
        title="Glokal", version=__version__, docs_url="/api/docs", redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )  # fmt: skip
    app.state.settings = settings
    app.state.store = store or Store(settings.database())
    app.state.templates = make_environment()

    @app.exception_handler(GlokalError)
    async def glokal_error(request: Request, exc: GlokalError) -> Response:
        status = (
            404 if isinstance(exc, NotFound)
            else 401 if isinstance(exc, NotAuthenticated)
            else 403 if isinstance(exc, PermissionDenied)
            else 503 if isinstance(exc, StoreError)
            else 400
        )  # fmt: skip
        if _wants_json(request):  # the API's English, as before (its CLI hints kept)
            return _error(request, status, lambda _: exc.message, exc.where)
        return _error(request, status, partial(said, exc), exc.where)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        if _wants_json(request):
            return _error(request, exc.status_code, lambda _: detail)
        return _error(request, exc.status_code, partial(http_message, exc.status_code, detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"msg": "invalid request", "loc": ()}
        where = ".".join(str(part) for part in first.get("loc", ()))
        if _wants_json(request):
            return _error(request, 422, lambda _: str(first.get("msg")), where or None)
        return _error(request, 422, partial(validation_message, first), where or None)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    static = files("glokal.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api_index.router)
    app.include_router(api.router)
    app.include_router(downloads.router)  # before public's /{unit}: /aktiviteter.csv
    app.include_router(auth.router)
    app.include_router(editor.router)
    app.include_router(comments.router)
    app.include_router(api_write.router)
    app.include_router(public.router)
    auth.install(app)  # logins and CSRF tokens, inside LanguagePrefix
    app.add_middleware(LanguagePrefix)
    app.add_middleware(SecurityHeaders)
    # Rendered public pages from memory while the data is unchanged, in front of everything.
    app.page_cache = PageCache(app._without_cache, store=app.state.store)
    return app


def app_from_environment() -> GlokalApp:
    """The app of each worker of `glokal serve --workers N` (uvicorn's factory), from the same
    GLOKAL_* settings as the command."""
    from glokal.settings import load_settings

    return create_app(load_settings())
