"""Swedish municipal wording for the goals the independent Swedish set missed most (10, 1, 12).

The passages are written for these tests, in the style of Swedish municipal documents; they are
not taken from bench/data. A few patterns that once matched ordinary words are checked too.
"""

from __future__ import annotations

import pytest

from glokal.mapping import Calibration, Classifier, bundled_vocabulary, classify, parse_vocabulary
from glokal.mapping.vocabulary import index_vocabulary

REDUCED_INEQUALITIES = [
    "Integrationsenheten erbjuder samhällsorientering och språkstöd till nyanlända som "
    "deltar i etableringsprogrammet, så att fler kommer i arbete under de första åren.",
    "Planen för likabehandling beskriver de aktiva åtgärderna mot diskriminering som varje "
    "förvaltning ska genomföra, utifrån alla sju diskrimineringsgrunder.",
    "Kommunen ingår i förvaltningsområdet för finska språket och samråder med sverigefinnar "
    "och övriga nationella minoriteter om förskola och äldreomsorg på minoritetsspråk.",
    "Boendesegregationen har ökat och inkomstskillnaderna mellan stadsdelarna är stora; "
    "programmet för de socioekonomiskt utsatta områdena ska minska skillnaderna i livsvillkor.",
]
NO_POVERTY = [
    "Kostnaderna för ekonomiskt bistånd ökar och fler barnfamiljer har ett långvarigt "
    "biståndsberoende; socialtjänsten förstärker stödet för att nå egen försörjning.",
    "Kommunens budget- och skuldrådgivare hjälper hushåll med hyresskulder och "
    "betalningsanmärkningar, och det vräkningsförebyggande arbetet har förhindrat avhysningar.",
    "Hemlöshetskartläggningen visar att fler saknar bostad; modellen Bostad först och "
    "natthärbärget ska hjälpa personer i akut hemlöshet till ett eget boende.",
    "Ideella föreningar delar ut matkassar till hushåll med låga inkomster, och "
    "barnfattigdomen i kommunen är högre än i länet.",
]
RESPONSIBLE_CONSUMPTION = [
    "Avfallsplanen följer avfallstrappan: i första hand ska avfall förebyggas, sedan ska "
    "möbler och byggmaterial gå till återbruk och resten materialåtervinnas.",
    "Skolköken mäter tallrikssvinnet varje vecka och har minskat matsvinnet med en tredjedel "
    "genom att planera portionerna efter elevernas närvaro.",
    "I upphandlingen av arbetskläder ställs hållbarhetskrav, och livscykelkostnaden ska "
    "jämföras innan avtal tecknas med leverantören.",
    "Kemikalieplanen ska fasa ut ftalater och andra farliga ämnen ur leksaker och inredning "
    "i kommunens förskolor, så att alla förskolor blir giftfria.",
]


@pytest.mark.parametrize("text", REDUCED_INEQUALITIES)
def test_swedish_municipal_texts_on_inequalities_get_goal_10(text: str) -> None:
    [result] = classify([text])
    assert result.language == "sv" and result.top_goal == 10


@pytest.mark.parametrize("text", NO_POVERTY)
def test_swedish_municipal_texts_on_poverty_get_goal_1(text: str) -> None:
    [result] = classify([text])
    assert result.language == "sv" and result.top_goal == 1


@pytest.mark.parametrize("text", RESPONSIBLE_CONSUMPTION)
def test_swedish_municipal_texts_on_consumption_and_waste_get_goal_12(text: str) -> None:
    [result] = classify([text])
    assert result.language == "sv" and result.top_goal == 12


def test_ordinary_words_are_not_taken_for_water_energy_food_or_peace() -> None:
    # Once matched "va-*" (var, varje), "*el" (tiondel, medel), "*kost*" (kostnad), "fred*"
    # (fredag) and "*klimat*" (företagsklimat).
    evidence = Classifier(bundled_vocabulary(), Calibration(4.0, 0.3, 3.0)).goal_evidence(
        "Varje fredag var det en tiondel av kostnaderna som gick till medel för att förbättra "
        "företagsklimatet, och vad det kostar redovisas varje månad."
    )
    assert not {2, 6, 7, 13, 16} & set(evidence)


def test_no_bundled_term_ends_in_a_separator_before_the_wildcard() -> None:
    # "va-*" is read as "va*": the separator splits it and the wildcard joins the first part.
    terms = bundled_vocabulary().terms
    assert not [t.text for t in terms if "-*" in t.text]


def test_a_specific_term_counts_where_a_general_one_of_the_same_weight_starts_too() -> None:
    vocabulary = index_vocabulary(parse_vocabulary("goal 13\nsv 3: klimat*, klimatavtryck*"))
    classifier = Classifier(vocabulary, Calibration(threshold=4.0, ratio=0.3, target_threshold=3))
    # Both words start with "klimat": each counts its own term (3 + 3), not klimat* twice
    # (3 × (1 + ln 2)).
    assert classifier.goal_evidence("klimatveckan och klimatavtrycket") == {13: 6.0}
