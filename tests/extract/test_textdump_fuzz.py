"""Property tests: the text-dump cleaner never crashes and never invents body text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tidings.core.errors import ExtractError
from tidings.core.models import Article
from tidings.extract import extract_text_dump

_FURNITURE = ["Advertisement", "02:10", "44", "Photo: AFP", "By Jane Doe", "17 August 2021"]
_WORDS = st.sampled_from(
    [
        "The",
        "minister",
        "said",
        "China",
        "Russia",
        "talks",
        "on",
        "Monday",
        "will",
        "continue",
        "Taliban",
        "“quote”",
        "‘lesson’",
        "in",
        "Kabul",
        "and",
        "•",
        "-",
        "Photo:",
        "AFP",
        "2021",
    ]
)
_SENTENCE = (
    st.lists(_WORDS, min_size=1, max_size=30)
    .map(" ".join)
    .flatmap(lambda words: st.sampled_from([words, words + ".", words + "?", words + ":"]))
)
_LINE = st.one_of(_SENTENCE, st.sampled_from(_FURNITURE), st.text(max_size=80), st.just(""))


_HEADLINE = st.lists(_WORDS, min_size=4, max_size=12).map(lambda w: "Breaking " + " ".join(w))
_PARAGRAPH = st.lists(_WORDS, min_size=8, max_size=40).map(lambda w: "Then " + " ".join(w) + ".")


@st.composite
def _dump(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_LINE, max_size=5))
    lines.append(draw(_HEADLINE))
    lines += draw(st.lists(st.one_of(_PARAGRAPH, _PARAGRAPH, _LINE), min_size=1, max_size=25))
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    return separator.join(lines)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.lstrip("\ufeff").splitlines()]


def _check(text: str) -> None:
    try:
        article = extract_text_dump(text)
    except ExtractError:
        return
    assert isinstance(article, Article)
    assert article.title
    assert article.body_paragraphs
    remaining = iter(_lines(text))
    for paragraph in article.body_paragraphs:
        assert paragraph
        assert any(paragraph == line for line in remaining), paragraph


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=40).map("\n".join))
def test_article_like_text_never_crashes(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(_dump())
def test_dump_shaped_text_keeps_body_a_subsequence_of_lines(text: str) -> None:
    _check(text)
