"""The web application factory and its (so far small) route table.

Every page has a JSON twin: ``/`` and ``/index.json`` show the same context.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from glokal import __version__
from glokal.errors import GlokalError, NotFound, StoreError
from glokal.framework import Goal
from glokal.i18n import LANGUAGES, translator
from glokal.places import Kommungrupp, Place
from glokal.settings import Settings
from glokal.store import Store, list_goals, list_kommungrupper, list_places


@dataclass(frozen=True)
class IndexPage:
    """Context of the start page: the 17 goals and every unit, grouped by type."""

    lang: str
    goals: list[Goal]
    regions: list[Place]
    kommuner: list[Place]
    riket: Place | None
    kommungrupper: dict[str, Kommungrupp]


def _session(request: Request) -> Iterator[Session]:
    store: Store = request.app.state.store
    with store.errors(), store.session() as session, session.begin():
        yield session


def _language(request: Request, lang: str | None = None) -> str:
    settings: Settings = request.app.state.settings
    return lang if lang in LANGUAGES else settings.language


SessionDep = Annotated[Session, Depends(_session)]
LangDep = Annotated[str, Depends(_language)]


def index_page(session: Session, lang: str) -> IndexPage:
    places = list_places(session)
    return IndexPage(
        lang=lang,
        goals=list_goals(session),
        regions=[p for p in places if p.type == "L" and not p.is_riket],
        kommuner=[p for p in places if p.is_kommun],
        riket=next((p for p in places if p.is_riket), None),
        kommungrupper={k.code: k for k in list_kommungrupper(session)},
    )


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app around one Store (created from ``settings`` unless given)."""
    app = FastAPI(title="Glokal", version=__version__, docs_url="/api/docs", redoc_url=None)
    app.state.settings = settings
    app.state.store = store or Store(settings.database())
    templates = Environment(
        loader=PackageLoader("glokal.web", "templates"),
        autoescape=select_autoescape(["html"]),
    )

    @app.exception_handler(GlokalError)
    async def glokal_error(_request: Request, exc: GlokalError) -> JSONResponse:
        status = 404 if isinstance(exc, NotFound) else 503 if isinstance(exc, StoreError) else 400
        return JSONResponse({"error": exc.message, "where": exc.where}, status_code=status)

    @app.get("/", response_class=HTMLResponse)
    def index(session: SessionDep, lang: LangDep) -> HTMLResponse:
        html = templates.get_template("index.html").render(
            page=index_page(session, lang), _=translator(lang), version=__version__
        )
        return HTMLResponse(html)

    @app.get("/index.json")
    def index_json(session: SessionDep, lang: LangDep) -> dict[str, Any]:
        return asdict(index_page(session, lang))

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
