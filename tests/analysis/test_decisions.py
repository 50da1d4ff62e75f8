"""The rule for a decided goal status beside Glokal's suggestion (pure, hand-checked cases)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from glokal.analysis.decisions import Decision, check_decision, needs_justification
from glokal.errors import InputError
from glokal.framework import GoalStatus

TODAY = date(2025, 6, 30)
GOD, NEUTRAL, UTMANING = GoalStatus.GOD, GoalStatus.NEUTRAL, GoalStatus.UTMANING
EJ_BEDOMD = GoalStatus.EJ_BEDOMD


def decide(**changes: Any) -> Decision:
    fields: dict[str, Any] = {
        "status": UTMANING,
        "text": "Så ligger Alvesta till i korthet: jämställdheten går framåt.",
        "assessor": "Hållbarhetsgruppen",
        "cutoff": date(2025, 3, 31),
        "recorded_by": "anna",
        "suggested": UTMANING,
        "today": TODAY,
    }
    fields.update(changes)
    return check_decision(**fields)


@pytest.mark.parametrize(
    ("decided", "suggested", "needed"),
    [
        (UTMANING, UTMANING, False),
        (GOD, UTMANING, True),
        (UTMANING, GOD, True),
        (EJ_BEDOMD, GOD, True),  # declining to assess what the data assesses is a difference
        (GOD, EJ_BEDOMD, False),  # the data could not assess the goal: nothing to differ from
        (EJ_BEDOMD, EJ_BEDOMD, False),
        (GoalStatus.BETYDANDE_UTMANING, None, False),  # no suggestion stored
    ],
)
def test_when_a_justification_is_needed(
    decided: GoalStatus, suggested: GoalStatus | None, needed: bool
) -> None:
    assert needs_justification(decided, suggested) is needed


def test_a_decision_without_justification_that_differs_from_the_suggestion_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        decide(status=GOD, suggested=UTMANING)
    assert caught.value.where == "--justification"
    assert str(caught.value) == (
        "--justification: the decided status 'god' differs from the suggested status "
        "'utmaning'; say why with --justification"
    )


@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_a_blank_justification_is_no_justification(blank: str | None) -> None:
    with pytest.raises(InputError, match="differs from the suggested status"):
        decide(status=NEUTRAL, suggested=GOD, justification=blank)


def test_a_justified_difference_is_accepted_and_kept() -> None:
    decision = decide(status=GOD, suggested=UTMANING, justification="  Nya siffror för 2025.  ")
    assert decision.status is GOD and decision.justification == "Nya siffror för 2025."


def test_an_agreeing_decision_needs_no_justification_and_keeps_one_given() -> None:
    assert decide().justification is None
    assert decide(justification="Som föreslaget.").justification == "Som föreslaget."


def test_no_comparison_without_an_assessed_suggestion() -> None:
    assert decide(status=GOD, suggested=EJ_BEDOMD).status is GOD
    assert decide(status=GOD, suggested=None).status is GOD


def test_texts_are_stripped() -> None:
    decision = decide(text="  Text \n", assessor=" Konsult AB ", method_note="  Workshop ")
    assert (decision.text, decision.assessor, decision.method_note) == (
        "Text", "Konsult AB", "Workshop",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"text": ""}, "--text", "the text (Så ligger … till i korthet) must not be empty"),
        ({"text": " \t\n"}, "--text", "must not be empty"),
        ({"assessor": "  "}, "--assessor", "the assessor must not be empty"),
        ({"recorded_by": ""}, "--by", "who records the decision must not be empty"),
        (
            {"cutoff": date(2025, 7, 1)},
            "--cutoff",
            "the data cut-off date 2025-07-01 is in the future (today is 2025-06-30)",
        ),
    ],
)
def test_bad_fields_are_named(changes: dict[str, Any], where: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        decide(**changes)
    assert caught.value.where == where and message in caught.value.message


def test_a_cutoff_today_is_allowed() -> None:
    assert decide(cutoff=TODAY).cutoff == TODAY
