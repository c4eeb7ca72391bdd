"""Summaries: the standfirst when there is one, else lead sentences from the body; and the
sentence splitter they rest on."""

from __future__ import annotations

import gzip
import json
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support import SEED, SEED_STANDFIRST, require
from tidings.core import Article
from tidings.enrich.sentences import split_sentences
from tidings.enrich.summary import summarise
from tidings.extract import decode_text, extract_text_dump


def _wikinews() -> list[Article]:
    data = resources.files("tidings.demo").joinpath("wikinews-articles.jsonl.gz").read_bytes()
    rows = [json.loads(line) for line in gzip.decompress(data).decode("utf-8").splitlines()]
    return [
        Article(
            title=row["title"],
            body_paragraphs=tuple(p.strip() for p in row["text"].split("\n\n") if p.strip()),
        )
        for row in rows
    ]


WIKINEWS = _wikinews()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_seed_summary_is_its_standfirst() -> None:
    require(SEED.is_file(), f"seed page missing at {SEED}")
    article = extract_text_dump(decode_text(SEED.read_bytes()), None)
    assert list(article.standfirst) == SEED_STANDFIRST
    summary = summarise(article)
    # Both standfirst lines, each closed with a full stop.
    assert summary == f"{SEED_STANDFIRST[0]}. {SEED_STANDFIRST[1]}."
    assert "Advertisement" not in summary


def test_a_long_standfirst_is_cut_to_fit() -> None:
    article = Article(title="t", standfirst=("One line that is short.", "x " * 300))
    assert summarise(article, max_chars=100) == "One line that is short."
    long_first = Article(title="t", standfirst=("word " * 200,))
    summary = summarise(long_first, max_chars=100)
    assert len(summary) <= 100 and summary.endswith("…")


def test_wikinews_stories_get_one_to_three_body_sentences() -> None:
    assert len(WIKINEWS) == 310
    for article in WIKINEWS:
        summary = summarise(article)
        assert summary, article.title
        assert len(summary) <= 400
        sentences = split_sentences(summary)
        assert 1 <= len(sentences) <= 3, (article.title, summary)
        body = _flat(article.body_text)
        for sentence in sentences:
            assert sentence in body or (
                sentence.endswith("…") and sentence[:-1].rstrip() in body
            ), (article.title, sentence)


def test_wikinews_datelines_and_date_lines_are_skipped() -> None:
    brasilia = next(a for a in WIKINEWS if a.body_paragraphs[0].startswith("BRASÍLIA, Brazil –"))
    summary = summarise(brasilia)
    assert summary.startswith("Mr. Luiz Inácio Lula da Silva, the President of Brazil, met")
    dated = next(a for a in WIKINEWS if a.body_paragraphs[0] == "December 3, 2004")
    assert summarise(dated).startswith(dated.body_paragraphs[1][:40])
    oslo = next(a for a in WIKINEWS if a.body_paragraphs[0].startswith("OSLO — "))
    assert summarise(oslo).startswith("The 2004 Nobel Peace Prize was awarded today")


def test_abbreviations_decimals_and_initials_do_not_end_a_sentence() -> None:
    first = (
        "Mr. Smith of the U.S. Navy arrived in St. Louis on Jan. 5 at 3.5 p.m. with J. R. "
        "Jones, a consultant for Acme Corp. and a former Sen. from Ohio."
    )
    article = Article(title="Navy visit", body_paragraphs=(first, "He left the next day again."))
    summary = summarise(article, max_sentences=1)
    assert summary == first


def test_boilerplate_is_skipped() -> None:
    article = Article(
        title="Floods hit the valley",
        body_paragraphs=(
            "By Jane Doe",
            "LONDON (Reuters) - Heavy floods hit the valley on Monday, cutting off three towns.",
            "Advertisement",
            "Photo: Reuters",
            "Rescue teams reached the towns by boat on Tuesday morning after the rain stopped.",
            "Read more: how floods are forecast",
        ),
    )
    summary = summarise(article)
    assert summary.startswith("Heavy floods hit the valley on Monday")
    for junk in ("Jane Doe", "Advertisement", "Photo", "Read more", "LONDON"):
        assert junk not in summary


def test_sentences_are_kept_whole_with_quotations() -> None:
    lead = "“We will win. There is no doubt about it,” the coach told reporters on Sunday."
    article = Article(title="Coach", body_paragraphs=(lead, "The final is on Saturday in Rome."))
    assert summarise(article, max_sentences=1) == lead


@pytest.mark.parametrize(("max_sentences", "max_chars"), [(1, 400), (2, 400), (3, 120)])
def test_limits_are_respected(max_sentences: int, max_chars: int) -> None:
    for article in WIKINEWS[:60]:
        summary = summarise(article, max_sentences=max_sentences, max_chars=max_chars)
        assert 0 < len(summary) <= max_chars
        assert len(split_sentences(summary)) <= max_sentences


def test_empty_articles_have_no_summary() -> None:
    assert summarise(Article(title="")) == ""
    assert summarise(Article(title="Only a title")) == ""
    assert summarise(Article(title="t", body_paragraphs=("", "   "), standfirst=(" ",))) == ""
    assert summarise(Article(title="t", body_paragraphs=("Advertisement",))) == ""


def test_split_sentences() -> None:
    assert split_sentences("He lives in the U.S. The next day he left.") == [
        "He lives in the U.S.",
        "The next day he left.",
    ]
    assert split_sentences("The U.S. economy grew 3.2% in 2020. Officials were pleased!") == [
        "The U.S. economy grew 3.2% in 2020.",
        "Officials were pleased!",
    ]
    assert split_sentences("Dr. No met Mr. Bond. “Stop. Now,” he said. Bond ran.") == [
        "Dr. No met Mr. Bond.",
        "“Stop. Now,” he said.",
        "Bond ran.",
    ]
    assert split_sentences("") == []
    assert split_sentences("no full stop at all") == ["no full stop at all"]


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(max_size=50),
    standfirst=st.lists(st.text(max_size=80), max_size=2),
    body=st.lists(st.text(alphabet=st.sampled_from(list("Ab .?!“”\"'U.S. Mr\n–-")), max_size=300)),
    max_sentences=st.integers(0, 4),
    max_chars=st.integers(0, 500),
)
def test_never_raises_and_stays_within_limits(
    title: str, standfirst: list[str], body: list[str], max_sentences: int, max_chars: int
) -> None:
    article = Article(title=title, standfirst=tuple(standfirst), body_paragraphs=tuple(body))
    summary = summarise(article, max_sentences=max_sentences, max_chars=max_chars)
    assert len(summary) <= max_chars
