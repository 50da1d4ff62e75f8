"""Citizens' comments on goal pages and their moderation.

A visitor posts ``name``, ``body`` and the CSRF token (a double-submit cookie) to
``/{unit}/mal/{n}/kommentar``; a filled honeypot field ``website`` (hidden from people and
assistive technology) means a robot: the comment is dropped without a word. Each sender address
may send RATE_LIMIT comments per RATE_WINDOW, counted in the database by a hash of the address
(so the limit holds across app workers, and no address is stored). A comment shows on the page
once a reviewer (or an admin) approves it at ``/moderera``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from glokal.errors import InputError, NotFound, PermissionDenied
from glokal.framework import parse_goal_number
from glokal.i18n import N_, translator
from glokal.places import parse_place_id
from glokal.store.audit import record_change
from glokal.store.comments import (
    Comment,
    add_comment,
    comments_since,
    comments_to_moderate,
    get_comment,
    moderate_comment,
)
from glokal.web.auth import CurrentUser, WriteSession, check_csrf, forbid, now
from glokal.web.public import LangDep, SessionDep
from glokal.web.render import render, url_for_lang

RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=10)

router = APIRouter(include_in_schema=False)


def address_hash(host: str | None) -> str:
    """The hash a sender is counted by: of the IPv4 address, or of the IPv6 /64 network (one
    household's or machine's addresses)."""
    text = host or "unknown"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        if address.version == 6:
            text = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return hashlib.sha256(f"glokal-comment\0{text}".encode()).hexdigest()


def _place_goal(unit: str, number: str) -> tuple[str, int]:
    try:
        return parse_place_id(unit, where="unit"), parse_goal_number(number, where="goal")
    except InputError as exc:
        raise NotFound(exc.msg, where=exc.where) from None


@router.post("/{unit}/mal/{number}/kommentar")
def post_comment(
    request: Request, unit: str, number: str, session: WriteSession, lang: LangDep,
    name: Annotated[str, Form(max_length=1000)] = "",
    body: Annotated[str, Form(max_length=20_000)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    unit_id, goal = _place_goal(unit, number)
    thanks = RedirectResponse(url_for_lang(f"/{unit_id}/mal/{goal}/tack", lang), status_code=303)
    if website.strip():  # the honeypot: only robots fill it in
        return thanks
    gettext = translator(lang)
    sender = address_hash(request.client.host if request.client else None)
    if comments_since(session, sender, now() - RATE_WINDOW) >= RATE_LIMIT:
        raise HTTPException(
            429,
            gettext("You have sent many comments in a short time. Wait ten minutes and try again."),
        )
    try:
        add_comment(session, unit_id, goal, author=name, body=body, address_hash=sender,
                    now=now())  # fmt: skip
    except NotFound:
        raise  # no such unit: a 404, not a problem with the comment
    except InputError as exc:  # said in the page's language by the app's error handler
        messages = {
            "body": N_("Write your comment before you send it (at most 4,000 characters)."),
            "name": N_("The name may have at most 100 characters."),
        }
        wording = messages.get(exc.where or "")
        raise InputError(wording or exc.msg, where=exc.where) from None
    return thanks


@dataclass(frozen=True)
class ThanksPage:
    lang: str
    unit: str
    goal: int


@router.get("/{unit}/mal/{number}/tack", response_class=HTMLResponse)
def thanks(request: Request, unit: str, number: str, lang: LangDep) -> Response:
    unit_id, goal = _place_goal(unit, number)
    return render(request, "editor/thanks.html", ThanksPage(lang, unit_id, goal))


# -- moderation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModerationPage:
    lang: str
    pending: list[Comment]
    done: str


@router.get("/moderera", response_class=HTMLResponse)
def moderation(
    request: Request, user: CurrentUser, session: SessionDep, lang: LangDep, klart: str = ""
) -> Response:
    if not user.can_moderate:
        raise forbid(request, N_("Only reviewers and admins moderate comments."))
    units = list(user.units) if user.units and not user.is_admin else None
    page = ModerationPage(lang, comments_to_moderate(session, units), klart[:20])
    return render(request, "editor/moderate.html", page)


@router.post("/moderera/{comment}")
def moderate(
    request: Request, comment: str, user: CurrentUser, session: WriteSession, lang: LangDep,
    action: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    if not user.can_moderate:
        raise forbid(request, N_("Only reviewers and admins moderate comments."))
    if not comment.isdigit() or len(comment) > 12:
        raise NotFound(N_("there is no comment {comment!r}"), comment=comment, where="comment")
    before = get_comment(session, int(comment))
    if not user.can_moderate_unit(before.unit):
        raise PermissionDenied(
            translator(lang)("You do not moderate this unit's comments."), where="unit"
        )
    status = {"approve": "approved", "reject": "rejected"}.get(action)
    if status is None:
        raise InputError(N_("{action!r} is not approve or reject"), action=action, where="action")
    at = now()
    after = moderate_comment(session, before.id, status, by=user.email, now=at)
    record_change(
        session, actor=user.email, action=action, entity="comment", entity_id=before.id,
        unit=before.unit, before=before, after=after, at=at,
    )  # fmt: skip
    return RedirectResponse(url_for_lang("/moderera", lang) + f"?klart={action}", status_code=303)


__all__ = ["RATE_LIMIT", "RATE_WINDOW", "address_hash", "router"]
