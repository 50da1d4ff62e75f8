"""Rendering: one Jinja environment, the page's language and links, numbers in Swedish or
English, and the JSON twin of every page context."""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from glokal import __version__
from glokal.i18n import LANGUAGES, translator

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
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


def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float) and not value.is_integer():
        pattern = "#,##0." + "#" * digits
    else:
        pattern = "#,##0"
    return str(format_decimal(value, format=pattern, locale=LOCALES.get(lang, "sv_SE")))


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG contrast)."""
    light = _luminance(background)
    return "#000000" if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else "#ffffff"


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


def render(request: Request, template: str, page: Any, **extra: Any) -> HTMLResponse:
    """The page as HTML in its language, with the helpers every template uses."""
    environment: Environment = request.app.state.templates
    lang: str = getattr(page, "lang", None) or request_language(request)
    path = request.scope.get("glokal_path", request.url.path)

    def link(target: str) -> str:
        return url_for_lang(target, lang)

    html = environment.get_template(template).render(
        page=page, lang=lang, _=translator(lang), link=link, path=path,
        other_language=url_for_lang(path, "sv" if lang == "en" else "en"),
        json_link=link(_json_path(path)), num=lambda v, d=1: number(v, lang, d),
        safe=Markup, user=getattr(request.state, "user", None),
        csrf=getattr(request.state, "csrf", ""), **extra,
    )  # fmt: skip
    return HTMLResponse(html)


def _json_path(path: str) -> str:
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


Renderer = Callable[..., HTMLResponse]
