"""Peer extractors that the benchmarks measure Tidings against, used the way their docs show.

Each `*_body(html, url) -> str` returns the article body as plain text with paragraphs on
separate lines, or "" when the tool fails or finds nothing. Imports are lazy so that a missing
peer only fails the benchmark that needs it. Shared by bench/zyte.py and bench/mozilla.py."""

from __future__ import annotations

import logging
import warnings

__all__ = ["PEERS", "newspaper_body", "readability_body", "trafilatura_body"]

for _name in ("readability", "readability.readability", "trafilatura", "newspaper", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def trafilatura_body(html: str, url: str | None = None) -> str:
    """`trafilatura.extract(html, url=url)` with its defaults."""
    import trafilatura

    try:
        return trafilatura.extract(html, url=url) or ""
    except Exception:
        return ""


def readability_body(html: str, url: str | None = None) -> str:
    """readability-lxml: `Document(html).summary()`, rendered to text by html-text."""
    import html_text
    from readability import Document

    try:
        summary = Document(html, url=url).summary(html_partial=True)
        return str(html_text.extract_text(summary, guess_layout=True)) or ""
    except Exception:
        return ""


def newspaper_body(html: str, url: str | None = None) -> str:
    """newspaper4k: `Article(url).download(input_html=html).parse().text`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import newspaper

    try:
        article = newspaper.Article(url or "http://example.com/", fetch_images=False)
        article.download(input_html=html)
        article.parse()
        return str(article.text or "")
    except Exception:
        return ""


# Name shown in the tables → body function.
PEERS = {
    "trafilatura": trafilatura_body,
    "readability-lxml": readability_body,
    "newspaper4k": newspaper_body,
}
