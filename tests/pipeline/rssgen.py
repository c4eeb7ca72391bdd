"""Build RSS 2.0 feeds and article pages for the pipeline tests from the bundled Wikinews stories
(CC BY 2.5 / public domain, see src/tidings/demo/ATTRIBUTION.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from tidings.core import Article
from tidings.pipeline import wikinews_articles

BASE = datetime(2026, 11, 1, 8, tzinfo=UTC)


@dataclass
class Item:
    title: str
    paragraphs: list[str]
    guid: str
    link: str | None = None
    categories: list[str] = field(default_factory=list)
    summary_only: bool = False  # put the text in <description> only (a teaser feed)
    published: datetime = BASE


def stories(n: int | None = None, *, min_words: int = 0) -> list[Article]:
    out = [a for a in wikinews_articles() if len(a.body_text.split()) >= min_words]
    return out if n is None else out[:n]


def item_of(article: Article, guid: str, *, link: str | None = None, **kw: object) -> Item:
    return Item(
        title=article.title,
        paragraphs=list(article.body_paragraphs),
        guid=guid,
        link=link,
        categories=list(article.topics),
        **kw,  # type: ignore[arg-type]
    )


def rss(title: str, items: list[Item]) -> str:
    parts = []
    for i, it in enumerate(items):
        html = "".join(f"<p>{escape(p)}</p>" for p in it.paragraphs)
        when = it.published + timedelta(minutes=i)
        text = (
            f"<description>{escape(html)}</description>"
            if it.summary_only
            else "<description>A story.</description>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded>"
        )
        parts.append(
            "<item>"
            f"<title>{escape(it.title)}</title>"
            + (f"<link>{escape(it.link)}</link>" if it.link else "")
            + f'<guid isPermaLink="false">{escape(it.guid)}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>"
            + "".join(f"<category>{escape(c)}</category>" for c in it.categories)
            + text
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>http://example.org/</link>"
        "<description>test feed</description>" + "".join(parts) + "</channel></rss>"
    )


def page(title: str, paragraphs: list[str], *, byline: str | None = None) -> str:
    """A plain article page as a news site would serve it: navigation, the article, a footer."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    author = f'<meta name="author" content="{escape(byline)}">' if byline else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} | Example News</title>{author}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>© Example News. All rights reserved.</footer></body></html>"
    )
