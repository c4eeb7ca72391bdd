"""extract_html on saved real pages (Mozilla Readability test pages) and small hand-made ones."""

from __future__ import annotations

import gzip
import html
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


GRAPH_PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<title>Floods close the coast road - Coastal Times</title>
<meta property="og:locale" content="pt_BR">
<meta name="author" content="Web Desk">
<link rel="canonical" href="/2022/03/floods">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Coastal Times site"},
  {"@type": ["NewsArticle"], "headline": "Floods close the coast road for a week",
   "author": [{"@type": "Person", "name": "Rita Gomes"}, {"@type": "Person", "name": "Li Wei"}],
   "publisher": {"@type": "Organization", "name": "Coastal Times"},
   "datePublished": "2022-03-04T06:15:00-03:00", "dateModified": "2022-03-05T10:00:00Z",
   "keywords": "Floods, Roads", "articleSection": "Region",
   "image": {"@type": "ImageObject", "url": "https://cdn.example.net/flood-road.jpg",
             "caption": "Water over the coast road", "creditText": "Ana Ribeiro"}}
]}
</script></head><body>
<article><h1>Floods close the coast road for a week</h1>{paragraphs}</article>
</body></html>
"""

BYLINE_PAGE = """<!doctype html>
<html lang="en"><head><title>Site name: The night the lights went out in town</title></head>
<body>
<header class="site-header"><span class="author">Site Staff</span></header>
<div class="article-body">
<div class="byline">By Jo March <time datetime="2020-10-01">Oct 1, 2020</time></div>
{paragraphs}
<p>Published: <time datetime="2020-10-01T08:00:00+01:00">1 October 2020</time></p>
</div></body></html>
"""


def _paragraphs() -> str:
    return "\n".join(f"<p>{p}</p>" for p in BODY)


def test_json_ld_graph_gives_headline_authors_date_publisher_tags_and_image() -> None:
    page = GRAPH_PAGE.replace("{paragraphs}", _paragraphs())
    article = extract_html(page, url="https://news.example.net/2022/03/floods?utm=x")
    assert article.title == "Floods close the coast road for a week"
    assert article.byline == "Rita Gomes, Li Wei"
    assert article.publisher == "Coastal Times"
    assert article.published == datetime(2022, 3, 4, 6, 15, tzinfo=timezone(timedelta(hours=-3)))
    assert article.language == "pt"
    assert article.topics == ("Region", "Floods", "Roads")
    assert article.url == "https://news.example.net/2022/03/floods?utm=x"
    assert article.images[0].url == "https://cdn.example.net/flood-road.jpg"
    assert (article.images[0].caption, article.images[0].credit) == (
        "Water over the coast road",
        "Ana Ribeiro",
    )
    assert list(article.body_paragraphs) == BODY  # the repeated headline is not body text


def test_byline_element_and_title_without_site_prefix() -> None:
    page = BYLINE_PAGE.replace("{paragraphs}", _paragraphs())
    article = extract_html(page)
    assert article.title == "The night the lights went out in town"
    assert article.byline == "Jo March"  # no "By", no date, not the header's "Site Staff"
    assert article.published == datetime(2020, 10, 1, tzinfo=UTC)


def test_property_meta_wins_over_name_meta_and_short_titles_keep_site() -> None:
    page = (
        "<html><head><title>Mozilla - Wikipedia</title>"
        '<meta name="dc.creator" content="Name Author">'
        '<meta property="dc:creator" content="Property Author">'
        '<meta name="article:author" content="Stale Name">'
        '<meta property="article:published_time" content="2019-02-24T01:18:13Z">'
        "</head><body>" + _paragraphs() + "</body></html>"
    )
    article = extract_html(page)
    assert article.title == "Mozilla - Wikipedia"  # "Mozilla" alone would say too little
    assert article.byline == "Property Author"
    assert article.published == datetime(2019, 2, 24, 1, 18, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("caption_html", "caption", "credit"),
    [
        (
            'Lifeguards on watch. <span class="credit">Photo by Kim Lee/Agency</span>',
            "Lifeguards on watch.",
            "Kim Lee/Agency",
        ),
        ("Lifeguards on watch. Getty Images", "Lifeguards on watch.", "Getty Images"),
        ("Foto: Beach News", None, "Beach News"),
        ("Kim Lee/Agency", None, "Kim Lee/Agency"),
    ],
)
def test_lead_image_caption_and_credit_from_matching_figure(
    caption_html: str, caption: str | None, credit: str | None
) -> None:
    page = (
        '<html><head><meta property="og:image" content="https://img.example.org/beach-day.jpg">'
        "<title>Crowds pack the beach on the hottest day of the year</title></head><body>"
        '<figure><img src="https://img.example.org/other-photo.jpg"><figcaption>Not this one'
        "</figcaption></figure>"
        '<figure><img srcset="https://img.example.org/beach-day-640x360.jpg 640w">'
        f"<figcaption>{caption_html}</figcaption></figure>" + _paragraphs() + "</body></html>"
    )
    image = extract_html(page).images[0]
    assert (image.caption, image.credit) == (caption, credit)


def test_page_without_structured_data_has_no_invented_metadata() -> None:
    page = "<html><body><h1>Short headline</h1>" + _paragraphs() + "</body></html>"
    article = extract_html(page)
    assert article.title == "Short headline"
    assert article.body_paragraphs[0] == BODY[0]
    assert article.byline is None
    assert article.publisher is None
    assert article.images == ()
    assert article.topics == ()


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["@type", "name", "headline", "author", "url", "caption", "@graph"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "headline",
                "name",
                "author",
                "creator",
                "publisher",
                "datePublished",
                "image",
                "keywords",
                "articleSection",
                "inLanguage",
                "license",
            ]
        ),
        _JSON_VALUES,
        max_size=6,
    ),
    meta=st.lists(
        st.tuples(
            st.sampled_from(
                ["og:title", "author", "article:published_time", "og:image", "keywords"]
            ),
            st.text(max_size=40),
        ),
        max_size=4,
    ),
)
def test_odd_structured_data_never_breaks_metadata(
    fields: dict[str, object], meta: list[tuple[str, str]]
) -> None:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", **fields})
    ld = ld.replace("</", "<\\/")  # keep the script element closed where it should be
    tags = "".join(
        f'<meta property="{key}" content="{html.escape(value, quote=True)}">' for key, value in meta
    )
    page = (
        f"<html><head>{tags}<script type='application/ld+json'>{ld}"
        f"</script></head><body>{_paragraphs()}</body></html>"
    )
    article = extract_html(page, url="https://example.org/a")
    assert article.title
    assert article.published is None or article.published.tzinfo is not None
    for image in article.images:
        assert image.url
