"""Article-level work: enrich and store extracted articles, one transaction each.

Owned by the duplicates/crash-safety work. `Pipeline` (ingestion.py) calls `ArticleSaver.save`."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from tidings.core import Article, Settings, Source
from tidings.core.text import normalise_key
from tidings.enrich.entities import EntityExtractor
from tidings.enrich.language import detect_language
from tidings.extract import paragraphs_to_html, sanitize_html
from tidings.ingest import canonical_url
from tidings.store import Store


def content_hash(article: Article) -> str:
    basis = normalise_key(article.title) + "\n" + " ".join(article.body_text.split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


class ArticleSaver:
    def __init__(self, store: Store, settings: Settings, entities: EntityExtractor) -> None:
        self.store = store
        self.settings = settings
        self.entities = entities

    def save(
        self, source: Source | None, articles: Sequence[Article], bodies: dict[int, str | None]
    ) -> int:
        """Enrich and store; each article in its own transaction. Returns how many were new.

        `bodies` maps id(article) to the HTML body to keep (feed content), when there is one."""
        fresh: list[Article] = []
        for art in articles:
            art = _without_nul(art)
            if not art.language:
                art = replace(art, language=detect_language(art.title + "\n" + art.body_text))
            fresh.append(art)
        pending = []
        for art in fresh:
            chash = content_hash(art)
            canon = canonical_url(art.url) if art.url else None
            sid = source.id if source else None
            if self.store.articles.find_existing(
                canonical_url=canon, source_id=sid, guid=art.guid, content_hash=chash
            ):
                continue
            pending.append((art, chash, canon))
        found = (
            self.entities.extract_many([a for a, _, _ in pending])
            if self.settings.enrich_entities and pending
            else [[] for _ in pending]
        )
        new = 0
        for (art, chash, canon), ents in zip(pending, found, strict=True):
            body_html = bodies.get(id(art)) or paragraphs_to_html(list(art.body_paragraphs))
            _, created = self.store.articles.save(
                art,
                source_id=source.id if source else None,
                canonical_url=canon,
                content_hash=chash,
                body_html=sanitize_html(body_html),
                entities_found=ents,
            )
            new += created
        return new


def _without_nul(art: Article) -> Article:
    """PostgreSQL text cannot hold NUL characters; they carry no meaning in news text."""
    if "\x00" not in art.title + art.body_text + "".join(art.standfirst) + (art.byline or ""):
        return art
    return replace(
        art,
        title=art.title.replace("\x00", ""),
        body_paragraphs=tuple(p.replace("\x00", "") for p in art.body_paragraphs),
        standfirst=tuple(p.replace("\x00", "") for p in art.standfirst),
        byline=art.byline.replace("\x00", "") if art.byline else None,
    )
