"""Entity spans in plain text: offsets into the input, the news fixes on top of the model, and
canonical names within the text."""

from __future__ import annotations

from tidings.core import EntityLabel
from tidings.enrich.entities import EntityExtractor, clean_name
from tidings.enrich.spans import entity_spans

TEXT = (
    "Chinese Foreign Minister Wang Yi's talks with Sergey Lavrov in Guilin ran for 3 hours "
    "on Monday. Wang said ETIM, the East Turkestan Islamic Movement, was a threat, and "
    "the U.S. agreed."
)


def test_spans_point_into_the_text_with_titles_and_possessives_trimmed(
    entity_extractor: EntityExtractor,
) -> None:
    spans = next(entity_spans(entity_extractor.nlp, [TEXT]))
    assert all(TEXT[s.start : s.end] == s.text for s in spans)
    by_text = {s.text: s for s in spans}
    assert by_text["Wang Yi"].label is EntityLabel.PERSON  # not "Foreign Minister Wang Yi's"
    assert by_text["Sergey Lavrov"].label is EntityLabel.PERSON
    assert by_text["Guilin"].label is EntityLabel.PLACE
    assert by_text["U.S."].label is EntityLabel.PLACE  # the full stop is part of the name
    assert not any(ch.isdigit() for s in spans for ch in s.text)  # no "3 hours", no dates
    assert "Monday" not in by_text


def test_short_forms_take_the_full_name_given_in_the_same_text(
    entity_extractor: EntityExtractor,
) -> None:
    spans = next(entity_spans(entity_extractor.nlp, [TEXT]))
    wang = [s for s in spans if s.text == "Wang"]
    assert wang and all(s.canonical == "Wang Yi" and s.label is EntityLabel.PERSON for s in wang)
    etim = [s for s in spans if s.text == "ETIM"]
    assert etim and etim[0].canonical == "East Turkestan Islamic Movement"


def test_one_list_per_text_in_order_including_empty_ones(
    entity_extractor: EntityExtractor,
) -> None:
    out = list(entity_spans(entity_extractor.nlp, ["", "Angela Merkel visited Paris.", ""]))
    assert len(out) == 3 and out[0] == [] and out[2] == []
    assert {s.text for s in out[1]} >= {"Angela Merkel", "Paris"}


def test_clean_name_keeps_the_full_stop_of_abbreviations_only() -> None:
    assert clean_name("the U.S.") == "U.S."
    assert clean_name("Acme Corp.") == "Acme Corp."
    assert clean_name("Fla.") == "Fla."
    assert clean_name("China.") == "China"
    assert clean_name("Wang Yi.") == "Wang Yi"
    assert clean_name("Foreign Minister Wang Yi's") == "Wang Yi"


def test_the_seed_article_names_every_person_organisation_and_place_it_should(
    entity_extractor: EntityExtractor,
) -> None:
    from support import SEED, SEED_ORGS, SEED_PEOPLE, SEED_PLACES, require
    from tidings.extract import decode_text, extract_text_dump

    require(SEED.is_file(), f"seed page missing at {SEED}")
    article = extract_text_dump(decode_text(SEED.read_bytes()), None)
    found = entity_extractor.extract(article)
    names = {label: {m.name for m in found if m.label is label} for label in EntityLabel}
    assert names[EntityLabel.PERSON] >= SEED_PEOPLE
    assert names[EntityLabel.ORG] >= SEED_ORGS
    # Guilin is named only in the photo caption, Taiwan only in a related headline
    assert names[EntityLabel.PLACE] >= SEED_PLACES
    assert "State" not in names[EntityLabel.ORG]  # from "Secretary of State Antony Blinken"
    by_name = {m.name: m for m in found}
    assert by_name["Wang Yi"].salience > by_name["Yoshihide Suga"].salience
    assert by_name["Afghanistan"].salience > by_name["Guilin"].salience


def test_long_punctuation_runs_do_not_stall_the_tokenizer(
    entity_extractor: EntityExtractor,
) -> None:
    """spaCy's tokenizer is quadratic on long punctuation runs (about 9 s for 6,000 marks);
    they are blanked out before it, keeping offsets."""
    from tidings.core import Article
    from tidings.enrich.entities import defuse

    noise = "?!.,;:" * 30_000
    assert defuse("a " + noise + " b") == "a " + " " * len(noise) + " b"
    text = "Wang Yi met Sergey Lavrov. " + noise + " Lavrov spoke."
    (spans,) = entity_spans(entity_extractor.nlp, [text])
    assert [s.text for s in spans][:2] == ["Wang Yi", "Sergey Lavrov"]
    for s in spans:
        assert text[s.start : s.end] == s.text
    found = entity_extractor.extract(Article(title="Talks", body_paragraphs=(text,)))
    assert {"Wang Yi", "Sergey Lavrov"} <= {m.name for m in found}
