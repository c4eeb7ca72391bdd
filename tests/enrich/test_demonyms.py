"""Nationality words ("Chinese", "Afghans", "Britons") as mentions of their country: the
`DEMONYMS` table, `country_of_demonym`, and the entity extractor turning the model's NORP spans
into place mentions that place topics count."""

from __future__ import annotations

import pytest

from tidings.core import Article, EntityLabel, EntityMention
from tidings.enrich import _gazetteer as gz
from tidings.enrich.entities import EntityExtractor, merge_mentions
from tidings.enrich.places import (
    _Index,
    _index,
    _lines,
    _norm,
    country_of_demonym,
    named_place,
    place_of,
    place_topics,
)

PLACE = EntityLabel.PLACE
ORG = EntityLabel.ORG

# Religious, ethnic and political groups, and words with two common senses: never a place.
NOT_NATIONALITIES = [
    "Jewish", "Jew", "Jews", "Muslim", "Muslims", "Christian", "Christians", "Catholic",
    "Hindu", "Sikh", "Buddhist", "Arab", "Arabs", "Kurd", "Kurds", "Kurdish", "Uyghur",
    "Uighur", "Uyghurs", "Pashtun", "Hazara", "Tamil", "Rohingya", "Berber", "Tuareg", "Roma",
    "Druze", "Bedouin", "Yazidi", "Coptic", "Baloch", "Tibetan", "Chechen", "Tatar", "Maori",
    "Aboriginal", "Hispanic", "Latino", "Shia", "Sunni", "Alawite", "Republican", "Democrat",
    "Democrats", "Conservative", "Labour", "Communist", "Georgian", "Georgians", "Persian",
    "Kiwi", "Yankee", "Soviet", "Yugoslav", "Afghani", "African American", "Native American",
    "Central African", "Micronesian", "Chinese Communist Party",
]  # fmt: skip


def table() -> list[tuple[str, list[str]]]:
    rows = []
    for line in _lines(gz.DEMONYMS):
        label, _, words = (p.strip() for p in line.partition("::"))
        rows.append((label, [w.strip() for w in words.split("|") if w.strip()]))
    return rows


def test_every_place_in_the_table_is_a_listed_country_territory_or_region() -> None:
    rows = table()
    assert len(rows) >= 200
    for label, words in rows:
        place = named_place(label)
        assert place is not None and place[1] == label, label
        assert words, label
        for word in words:
            assert country_of_demonym(word) == place, word
    countries = {line.split("::")[0].split("|")[0].strip() for line in _lines(gz.COUNTRIES)}
    listed = {label for label, _ in rows}
    # Every country but a few whose nationality word is rare or has two senses.
    assert countries - listed == {
        "Central African Republic",
        "Dominica",
        "Georgia",
        "Micronesia",
        "Papua New Guinea",
        "Republic of the Congo",
        "Vatican City",
    }
    assert {"Hong Kong", "Puerto Rico", "Europe", "Africa", "Asia", "Latin America"} <= listed


def test_no_word_stands_for_two_places_and_none_is_longer_than_two_words() -> None:
    seen: dict[str, str] = {}
    for label, words in table():
        for word in words:
            key = _norm(word)
            assert key not in seen, f"{word} is listed for {seen[key]} and {label}"
            seen[key] = label
            assert len(key.split()) <= 2, word
    # A nationality word that is also a place name ("Saudi") names the same place.
    for key, label in seen.items():
        assert place_of(key) in (None, named_place(label)), key


def test_religious_ethnic_and_political_groups_are_not_nationalities() -> None:
    for word in NOT_NATIONALITIES:
        assert country_of_demonym(word) is None, word
    words = {_norm(w) for _, ws in table() for w in ws}
    assert not {_norm(w) for w in NOT_NATIONALITIES} & words


def test_a_word_listed_twice_or_for_an_unknown_place_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gz, "DEMONYMS", "China :: Chinese\nTaiwan :: Chinese\n")
    with pytest.raises(ValueError, match="Chinese"):
        _Index()
    monkeypatch.setattr(gz, "DEMONYMS", "Ruritania :: Ruritanian\n")
    with pytest.raises(ValueError, match="Ruritania"):
        _Index()
    monkeypatch.setattr(gz, "DEMONYMS", "Kabul :: Kabuli\n")  # a city, not a country
    with pytest.raises(ValueError, match="Kabul"):
        _Index()


@pytest.mark.parametrize(
    ("word", "place"),
    [
        ("Chinese", ("china", "China")),
        ("Afghan", ("afghanistan", "Afghanistan")),
        ("Afghans", ("afghanistan", "Afghanistan")),
        ("Russian", ("russia", "Russia")),
        ("Russians", ("russia", "Russia")),
        ("American", ("united states", "United States")),
        ("Americans", ("united states", "United States")),
        ("British", ("united kingdom", "United Kingdom")),
        ("Briton", ("united kingdom", "United Kingdom")),
        ("Britons", ("united kingdom", "United Kingdom")),
        ("Scottish", ("united kingdom", "United Kingdom")),
        ("Welsh", ("united kingdom", "United Kingdom")),
        ("English", ("united kingdom", "United Kingdom")),
        ("Northern Irish", ("united kingdom", "United Kingdom")),
        ("Irish", ("ireland", "Ireland")),
        ("Emirati", ("united arab emirates", "United Arab Emirates")),
        ("Saudi", ("saudi arabia", "Saudi Arabia")),
        ("Filipino", ("philippines", "Philippines")),
        ("Filipinas", ("philippines", "Philippines")),
        ("Indian", ("india", "India")),
        ("Dutch", ("netherlands", "Netherlands")),
        ("Congolese", ("democratic republic of the congo", "Democratic Republic of the Congo")),
        ("Korean", ("south korea", "South Korea")),
        ("South Korean", ("south korea", "South Korea")),
        ("North Koreans", ("north korea", "North Korea")),
        ("Sudanese", ("sudan", "Sudan")),
        ("South Sudanese", ("south sudan", "South Sudan")),
        ("Palestinian", ("palestine", "Palestine")),
        ("Israelis", ("israel", "Israel")),
        ("Zambian", ("zambia", "Zambia")),
        ("Burmese", ("myanmar", "Myanmar")),
        ("Ivorian", ("ivory coast", "Ivory Coast")),
        ("Bissau-Guinean", ("guinea-bissau", "Guinea-Bissau")),
        ("Greek Cypriots", ("cyprus", "Cyprus")),
        ("Hongkongers", ("hong kong", "Hong Kong")),
        ("Puerto Rican", ("puerto rico", "Puerto Rico")),
        ("European", ("europe", "Europe")),
        ("Africans", ("africa", "Africa")),
        ("Asian", ("asia", "Asia")),
        ("Latin American", ("latin america", "Latin America")),
        ("Middle Eastern", ("middle east", "Middle East")),
    ],
)
def test_country_of_demonym(word: str, place: tuple[str, str]) -> None:
    assert country_of_demonym(word) == place


def test_country_of_demonym_ignores_case_diacritics_and_hyphens_but_does_not_stem() -> None:
    assert country_of_demonym("CHINESE") == country_of_demonym("chinese") == ("china", "China")
    assert country_of_demonym("Burkinabé") == ("burkina faso", "Burkina Faso")
    assert country_of_demonym("Hong-Konger") == country_of_demonym("Hongkonger")
    assert country_of_demonym("  Afghan ") == ("afghanistan", "Afghanistan")
    for word in ("", "Chineses", "Afghanistanis", "Zambianness", "China", "Beijing"):
        assert country_of_demonym(word) is None, word
    assert len(_index().demonyms) >= 450


# merge_mentions with nationality spans, on hand-made model output (no model needed).
TEXT_LEN = 1000


def by_name(mentions: list[EntityMention]) -> dict[str, EntityMention]:
    return {m.name: m for m in mentions}


def test_a_nationality_word_is_a_mention_of_its_country_named_by_its_label() -> None:
    got = by_name(
        merge_mentions([("Lusaka", PLACE, 300)], TEXT_LEN, 40, 0, nationalities=[("Zambian", 0)])
    )
    zambia = got["Zambia"]
    assert (zambia.label, zambia.count, zambia.first_offset) == (PLACE, 1, 0)
    assert zambia.aliases == ("Zambian",)
    assert zambia.salience == pytest.approx(0.35 + 0.3 / 5 + 0.15)  # in the title, first
    assert [t.key for t in place_topics(list(got.values()))] == ["zambia"]


def test_nationality_words_join_the_articles_own_name_for_the_country() -> None:
    raw = [("U.S.", PLACE, 50), ("Washington", PLACE, 90), ("U.S.", PLACE, 400)]
    nationalities = [("Americans", 5), ("American", 200), ("the Chinese", 250)]
    got = by_name(merge_mentions(raw, TEXT_LEN, 30, 0, nationalities=nationalities))
    us = got["U.S."]
    assert (us.count, us.first_offset, us.aliases) == (4, 5, ("American", "Americans"))
    assert got["Washington"].count == 1  # a city in the country stays a place of its own
    assert got["China"].aliases == ("Chinese",) and got["China"].count == 1
    # Without the nationality words the country is weaker: fewer mentions, not in the title.
    plain = by_name(merge_mentions(raw, TEXT_LEN, 30, 0))
    assert plain["U.S."].salience < us.salience and "China" not in plain


def test_nationality_words_join_a_full_name_spelled_by_its_acronym() -> None:
    raw = [("US", PLACE, 100), ("United States", PLACE, 300)]
    got = merge_mentions(raw, TEXT_LEN, 10, 0, nationalities=[("American", 500)])
    assert [(m.name, m.count) for m in got] == [("United States", 3)]


def test_other_group_spans_and_long_spans_are_dropped() -> None:
    nationalities = [
        ("Muslim", 0),
        ("Kurdish", 20),
        ("Republicans", 40),
        ("Chinese Communist Party", 60),
        ("Georgian", 90),
    ]
    assert merge_mentions([], TEXT_LEN, 30, 0, nationalities=nationalities) == []
    orgs = merge_mentions([("Reuters", ORG, 5)], TEXT_LEN, 30, 0, nationalities=nationalities)
    assert [m.name for m in orgs] == ["Reuters"]


def test_a_nationality_word_in_the_standfirst_counts_as_in_the_standfirst() -> None:
    got = by_name(merge_mentions([], TEXT_LEN, 20, 120, nationalities=[("Afghan", 60)]))
    assert got["Afghanistan"].salience == pytest.approx(0.2 + 0.3 / 5 + 0.15 * 0.94)


# End to end with the real model.


def headline(title: str, body: str) -> Article:
    return Article(title=title, body_paragraphs=(body,))


def test_a_nationality_in_a_headline_gives_the_country_a_place_topic(
    entity_extractor: EntityExtractor,
) -> None:
    articles = [
        headline(
            "Zambian government bans plastic bags",
            "The ban starts next month, officials said on Tuesday.",
        ),
        headline(
            "Chinese submarine enters Japanese waters",
            "The vessel was seen near the islands on Monday, the defence ministry said.",
        ),
        headline(
            "Muslim and Jewish leaders meet in Kurdish town",
            "The talks lasted three hours, organisers said.",
        ),
    ]
    zambia, submarine, leaders = entity_extractor.extract_many(articles)
    assert [t.key for t in place_topics(zambia)] == ["zambia"]
    assert next(m for m in zambia if m.name == "Zambia").aliases == ("Zambian",)
    assert {t.key for t in place_topics(submarine)} == {"china", "japan"}
    assert place_topics(leaders) == []
    assert not any(m.label is PLACE for m in leaders)
