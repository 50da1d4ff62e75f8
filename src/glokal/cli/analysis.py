"""Commands for goal statuses: assess (Glokal's suggestions) and assessment (people's decisions)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from glokal.analysis import AnalysisData, explain, parse_targets, suggest
from glokal.analysis.decisions import check_decision
from glokal.cli.base import (
    FormatOption,
    GoalOption,
    LangOption,
    OutputFormat,
    app,
    current_settings,
    language_of,
    parse_date,
    parse_year,
    reading,
    ready_store,
    stderr,
    stdout,
    user_name,
)
from glokal.errors import InputError, NotFound
from glokal.framework import STATUS_STYLES, GoalStatus, parse_goal_number, parse_status
from glokal.i18n import N_, translator
from glokal.places import parse_place_id
from glokal.publish.assessments import AssessmentsListing, status_label
from glokal.publish.format import signed
from glokal.store import (
    Store,
    list_goals,
    list_places,
)
from glokal.store.analysis import read_analysis_frames, replace_results
from glokal.store.assessments import (
    GoalAssessment,
    StoredSuggestion,
    assessment_history,
    current_assessment,
    current_assessments,
    record_assessment,
    stored_suggestion,
    suggestion_count,
    unit_name,
)
from glokal.store.audit import record_change
from glokal.store.kolada import count_values

# -- assess: suggested goal statuses (begin) -------------------------------------------------


class Method(StrEnum):
    default = "default"
    opensdg = "opensdg"


@app.command()
def assess(
    unit: Annotated[
        str | None, typer.Option(help="Only this unit, e.g. 0764 (default: every unit).")
    ] = None,
    goal: GoalOption = None,
    year: Annotated[
        str | None,
        typer.Option(help="Reference year: use values up to it (default: the newest)."),
    ] = None,
    method: Annotated[
        Method, typer.Option(case_sensitive=False, help="default (Glokal's) or opensdg.")
    ] = Method.default,
    targets: Annotated[
        Path | None,
        typer.Option(help="opensdg: a CSV file of target values (kpi,target,target_year)."),
    ] = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
    if_missing: Annotated[
        bool,
        typer.Option(
            "--if-missing",
            help="Only if no suggestions of this method are stored yet (and there are key "
            "figures); then print one line, not the table (`make run` uses it).",
        ),
    ] = False,
) -> None:
    """Suggest a status per goal from the stored key figures, store it and explain it."""
    settings = current_settings()
    if if_missing:
        with ready_store(settings) as store, store.session() as session, session.begin():
            if suggestion_count(session, method.value) or not count_values(session):
                return
            computed = _suggest_into_store(store, session, method.value, None, None)
        stored = 0 if computed is None else computed[0].height
        said = N_("glokal assess: {count} goal statuses suggested ({method})")
        stderr.print(
            translator(language_of(settings, lang))(said).format(count=stored, method=method.value)
        )
        return
    if targets is not None and method is not Method.opensdg:
        raise InputError(N_("target values are used by --method opensdg only"), where="--targets")
    target_values = (
        None if targets is None else parse_targets(_read_text(targets), source=str(targets))
    )
    language = language_of(settings, lang)
    unit_id = None if unit is None else parse_place_id(unit, where="--unit")
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    reference_year = None if year is None else parse_year(year)
    with (
        ready_store(settings) as store,
        store.session() as session,
        session.begin(),
        store.errors(),
    ):
        places = {p.id: p for p in list_places(session)}
        goals = {g.number: g for g in list_goals(session)}
        if unit_id is not None and unit_id not in places:
            raise NotFound(N_("no unit has the id {ids}"), ids=unit_id, where="--unit")
        computed = _suggest_into_store(
            store, session, method.value, unit_id, reference_year, target_values
        )
        if computed is None:
            raise InputError(
                "the store has no key figures yet; run `glokal sync kolada` first",
                where=store.display_url,
            )
        goal_results, parts = computed
    if number is not None:
        goal_results = goal_results.filter(goal=number)
    by_goal: dict[tuple[str, int], list[dict[str, object]]] = {}
    for part in parts.to_dicts():
        by_goal.setdefault((str(part["unit"]), int(part["goal"])), []).append(part)
    suggestions = []
    for row in goal_results.to_dicts():
        place, goal_record = places[row["unit"]], goals[row["goal"]]
        name = goal_record.short_sv if language == "sv" else goal_record.short_en
        suggestions.append(
            {
                "unit": row["unit"],
                "unit_name": place.name,
                "goal": row["goal"],
                "status": row["status"],
                "score": row["score"],
                "coverage": row["coverage"],
                "kpis_used": row["kpis_used"],
                "kpis_total": row["kpis_total"],
                "method": method.value,
                "reference_year": row["reference_year"],
                "explanation": explain(
                    row,
                    by_goal.get((row["unit"], row["goal"]), []),
                    method=method.value,
                    unit_name=place.name,
                    unit_type=place.type,
                    goal_name=name,
                    lang=language,
                ),
            }
        )
    _show_suggestions(suggestions, output, language, explain_all=unit_id is not None)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(N_("the file is not UTF-8 text"), where=str(path)) from None
    except OSError as exc:
        raise InputError(
            N_("cannot read the file: {error}"), error=str(exc.strerror or exc), where=str(path)
        ) from None


def _suggest_into_store(
    store: Store,
    session: Session,
    method: str,
    unit: str | None,
    reference_year: int | None,
    targets: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Compute suggestions (for every unit, or one) and store them; None without any values.

    Returns the goals' rows and, per goal, its KPIs' rows (what the explanation names).
    """
    frames = read_analysis_frames(session)
    if frames.values.is_empty():
        return None
    if reference_year is not None:
        periods = frames.values.get_column("period")
        first, last = int(periods.min()), int(periods.max())  # type: ignore[arg-type]
        if not first <= reference_year <= last:
            # Assessed "as of" a year without any values, every goal would come out "not
            # assessed" and replace the stored suggestions.
            raise InputError(
                N_("the stored key figures run from {first} to {last}; {year} is outside them"),
                first=first,
                last=last,
                year=reference_year,
                where="--year",
            )
    data = AnalysisData.of(
        values=frames.values,
        units=frames.units,
        kpis=frames.kpis,
        goal_kpis=frames.goal_kpis,
        similar=frames.similar,
        targets=targets,
    )
    units = None if unit is None else [unit]
    kpi_results, goal_results, parts = suggest(
        data, method=method, reference_year=reference_year, units=units
    )
    replace_results(
        session,
        method=method,
        units=units if units is not None else frames.units.get_column("unit").to_list(),
        kpi_results=kpi_results,
        goal_results=goal_results,
        contributions=parts,
        computed_at=datetime.now(UTC),
    )
    return goal_results, parts


def _show_suggestions(
    suggestions: list[dict[str, object]], output: OutputFormat, lang: str, *, explain_all: bool
) -> None:
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(suggestions, ensure_ascii=False, indent=2) + "\n")
        return
    _ = translator(lang)
    table = Table(title=_("Suggested statuses (Glokal's analysis of values from Kolada)"))
    for header in (_("Unit"), _("Goal"), _("Status"), _("Score"), _("Coverage")):
        table.add_column(header)
    for s in suggestions:
        score = s["score"]
        table.add_row(
            f"{s['unit']} {s['unit_name']}",
            str(s["goal"]),
            str(s["status"])
            if lang == "sv"
            else _(STATUS_STYLES[GoalStatus(str(s["status"]))].label),
            "–" if score is None else signed(float(score), lang),  # type: ignore[arg-type]
            f"{s['kpis_used']}/{s['kpis_total']}",
        )
    stdout.print(table)
    if explain_all:
        for s in suggestions:
            stdout.print()
            stdout.print(str(s["explanation"]), markup=False)


# -- assess (end) ------------------------------------------------------------------------------


# -- assessment: the goal statuses people decide (begin) ----------------------------------------

assessment_app = typer.Typer(
    help="Goal statuses your municipality decides, beside Glokal's suggestions.",
    no_args_is_help=True,
)
app.add_typer(assessment_app, name="assessment")


def _current_suggestion(
    store: Store, session: Session, unit: str, goal: int, *, compute: bool = False
) -> StoredSuggestion | None:
    """The suggestion that stands for a unit's goal: the one `glokal assess` stored; with
    ``compute``, one computed (default method) and stored now if none is, and there are data."""
    stored = stored_suggestion(session, unit, goal)
    if stored is None and compute and _suggest_into_store(store, session, "default", unit, None):
        stored = stored_suggestion(session, unit, goal)
    return stored


@assessment_app.command("set")
def assessment_set(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0180.")],
    goal: Annotated[str, typer.Argument(help="Goal number, 1–17.")],
    status: Annotated[
        str,
        typer.Option(help="god, neutral, utmaning, 'betydande utmaning' or 'ej bedömd'."),
    ],
    text: Annotated[str, typer.Option(help="The narrative: Så ligger … till i korthet.")],
    assessor: Annotated[
        str, typer.Option(help="Who assessed: the municipality's group or a consultant.")
    ],
    cutoff: Annotated[str, typer.Option(help="The data cut-off date (YYYY-MM-DD).")],
    method_note: Annotated[str, typer.Option(help="How the status was arrived at.")] = "",
    justification: Annotated[
        str | None,
        typer.Option(help="Why the decision differs from the suggestion (then required)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who records it (default: your user name).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Record the status decided for a goal; earlier decisions are kept as its history."""
    settings = current_settings()
    unit_id = parse_place_id(unit, where="UNIT")
    number = parse_goal_number(goal, where="GOAL")
    decided = parse_status(status, where="--status")
    cutoff_date = parse_date(cutoff, where="--cutoff")
    recorded_by = by if by is not None else user_name()
    now = datetime.now(UTC)
    with ready_store(settings) as store, store.session() as session, session.begin():
        name = unit_name(session, unit_id)
        suggestion = _current_suggestion(store, session, unit_id, number, compute=True)
        decision = check_decision(
            status=decided, text=text, assessor=assessor, cutoff=cutoff_date,
            recorded_by=recorded_by, suggested=suggestion.status if suggestion else None,
            today=now.astimezone().date(), method_note=method_note, justification=justification,
        )  # fmt: skip
        before = current_assessment(session, unit_id, number)
        recorded = record_assessment(
            session, unit_id, number, status=decision.status, text=decision.text,
            assessor=decision.assessor, method_note=decision.method_note, cutoff=decision.cutoff,
            justification=decision.justification,
            suggested_status=suggestion.status if suggestion else None,
            suggestion_method=suggestion.method if suggestion else None,
            recorded_by=decision.recorded_by, recorded_at=now,
        )  # fmt: skip
        # In the audit log beside the editor's changes: admins read every decision there.
        record_change(
            session, actor=f"cli:{decision.recorded_by}",
            action="publish" if recorded.published_at else "draft", entity="assessment",
            entity_id=f"{unit_id}/{number}", unit=unit_id, before=before, after=recorded, at=now,
        )  # fmt: skip
        version = len(assessment_history(session, unit_id, number))
    _print_recorded(recorded, name, version, suggestion, language_of(settings, lang))


def _print_recorded(
    recorded: GoalAssessment, name: str, version: int, suggestion: StoredSuggestion | None,
    lang: str,
) -> None:  # fmt: skip
    gettext = translator(lang)
    line = N_("{unit} {name}, goal {goal}: decided {status} (version {version}, {by}).")
    stdout.print(
        gettext(line).format(
            unit=recorded.unit, name=escape(name), goal=recorded.goal,
            status=status_label(recorded.status, lang), version=version,
            by=escape(recorded.recorded_by),
        )
    )  # fmt: skip
    if suggestion is None:
        stdout.print(
            gettext(N_("No suggestion is stored for this goal (`glokal assess` makes one); "
                       "the decision is recorded without one.")),
            markup=False,
        )  # fmt: skip
    else:
        stdout.print(
            gettext(N_("Glokal's suggestion ({method}, {year}): {status}.")).format(
                method=suggestion.method, year=suggestion.reference_year,
                status=status_label(suggestion.status, lang),
            )
        )  # fmt: skip


@assessment_app.command("show")
def assessment_show(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0180.")],
    goal: GoalOption = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every recorded version, oldest first.")
    ] = False,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show the decided goal statuses of a unit beside Glokal's suggestions."""
    settings = current_settings()
    unit_id = parse_place_id(unit, where="UNIT")
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with reading(settings) as session:
        name = unit_name(session, unit_id)
        if history:
            records = assessment_history(session, unit_id, number)
        else:
            records = [a for a in current_assessments(session, unit_id) if number in (None, a.goal)]
        suggestions = {g: stored_suggestion(session, unit_id, g) for g in {a.goal for a in records}}
    listing = AssessmentsListing(unit_id, name, records, suggestions, history=history)
    language = language_of(settings, lang)
    if output is OutputFormat.json:
        sys.stdout.write(listing.to_json() + "\n")
    elif records:
        stdout.print(listing.to_table(language))
    else:
        stdout.print(
            translator(language)(N_("No decisions recorded for {unit} {name}.")).format(
                unit=unit_id, name=name
            ),
            markup=False,
        )


# -- assessment (end) ---------------------------------------------------------------------------
