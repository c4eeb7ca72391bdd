"""extract_html on saved real pages (Mozilla Readability test pages) and small hand-made ones."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tidings.core.errors import ExtractError
from tidings.extract import extract_html

CASES = {
    "bbc-1": "the BBC's North America editor Jon Sopel said the president did not",
    "cnn": "The report assessed poverty levels, income and wealth inequality, economic mobility",
    "ars-1": "The bug resides in the networking internals of the Minecraft protocol.",
    "nytimes-1": "In return, Sudan will improve access for aid groups",
}

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="{charset}">
<title>{title} | The Gazette</title>
<meta property="og:site_name" content="The Gazette">
<meta property="og:image" content="https://img.example.org/2021/harbour-bridge-1200x630.jpg">
<meta property="article:published_time" content="2021-08-17T09:30:00+02:00">
<meta name="author" content="Ana Lima">
<meta name="keywords" content="Transport, City council">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>
<figure><img src="https://img.example.org/2021/harbour-bridge-640x360.jpg">
<figcaption>The old bridge at dawn. Photo: Jo Bloggs</figcaption></figure>
{paragraphs}
</article>
<footer>© The Gazette</footer>
</body></html>
"""
BODY = [
    "The city council voted on Tuesday to close the old harbour bridge to cars for good, ending"
    " a decade of debate about the crumbling structure.",
    "Cyclists and pedestrians will keep access while engineers assess how best to repair it,"
    " the council said in a statement after the vote.",
    "The decision follows years of complaints from residents about traffic, noise and the rising"
    " cost of maintenance, which has doubled since 2015.",
    "Opponents said the closure would push traffic onto narrow residential streets and promised"
    " to challenge the decision in court next month.",
]


def _page(
    title: str = "Harbour bridge closes to cars", charset: str = "utf-8", lang: str = "en-GB"
) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY)
    return PAGE.format(title=title, charset=charset, lang=lang, paragraphs=paragraphs)


@pytest.mark.parametrize("case", sorted(CASES))
def test_readability_pages(readability_pages: Path, case: str) -> None:
    folder = readability_pages / case
    metadata = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    article = extract_html(gzip.decompress((folder / "source.html.gz").read_bytes()))
    assert article.title == metadata["title"]
    if metadata.get("siteName"):
        assert article.publisher == metadata["siteName"]
    assert any(CASES[case] in paragraph for paragraph in article.body_paragraphs)
    assert article.language == "en"
    assert article.published is None or article.published.tzinfo is not None


@pytest.mark.parametrize("case", ["cnn", "ars-1", "nytimes-1"])
def test_readability_bylines(readability_pages: Path, case: str) -> None:
    folder = readability_pages / case
    metadata = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    article = extract_html(gzip.decompress((folder / "source.html.gz").read_bytes()))
    assert article.byline is not None
    assert article.byline.casefold() in metadata["byline"].casefold()


def test_readability_published_time_keeps_offset(readability_pages: Path) -> None:
    article = extract_html(
        gzip.decompress((readability_pages / "bbc-1" / "source.html.gz").read_bytes())
    )
    assert article.published == datetime(2015, 7, 24, 5, 36, 9, tzinfo=timezone(timedelta(hours=1)))


def test_handmade_page_metadata() -> None:
    article = extract_html(_page().encode("utf-8"), url="https://example.org/bridge")
    assert article.title == "Harbour bridge closes to cars"
    assert article.url == "https://example.org/bridge"
    assert article.publisher == "The Gazette"
    assert article.byline == "Ana Lima"
    assert article.language == "en"
    assert article.published == datetime(2021, 8, 17, 7, 30, tzinfo=UTC)
    assert list(article.body_paragraphs) == BODY
    assert article.topics == ("Transport", "City council")
    assert len(article.images) == 1
    image = article.images[0]
    assert image.url == "https://img.example.org/2021/harbour-bridge-1200x630.jpg"
    assert (image.caption, image.credit) == ("The old bridge at dawn.", "Jo Bloggs")


def test_declared_charset_is_honoured() -> None:
    title = "Brücke für Autos gesperrt – Gemeinderat entscheidet"
    data = _page(title=title, charset="iso-8859-1", lang="de").replace("–", "-").encode("cp1252")
    article = extract_html(data)
    assert article.title == title.replace("–", "-")
    assert article.language == "de"


def test_str_input_and_detected_language_without_lang_attribute() -> None:
    article = extract_html(_page(lang=""))
    assert article.language == "en"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        "",
        b"\x00\x01\x02\x03binary" * 50,
        b"<html><body><nav>Home</nav></body></html>",
    ],
)
def test_bad_pages_raise(data: bytes | str) -> None:
    with pytest.raises(ExtractError):
        extract_html(data)


def test_garbage_bytes_in_declared_utf8_raise() -> None:
    data = (
        b'<html><head><meta charset="utf-8"></head><body><p>'
        + bytes(range(128, 256)) * 40
        + b"</p></body></html>"
    )
    with pytest.raises(ExtractError, match="decode"):
        extract_html(data)
