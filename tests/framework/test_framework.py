"""The bundled framework: counts, integrity, both languages, sources, id parsing."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glokal.errors import InputError
from glokal.framework import (
    load_framework,
    parse_goal_number,
    parse_indicator_id,
    parse_target_id,
    target_sort_key,
)

FRAMEWORK = load_framework()

# Targets per goal in A/RES/70/1.
TARGETS_PER_GOAL = {
    1: 7, 2: 8, 3: 13, 4: 10, 5: 9, 6: 8, 7: 5, 8: 12, 9: 8,
    10: 10, 11: 10, 12: 11, 13: 5, 14: 10, 15: 12, 16: 12, 17: 19,
}  # fmt: skip


def test_seventeen_goals_with_skr_short_names_and_un_colours() -> None:
    goals = FRAMEWORK.goals
    assert [g.number for g in goals] == list(range(1, 18))
    assert goals[0].short_sv == "Ingen fattigdom"
    assert goals[12].short_sv == "Bekämpa klimatförändringen"
    assert "Bekämpa klimatförändringarna" in goals[12].aliases_sv
    assert goals[16].short_sv == "Genomförande och globalt partnerskap"
    assert goals[16].colour == "#19486A"
    for goal in goals:
        assert re.fullmatch(r"#[0-9A-F]{6}", goal.colour), goal
        assert goal.short_sv and goal.short_en and goal.title_sv and goal.title_en, goal
        assert goal.source, goal
    assert len({g.colour for g in goals}) == 17


def test_169_targets_each_under_an_existing_goal() -> None:
    targets = FRAMEWORK.targets
    assert len(targets) == 169
    assert len({t.id for t in targets}) == 169
    assert Counter(t.goal for t in targets) == TARGETS_PER_GOAL
    for target in targets:
        assert target.id.split(".")[0] == str(target.goal)
        assert parse_target_id(target.id) == target.id


def test_targets_are_in_official_order() -> None:
    ids = [t.id for t in FRAMEWORK.targets]
    assert ids == sorted(ids, key=target_sort_key)
    assert ids[:7] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]
    assert ids[-1] == "17.19"


def test_every_target_has_full_text_in_both_languages_and_a_swedish_short_title() -> None:
    for target in FRAMEWORK.targets:
        assert len(target.text_en) > 20, target.id
        assert len(target.text_sv) > 20, target.id
        assert target.short_sv.strip() and target.short_en.strip(), target.id
        assert len(target.short_sv) < len(target.text_sv), target.id
        assert target.source, target.id
        # Years and per cents carry over between the languages.
        for number in re.findall(r"\b(?:19|20)\d\d\b", target.text_en):
            assert number in target.text_sv, (target.id, number)


def test_known_target_texts() -> None:
    by_id = {t.id: t for t in FRAMEWORK.targets}
    assert "$1.25 a day" in by_id["1.1"].text_en
    assert by_id["1.1"].text_en.startswith("By 2030, eradicate extreme poverty")
    assert "fattigdom" in by_id["1.1"].text_sv
    assert "one third" in by_id["3.4"].text_en
    assert "road traffic accidents" in by_id["3.6"].text_en


def test_indicator_framework_has_at_least_231_unique_indicators() -> None:
    indicators = FRAMEWORK.indicators
    ids = [i.id for i in indicators]
    assert len(ids) == len(set(ids))
    assert len(FRAMEWORK.unique_indicators()) >= 231
    target_ids = {t.id for t in FRAMEWORK.targets}
    by_id = {i.id: i for i in indicators}
    for indicator in indicators:
        assert parse_indicator_id(indicator.id) == indicator.id
        assert indicator.target in target_ids, indicator.id
        assert indicator.id.rsplit(".", 1)[0] == indicator.target, indicator.id
        assert indicator.text_en.strip(), indicator.id
        assert indicator.source, indicator.id
        if indicator.same_as is not None:
            first = by_id[indicator.same_as]
            assert first.same_as is None, indicator.id
            assert first.text_en == indicator.text_en, indicator.id


def test_well_known_repeated_indicators_are_linked() -> None:
    by_id = {i.id: i for i in FRAMEWORK.indicators}
    assert by_id["11.5.1"].same_as == "1.5.1"
    assert by_id["13.1.1"].same_as == "1.5.1"
    assert by_id["1.5.1"].same_as is None


def test_every_goal_has_targets_and_indicators() -> None:
    goals_with_indicators = {i.goal for i in FRAMEWORK.indicators}
    assert goals_with_indicators == set(range(1, 18))


def test_eight_millennium_goals_in_both_languages() -> None:
    mdgs = FRAMEWORK.mdgs
    assert [m.number for m in mdgs] == list(range(1, 9))
    assert mdgs[0].title_sv == "Utrota extrem fattigdom och hunger"
    assert all(m.title_sv and m.title_en and m.source for m in mdgs)


@given(st.integers(min_value=1, max_value=17))
def test_parse_goal_number_accepts_1_to_17(number: int) -> None:
    assert parse_goal_number(str(number)) == number
    assert parse_goal_number(f" {number} ") == number


@given(st.integers().filter(lambda n: not 1 <= n <= 17))
def test_parse_goal_number_rejects_other_numbers(number: int) -> None:
    with pytest.raises(InputError, match="goal"):
        parse_goal_number(str(number))


@given(st.text())
def test_id_parsers_raise_only_input_errors(text: str) -> None:
    for parse in (parse_goal_number, parse_target_id, parse_indicator_id):
        try:
            parse(text)
        except InputError as exc:
            assert exc.message
