"""A JSON-ready record of an extracted article (for golden files, exports and the CLI)."""

from __future__ import annotations

from typing import Any

from tidings.core.models import Article

__all__ = ["article_record"]


def article_record(doc_id: str, article: Article) -> dict[str, Any]:
    """Return the article as plain JSON types, with a fixed set of keys."""
    return {
        "id": doc_id,
        "url": article.url,
        "title": article.title,
        "byline": article.byline,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "publisher": article.publisher,
        "topics": list(article.topics),
        "standfirst": list(article.standfirst),
        "body_text": article.body_text,
        "images": [{"caption": image.caption, "credit": image.credit} for image in article.images],
        "videos": [
            {"title": video.title, "duration_s": video.duration_s} for video in article.videos
        ],
        "related": [{"title": link.title, "url": link.url} for link in article.related],
        "print_headline": article.print_headline,
        "comment_count": article.comment_count,
    }
