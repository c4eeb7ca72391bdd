"""Unit tests for the text-dump cleaner: line shapes, dates, bylines, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tidings.core.errors import ExtractError
from tidings.extract import extract_text_dump
from tidings.extract._dates import parse_date_line
from tidings.extract._shapes import (
    by_line,
    comment_count,
    duration_seconds,
    name_in_city,
    print_edition,
    split_credit,
)

PARAGRAPHS = [
    "The city council voted on Tuesday to close the old harbour bridge to cars for good.",
    "Cyclists and pedestrians will keep access while engineers assess how to repair it.",
    "The decision follows years of complaints about traffic and rising maintenance costs.",
]


@pytest.mark.parametrize(
    ("line", "seconds"),
    [("02:10", 130), ("6:32", 392), ("1:02:03", 3723), ("(03:59)", 239), ("2:75", None)],
)
def test_duration_shapes(line: str, seconds: int | None) -> None:
    assert duration_seconds(line) == seconds


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A crowd gathers. Photo: AFP", ("A crowd gathers.", "AFP")),
        ("A crowd gathers. Photograph: Jane Doe/Reuters", ("A crowd gathers.", "Jane Doe/Reuters")),
        ("A crowd gathers. Image: Getty Images", ("A crowd gathers.", "Getty Images")),
        ("A crowd gathers. Picture: Supplied", ("A crowd gathers.", "Supplied")),
        ("A crowd gathers. (Reuters)", ("A crowd gathers.", "Reuters")),
        ("A crowd gathers. Credit: John Smith", ("A crowd gathers.", "John Smith")),
        (
            "Prices rose. Source: Office for National Statistics",
            ("Prices rose.", "Office for National Statistics"),
        ),
        ("Photo: AP", (None, "AP")),
        ("He said the picture: was unclear to everyone involved.", None),
        ("The minister (who declined to comment) left.", None),
    ],
)
def test_caption_credit_shapes(line: str, expected: tuple[str | None, str] | None) -> None:
    assert split_credit(line) == expected


def test_print_edition_shapes() -> None:
    assert print_edition(
        "This article appeared in the Daily Planet print edition as: Heroes return"
    ) == ("Daily Planet", "Heroes return")
    assert print_edition(
        "A version of this article appears in print on Jan. 14, 2017, on Page A6 of the New York"
        " edition with the headline: U.S. to Lift Sudan Sanctions."
    ) == (None, "U.S. to Lift Sudan Sanctions")
    assert print_edition("The paper's print edition sold well.") is None


@pytest.mark.parametrize(
    ("line", "count", "bare"),
    [
        ("44", 44, True),
        ("44", None, False),
        ("44 comments", 44, False),
        ("Comments (1,204)", 1204, False),
        ("Comments: 3", 3, False),
        ("View all 9 comments", 9, False),
        ("There were 44 comments", None, False),
    ],
)
def test_comment_count_shapes(line: str, count: int | None, bare: bool) -> None:
    assert comment_count(line, bare=bare) == count


def test_byline_shapes() -> None:
    assert by_line("By Jane Doe") == "Jane Doe"
    assert by_line("BY JANE DOE, Political Editor") == "JANE DOE"
    assert by_line("By Jane Doe in Beijing") == "Jane Doe"
    assert by_line("By the time he arrived it was over") is None
    assert by_line("By Monday, the deal had collapsed.") is None
    assert name_in_city("Finbarr Bermingham in Brussels") == "Finbarr Bermingham"
    assert name_in_city("Rain in Spain") is None
    assert name_in_city("Jane Doe said prices rose in Brussels.") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 3:00pm, 17 Aug, 2021", datetime(2021, 8, 17, 15, 0, tzinfo=UTC)),
        ("17 August 2021", datetime(2021, 8, 17, tzinfo=UTC)),
        ("August 17, 2021", datetime(2021, 8, 17, tzinfo=UTC)),
        ("2021-08-17", datetime(2021, 8, 17, tzinfo=UTC)),
        (
            "2021-08-17T15:00:00+08:00",
            datetime(2021, 8, 17, 15, 0, tzinfo=timezone(timedelta(hours=8))),
        ),
        (
            "Tuesday, August 17, 2021 10:30 AM EDT",
            datetime(2021, 8, 17, 10, 30, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("Updated: 17 Aug 2021", datetime(2021, 8, 17, tzinfo=UTC)),
    ],
)
def test_date_lines(line: str, expected: datetime) -> None:
    parsed = parse_date_line(line)
    assert parsed is not None
    assert parsed[0] == expected
    assert parsed[0].tzinfo is not None


@pytest.mark.parametrize(
    "line", ["He was born on 17 August 2021 in Leeds.", "May 2020", "44", "31 Feb 2021"]
)
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


def test_published_prefers_publication_over_update() -> None:
    parsed = parse_date_line("Updated: 18 Aug 2021 | Published: 17 Aug 2021")
    assert parsed == (datetime(2021, 8, 17, tzinfo=UTC), False)


def test_minimal_dump_without_furniture() -> None:
    text = "Harbour bridge closes to cars for good after council vote\n\n" + "\n\n".join(PARAGRAPHS)
    article = extract_text_dump(text)
    assert article.title == "Harbour bridge closes to cars for good after council vote"
    assert list(article.body_paragraphs) == PARAGRAPHS
    assert article.standfirst == ()
    assert article.language == "en"


def test_crosshead_and_trailing_junk() -> None:
    text = "\n".join(
        [
            "Harbour bridge closes to cars for good after council vote",
            PARAGRAPHS[0],
            "What next",
            PARAGRAPHS[1],
            PARAGRAPHS[2],
            "Most shared",
            "Weather",
        ]
    )
    article = extract_text_dump(text)
    assert list(article.body_paragraphs) == [PARAGRAPHS[0], "What next", *PARAGRAPHS[1:]]


def test_headline_after_header_promotion() -> None:
    text = "\n".join(
        [
            "Get the app for a better reading experience",
            "Download now",
            "",
            "Harbour bridge closes to cars for good after council vote",
            "",
            *PARAGRAPHS,
        ]
    )
    assert extract_text_dump(text).title == (
        "Harbour bridge closes to cars for good after council vote"
    )


def test_naive_dates_are_utc_and_bylines_found() -> None:
    text = "\n".join(
        [
            "Harbour bridge closes to cars for good after council vote",
            "By Ana Lima",
            "17 August 2021 09:15",
            *PARAGRAPHS,
        ]
    )
    article = extract_text_dump(text)
    assert article.byline == "Ana Lima"
    assert article.published == datetime(2021, 8, 17, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", "\x00\x01\x02binary\x00" * 20])
def test_empty_or_binary_input_raises(text: str) -> None:
    with pytest.raises(ExtractError):
        extract_text_dump(text)


def test_no_title_raises() -> None:
    with pytest.raises(ExtractError, match="headline"):
        extract_text_dump("\n".join(p.lower() for p in PARAGRAPHS))


def test_no_body_raises() -> None:
    with pytest.raises(ExtractError, match="body"):
        extract_text_dump("Harbour bridge closes to cars for good\nAdvertisement\n44")


def test_non_str_raises() -> None:
    with pytest.raises(ExtractError):
        extract_text_dump(b"bytes are not text")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headline",
    ["Is this the end of the road for the harbour bridge after all?", "iPhone sales soar in Asia"],
)
def test_question_and_brand_headlines(headline: str) -> None:
    article = extract_text_dump(headline + "\n\n" + "\n\n".join(PARAGRAPHS))
    assert article.title == headline
    assert list(article.body_paragraphs) == PARAGRAPHS


def test_inline_parenthesis_is_not_a_credit() -> None:
    line = "Mr Howard dismissed claims about the British National Party (BNP)."
    assert split_credit(line) is None
    article = extract_text_dump("Howard rejects party's claim\n\n" + line + "\n\n" + PARAGRAPHS[0])
    assert list(article.body_paragraphs) == [line, PARAGRAPHS[0]]
    assert article.images == ()
