"""extract_file dispatch and errors, doc_id, article_record, sanitising, language detection."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tidings.core.errors import ExtractError
from tidings.core.models import Article, Image, RelatedLink, Video
from tidings.enrich.language import detect_language
from tidings.extract import (
    article_record,
    doc_id,
    extract_file,
    paragraphs_to_html,
    sanitize_html,
)

HTML = (
    "<html lang='en'><head><title>Harbour bridge closes to cars</title></head><body><article>"
    "<h1>Harbour bridge closes to cars</h1>"
    + "".join(
        f"<p>Paragraph {n}: the city council voted on Tuesday to close the old harbour bridge to"
        f" cars for good, ending a decade of debate about the crumbling structure.</p>"
        for n in range(1, 5)
    )
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scmp-afghanistan.txt", "scmp-afghanistan"),
        ("a.html.gz", "a"),
        ("page.htm", "page"),
        ("report.v2.txt.gz", "report"),
        ("notes-2021.08.17.txt", "notes-2021.08.17"),
        ("noext", "noext"),
    ],
)
def test_doc_id(name: str, expected: str) -> None:
    assert doc_id(Path("/some/dir") / name) == expected


def test_extract_file_text_dump(seed_path: Path, tmp_path: Path) -> None:
    assert extract_file(seed_path).comment_count == 44
    target = tmp_path / "seed.txt.gz"
    target.write_bytes(gzip.compress(seed_path.read_bytes()))
    assert (
        extract_file(target).title == "Turmoil in Afghanistan binding China and Russia even closer"
    )


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.html.gz", "page.HTM.GZ"])
def test_extract_file_html(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    data = HTML.encode("utf-8")
    path.write_bytes(gzip.compress(data) if name.lower().endswith(".gz") else data)
    article = extract_file(path, url="https://example.org/x")
    assert article.title == "Harbour bridge closes to cars"
    assert len(article.body_paragraphs) == 4
    assert article.url == "https://example.org/x"


def test_extract_file_readability_gz(readability_pages: Path, tmp_path: Path) -> None:
    target = tmp_path / "ars-1.html.gz"
    shutil.copy(readability_pages / "ars-1" / "source.html.gz", target)
    article = extract_file(target)
    assert article.title.startswith("Just-released Minecraft exploit")
    assert doc_id(target) == "ars-1"


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "data.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ExtractError, match=r"data\.pdf.*unsupported file type"):
        extract_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="cannot read"):
        extract_file(tmp_path / "gone.txt")


def test_bad_gzip(tmp_path: Path) -> None:
    path = tmp_path / "broken.html.gz"
    path.write_bytes(b"this is not gzip data")
    with pytest.raises(ExtractError, match=r"broken\.html\.gz.*gzip"):
        extract_file(path)


def test_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(gzip.compress(b"Some headline here today\n" * 200)[:40])
    with pytest.raises(ExtractError, match=r"cut\.txt\.gz"):
        extract_file(path)


def test_undecodable_text_dump(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 society is back in fashion this summer".encode("latin-1"))
    with pytest.raises(ExtractError, match=r"latin\.txt.*UTF-8"):
        extract_file(path)


def test_extractor_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"empty\.txt: the text dump is empty"):
        extract_file(path)


def test_article_record_keys_and_values() -> None:
    article = Article(
        title="T",
        body_paragraphs=("One.", "Two."),
        url="https://example.org/t",
        standfirst=("S",),
        byline="Ana Lima",
        published=datetime(2021, 8, 17, 9, 0, tzinfo=UTC),
        language="en",
        publisher="The Gazette",
        topics=("Transport",),
        images=(Image(url="https://i/x.jpg", caption="C", credit="AFP"),),
        videos=(Video("V", 130),),
        related=(RelatedLink("R"),),
        print_headline="P",
        comment_count=3,
    )
    record = article_record("doc", article)
    assert list(record) == [
        "id",
        "url",
        "title",
        "byline",
        "published",
        "language",
        "publisher",
        "topics",
        "standfirst",
        "body_text",
        "images",
        "videos",
        "related",
        "print_headline",
        "comment_count",
    ]
    assert record["published"] == "2021-08-17T09:00:00+00:00"
    assert record["body_text"] == "One.\n\nTwo."
    assert record["images"] == [{"caption": "C", "credit": "AFP"}]
    assert record["videos"] == [{"title": "V", "duration_s": 130}]
    assert record["related"] == [{"title": "R", "url": None}]
    json.dumps(record)  # JSON-ready
    assert article_record("x", Article(title="T"))["published"] is None


def test_sanitize_html_removes_unsafe_markup() -> None:
    dirty = (
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">bad</a>'
        ' <a href="https://example.org" target="_blank" rel="opener">good</a>'
        '<script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe>'
        '<img src="https://example.org/a.jpg" alt="A" onerror="x()"></p><h1>Top</h1>'
        '<table><tr><td colspan="2" style="color:red">cell</td></tr></table>'
        '<a href="mailto:desk@example.org">mail</a><a href="data:text/html,x">data</a>'
    )
    clean = sanitize_html(dirty)
    for bad in (
        "onclick",
        "javascript:",
        "<script",
        "alert(1)",
        "<style",
        "<iframe",
        "onerror",
        "<h1",
        "style=",
        "data:text",
        'target="_blank"',
        'opener"',
    ):
        assert bad not in clean
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">good</a>' in clean
    assert '<img src="https://example.org/a.jpg" alt="A">' in clean
    assert '<td colspan="2">cell</td>' in clean
    assert 'href="mailto:desk@example.org"' in clean


def test_paragraphs_to_html_escapes() -> None:
    assert paragraphs_to_html(["a < b & c", "", "<script>x</script>"]) == (
        "<p>a &lt; b &amp; c</p>\n<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_detect_language() -> None:
    assert detect_language("The city council voted on Tuesday to close the old bridge.") == "en"
    assert detect_language("Le conseil municipal a voté mardi la fermeture du vieux pont.") == "fr"
    assert detect_language("Hi there") is None
    assert detect_language("") is None
