"""Suggestions stay apart from what people entered."""

from __future__ import annotations

from glokal.register import activity_text, with_suggestions
from glokal.store.activities import Activity, GoalLink, TargetLink


def test_suggestions_replace_suggestions_and_leave_people_alone() -> None:
    activity = Activity(
        unit="0780", kind="project", title="Cykelstråk", description="Fler cyklar till skolan.",
        goals=(GoalLink(11), GoalLink(3, origin="classifier", confirmed=False, score=0.7)),
        targets=(TargetLink("11.2"),),
    )  # fmt: skip
    assert activity_text(activity) == "Cykelstråk. Fler cyklar till skolan."
    suggested = with_suggestions(
        activity, [(11, 0.9), (13, 0.61234567)], [("11.2", 0.8), ("13.2", 0.5)]
    )
    assert suggested.goals == (
        GoalLink(11),
        GoalLink(13, primary=False, origin="classifier", confirmed=False, score=0.6123),
    )
    assert suggested.targets == (
        TargetLink("11.2"),
        TargetLink("13.2", primary=False, origin="classifier", confirmed=False, score=0.5),
    )
    assert suggested.confirmed_goals == (11,)
