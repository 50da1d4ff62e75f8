"""The layers' errors in the page's language, as the web words them.

Every GlokalError carries a message id and its values (glokal/errors.py); a page says it
through the catalogue with ``said``. A few of the register's messages name what the CLI and the
import files call things (``funding_source``, "ISO 3166-1 alpha-2"); a form words them for the
people filling it in (``WEB_WORDING``, by message id). Hints meant for the CLI ("`glokal
places` lists them") are left out on the web. Errors of FastAPI and Starlette themselves (an
unknown address, a field too long) are said by their status and kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from glokal.errors import GlokalError
from glokal.i18n import N_, Gettext
from glokal.register import BUDGET_WITHOUT_SOURCE, FUNDING_TWICE, NOT_A_COUNTRY

# The register's message id → the one a web form shows instead.
WEB_WORDING: Mapping[str, str] = {
    FUNDING_TWICE: N_(
        "give either the funding per year or a funding source with a budget, not both"
    ),
    BUDGET_WITHOUT_SOURCE: N_("a budget needs its funding source"),
    NOT_A_COUNTRY: N_(
        "{text!r} is not a country: give a two-letter code such as KE, or the country's "
        "name in Swedish or English"
    ),
}
# Starlette's errors, by status, when they carry only the status's own phrase.
HTTP_MESSAGES: Mapping[int, str] = {
    404: N_("There is no page at this address."),
    405: N_("This address does not take that kind of request."),
}


def web_gettext(gettext: Gettext) -> Gettext:
    """``gettext`` that says each message id as the web words it."""

    def web(message: str) -> str:
        return gettext(WEB_WORDING.get(message, message))

    return web


def said(exc: GlokalError, gettext: Gettext) -> str:
    """What went wrong (without ``where``), in the language of ``gettext``, for a page."""
    return exc.message_in(web_gettext(gettext), hint=False)


def http_message(status: int, detail: str, gettext: Gettext) -> str:
    """Starlette's ``detail``; in the page's language when it is just the status's phrase."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return detail
    if detail == phrase and status in HTTP_MESSAGES:
        return gettext(HTTP_MESSAGES[status])
    return detail


def validation_message(error: Mapping[str, Any], gettext: Gettext) -> str:
    """One of FastAPI's request validation errors, in the page's language when it is known."""
    context = error.get("ctx") or {}
    if error.get("type") == "string_too_long" and "max_length" in context:
        return gettext(N_("at most {count} characters")).format(count=context["max_length"])
    return str(error.get("msg"))


__all__ = [
    "HTTP_MESSAGES",
    "WEB_WORDING",
    "http_message",
    "said",
    "validation_message",
    "web_gettext",
]
