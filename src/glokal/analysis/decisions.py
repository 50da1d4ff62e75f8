"""The rule for a goal status that people decide, beside the status Glokal suggests.

A municipality decides the status of each goal itself; Glokal's suggestion is advice. Where the
two differ, the decision must say why (a justification), so a reader of the report can follow
it. A suggestion of "ej bedömd" means the data could not assess the goal: there is nothing to
differ from, so no justification is asked for.

Pure: the caller passes in the suggestion that stands and today's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from glokal.errors import InputError
from glokal.framework import GoalStatus
from glokal.i18n import N_, Message


@dataclass(frozen=True, slots=True)
class Decision:
    """A checked decision, ready to store: texts stripped, an empty justification is None."""

    status: GoalStatus
    text: str
    assessor: str
    method_note: str
    cutoff: date
    justification: str | None
    recorded_by: str


def needs_justification(decided: GoalStatus, suggested: GoalStatus | None) -> bool:
    """True if ``decided`` differs from a suggestion that assessed the goal.

    No suggestion, or a suggestion of "ej bedömd", leaves nothing to compare with.
    """
    if suggested is None or suggested is GoalStatus.EJ_BEDOMD:
        return False
    return decided is not suggested


def _required(text: str, where: str, what: str) -> str:
    value = text.strip()
    if not value:
        raise InputError(N_("{what} must not be empty"), what=Message(what), where=where)
    return value


def check_decision(
    *,
    status: GoalStatus,
    text: str,
    assessor: str,
    cutoff: date,
    recorded_by: str,
    suggested: GoalStatus | None,
    today: date,
    method_note: str = "",
    justification: str | None = None,
) -> Decision:
    """Check a decision against the rule and the suggestion that stands; InputError otherwise.

    ``where`` in each error names the option of `glokal assessment set` to correct.
    """
    checked_text = _required(text, "--text", N_("the text (Så ligger … till i korthet)"))
    checked_assessor = _required(assessor, "--assessor", N_("the assessor"))
    checked_by = _required(recorded_by, "--by", N_("who records the decision"))
    if cutoff > today:
        raise InputError(
            N_("the data cut-off date {cutoff} is in the future (today is {today})"),
            cutoff=cutoff.isoformat(),
            today=today.isoformat(),
            where="--cutoff",
        )
    reason = (justification or "").strip() or None
    if reason is None and needs_justification(status, suggested):
        raise InputError(
            N_(
                "the decided status '{status}' differs from the suggested status "
                "'{suggested}'; say why with --justification"
            ),
            status=status.value,
            suggested=suggested.value if suggested else "",
            where="--justification",
        )
    return Decision(
        status=status,
        text=checked_text,
        assessor=checked_assessor,
        method_note=method_note.strip(),
        cutoff=cutoff,
        justification=reason,
        recorded_by=checked_by,
    )


__all__ = ["Decision", "check_decision", "needs_justification"]
