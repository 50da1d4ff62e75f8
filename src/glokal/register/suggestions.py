"""Goals and targets the classifier suggests for an activity, kept apart from what people
entered: a suggestion is marked as one (origin "classifier", not confirmed) until a person
confirms or rejects it, and it never counts in the register's queries before that."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from glokal.store.activities import Activity, GoalLink, TargetLink


def activity_text(activity: Activity) -> str:
    """What the classifier reads of an activity: its title and description."""
    return ". ".join(
        part for part in (activity.title.strip(), activity.description.strip()) if part
    )


def with_suggestions(
    activity: Activity,
    goals: Sequence[tuple[int, float]],
    targets: Sequence[tuple[str, float]] = (),
) -> Activity:
    """The activity with these suggestions in place of its earlier unconfirmed ones; goals and
    targets a person entered or confirmed stay as they are and are not suggested again."""
    kept_goals = [g for g in activity.goals if g.confirmed]
    kept_targets = [t for t in activity.targets if t.confirmed]
    have_goals = {g.goal for g in kept_goals}
    have_targets = {t.target for t in kept_targets}
    suggested_goals = [
        GoalLink(goal, primary=False, origin="classifier", confirmed=False, score=round(score, 4))
        for goal, score in goals
        if goal not in have_goals
    ]
    suggested_targets = [
        TargetLink(
            target, primary=False, origin="classifier", confirmed=False, score=round(score, 4)
        )
        for target, score in targets
        if target not in have_targets
    ]
    return replace(
        activity,
        goals=(*kept_goals, *suggested_goals),
        targets=(*kept_targets, *suggested_targets),
    )
