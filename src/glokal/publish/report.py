"""The annual sustainability report (hållbarhetsrapport) or Voluntary Local Review of one
unit, as HTML and as a print-ready PDF (WeasyPrint): a cover, a table of contents, the status
of all 17 goals (table and chart), a chapter per goal (narrative, status sentence, key figures,
charts, local goals, activities), partnerships and programmes, and method, sources and data
cut-off date.

The chapters use the same page contexts as the public goal pages (publish/pages.py), so the
report and the site say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from glokal import __version__
from glokal.framework import STATUS_STYLES, GoalStatus
from glokal.i18n import translator
from glokal.publish.charts import StatusSquare, status_strip_svg
from glokal.publish.format import ink, number
from glokal.publish.pages import STATUS_SYMBOLS, GoalPage, goal_page, unit_page
from glokal.store.activities import Activity, ActivityQuery, find_activities
from glokal.store.kolada import last_finished_run
from glokal.store.programmes import Membership, Programme, list_programmes, programme_record

KINDS_OF_PARTNERSHIP = ("partnership", "twin_town", "eu_project", "iop")


@dataclass(frozen=True)
class ProgrammeMembership:
    programme: Programme
    membership: Membership


@dataclass(frozen=True)
class Report:
    lang: str
    year: int
    unit_name: str
    unit_id: str
    chapters: list[GoalPage]
    summary_chart: str  # SVG
    partnerships: list[Activity]
    programmes: list[ProgrammeMembership]
    data_cutoff: date | None  # the last Kolada sync
    decision_cutoff: date | None  # the latest cut-off of a decided status
    made_on: date


def _summary_chart(chapters: list[GoalPage], lang: str) -> str:
    """The 17 goals as squares in their status colour, with the status symbol on each."""
    gettext = translator(lang)
    squares = [StatusSquare(c.goal.number, c.status.colour, c.status.symbol) for c in chapters]
    legend = [(gettext(STATUS_STYLES[s].label), STATUS_STYLES[s].colour) for s in GoalStatus]
    return status_strip_svg(squares, legend)


def build_report(session: Session, unit: str, lang: str, year: int | None, today: date) -> Report:
    overview = unit_page(session, unit, lang)
    chapters = [goal_page(session, unit, tile.goal.number, lang) for tile in overview.tiles]
    partnerships = [
        a for a in find_activities(session, ActivityQuery(unit=[unit], published_only=True))
        if a.kind in KINDS_OF_PARTNERSHIP
    ]  # fmt: skip
    memberships = []
    for programme in list_programmes(session):
        record = programme_record(session, programme.id)
        for member in record.members:
            if member.unit == unit:
                memberships.append(ProgrammeMembership(programme, member))
    run = last_finished_run(session)
    cutoffs = [
        date.fromisoformat(c.state.cutoff)
        for c in chapters
        if c.state is not None and c.state.decided and c.state.cutoff
    ]
    return Report(
        lang=lang, year=year or today.year, unit_name=overview.unit.name, unit_id=unit,
        chapters=chapters, summary_chart=_summary_chart(chapters, lang),
        partnerships=partnerships, programmes=memberships,
        data_cutoff=run.finished_at.date() if run is not None and run.finished_at else None,
        decision_cutoff=max(cutoffs) if cutoffs else None, made_on=today,
    )  # fmt: skip


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("glokal.publish", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["ink"] = ink
    return environment


def report_html(report: Report) -> str:
    lang = report.lang
    num: Callable[..., str] = lambda v, d=1: number(v, lang, d)  # noqa: E731
    return _environment().get_template("report.html").render(
        report=report, lang=lang, _=translator(lang), num=num, safe=Markup,
        version=__version__, symbols=STATUS_SYMBOLS,
    )  # fmt: skip


def report_pdf(report: Report) -> bytes:
    """The report as PDF: A4, page numbers, a table of contents with page numbers, charts as
    vector graphics (the SVGs are drawn by WeasyPrint, not turned into pictures)."""
    from weasyprint import HTML  # imported when a PDF is asked for: it loads Pango

    pdf: bytes = HTML(string=report_html(report), base_url=".").write_pdf()
    return pdf
