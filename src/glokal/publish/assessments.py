"""Decided goal statuses beside Glokal's suggestions, for the terminal: a Rich table or JSON.

The decided status is the municipality's; the suggestion is Glokal's own analysis. Each line
shows the suggestion that stood when the decision was recorded and, when it has changed since,
the one that stands now. JSON keeps the stored values (the Swedish status words) whatever
``--lang`` says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.markup import escape
from rich.table import Table

from glokal.framework import STATUS_STYLES, GoalStatus
from glokal.i18n import N_ as _
from glokal.i18n import translator
from glokal.store.assessments import GoalAssessment, StoredSuggestion


def status_label(status: GoalStatus, lang: str) -> str:
    """A status as the interface shows it: a coloured dot and its name in ``lang``."""
    style = STATUS_STYLES[status]
    return f"[{style.colour}]●[/] {translator(lang)(style.label)}"


def _suggestion_json(suggestion: StoredSuggestion | None) -> dict[str, Any] | None:
    if suggestion is None:
        return None
    return {
        "status": suggestion.status.value,
        "method": suggestion.method,
        "reference_year": suggestion.reference_year,
        "computed_at": suggestion.computed_at.isoformat(),
    }


@dataclass(frozen=True)
class AssessmentsListing:
    """The current decisions of a unit (or every version of them, with ``history``)."""

    unit: str
    unit_name: str
    assessments: Sequence[GoalAssessment]
    suggestions: Mapping[int, StoredSuggestion | None]  # the suggestion that stands now, by goal
    history: bool = False

    def _versions(self) -> list[int]:
        seen: dict[int, int] = {}
        versions = []
        for assessment in self.assessments:
            seen[assessment.goal] = seen.get(assessment.goal, 0) + 1
            versions.append(seen[assessment.goal])
        return versions

    def to_json(self) -> str:
        rows = []
        for assessment, version in zip(self.assessments, self._versions(), strict=True):
            row: dict[str, Any] = {
                "id": assessment.id,
                "unit": assessment.unit,
                "goal": assessment.goal,
                "status": assessment.status.value,
                "suggested_status": (
                    assessment.suggested_status.value if assessment.suggested_status else None
                ),
                "suggestion_method": assessment.suggestion_method,
                "current_suggestion": _suggestion_json(self.suggestions.get(assessment.goal)),
                "text": assessment.text,
                "assessor": assessment.assessor,
                "method_note": assessment.method_note,
                "cutoff": assessment.cutoff.isoformat(),
                "justification": assessment.justification,
                "recorded_by": assessment.recorded_by,
                "recorded_at": assessment.recorded_at.isoformat(),
            }
            if self.history:
                row["version"] = version
            rows.append(row)
        return json.dumps(rows, ensure_ascii=False, indent=2)

    def _suggested(self, assessment: GoalAssessment, lang: str) -> str:
        gettext = translator(lang)
        if assessment.suggested_status is None:
            cell = gettext(_("none stored"))
        else:
            cell = status_label(assessment.suggested_status, lang)
        now = self.suggestions.get(assessment.goal)
        if not self.history and now is not None and now.status is not assessment.suggested_status:
            cell += f"\n({gettext(_('now'))}: {status_label(now.status, lang)})"
        return cell

    def to_table(self, lang: str) -> Table:
        gettext = translator(lang)
        title = (
            _("Decided goal statuses, every version")
            if self.history
            else _("Decided goal statuses")
        )
        table = Table(
            title=f"{gettext(title)}: {self.unit} {self.unit_name} ({len(self.assessments)})",
            title_justify="left",
            caption=gettext(_("Suggested: Glokal's own analysis, at the time of the decision.")),
            caption_justify="left",
        )
        headers = [_("Goal")]
        if self.history:
            headers.append(_("Version no."))
        headers += [
            _("Decided"), _("Suggested"), _("Justification"), _("Text"), _("Assessor"),
            _("Method note"), _("Data cut-off"), _("Recorded"),
        ]  # fmt: skip
        for header in headers:
            table.add_column(gettext(header), no_wrap=header in (_("Goal"), _("Version no.")))
        for assessment, version in zip(self.assessments, self._versions(), strict=True):
            cells = [str(assessment.goal)]
            if self.history:
                cells.append(str(version))
            recorded = assessment.recorded_at.strftime("%Y-%m-%d %H:%M UTC")
            cells += [
                status_label(assessment.status, lang),
                self._suggested(assessment, lang),
                escape(assessment.justification or ""),
                escape(assessment.text),
                escape(assessment.assessor),
                escape(assessment.method_note),
                assessment.cutoff.isoformat(),
                f"{escape(assessment.recorded_by)}\n{recorded}",
            ]
            table.add_row(*cells)
        return table


__all__ = ["AssessmentsListing", "status_label"]
