"""The vocabulary format and the bundled vocabulary: every goal in both languages."""

from __future__ import annotations

import pytest

from glokal.errors import InputError
from glokal.framework import GOAL_COUNT, load_framework
from glokal.mapping import bundled_vocabulary, parse_vocabulary
from glokal.mapping.vocabulary import Kind, index_vocabulary, words_of

SAMPLE = """
# a comment
goal 7
en 3: renewable*, wind power
sv 2: *energi, förnybar*
target 7.2
sv 3: *solcell*
"""


def test_the_format_gives_terms_with_goal_target_language_and_weight() -> None:
    terms = parse_vocabulary(SAMPLE)
    assert [(t.text, t.lang, t.weight, t.goal, t.target) for t in terms] == [
        ("renewable*", "en", 3.0, 7, None),
        ("wind power", "en", 3.0, 7, None),
        ("*energi", "sv", 2.0, 7, None),
        ("förnybar*", "sv", 2.0, 7, None),
        ("*solcell*", "sv", 3.0, 7, "7.2"),
    ]
    kinds = [t.words[0].kind for t in terms]
    assert kinds == [Kind.PREFIX, Kind.EXACT, Kind.SUFFIX, Kind.PREFIX, Kind.INFIX]


def test_word_patterns_match_swedish_compounds_and_english_endings() -> None:
    vocabulary = index_vocabulary(parse_vocabulary(SAMPLE))
    texts = {t: i for i, t in enumerate(t.text for t in vocabulary.terms)}
    assert texts["*energi"] in vocabulary.first_word_matches("solenergi")
    assert texts["*energi"] not in vocabulary.first_word_matches("energieffektiv")
    assert texts["renewable*"] in vocabulary.first_word_matches("renewables")
    assert texts["*solcell*"] in vocabulary.first_word_matches("taksolcellerna")
    assert vocabulary.first_word_matches("wind") == (texts["wind power"],)
    assert words_of("Low-income R&D, 2030!") == ["low", "income", "r", "d", "2030"]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("goal 18\nen 1: x", "line 1", "there is no goal 18"),
        ("en 1: x", "line 1", "expected 'goal N'"),
        ("goal 1\nde 1: Armut", "line 2", "unknown language"),
        ("goal 1\ntarget 1.x1", "line 2", "is not a target id"),
        ("goal 1\nen 1: x, --", "line 2", "has no letters or digits"),
    ],
)  # fmt: skip
def test_mistakes_in_the_file_name_the_line(text: str, where: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_vocabulary(text, name="v.txt")
    assert caught.value.where == f"v.txt, {where}"
    assert fragment in caught.value.message


def test_the_bundled_vocabulary_covers_every_goal_in_swedish_and_english() -> None:
    vocabulary = bundled_vocabulary()
    for lang in ("sv", "en"):
        goals = {t.goal for t in vocabulary.terms if t.lang == lang and t.target is None}
        assert goals == set(range(1, GOAL_COUNT + 1)), lang
    targets = {t.target for t in vocabulary.terms if t.target is not None}
    assert targets <= {t.id for t in load_framework().targets}
    assert len(targets) == 169  # every target has terms of its own
    assert len(vocabulary.terms) > 3000
