"""The classifier as the register and the CLI use it: goals, targets, scores and evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glokal.mapping import (
    Calibration,
    Classifier,
    bundled_vocabulary,
    classify,
    default_classifier,
    detect_language,
    parse_vocabulary,
)
from glokal.mapping.vocabulary import index_vocabulary, words_of

REPO = Path(__file__).resolve().parents[2]
SWEDISH_SET = REPO / "bench" / "data" / "sv_municipal.jsonl"

SOLAR = (
    "Kommunen installerar solceller på tio skolor och byter oljepannor mot bergvärme. "
    "Satsningen minskar utsläppen av växthusgaser och är en del av klimatstrategin."
)
WOMEN = (
    "The programme supports women entrepreneurs in rural districts with microfinance, "
    "and local shelters help survivors of gender-based violence and domestic violence."
)


def test_a_swedish_text_gets_its_goals_best_first_with_evidence() -> None:
    [result] = classify([SOLAR])
    goals = [g for g, _ in result.goals]
    assert goals[:2] in ([7, 13], [13, 7])
    assert result.language == "sv" and result.words == len(words_of(SOLAR))
    scores = [s for _, s in result.goals]
    assert scores == sorted(scores, reverse=True) and all(0.5 <= s < 1 for s in scores)
    found = {(e.goal, e.found) for e in result.evidence}
    assert (7, "solceller") in found and (13, "utsläppen") in found
    solceller = next(e for e in result.evidence if e.found == "solceller")
    assert solceller.passage.startswith("Kommunen installerar solceller")
    assert result.top_goal == result.goals[0][0]


def test_targets_only_when_asked_and_only_under_chosen_goals() -> None:
    [plain] = classify([WOMEN])
    [detailed] = classify([WOMEN], targets=True)
    assert plain.targets == () and plain.goals == detailed.goals
    assert detailed.goals[0][0] == 5
    target_ids = [t for t, _ in detailed.targets]
    assert "5.2" in target_ids
    chosen = {g for g, _ in detailed.goals}
    assert all(int(t.split(".")[0]) in chosen for t in target_ids)
    assert any(e.target == "5.2" for e in detailed.evidence)


def test_evidence_names_each_place_in_the_text_once() -> None:
    [result] = classify(["Energieffektivisering, energieffektivisering och solenergi."])
    places = [(e.goal, e.found.lower()) for e in result.evidence]
    assert len(places) == len(set(places))
    assert next(e for e in result.evidence if e.found == "Energieffektivisering").count == 2


def test_no_evidence_gives_no_goals_and_an_empty_text_is_not_an_error() -> None:
    [nothing, empty] = classify(["Lorem ipsum dolor sit amet.", ""])
    assert nothing.goals == () and nothing.ranking == () and nothing.top_goal is None
    assert empty.goals == () and empty.words == 0


def test_the_ranking_keeps_goals_below_the_threshold_for_suggestions() -> None:
    [result] = classify(["Vi ordnar en kurs för alla som vill."])
    assert result.goals == ()  # too little evidence to decide
    assert result.top_goal == 4 and result.ranking[0][1] < 0.5


def test_a_long_document_needs_more_evidence_than_a_short_passage() -> None:
    filler = " ".join(["Mötet hölls i stadshuset och protokollet justerades."] * 60)
    [short, long] = classify([SOLAR, SOLAR + " " + filler])
    assert dict(long.ranking)[7] < dict(short.ranking)[7]


def test_a_huge_run_of_letters_is_skipped_quickly() -> None:
    blob = "klimat" + "A" * 2_000_000
    [result] = classify([f"Utsläppen minskar. {blob} Växthusgaserna minskar."])
    assert result.top_goal == 13 and all(len(e.found) < 100 for e in result.evidence)


def test_language_detection() -> None:
    assert detect_language(words_of(SOLAR)) == "sv"
    assert detect_language(words_of(WOMEN)) == "en"
    assert detect_language(words_of("klimat climate")) == "sv+en"


def test_classify_wants_a_sequence_and_the_model_is_built_once() -> None:
    with pytest.raises(TypeError):
        classify(SOLAR)  # type: ignore[arg-type]
    assert default_classifier() is default_classifier()
    assert default_classifier().vocabulary is bundled_vocabulary()


def test_the_json_shape() -> None:
    [result] = classify([SOLAR], targets=True)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"goals", "targets", "evidence", "language", "words"}
    assert set(data["goals"][0]) == {"goal", "score"}
    assert set(data["evidence"][0]) == {
        "goal", "target", "term", "found", "count", "weight", "passage",
    }  # fmt: skip


def test_a_classifier_with_its_own_vocabulary_and_calibration() -> None:
    vocabulary = index_vocabulary(parse_vocabulary("goal 6\nsv 2: *vatten\ngoal 14\nsv 2: hav*"))
    classifier = Classifier(vocabulary, Calibration(threshold=2.0, ratio=0.6, target_threshold=3))
    [result] = classifier.classify(["Dricksvatten och dagvatten rinner till havet och haven."])
    assert [g for g, _ in result.goals] == [6, 14]  # both pass; 6 has more evidence
    assert classifier.goal_evidence("havet") == {14: 2.0}
    strict = Classifier(vocabulary, Calibration(threshold=2.0, ratio=1.0, target_threshold=3))
    assert [g for g, _ in strict.classify(["Dricksvatten, dagvatten och havet."])[0].goals] == [6]


def test_calibration_is_validated() -> None:
    with pytest.raises(ValueError, match="ratio"):
        Calibration.from_dict({"threshold": 4, "ratio": 2, "target_threshold": 3})
    with pytest.raises(ValueError, match="positive"):
        Calibration.from_dict({"threshold": 0, "ratio": 0.3, "target_threshold": 3})


def test_swedish_municipal_passages_top_goal_accuracy() -> None:
    """The Swedish evaluation set of bench/data (the figure bench/classify.py reports)."""
    rows = [json.loads(line) for line in SWEDISH_SET.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100 and {r["goal"] for r in rows} == set(range(1, 18))
    results = classify([r["text"] for r in rows])
    correct = sum(r["goal"] == c.top_goal for r, c in zip(rows, results, strict=True))
    assert correct / len(rows) >= 0.80


def test_a_long_sentence_is_shortened_around_the_term() -> None:
    words = " ".join(f"ord{i}" for i in range(60))
    [result] = classify([f"{words} solceller och växthusgaser minskar utsläppen {words}."])
    passage = next(e.passage for e in result.evidence if e.found == "utsläppen")
    assert "utsläppen" in passage and passage.startswith("…") and passage.endswith("…")
    assert len(passage) <= 242


LIFE_BELOW_WATER = [
    "Plastic debris and nutrient runoff from rivers are degrading the coral reefs, so the "
    "ministry is expanding marine protected areas and monitoring ocean acidification.",
    "The agency sets catch limits to end overfishing and illegal, unreported and unregulated "
    "fishing, so that fish stocks recover to levels that give the maximum sustainable yield.",
    "Small island developing states depend on tuna and coastal tourism; the programme helps "
    "artisanal fishers reach markets and ends fisheries subsidies that drive overcapacity.",
    "Kommunen kartlägger ålgräsängarna i skärgården och inrättar ett marint skyddsområde för "
    "att stärka havsmiljön i Östersjön.",
    "Övergödningen ger algblomning och syrebrist längs västkusten; vi minskar näringsläckaget "
    "och städar stränderna från marint skräp och mikroplast.",
    "Yrkesfiskarna i hamnen får stöd för selektiva redskap som minskar bifångsten av torsk och "
    "tumlare.",
]


@pytest.mark.parametrize("text", LIFE_BELOW_WATER)
def test_clear_texts_about_seas_and_fisheries_get_goal_14(text: str) -> None:
    [result] = classify([text])
    assert result.top_goal == 14 and 14 in dict(result.goals)


def test_sea_level_rise_is_climate_and_selling_is_not_seals() -> None:
    [rising, selling] = classify([
        "Kommunen utreder skydd mot stigande havsnivåer och högre vattenstånd i de låglänta "
        "stadsdelarna vid kusten.",
        "Föreningen vill sälja fler lotter och säljer kaffe på torget.",
    ])  # fmt: skip
    assert rising.top_goal == 13
    assert 14 not in dict(selling.ranking)
