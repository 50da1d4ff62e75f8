"""Rendering: one Jinja environment, the page's language and links, numbers in Swedish or
English, and the JSON twin of every page context."""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from glokal import __version__
from glokal.i18n import LANGUAGES, translations, translator
from glokal.publish.format import ink, number
from glokal.publish.pages import status_label

# Fields of page contexts left out of the JSON twins: presentation, not data.
NOT_IN_JSON = frozenset({"svg"})


def request_language(request: Request) -> str:
    """English under /en/ (the middleware notes it) or with ?lang=en; Swedish otherwise."""
    lang = request.scope.get("glokal_lang") or request.query_params.get("lang")
    if lang in LANGUAGES:
        return str(lang)
    default: str = request.app.state.settings.language
    return default


def url_for_lang(path: str, lang: str) -> str:
    """The path of a page in ``lang``: English pages live under /en."""
    return f"/en{path}" if lang == "en" else path


def make_environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("glokal.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["version"] = __version__
    environment.filters["number"] = number
    environment.filters["ink"] = ink
    return environment


def render_page(
    environment: Environment,
    template: str,
    page: Any,
    *,
    lang: str,
    path: str,
    link: Callable[[str], str] | None = None,
    **extra: Any,
) -> str:
    """A page as HTML, outside any request (the static site uses this too). ``path`` is the
    page's own path in Swedish ("/1781/mal/13"); ``link`` turns a site path into an href."""

    def default_link(target: str) -> str:
        return url_for_lang(target, lang)

    href = link or default_link
    other = url_for_lang(path, "sv" if lang == "en" else "en")
    context = {
        "user": None,
        "csrf": "",
        "other_language": other,
        "json_link": href(json_path(path)),
    }
    context |= extra
    return environment.get_template(template).render(
        page=page, lang=lang, _=translator(lang), ngettext=translations(lang).ngettext,
        link=href, path=path, num=lambda v, d=1: number(v, lang, d),
        status_label=lambda v: status_label(v, lang), safe=Markup, **context,
    )  # fmt: skip


def render(request: Request, template: str, page: Any, **extra: Any) -> HTMLResponse:
    """The page as HTML in its language, with the helpers every template uses."""
    environment: Environment = request.app.state.templates
    lang: str = getattr(page, "lang", None) or request_language(request)
    path = str(request.scope.get("glokal_path", request.url.path))
    html = render_page(
        environment, template, page, lang=lang, path=path,
        user=getattr(request.state, "user", None), csrf=getattr(request.state, "csrf", ""),
        **extra,
    )  # fmt: skip
    return HTMLResponse(html)


def json_path(path: str) -> str:
    return "/index.json" if path in ("", "/") else f"{path.rstrip('/')}.json"


def jsonable(value: Any) -> Any:
    """A page context as plain JSON data: dataclasses as objects, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in NOT_IN_JSON
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_twin(page: Any) -> JSONResponse:
    return JSONResponse(jsonable(page))
