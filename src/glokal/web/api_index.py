"""The front door of the JSON API, /api/v1: every operation it serves, read off the app's own
OpenAPI document (so a new endpoint is listed without anyone keeping a list), and where that
document is.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from glokal import __version__
from glokal.web import api_models as m
from glokal.web.api_paging import ERRORS

PREFIX = "/api/v1"
METHODS = ("get", "put", "post", "patch", "delete")

router = APIRouter(prefix=PREFIX)


def resources(spec: dict[str, Any]) -> list[m.ResourceOut]:
    """Each documented operation under /api/v1/, in the order the app declares them."""
    return [
        m.ResourceOut(
            path=path, method=method.upper(), summary=operation.get("summary", ""),
            tags=list(operation.get("tags", [])),
        )
        for path, item in spec.get("paths", {}).items()
        if path.startswith(PREFIX + "/")
        for method, operation in item.items()
        if method in METHODS
    ]  # fmt: skip


@router.get(
    "",
    response_model=m.ApiIndexOut,
    tags=["index"],
    summary="What the API serves",
    responses=ERRORS,
)
def index(request: Request) -> m.ApiIndexOut:
    """Every path of the API with its method and summary (goals, targets, units, KPIs,
    values, assessments, activities, programmes, the writes), and the OpenAPI document that
    describes their parameters and answers."""
    app = request.app
    return m.ApiIndexOut(
        name="Glokal JSON API", version=__version__, openapi=app.openapi_url,
        docs=app.docs_url, resources=resources(app.openapi()),
    )  # fmt: skip


@router.get("/", response_model=m.ApiIndexOut, include_in_schema=False)
def index_with_slash(request: Request) -> m.ApiIndexOut:
    """/api/v1/ answers as /api/v1 does."""
    return index(request)
