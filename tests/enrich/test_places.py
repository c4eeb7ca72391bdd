"""Place topics: place names to countries, and the countries, territories and world regions an
article is about from the salience of its place entities."""

from __future__ import annotations

import pytest

from tidings.core import EntityLabel, EntityMention, TopicScore
from tidings.enrich import _gazetteer as gz
from tidings.enrich.entities import EntityExtractor
from tidings.enrich.places import DEFAULT_MIN_SCORE, country_of, place_of, place_topics

CHINA = ("china", "China")
US = ("united states", "United States")
UK = ("united kingdom", "United Kingdom")


def place(name: str, salience: float, label: EntityLabel = EntityLabel.PLACE) -> EntityMention:
    return EntityMention(name=name, label=label, count=1, salience=salience)


def scores(topics: list[TopicScore]) -> dict[str, float]:
    return {t.label: t.score for t in topics}


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("China", CHINA),
        ("PRC", CHINA),
        ("People's Republic of China", CHINA),
        ("mainland China", CHINA),
        ("Beijing", CHINA),
        ("Xinjiang", CHINA),
        ("Guilin", CHINA),
        ("Tibet", CHINA),
        ("Hong Kong", CHINA),  # its sovereign country; the place topic is Hong Kong itself
        ("United States", US),
        ("the United States", US),
        ("US", US),
        ("U.S.", US),
        ("USA", US),
        ("America", US),
        ("Washington", US),
        ("Texas", US),
        ("Calif.", US),
        ("Paris, Texas", US),  # the larger place after the comma decides
        ("UK", UK),
        ("U.K.", UK),
        ("Britain", UK),
        ("Great Britain", UK),
        ("Scotland", UK),
        ("Wales", UK),
        ("Russian Federation", ("russia", "Russia")),
        ("Crimea", ("ukraine", "Ukraine")),
        ("Donbas", ("ukraine", "Ukraine")),
        ("Kabul", ("afghanistan", "Afghanistan")),
        ("Gaza", ("palestine", "Palestine")),
        ("West Bank", ("palestine", "Palestine")),
        ("Bavaria", ("germany", "Germany")),
        ("Ontario", ("canada", "Canada")),
        ("Taiwan", ("taiwan", "Taiwan")),
        ("Taipei", ("taiwan", "Taiwan")),
        ("Kosovo", ("kosovo", "Kosovo")),
        ("Holy See", ("vatican city", "Vatican City")),
        ("Burma", ("myanmar", "Myanmar")),
        ("Türkiye", ("turkey", "Turkey")),
        ("Northern Syria", ("syria", "Syria")),  # a direction in front of a known name
        ("Aceh province", ("indonesia", "Indonesia")),
        ("Kursk region", ("russia", "Russia")),
        ("Paris", ("france", "France")),  # the common news sense, not Paris, Texas
        ("Georgia", US),  # the US state is the default sense of the bare name
        ("Tbilisi", ("georgia", "Georgia")),
    ],
)
def test_country_of_names_abbreviations_cities_and_regions(
    name: str, country: tuple[str, str]
) -> None:
    assert country_of(name) == country


def test_country_of_ignores_case_diacritics_punctuation_and_the() -> None:
    assert country_of("BEIJING") == country_of("beijing") == CHINA
    assert country_of("São Paulo") == country_of("Sao Paulo") == ("brazil", "Brazil")
    assert country_of("Côte d’Ivoire") == country_of("cote d'ivoire") == country_of("Ivory Coast")
    assert country_of("Rostov-on-Don") == country_of("Rostov on Don") == ("russia", "Russia")
    assert country_of("  The   Netherlands ") == ("netherlands", "Netherlands")
    assert country_of("u.s.a.") == US


def test_unknown_names_and_world_regions_have_no_country() -> None:
    for name in ("", "Atlantis", "Earth", "Mars", "White House lawn", "West", "Super"):
        assert country_of(name) is None, name
    assert country_of("Europe") is None and place_of("Europe") == ("europe", "Europe")
    assert place_of("Mideast") == ("middle east", "Middle East")
    assert place_of("Kowloon") == ("hong kong", "Hong Kong")
    assert place_of("Xinjiang") == CHINA


def test_the_table_lists_every_sovereign_country_and_hundreds_of_places() -> None:
    lines = [line for line in gz.COUNTRIES.strip().splitlines() if line.strip()]
    assert len(lines) == 197  # 193 UN members + Taiwan, Kosovo, Palestine, Vatican City
    labels = {line.split("|")[0].split("::")[0].strip() for line in lines}
    assert {"Taiwan", "Kosovo", "Palestine", "Vatican City", "Tuvalu", "South Sudan"} <= labels
    capitals = ["Kabul", "Tirana", "Canberra", "Ottawa", "Ngerulmud", "Funafuti", "Juba"]
    assert all(country_of(c) is not None for c in capitals)
    cities = sum(len(line.split("::")[1].split("|")) for line in lines if "::" in line)
    assert cities >= 400


def test_a_salient_country_is_a_topic_and_a_passing_mention_is_not() -> None:
    topics = place_topics([place("Afghanistan", 0.9), place("Japan", 0.1)])
    assert [t.key for t in topics] == ["afghanistan"]
    assert topics[0] == TopicScore("afghanistan", "Afghanistan", "place", 0.9)
    assert place_topics([place("Japan", 0.1)]) == []
    assert place_topics([place("Japan", 0.1)], min_score=0.05)[0].key == "japan"


def test_cities_and_regions_roll_up_to_their_country_a_little_below_the_country() -> None:
    city_only = scores(place_topics([place("Kabul", 0.5)]))
    assert city_only == {"Afghanistan": 0.4}  # 0.8 of the city's salience
    both = scores(place_topics([place("Afghanistan", 0.5), place("Kabul", 0.5)]))
    assert both["Afghanistan"] == pytest.approx(1 - 0.5 * 0.6)
    # Several weak mentions of one country add up; each alone stays below the threshold.
    weak = [place("Xinjiang", 0.2), place("Beijing", 0.2), place("Guangxi", 0.2)]
    assert all(not place_topics([m]) for m in weak)
    assert [t.key for t in place_topics(weak)] == ["china"]
    assert place_topics([place("China", 1.0), place("Beijing", 1.0)])[0].score == 1.0  # capped


def test_topics_come_best_first_with_app_wide_keys() -> None:
    topics = place_topics(
        [
            place("Moscow", 0.5),
            place("U.S.", 0.9),
            place("the United States", 0.3),
            place("Kabul", 0.2),
            place("Afghanistan", 0.4),
            place("Mideast", 0.35),
        ]
    )
    assert [t.label for t in topics] == ["United States", "Afghanistan", "Russia", "Middle East"]
    assert [t.key for t in topics] == ["united states", "afghanistan", "russia", "middle east"]
    assert all(t.kind == "place" for t in topics)
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)


def test_world_regions_count_only_when_named() -> None:
    assert "Europe" not in scores(place_topics([place("France", 0.9), place("Germany", 0.9)]))
    assert scores(place_topics([place("Europe", 0.6)])) == {"Europe": 0.6}


def test_hong_kong_is_its_own_topic_and_counts_half_towards_china() -> None:
    got = scores(place_topics([place("Hong Kong", 0.8)]))
    assert got == {"Hong Kong": 0.8, "China": 0.4}
    got = scores(place_topics([place("Kowloon", 0.5)]))
    assert got == {"Hong Kong": 0.4}  # China at 0.2 is below the threshold


def test_ambiguous_names_follow_the_rest_of_the_article() -> None:
    assert scores(place_topics([place("Georgia", 0.6)])) == {"United States": 0.48}
    with_tbilisi = scores(place_topics([place("Georgia", 0.6), place("Tbilisi", 0.3)]))
    assert set(with_tbilisi) == {"Georgia"} and with_tbilisi["Georgia"] > 0.6
    with_russia = place_topics([place("Georgia", 0.6), place("Russia", 0.4)])
    assert [t.key for t in with_russia] == ["georgia", "russia"]
    with_atlanta = place_topics([place("Georgia", 0.6), place("Atlanta", 0.3)])
    assert [t.key for t in with_atlanta] == ["united states"]
    birmingham = place_topics([place("Birmingham", 0.5), place("Alabama", 0.4)])
    assert [t.key for t in birmingham] == ["united states"]
    assert place_topics([place("Birmingham", 0.5)])[0].key == "united kingdom"


def test_organisations_count_only_when_named_as_a_country_and_people_never() -> None:
    org_country = place_topics([place("United States", 0.5, EntityLabel.ORG)])
    assert [t.key for t in org_country] == ["united states"]
    assert place_topics([place("Chelsea", 0.9, EntityLabel.ORG)]) == []
    assert place_topics([place("Madrid", 0.9, EntityLabel.ORG)]) == []  # Real Madrid, say
    assert place_topics([place("Jordan", 0.9, EntityLabel.PERSON)]) == []
    assert place_topics([]) == []
    assert DEFAULT_MIN_SCORE > 0.2  # above one mention early in the body (0.06 + 0.15)


def test_the_seed_article_is_about_afghanistan_china_and_russia(
    entity_extractor: EntityExtractor,
) -> None:
    from support import SEED, require
    from tidings.extract import decode_text, extract_text_dump

    require(SEED.is_file(), f"seed page missing at {SEED}")
    article = extract_text_dump(decode_text(SEED.read_bytes()), None)
    entities = entity_extractor.extract(article)
    names = {m.name for m in entities if m.label is EntityLabel.PLACE}
    assert {"Kabul", "Japan", "Taiwan"} <= names  # named once each, deep in the text
    topics = place_topics(entities)
    keys = [t.key for t in topics]
    assert set(keys[:3]) == {"afghanistan", "china", "russia"}
    got = scores(topics)
    assert got["Afghanistan"] > 0.9 and got["Russia"] > 0.9 and got["China"] > 0.99
    # "Chinese", "Afghan", "Russian" count as mentions of their country (China was 0.93
    # without them) and bring in no other place: nationality words of passing mentions
    # ("Japanese") stay below the threshold like the names themselves.
    assert set(keys) == {"afghanistan", "china", "russia", "united states"}
    by_name = {m.name: m for m in entities}
    assert "Chinese" in by_name["China"].aliases and "Afghan" in by_name["Afghanistan"].aliases
    assert "Chinese" not in by_name and "Japanese" not in by_name
    # Kabul adds to Afghanistan on top of the country itself.
    without_kabul = [m for m in entities if m.name != "Kabul"]
    assert scores(place_topics(without_kabul))["Afghanistan"] < got["Afghanistan"]
    # Japan and Taiwan are passing mentions; the United States (six mentions) ranks below.
    assert "japan" not in keys and "taiwan" not in keys
    assert keys.index("united states") == 3


def test_a_nationality_word_counts_like_a_mention_of_its_country() -> None:
    from tidings.enrich.entities import merge_mentions

    title_only = merge_mentions([], 100, 30, 0, nationalities=[("Zambian", 0)])
    named = merge_mentions([("Zambia", EntityLabel.PLACE, 0)], 100, 30, 0)
    assert title_only == [
        EntityMention("Zambia", EntityLabel.PLACE, 1, 0.56, 0, aliases=("Zambian",))
    ]
    assert (
        place_topics(title_only)
        == place_topics(named)
        == [TopicScore("zambia", "Zambia", "place", 0.56)]
    )
    both = merge_mentions(
        [("Kabul", EntityLabel.PLACE, 50), ("Afghanistan", EntityLabel.PLACE, 80)],
        100,
        30,
        0,
        nationalities=[("Afghan", 0), ("Afghans", 90), ("Muslim", 95)],
    )
    assert [(m.name, m.count) for m in both] == [("Afghanistan", 3), ("Kabul", 1)]
    assert scores(place_topics(both))["Afghanistan"] > scores(place_topics(named))["Zambia"]


@pytest.fixture(scope="module")
def wikinews_entities(entity_extractor: EntityExtractor) -> list[list[EntityMention]]:
    from tidings.pipeline.demo import wikinews_articles

    return entity_extractor.extract_many(list(wikinews_articles()))


def test_most_demo_stories_get_a_place_topic(
    wikinews_entities: list[list[EntityMention]],
) -> None:
    topics = [place_topics(entities) for entities in wikinews_entities]
    assert len(topics) == 310
    covered = sum(1 for t in topics if t) / len(topics)
    # Measured 0.865 (268 of 310) at the default threshold; 0.797 (247) before nationality
    # words ("Zambian government launches...") counted as mentions of their country.
    assert covered >= 0.84
    # Focused: most stories are about one or two places, none about a dozen.
    assert sum(1 for t in topics if 1 <= len(t) <= 2) / len(topics) >= 0.7
    assert max(len(t) for t in topics) <= 10
    counts: dict[str, int] = {}
    for t in topics:
        for topic in t:
            counts[topic.key] = counts.get(topic.key, 0) + 1
    assert counts["united states"] > counts["united kingdom"] > 10
    assert {"china", "india", "iran", "russia", "hong kong", "philippines"} <= set(counts)
    assert {"zambia", "samoa", "thailand", "serbia"} <= set(counts)  # from nationality words


def test_a_name_listed_under_two_countries_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings.enrich.places import _Index

    monkeypatch.setattr(gz, "COUNTRIES", "Ruritania :: Strelsau\nBorduria :: Strelsau\n")
    monkeypatch.setattr(gz, "TERRITORIES", "")
    monkeypatch.setattr(gz, "AMBIGUOUS", "")
    with pytest.raises(ValueError, match="Strelsau"):
        _Index()
