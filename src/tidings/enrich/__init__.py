"""Enrichment: language, named entities, topics, places, quotes, summaries, embeddings, story
clusters, near-duplicate signatures. Imports only `tidings.core`.

Names are imported on first use (`tidings.core.lazy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tidings.core.lazy import lazy_exports

if TYPE_CHECKING:
    from tidings.enrich.dedup import (
        THRESHOLD,
        DuplicateIndex,
        Match,
        Signature,
        shingles,
        signature,
    )
    from tidings.enrich.embeddings import EmbeddingBackend, MiniLMBackend, embedding_text
    from tidings.enrich.entities import EntityExtractor
    from tidings.enrich.language import detect_language
    from tidings.enrich.places import country_of, country_of_demonym, place_of, place_topics
    from tidings.enrich.quotes import extract_quotes
    from tidings.enrich.stories import StoryIndex, StoryInput
    from tidings.enrich.summary import summarise
    from tidings.enrich.topics import TAXONOMY, TopicClassifier

_EXPORTS = {
    "THRESHOLD": "tidings.enrich.dedup",
    "DuplicateIndex": "tidings.enrich.dedup",
    "Match": "tidings.enrich.dedup",
    "Signature": "tidings.enrich.dedup",
    "shingles": "tidings.enrich.dedup",
    "signature": "tidings.enrich.dedup",
    "EmbeddingBackend": "tidings.enrich.embeddings",
    "MiniLMBackend": "tidings.enrich.embeddings",
    "embedding_text": "tidings.enrich.embeddings",
    "EntityExtractor": "tidings.enrich.entities",
    "detect_language": "tidings.enrich.language",
    "country_of": "tidings.enrich.places",
    "country_of_demonym": "tidings.enrich.places",
    "place_of": "tidings.enrich.places",
    "place_topics": "tidings.enrich.places",
    "extract_quotes": "tidings.enrich.quotes",
    "StoryIndex": "tidings.enrich.stories",
    "StoryInput": "tidings.enrich.stories",
    "summarise": "tidings.enrich.summary",
    "TAXONOMY": "tidings.enrich.topics",
    "TopicClassifier": "tidings.enrich.topics",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "TAXONOMY",
    "THRESHOLD",
    "DuplicateIndex",
    "EmbeddingBackend",
    "EntityExtractor",
    "Match",
    "MiniLMBackend",
    "Signature",
    "StoryIndex",
    "StoryInput",
    "TopicClassifier",
    "country_of",
    "country_of_demonym",
    "detect_language",
    "embedding_text",
    "extract_quotes",
    "place_of",
    "place_topics",
    "shingles",
    "signature",
    "summarise",
]
