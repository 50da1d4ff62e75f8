"""The bundled places checked against real Kolada metadata in ../shared/data/kolada."""

from __future__ import annotations

from collections import Counter

import pytest

from glokal.errors import InputError
from glokal.places import RIKET_ID, load_places, parse_place_id
from tests.conftest import kolada_file

PLACES = load_places()

# Kolada's titles of the SKR kommungrupper (2023) and the SKR codes they stand for.
KOLADA_GROUP_TITLE_TO_CODE = {
    "Storstäder": "A1",
    "Pendlingskommun nära storstad": "A2",
    "Större stad": "B3",
    "Pendlingskommun nära större stad": "B4",
    "Lågpendlingskommun nära större stad": "B5",
    "Mindre stad/tätort": "C6",
    "Pendlingskommun nära mindre tätort": "C7",
    "Landsbygdskommun, ej nära större stad": "C8",
    "Landsbygdskommun med besöksnäring": "C9",
}
KOMMUNGRUPP_GROUP_IDS = [f"G{n}" for n in range(92786, 92795)]


def test_same_312_ids_names_and_types_as_kolada() -> None:
    kolada = {u["id"]: u for u in kolada_file("municipality.json")["values"]}
    ours = {p.id: p for p in PLACES.places}
    assert len(kolada) == 312
    assert set(ours) == set(kolada)
    for place_id, unit in kolada.items():
        assert ours[place_id].name == unit["title"], place_id
        assert ours[place_id].type == unit["type"], place_id


def test_290_kommuner_21_regioner_and_riket() -> None:
    counts = Counter(p.type for p in PLACES.places)
    assert counts == {"K": 290, "L": 22}
    riket = PLACES.get(RIKET_ID)
    assert riket is not None and riket.name == "Riket" and riket.county is None
    assert PLACES.get("0180") is not None and PLACES.get("0180").name == "Stockholm"  # type: ignore[union-attr]
    assert PLACES.get("0001").name == "Region Stockholm"  # type: ignore[union-attr]
    assert len(PLACES.counties) == 21


def test_every_kommun_lies_in_its_county_and_region() -> None:
    counties = {c.code: c for c in PLACES.counties}
    for place in PLACES.of_type("K"):
        assert place.county == place.id[:2], place
        assert place.county in counties, place
        region = PLACES.get(place.region or "")
        assert region is not None and region.type == "L", place
        assert counties[place.county].region == region.id, place
    gotland = PLACES.get("0980")
    assert gotland is not None and gotland.region == "0009"


def test_every_kommun_has_the_kommungrupp_kolada_gives_it() -> None:
    groups = {g["id"]: g for g in kolada_file("municipality_groups.json")["values"]}
    expected: dict[str, str] = {}
    for group_id in KOMMUNGRUPP_GROUP_IDS:
        title = groups[group_id]["title"].removesuffix(" (ovägt medel)")
        code = KOLADA_GROUP_TITLE_TO_CODE[title]
        for member in groups[group_id]["members"]:
            assert member["member_id"] not in expected, member
            expected[member["member_id"]] = code
    assert len(expected) == 290
    for place in PLACES.places:
        assert place.kommungrupp == expected.get(place.id), place
    # The bundled groups name the Kolada group that mirrors them.
    for group in PLACES.kommungrupper:
        title = groups[group.kolada_group]["title"].removesuffix(" (ovägt medel)")
        assert KOLADA_GROUP_TITLE_TO_CODE[title] == group.code


def test_kommungrupp_sizes_of_the_2023_revision() -> None:
    counts = Counter(p.kommungrupp for p in PLACES.of_type("K"))
    assert counts == {
        "A1": 3, "A2": 43, "B3": 23, "B4": 63, "B5": 24, "C6": 27, "C7": 51, "C8": 35, "C9": 21,
    }  # fmt: skip
    assert [k.code for k in PLACES.kommungrupper] == list(counts.keys()).__class__(sorted(counts))


def test_every_record_names_its_source() -> None:
    assert all(p.source for p in PLACES.places)
    assert all(c.source for c in PLACES.counties)
    assert all(k.source and k.name_sv and k.name_en for k in PLACES.kommungrupper)


@pytest.mark.parametrize(("raw", "parsed"), [("0180", "0180"), (" 1280 ", "1280"), ("180", "0180")])
def test_parse_place_id(raw: str, parsed: str) -> None:
    assert parse_place_id(raw) == parsed


@pytest.mark.parametrize("raw", ["", "18", "01800", "abcd", "Stockholm"])
def test_parse_place_id_rejects_malformed(raw: str) -> None:
    with pytest.raises(InputError, match="not a unit id"):
        parse_place_id(raw)
