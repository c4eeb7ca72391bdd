"""Quality gate for article body extraction, plus the parts it is built from.

The gate runs `extract_html` over every page of the Zyte article-extraction benchmark (181 pages)
and the 94 real pages of Mozilla's Readability test set, scores the bodies with token-level F1
(lower-cased `\\w+` tokens as multisets, averaged over pages: the scoring of bench/metrics.py)
and fails when the mean falls below the pinned value (set just under what was measured)."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from support import SHARED, require
from tidings.core.errors import ExtractError
from tidings.extract import extract_html
from tidings.extract._body import main_text
from tidings.extract._body_clean import clean_tree
from tidings.extract._body_readability import readability_paragraphs
from tidings.extract._body_text import element_paragraphs

ZYTE = SHARED / "zyte-article-extraction-benchmark"
MOZILLA = SHARED / "mozilla-readability-test-pages"
# Measured on the full sets: Zyte 0.9770 (held-out half 0.9748), Mozilla real pages 0.9722
# (truth rendered by element_paragraphs). Pinned a little below.
ZYTE_MIN_F1 = 0.974
ZYTE_HELD_OUT_MIN_F1 = 0.972
MOZILLA_MIN_F1 = 0.970
_TOKEN = re.compile(r"\w+")


def _f1(predicted: str, truth: str) -> float:
    pred = Counter(_TOKEN.findall(predicted.lower()))
    gold = Counter(_TOKEN.findall(truth.lower()))
    if not pred and not gold:
        return 1.0
    common = sum((pred & gold).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def _body(html: str, url: str | None) -> str:
    try:
        return "\n".join(extract_html(html, url).body_paragraphs)
    except ExtractError:
        return ""


def _gunzip(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", "replace")


def test_zyte_benchmark_body_f1_stays_above_the_pinned_value() -> None:
    require(ZYTE.is_dir(), f"Zyte benchmark data not available at {ZYTE}")
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    scores = {
        page_id: _f1(
            _body(_gunzip(ZYTE / "html" / f"{page_id}.html.gz"), item["url"]), item["articleBody"]
        )
        for page_id, item in truth.items()
    }
    assert len(scores) == 181
    mean = sum(scores.values()) / len(scores)
    held_out = [s for page_id, s in scores.items() if page_id[0] in "89abcdef"]
    assert mean >= ZYTE_MIN_F1, f"Zyte body F1 fell to {mean:.4f}"
    assert sum(held_out) / len(held_out) >= ZYTE_HELD_OUT_MIN_F1


def _mozilla_real_cases() -> list[Path]:
    # SOURCE.md: cases whose source.html is under 8 KB are hand-made unit fixtures.
    cases = [d for d in sorted(MOZILLA.iterdir()) if (d / "source.html.gz").is_file()]
    return [d for d in cases if len(gzip.decompress((d / "source.html.gz").read_bytes())) >= 8192]


def test_mozilla_real_pages_body_f1_stays_above_the_pinned_value() -> None:
    require(MOZILLA.is_dir(), f"Mozilla readability test pages not available at {MOZILLA}")
    cases = _mozilla_real_cases()
    assert len(cases) == 94
    scores = []
    for case in cases:
        expected = lxml.html.document_fromstring(_gunzip(case / "expected.html.gz"))
        truth = "\n".join(element_paragraphs(expected))
        scores.append(_f1(_body(_gunzip(case / "source.html.gz"), "http://fakehost/test/"), truth))
    mean = sum(scores) / len(scores)
    assert mean >= MOZILLA_MIN_F1, f"Mozilla body F1 fell to {mean:.4f}"


ARTICLE = """<html><head><title>Storm hits coast</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<article>
  <h1>Storm hits coast</h1>
  <p class="byline">By Ann Writer</p>
  <figure><img src="a.jpg"><figcaption>Waves break over the sea wall. Photo: Agency</figcaption>
  </figure>
  <p>A powerful storm struck the northern coast on Tuesday, flooding streets and cutting power
  to thousands of homes, officials said.</p>
  <p>Emergency crews worked through the night to reach villages cut off by the water, and
  schools across the region stayed closed.</p>
  <blockquote class="twitter-tweet">The sea came right into the square this morning.</blockquote>
  <p>Forecasters expect the wind to ease by the weekend, but warned of more rain.</p>
  <div class="related-stories"><h3>Related</h3><ul><li><a href="/x">Floods last year</a></li>
  </ul></div>
</article>
<aside><p>Most read: ten things about storms you did not know.</p></aside>
<footer>Copyright News Ltd</footer>
</body></html>"""


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def test_main_text_keeps_the_article_and_drops_the_furniture() -> None:
    paragraphs = main_text(ARTICLE, "https://news.example/storm", _tree(ARTICLE))
    text = "\n".join(paragraphs)
    assert "A powerful storm struck the northern coast on Tuesday" in text
    assert "Forecasters expect the wind to ease by the weekend" in text
    assert "The sea came right into the square this morning." in text  # embedded post kept
    for furniture in (
        "Share on Facebook",
        "Waves break",
        "Floods last year",
        "Most read",
        "Copyright",
        "By Ann Writer",
    ):
        assert furniture not in text


def test_clean_tree_leaves_the_given_tree_alone() -> None:
    tree = _tree(ARTICLE)
    before = lxml.html.tostring(tree)
    cleaned = clean_tree(tree)
    assert lxml.html.tostring(tree) == before
    assert cleaned is not tree
    assert not cleaned.xpath("//figure | //nav | //aside | //*[@class='share-bar']")


def test_clean_tree_keeps_a_furniture_named_wrapper_that_holds_the_article() -> None:
    body = " ".join(f"Sentence number {i} of the story is here." for i in range(60))
    html = f"""<html><body><div class="comments-area"><p>{body}</p></div>
    <div class="comments"><p>First!</p></div></body></html>"""
    cleaned = clean_tree(_tree(html))
    text = " ".join(cleaned.itertext())
    assert "Sentence number 59" in text
    assert "First!" not in text


def test_clean_tree_ignores_long_heading_anchors_and_drops_hidden_nodes() -> None:
    html = """<html><body>
    <div id="sharing-with-a-single-developer"><p>How to share a repository.</p></div>
    <div style="display: none"><p>Hidden teaser</p></div>
    <div hidden><p>Also hidden</p></div></body></html>"""
    text = " ".join(clean_tree(_tree(html)).itertext())
    assert "How to share a repository." in text
    assert "Hidden teaser" not in text and "Also hidden" not in text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<div>One <b>two</b> three<p>Four</p>five<br>six</div>",
            ["One two three", "Four", "five", "six"],
        ),
        (
            "<div><ul><li>a</li><li>b <i>c</i></li></ul><script>x()</script>tail<!-- n -->end</div>",
            ["a", "b c", "tailend"],
        ),
        ("<div><table><tr><td>x</td><td>y</td></tr></table></div>", ["x", "y"]),
    ],
)
def test_element_paragraphs_breaks_lines_at_blocks(html: str, expected: list[str]) -> None:
    assert element_paragraphs(lxml.html.fragment_fromstring(html)) == expected


def _sentences(prefix: str, count: int) -> str:
    return " ".join(
        f"{prefix} sentence {i}, which carries the story along, with commas, and detail."
        for i in range(count)
    )


def test_readability_keeps_headings_that_link_within_the_page() -> None:
    sections = "".join(
        f'<h3><a href="#toc-{i}">Part {i} heading</a><a href="#part-{i}">#</a></h3>'
        f"<p>{_sentences(f'Part {i}', 4)}</p>"
        for i in range(3)
    )
    html = f"<html><body><div class='entry'>{sections}</div></body></html>"
    text = "\n".join(readability_paragraphs(_tree(html)))
    assert "Part 0 sentence 3" in text and "Part 2 sentence 3" in text
    assert "Part 1 heading" in text


def test_readability_keeps_a_list_of_points_with_a_link_each() -> None:
    points = "".join(
        f"<li>Point {i} of the argument is made here, as shown in "
        f'<a href="/source-{i}">the report by the agency</a>.</li>'
        for i in range(5)
    )
    html = f"""<html><body><div class="entry">
    <p>{_sentences("Opening", 4)}</p><ul>{points}</ul><p>{_sentences("Closing", 4)}</p>
    </div></body></html>"""
    text = "\n".join(readability_paragraphs(_tree(html)))
    assert "Point 4 of the argument" in text
    assert "Closing sentence 3" in text


def test_readability_takes_the_paragraphs_beside_a_wrapped_pick() -> None:
    html = f"""<html><body><div class="story">
    <p>{_sentences("Opening", 2)}</p>
    <div id="fold"><div class="more"><a href="/more">Read more</a></div>
    <div id="fold-content">{"".join(f"<p>{_sentences(f'Body {i}', 3)}</p>" for i in range(6))}
    </div></div></div>
    <div class="promo"><p>{_sentences("Elsewhere", 1)}</p></div></body></html>"""
    text = "\n".join(readability_paragraphs(_tree(html)))
    assert "Opening sentence 1" in text
    assert "Body 5 sentence 2" in text
    assert text.index("Opening sentence 1") < text.index("Body 0 sentence 0")


def test_readability_takes_the_article_around_a_long_table() -> None:
    rows = "".join(
        f"<tr><td>Film {i}</td><td>{_sentences(f'Film {i}', 1)}</td></tr>" for i in range(30)
    )
    html = f"""<html><body><div id="content">
    <p>This list of films is sorted by year, and it covers films, shorts, and series too.</p>
    <table><tbody><tr><th>Film</th><th>Description</th></tr>{rows}</tbody></table>
    <h2>See also</h2><p>Other lists of films, by theme, by year, and by country of origin.</p>
    </div></body></html>"""
    text = "\n".join(readability_paragraphs(_tree(html)))
    assert "Film 29 sentence 0" in text
    assert "This list of films is sorted by year" in text
    assert "Other lists of films" in text


def test_clean_tree_drops_run_together_furniture_names() -> None:
    html = """<html><body><div class="entry"><p>The story itself.</p>
    <div id="jp-relatedposts" class="jp-relatedposts"><p>Another story</p></div>
    <div class="sharedaddy"><p>Share this</p></div></div></body></html>"""
    text = " ".join(clean_tree(_tree(html)).itertext())
    assert "The story itself." in text
    assert "Another story" not in text and "Share this" not in text
