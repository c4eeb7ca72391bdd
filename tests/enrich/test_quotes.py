"""Direct quotations and their speakers: the seed article, each attribution pattern, bad input."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support import SEED, require
from tidings.core import EntityLabel, EntityMention, Quote
from tidings.enrich.entities import EntityExtractor
from tidings.enrich.quotes import MAX_QUOTES, extract_quotes
from tidings.extract import decode_text, extract_text_dump

PERSON, ORG, PLACE = EntityLabel.PERSON, EntityLabel.ORG, EntityLabel.PLACE
PEOPLE = (
    EntityMention("Wang Yi", PERSON, count=12),
    EntityMention("Sergey Lavrov", PERSON, count=6),
    EntityMention("Fu Xiaoqiang", PERSON, count=2),
    EntityMention("Taliban", ORG, count=8),
    EntityMention("Ministry of State Security", ORG),
    EntityMention("China", PLACE, count=12),
)


def one(paragraphs: Sequence[str], entities: Sequence[EntityMention] = PEOPLE) -> Quote:
    quotes = extract_quotes(paragraphs, entities)
    assert len(quotes) == 1, quotes
    return quotes[0]


def assert_offsets(paragraphs: Sequence[str], quotes: Sequence[Quote]) -> None:
    for q in quotes:
        assert 0 <= q.paragraph < len(paragraphs)
        assert 0 <= q.start < q.end <= len(paragraphs[q.paragraph])
        assert paragraphs[q.paragraph][q.start : q.end] == q.text


# -- the seed article --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_quotes(entity_extractor: EntityExtractor) -> tuple[tuple[str, ...], list[Quote]]:
    require(SEED.is_file(), f"seed page missing at {SEED}")
    article = extract_text_dump(decode_text(SEED.read_bytes()), None)
    entities = entity_extractor.extract_many([article])[0]
    return article.body_paragraphs, extract_quotes(article.body_paragraphs, entities)


def test_seed_quotes_are_attributed_to_wang_yi_and_fu_xiaoqiang(
    seed_quotes: tuple[tuple[str, ...], list[Quote]],
) -> None:
    paragraphs, quotes = seed_quotes
    assert_offsets(paragraphs, quotes)
    doomed = next(q for q in quotes if q.text.endswith("doomed to fail"))
    assert doomed.speaker == "Wang Yi"
    assert doomed.text.startswith("It has been the international consensus that this ending")
    partners = next(q for q in quotes if q.text.startswith("China and Russia are trustworthy"))
    assert partners.speaker == "Wang Yi"
    assert partners.text.endswith("Such efforts will not succeed")  # the comma stays outside
    etim = next(q for q in quotes if "including the ETIM" in q.text)
    assert etim.speaker == "Wang Yi"  # "…," said Wang.
    important = next(q for q in quotes if q.text.startswith("It is important that"))
    assert important.speaker == "Fu Xiaoqiang"  # "…," Fu said
    # A paragraph that is only a quotation continues the previous speaker.
    anticipate = next(q for q in quotes if q.text.startswith("We can anticipate that"))
    assert anticipate.speaker == "Fu Xiaoqiang"
    assert anticipate.paragraph == important.paragraph + 1
    speakers = [q.speaker for q in quotes]
    assert speakers.count("Wang Yi") >= 4 and speakers.count("Fu Xiaoqiang") >= 2


def test_seed_scare_quotes_and_short_terms_are_not_quotations(
    seed_quotes: tuple[tuple[str, ...], list[Quote]],
) -> None:
    _, quotes = seed_quotes
    texts = {q.text for q in quotes}
    assert "inevitable" not in texts  # been“inevitable”
    assert "soft landing" not in texts
    assert "moderate and stable religious policy" not in texts  # a phrase with no speaker
    assert all(len(q.text.split()) >= 4 for q in quotes)


def test_seed_role_speaker_is_kept_as_written(
    seed_quotes: tuple[tuple[str, ...], list[Quote]],
) -> None:
    _, quotes = seed_quotes
    ministry = next(q for q in quotes if q.text.startswith("In view of the upcoming anniversary"))
    assert ministry.speaker == "the ministry"


# -- attribution patterns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "speaker", "text"),
    [
        ("“The plan is doomed to fail,” Wang said.", "Wang Yi", "The plan is doomed to fail"),
        (
            '"The plan is doomed to fail," said Lavrov.',
            "Sergey Lavrov",
            "The plan is doomed to fail",
        ),
        ("Wang said: “We will protect our interests in the region.”", "Wang Yi", None),
        ("Lavrov told reporters, “Our partnership is stronger than ever.”", "Sergey Lavrov", None),
        (
            "“Ties are at their best in history,” Foreign Minister Wang told Lavrov.",
            "Wang Yi",
            None,
        ),
        ("“Ties are at their best in history,” WANG YI said on Monday.", "Wang Yi", None),
        ("“Ties are at their best in history,” Wang was quoted as saying.", "Wang Yi", None),
        ("“Ties are at their best in history,” according to Lavrov.", "Sergey Lavrov", None),
        (
            "According to Fu, “the security situation would not be optimistic.”",
            "Fu Xiaoqiang",
            None,
        ),
        (
            "“We will cut all ties with terrorists,” the Taliban said in a statement.",
            "Taliban",
            None,
        ),
        ("“No,” Wang said.", "Wang Yi", "No"),  # short, but attributed right next to it
        ("“Why not?” asked Lavrov.", "Sergey Lavrov", "Why not?"),
        (
            "Fu Xiaoqiang, vice-president of a think tank affiliated with the Ministry of State "
            "Security, said China should build “a normal country that is neutral and safe”.",
            "Fu Xiaoqiang",
            "a normal country that is neutral and safe",
        ),
    ],
)
def test_attribution_patterns(paragraph: str, speaker: str, text: str | None) -> None:
    quote = one([paragraph])
    assert quote.speaker == speaker
    if text is not None:
        assert quote.text == text
    assert_offsets([paragraph], [quote])


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ("“The talks went well,” said Amnesty International director Man-kei Tam.", "Man-kei Tam"),
        (
            "Offering his condolences, parliament speaker Ali Larijani wrote on Instagram: “His "
            "life was committed to public service.”",
            "Ali Larijani",
        ),
        ("Blankenship concurred: “We need to stop policing the world,” he argued.", "Blankenship"),
        (
            "“Stripes may dazzle flies in some way,” said study co-author and Research Fellow "
            "Martin How.",
            "Martin How",
        ),
        (
            "“Ties are strong,” Crystal Smith of the tribal office told those gathered.",
            "Crystal Smith",
        ),
    ],
)
def test_names_without_entities_are_taken_from_the_attribution(
    paragraph: str, speaker: str
) -> None:
    assert one([paragraph], ()).speaker == speaker


def test_pronoun_is_the_subject_of_the_nearest_sentence_naming_someone() -> None:
    paragraphs = [
        "Wang met Lavrov in Guilin on Monday.",
        "“We will never allow anyone to divide our two countries,” he said.",
    ]
    assert one(paragraphs).speaker == "Wang Yi"  # the subject, not the last name
    paragraphs = [
        "Lavrov arrived on Sunday. He said Wang was a trusted partner.",
        "“We will never allow anyone to divide our two countries,” he added.",
    ]
    assert one(paragraphs).speaker == "Sergey Lavrov"  # "He said Wang…" is still Lavrov
    unnamed = ["“We will never allow anyone to divide our two countries,” he said."]
    assert one(unnamed).speaker is None  # nobody named before: no guess


def test_it_is_the_organisation_last_named() -> None:
    paragraphs = [
        "The Taliban issued a statement on Sunday.",
        "“Foreign forces must leave by the end of the month,” it said.",
    ]
    assert one(paragraphs).speaker == "Taliban"


def test_speaker_named_in_the_previous_sentence_or_paragraph() -> None:
    same = [
        "Lavrov spoke to reporters in Moscow on Tuesday. “We will never accept interference "
        "in the internal affairs of our partners.”"
    ]
    assert one(same).speaker == "Sergey Lavrov"
    previous = [
        "Fu Xiaoqiang wrote about the risks on the institute's account.",
        "“Security will remain the main challenge for a considerably long period.”",
    ]
    assert one(previous).speaker == "Fu Xiaoqiang"
    # The subject of the previous sentence, not whoever it names last.
    two = ["Wang met Lavrov in Guilin. “Our ties surpass any alliance of the Cold War era.”"]
    assert one(two).speaker == "Wang Yi"


def test_quote_after_an_attributed_quote_keeps_its_speaker() -> None:
    paragraphs = [
        "“Such efforts will not succeed,” Wang told Lavrov.",
        "“Our two nations are trustworthy, reliable and invincible partners.”",
    ]
    quotes = extract_quotes(paragraphs, PEOPLE)
    assert [q.speaker for q in quotes] == ["Wang Yi", "Wang Yi"]


def test_quote_continued_over_paragraphs_without_a_closing_mark() -> None:
    paragraphs = [
        "“The new regime must cut ties with all international terrorist groups,",
        "“and prevent the country from becoming a hub of extremist forces again,” said Wang.",
        "The talks ended on Monday.",
    ]
    quotes = extract_quotes(paragraphs, PEOPLE)
    assert [(q.paragraph, q.speaker) for q in quotes] == [(0, "Wang Yi"), (1, "Wang Yi")]
    assert quotes[0].text == (
        "The new regime must cut ties with all international terrorist groups"
    )
    assert_offsets(paragraphs, quotes)


def test_role_speakers_are_kept_as_written_when_no_person_matches() -> None:
    quote = one(["“The talks were constructive and frank,” a spokesman for the ministry said."])
    assert quote.speaker == "a spokesman for the ministry"
    # A role *for* a named person is still the role, not the person.
    quote = one(["“The talks were constructive and frank,” said a spokesman for Wang Yi."])
    assert quote.speaker == "a spokesman for Wang Yi"
    # A possessive names whose spokesman it is, not the speaker.
    quote = one(["Lavrov's spokeswoman said: “The talks were constructive and frank.”"])
    assert quote.speaker == "Lavrov's spokeswoman"
    # An attribution that names no one and is no role gives no speaker.
    quote = one(["“The talks were constructive and frank,” they said."])
    assert quote.speaker is None


def test_straight_quotes_with_nested_single_quotes() -> None:
    paragraph = "\"He told me 'never again' and I believed him,\" Wang said."
    quote = one([paragraph])
    assert quote.text == "He told me 'never again' and I believed him"
    assert quote.speaker == "Wang Yi"


@pytest.mark.parametrize(
    "paragraph",
    [
        "Wang said the collapse had been“inevitable” and was proof of failure.",
        "Both sides hoped for a “soft landing” in Afghanistan.",
        "The film “Gone with the Wind” was shown again.",
        "The slogan “Make Peace Work Again” appeared on a banner in the square.",
    ],
)
def test_scare_quotes_and_titles_are_not_quotations(paragraph: str) -> None:
    assert extract_quotes([paragraph], PEOPLE) == []


def test_unbalanced_and_empty_input() -> None:
    assert extract_quotes([]) == []
    assert extract_quotes(["", "   "]) == []
    assert extract_quotes(["No quotation marks at all."]) == []
    # An opening mark never closed, with no paragraph continuing it, is not a quotation.
    assert extract_quotes(['Wang said "this never closes and goes on and on']) == []
    # A stray closing mark and an inch mark are ignored; the real quotation is still found.
    paragraph = 'He is 5\'10" tall." Later, Wang said: "We will hold more talks in Moscow soon."'
    quote = one([paragraph])
    assert quote.text == "We will hold more talks in Moscow soon."
    assert quote.speaker == "Wang Yi"
    # Only quotation marks, or marks around nothing.
    assert extract_quotes(['""', "“”", '" "', "“", "”"]) == []


def test_without_entities_names_are_kept_as_written() -> None:
    quote = one(["“We will keep our embassy open in Kabul,” Zhao said."], ())
    assert quote.speaker == "Zhao"


# -- robustness --------------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Wang Fu said told he:,.?!'\"“”‘’„«»\n-—")), max_size=200
)


@settings(max_examples=300, deadline=None)
@given(paragraphs=st.lists(_TEXT, max_size=6))
def test_offsets_are_always_valid_and_it_never_raises(paragraphs: list[str]) -> None:
    quotes = extract_quotes(paragraphs, PEOPLE)
    assert_offsets(paragraphs, quotes)
    assert all(q.speaker is None or q.speaker.strip() == q.speaker != "" for q in quotes)


@settings(max_examples=100, deadline=None)
@given(paragraphs=st.lists(st.text(max_size=300), max_size=4))
def test_arbitrary_unicode_never_raises(paragraphs: list[str]) -> None:
    assert_offsets(paragraphs, extract_quotes(paragraphs, PEOPLE))


def test_a_300_kb_body_is_handled_in_bounded_work() -> None:
    unit = (
        "Wang met Lavrov again. “We will work together on every front of this partnership,” "
        "he said. Both sides hoped for a “soft landing”. "
    )
    huge = unit * (300_000 // len(unit) + 1)  # one 300 KB paragraph
    many = [unit] * 2500  # or 2,500 paragraphs
    for paragraphs in ([huge], many):
        quotes = extract_quotes(paragraphs, PEOPLE)
        assert 0 < len(quotes) <= MAX_QUOTES
        assert {q.text for q in quotes} == {
            "We will work together on every front of this partnership"
        }
        assert {q.speaker for q in quotes} == {"Wang Yi"}
        assert_offsets(paragraphs, quotes)
    # A 300 KB paragraph of unbalanced marks.
    noise = ("“" + "word " * 50) * 1200
    assert_offsets([noise], extract_quotes([noise], PEOPLE))


def _wikinews() -> list[list[str]]:
    data = resources.files("tidings.demo").joinpath("wikinews-articles.jsonl.gz").read_bytes()
    rows = [json.loads(line) for line in gzip.decompress(data).decode("utf-8").splitlines()]
    return [[p.strip() for p in row["text"].split("\n\n") if p.strip()] for row in rows]


def test_wikinews_demo_stories() -> None:
    stories = _wikinews()
    total = 0
    for paragraphs in stories:
        quotes = extract_quotes(paragraphs)
        assert_offsets(paragraphs, quotes)
        total += len(quotes)
    assert total > 500  # the bundled stories quote people throughout
    khan = next(
        q
        for paragraphs in stories
        for q in extract_quotes(paragraphs)
        if q.text.startswith("Terrorists seek to divide us")
    )
    assert khan.speaker == "Khan"  # "…," said Khan, "…" (no entities given: as written)


def test_adverb_runs_and_punctuation_runs_take_linear_time() -> None:
    """Inputs that made the attribution and sentence patterns backtrack: each used to take
    hours (adverbs, exponential) or a minute (punctuation, quadratic); the suite's timeout
    would stop them."""
    from tidings.enrich.sentences import sentence_spans

    quoted = '"This is a long enough quotation here," ' + "once " * 40 + "x"
    assert [q.text for q in extract_quotes([quoted])] == ["This is a long enough quotation here"]
    dots = '"one two three four five" Wang Yi said. ' + "." * 200_000 + "x"
    found = extract_quotes([dots], [])
    assert [q.speaker for q in found] == ["Wang Yi"]
    assert len(sentence_spans("?" * 200_000 + " Next")) >= 1
