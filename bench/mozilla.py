"""Page extraction on the Mozilla Readability test pages: Tidings vs readability-lxml,
trafilatura and newspaper4k on title, byline, body text and publication date.

The pages are the 94 real saved pages of Readability.js's test suite (the 36 hand-made unit
fixtures, whose source is under 8 KB, are left out; see the data's SOURCE.md). The truth is what
Readability.js itself produces: `expected-metadata.json` (title, byline, publishedTime) and the
text of `expected.html`. Every tool gets the same decoded page and the same URL
(`http://fakehost/test/page.html`, the one Readability.js's own tests use)."""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._data import shared_data
from bench.metrics import token_prf
from bench.peers import newspaper_body, readability_body, trafilatura_body

URL = "http://fakehost/test/page.html"
UNIT_FIXTURE_BYTES = 8192  # SOURCE.md: the unit fixtures are the pages under 8 KB
_BY_LABEL_RE = re.compile(r"^\s*(?:by|par|por|von)\b\s*:?", re.IGNORECASE)
_DAY_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip

for _name in ("readability", "trafilatura", "newspaper", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    html: str
    title: str | None
    byline: str | None
    published: str | None
    body: str


@dataclass(frozen=True, slots=True)
class Prediction:
    title: str | None = None
    byline: str | None = None
    published: str | None = None  # ISO 8601 or anything starting with YYYY-MM-DD
    body: str = ""


@dataclass(frozen=True, slots=True)
class Scores:
    title: float
    byline: float
    body: float
    date: float
    pages_per_s: float


# -- data ----------------------------------------------------------------------------------------


def html_text(markup: str) -> str:
    """Plain text of an HTML fragment, a line break at every block element."""
    import lxml.html

    if not markup.strip():
        return ""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    parts: list[str] = []
    for event, element in _events(root):
        if not isinstance(element.tag, str):
            if event == "end" and element.tail:
                parts.append(element.tail)
            continue
        if event == "start":
            if element.tag in _BLOCK_TAGS:
                parts.append("\n")
            parts.append(element.text or "")
        else:
            if element.tag in _BLOCK_TAGS:
                parts.append("\n")
            if element is not root:
                parts.append(element.tail or "")
    return re.sub(r"[ \t]*\n\s*", "\n", "".join(parts)).strip()


def _events(root: Any) -> Any:
    from lxml import etree

    return etree.iterwalk(root, events=("start", "end"))


def load_pages(folder: Path | None = None) -> list[Page]:
    from tidings.extract._decode import decode_html

    folder = folder or shared_data() / "mozilla-readability-test-pages"
    pages: list[Page] = []
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        raw = gzip.decompress((case / "source.html.gz").read_bytes())
        if len(raw) < UNIT_FIXTURE_BYTES:
            continue
        meta = json.loads((case / "expected-metadata.json").read_text(encoding="utf-8"))
        expected = gzip.decompress((case / "expected.html.gz").read_bytes()).decode("utf-8")
        pages.append(
            Page(
                name=case.name,
                html=decode_html(raw),
                title=meta.get("title"),
                byline=meta.get("byline"),
                published=meta.get("publishedTime"),
                body=html_text(expected),
            )
        )
    return pages


# -- scoring -------------------------------------------------------------------------------------


def _spaces(text: str | None) -> str:
    return " ".join((text or "").split())


def title_correct(predicted: str | None, truth: str | None) -> bool:
    return _spaces(predicted) == _spaces(truth)


def byline_f1(predicted: str | None, truth: str | None) -> float:
    def strip(text: str | None) -> str:
        return _BY_LABEL_RE.sub("", _spaces(text))

    return token_prf(strip(predicted), strip(truth)).f1


def day(value: str | None) -> str | None:
    match = _DAY_RE.match((value or "").strip())
    return match.group(1) if match else None


def score(pages: list[Page], predictions: list[Prediction], seconds: float) -> Scores:
    n = len(pages)
    dated = [(p, q) for p, q in zip(pages, predictions, strict=True) if day(p.published)]
    pairs = list(zip(pages, predictions, strict=True))
    return Scores(
        title=sum(title_correct(q.title, p.title) for p, q in pairs) / n,
        byline=sum(byline_f1(q.byline, p.byline) for p, q in pairs) / n,
        body=sum(token_prf(q.body, p.body).f1 for p, q in pairs) / n,
        date=sum(day(q.published) == day(p.published) for p, q in dated) / max(1, len(dated)),
        pages_per_s=n / seconds if seconds > 0 else 0.0,
    )


# -- the tools -----------------------------------------------------------------------------------


def tidings(html: str) -> Prediction:
    from tidings.core.errors import ExtractError
    from tidings.extract import extract_html

    try:
        article = extract_html(html, URL)
    except ExtractError:
        return Prediction()
    return Prediction(
        title=article.title,
        byline=article.byline,
        published=article.published.isoformat() if article.published else None,
        body="\n\n".join(article.body_paragraphs),
    )


def readability_meta(html: str) -> Prediction:
    """readability-lxml has a title only (`short_title()`, which scores above `title()` here);
    no byline or date."""
    from readability import Document

    try:
        return Prediction(title=Document(html, url=URL).short_title())
    except Exception:
        return Prediction()


def trafilatura_meta(html: str) -> Prediction:
    from trafilatura.metadata import extract_metadata

    try:
        doc = extract_metadata(html, default_url=URL)
    except Exception:
        return Prediction()
    return Prediction(title=doc.title, byline=doc.author, published=doc.date)


def newspaper_meta(html: str) -> Prediction:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import newspaper

    try:
        article = newspaper.Article(URL, fetch_images=False)
        article.download(input_html=html)
        article.parse()
    except Exception:
        return Prediction()
    published = article.publish_date.isoformat() if article.publish_date else None
    return Prediction(title=article.title, byline=", ".join(article.authors), published=published)


MetaFn = Callable[[str], Prediction]
BodyFn = Callable[[str, str | None], str]
PEERS: dict[str, tuple[MetaFn, BodyFn]] = {
    "readability-lxml": (readability_meta, readability_body),
    "trafilatura": (trafilatura_meta, trafilatura_body),
    "newspaper4k": (newspaper_meta, newspaper_body),
}


def run_tidings(pages: list[Page]) -> tuple[list[Prediction], float]:
    started = time.perf_counter()
    predictions = [tidings(page.html) for page in pages]
    return predictions, time.perf_counter() - started


def run_peer(name: str, pages: list[Page]) -> tuple[list[Prediction], float]:
    meta_fn, body_fn = PEERS[name]
    predictions: list[Prediction] = []
    started = time.perf_counter()
    for page in pages:
        meta = meta_fn(page.html)
        body = body_fn(page.html, URL)
        predictions.append(Prediction(meta.title, meta.byline, meta.published, body))
    return predictions, time.perf_counter() - started


# -- report --------------------------------------------------------------------------------------


def _cell(value: float, best: float, digits: int = 3) -> str:
    text = f"{value:.{digits}f}"
    return f"**{text}**" if round(value, digits) == round(best, digits) else text


def table(results: dict[str, Scores]) -> str:
    columns = ("title", "byline", "body", "date", "pages_per_s")
    best = {c: max(getattr(s, c) for s in results.values()) for c in columns}
    lines = [
        "| tool | title accuracy | byline F1 | body F1 | date accuracy | pages/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in results.items():
        cells = [_cell(getattr(s, c), best[c]) for c in columns[:4]]
        cells.append(_cell(s.pages_per_s, best["pages_per_s"], 1))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run() -> str:
    pages = load_pages()
    results: dict[str, Scores] = {}
    predictions, seconds = run_tidings(pages)
    results["Tidings"] = score(pages, predictions, seconds)
    for name in PEERS:
        peer_predictions, peer_seconds = run_peer(name, pages)
        results[name] = score(pages, peer_predictions, peer_seconds)
    dated = sum(1 for page in pages if day(page.published))
    return f"""## Extraction: Mozilla Readability test pages ({len(pages)} real pages)

{table(results)}

Best in each column in bold. The pages are the real saved pages of Readability.js's test suite
(`mozilla-readability-test-pages`: the 36 hand-made unit fixtures, whose source is under 8 KB,
are left out). The truth is Readability.js's own output: `expected-metadata.json` and the text
of `expected.html`, so the titles and bylines follow its conventions (a title is the one the page
declares in its metadata, site suffix and all, when it declares one). Tidings reads metadata
in much the same order of sources as Readability.js (the JSON-LD article, then the meta tags,
then the `<title>` and the page's byline element), which is why its titles agree with this truth
so closely; none of its rules names a site, and it drops "By" labels and trailing dates from
bylines, which the truth keeps.

Scoring, the same for every tool:
- **title accuracy**: share of pages whose title equals the truth after collapsing whitespace.
- **byline F1**: token F1 (lower-cased `\\w+` tokens, multiset overlap) per page, averaged over
  all {len(pages)} pages, after dropping a leading "By"/"Par"/"Por"/"Von" label from both sides.
  No byline in the truth and none predicted scores 1; one empty and the other not scores 0.
  readability-lxml has no byline, so it scores only on the pages without one.
- **body F1**: the same token F1 between the tool's body text and the text of `expected.html`.
  Tidings: its body paragraphs; the peers: `bench/peers.py` (as in the Zyte table).
- **date accuracy**: over the {dated} pages whose truth has a `publishedTime`, the share where
  the tool's date has the same calendar day (YYYY-MM-DD, in the time zone the page states).
  Pages without a truth date are not scored (Readability.js reads dates only from metadata, so
  a date a tool finds in the text of such a page can be right but cannot be checked).
  readability-lxml has no date.
- **pages/s**: pages / wall time for everything the row needed (Tidings: one `extract_html`
  call; a peer: its metadata call plus its body call, each parsing the page), one process,
  one page at a time, on this machine (a shared 2-core machine: expect some noise).
"""
