"""The public pages as a static site: the same templates and page contexts as the web app,
written as files with relative links and the assets they need, viewable from any web server
(or straight from disk) with no server-side code.

Each page goes to `<path>/index.html` (the start page to `index.html`), its JSON twin to
`<path>.json`, English pages under `en/`. The directory is written whole or not at all: pages
go to a temporary sibling directory that replaces DIR at the end.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from glokal.errors import InputError
from glokal.i18n import N_
from glokal.publish.pages import (
    IndexPage,
    activities_page,
    compare_page,
    goal_across_page,
    goal_page,
    index_page,
    unit_page,
)
from glokal.store import Store, list_places
from glokal.store.activities import ActivityQuery
from glokal.web.render import jsonable, make_environment, render_page, url_for_lang

GOALS = range(1, 18)


@dataclass(frozen=True, slots=True)
class SiteReport:
    directory: Path
    pages: int
    files: int
    units: int


def page_file(path: str) -> str:
    """The file of a site path: "/" → "index.html", "/1781/mal/13" → "1781/mal/13/index.html",
    "/1781/mal/13.json" → "1781/mal/13.json", "/static/glokal.css" as it is."""
    clean = path.strip("/")
    if not clean:
        return "index.html"
    last = clean.rsplit("/", 1)[-1]
    return clean if "." in last else f"{clean}/index.html"


def relative_href(target: str, from_file: str) -> str:
    """An href from the page in ``from_file`` to the site path ``target`` (query kept)."""
    path, sep, query = target.partition("?")
    if "://" in path or path.startswith("#"):
        return target
    fragment = ""
    if "#" in path:
        path, fragment = path.split("#", 1)
        fragment = "#" + fragment
    relative = os.path.relpath(page_file(path), os.path.dirname(from_file) or ".")
    return relative.replace(os.sep, "/") + fragment + (sep + query if query else "")


@contextmanager
def _replacing(directory: Path) -> Iterator[Path]:
    """A fresh directory beside ``directory`` that takes its place when the block succeeds."""
    directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise InputError(N_("exists and is not a directory"), where=str(directory))
    if directory.exists() and any(directory.iterdir()) and not (directory / "index.html").exists():
        raise InputError(
            N_("is not empty and not an earlier export (no index.html); choose another directory"),
            where=str(directory),
        )
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    except OSError as exc:
        raise InputError(
            N_("cannot write here: {error}"), error=str(exc.strerror or exc), where=str(directory)
        ) from None
    try:
        yield work
        if directory.exists():
            old = directory.with_name(f".{directory.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            directory.rename(old)
            work.rename(directory)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


class _Writer:
    """Renders pages into the work directory with links relative to each page."""

    def __init__(self, root: Path, languages: Sequence[str]) -> None:
        self.root = root
        self.languages = tuple(languages)
        self.environment = make_environment()
        self.pages = 0
        self.files = 0

    def page(self, template: str, page: Any, path: str, lang: str) -> None:
        site_path = url_for_lang(path, lang)
        own_file = page_file(site_path)

        def link(target: str) -> str:
            return relative_href(url_for_lang(target, lang), own_file)

        def asset(target: str) -> str:
            return relative_href(target, own_file)

        other = "sv" if lang == "en" else "en"
        other_page = relative_href(url_for_lang(path, other), own_file)
        html = render_page(
            self.environment, template, page, lang=lang, path=path, link=link, asset=asset,
            static=True, other_language=other_page if other in self.languages else "",
        )  # fmt: skip
        self._write(own_file, html)
        twin = "/index.json" if path == "/" else f"{path}.json"
        self._write(
            page_file(url_for_lang(twin, lang)), json.dumps(jsonable(page), ensure_ascii=False)
        )
        self.pages += 1

    def _write(self, name: str, text: str) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.files += 1

    def unit(
        self, session: Session, unit: str, languages: Sequence[str], keep: frozenset[str]
    ) -> None:
        """A unit's pages: its goal tiles, its 17 goal pages and its comparison."""
        for lang in languages:
            self.page("unit.html", unit_page(session, unit, lang), f"/{unit}", lang)
            compare = compare_page(session, unit, lang)
            columns = [c for c in compare.columns if c.unit.id in keep]
            self.page("compare.html", replace(compare, columns=columns), f"/{unit}/jamfor", lang)
            for number in GOALS:
                self.page("goal.html", goal_page(session, unit, number, lang),
                          f"/{unit}/mal/{number}", lang)  # fmt: skip

    def assets(self) -> None:
        with as_file(files("glokal.web").joinpath("static")) as static:
            shutil.copytree(static, self.root / "static")
        self.files += sum(1 for _ in (self.root / "static").rglob("*") if _.is_file())


def export_site(
    store: Store,
    directory: Path,
    *,
    units: Sequence[str] = (),
    languages: Sequence[str] = ("sv", "en"),
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> SiteReport:
    """Write the public pages of ``units`` (all units when empty) in ``languages``; with
    ``jobs`` > 1 the units' pages are rendered by that many processes (the charts' rendering
    is most of the work)."""
    with store.errors(), store.session() as session, session.begin():
        chosen = _units(session, units)
    keep = frozenset(chosen)
    with _replacing(directory) as root:
        writer = _Writer(root, languages)
        writer.assets()
        with store.errors(), store.session() as session, session.begin():
            for lang in languages:
                writer.page("index.html", _only_index(index_page(session, lang), keep), "/", lang)
                query = ActivityQuery(unit=chosen if units else [], published_only=True)
                writer.page("activities.html", activities_page(session, lang, query, {}),
                            "/aktiviteter", lang)  # fmt: skip
                for number in GOALS:
                    across = goal_across_page(session, number, lang)
                    rows = [r for r in across.rows if r.unit.id in keep]
                    writer.page(
                        "goal_across.html", replace(across, rows=rows), f"/mal/{number}", lang
                    )
        pages, files_written = writer.pages, writer.files
        if jobs <= 1:
            for unit in chosen:
                with store.errors(), store.session() as session, session.begin():
                    writer.unit(session, unit, languages, keep)
                if progress is not None:
                    progress(1)
            pages, files_written = writer.pages, writer.files
        else:
            url = store.url.render_as_string(hide_password=False)
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=_start_worker,
                initargs=(url, str(root), tuple(languages), keep),
            ) as pool:  # fmt: skip
                for unit_pages, unit_files in pool.map(_worker_unit, chosen):
                    pages += unit_pages
                    files_written += unit_files
                    if progress is not None:
                        progress(1)
    return SiteReport(directory.resolve(), pages, files_written, len(chosen))


# Each worker process keeps its own Store and writer (spawned: nothing inherited but arguments).
_worker: dict[str, Any] = {}


def _start_worker(url: str, root: str, languages: tuple[str, ...], keep: frozenset[str]) -> None:
    from sqlalchemy import make_url

    _worker.update(
        store=Store(make_url(url)), writer=_Writer(Path(root), languages), languages=languages,
        keep=keep,
    )  # fmt: skip


def _worker_unit(unit: str) -> tuple[int, int]:
    store: Store = _worker["store"]
    writer: _Writer = _worker["writer"]
    before = (writer.pages, writer.files)
    with store.errors(), store.session() as session, session.begin():
        writer.unit(session, unit, _worker["languages"], _worker["keep"])
    return writer.pages - before[0], writer.files - before[1]


def _only_index(page: IndexPage, keep: frozenset[str]) -> IndexPage:
    """The start page linking only to the units exported."""
    return replace(
        page,
        regions=[p for p in page.regions if p.id in keep],
        kommuner=[p for p in page.kommuner if p.id in keep],
        riket=page.riket if page.riket is not None and page.riket.id in keep else None,
        changes=[c for c in page.changes if c.unit in keep],
    )


def _units(session: Session, units: Sequence[str]) -> list[str]:
    known = [p.id for p in list_places(session)]
    if not units:
        return known
    missing = [u for u in units if u not in known]
    if missing:
        raise InputError(N_("there is no unit {units}"), units=missing, where="--unit")
    return list(dict.fromkeys(units))
