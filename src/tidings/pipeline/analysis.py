"""The analysis step of enrichment: articles in, everything enrichment finds out, no database.

`Analyser.analyse` runs, for a batch of articles,

1. language (py3langid); English-only models are not applied to other languages;
2. entities (spaCy), canonical within the article;
3. quotations and their speakers, and a summary (the standfirst, or lead sentences);
4. an embedding of title, standfirst and lead (unless the caller has it cached);
5. taxonomy topics from the embedding and place topics from the salient places.

It is pure and process-safe, so `AnalysisPool` can run it in worker processes (each with its
own models) while the main process reads and stores: on two cores that doubles the rate of a
large backlog. A small batch runs in the calling thread, where the models are loaded once."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from tidings.core import Article, EntityMention, Quote, TopicScore
from tidings.enrich.embeddings import (
    EmbeddingBackend,
    MiniLMBackend,
    embedding_text,
    pack,
    text_key,
    unpack,
)
from tidings.enrich.entities import EntityExtractor
from tidings.enrich.language import detect_language
from tidings.enrich.places import place_topics
from tidings.enrich.quotes import extract_quotes
from tidings.enrich.summary import summarise
from tidings.enrich.topics import TopicClassifier, merge_topics, topics_from_tags

__all__ = [
    "MAX_BODY_CHARS",
    "Analyser",
    "AnalysisPool",
    "Found",
    "StepTimes",
    "embedding_key",
    "shared_backend",
]

log = logging.getLogger(__name__)

# Language identification reads the title and this many characters of the body: the same
# answer as the whole text on all 1,857 items of the test and shared feeds and the Wikinews
# stories, several times quicker on long articles.
LANGUAGE_SAMPLE = 400
# Quotes and summaries read at most this much of a body (a 200 KB page is not a news story;
# its opening is what a reader sees). Entities have their own, smaller cap.
MAX_BODY_CHARS = 60_000

_backend_lock = threading.Lock()
_backend: MiniLMBackend | None = None


def shared_backend() -> MiniLMBackend:
    """One embedding model per process (it takes ~0.3 GB and seconds to load)."""
    global _backend
    with _backend_lock:
        if _backend is None:
            _backend = MiniLMBackend()
        return _backend


_classifiers: dict[int, TopicClassifier] = {}


def _classifier_for(backend: EmbeddingBackend) -> TopicClassifier:
    """One topic classifier per embedding backend and process (its prototypes are encoded
    once)."""
    with _backend_lock:
        found = _classifiers.get(id(backend))
        if found is None:
            found = _classifiers[id(backend)] = TopicClassifier(backend)
        return found


@dataclass
class StepTimes:
    """Seconds spent in each step (`tidings reenrich --profile`, the benchmark)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - since
        return now

    def merge(self, other: Mapping[str, float]) -> None:
        for k, v in other.items():
            self.seconds[k] = self.seconds.get(k, 0.0) + v


@dataclass(frozen=True, slots=True)
class Found:
    """What analysis found in one article."""

    language: str | None
    entities: tuple[EntityMention, ...]
    topics: tuple[TopicScore, ...]
    quotes: tuple[Quote, ...]
    summary: str | None
    embedding: bytes | None  # float16, see enrich.embeddings
    embedding_key: str | None


def embedding_key(article: Article, backend_name: str) -> str | None:
    """Cache key of the article's embedding (None: English text to embed is missing)."""
    text = embedding_text(article)
    return text_key(text, backend_name) if text.strip() else None


class Analyser:
    def __init__(
        self,
        *,
        entities: EntityExtractor | None = None,
        backend: EmbeddingBackend | None = None,
        use_entities: bool = True,
        use_embeddings: bool = True,
    ) -> None:
        self.entities = entities if entities is not None else EntityExtractor()
        self._backend = backend
        self._topics: TopicClassifier | None = None
        self.use_entities = use_entities
        self.use_embeddings = use_embeddings
        self.times = StepTimes()

    @property
    def backend(self) -> EmbeddingBackend:
        if self._backend is None:
            self._backend = shared_backend()
        return self._backend

    @property
    def topics(self) -> TopicClassifier:
        if self._topics is None:
            self._topics = _classifier_for(self.backend)
        return self._topics

    def analyse(
        self, articles: Sequence[Article], cached: Mapping[str, bytes] | None = None
    ) -> list[Found]:
        """Analyse a batch. `cached` holds embeddings already stored, by `embedding_key`."""
        cached = cached or {}
        t = time.perf_counter()
        languages = [a.language or _language(a) for a in articles]
        arts = [
            replace(_bounded(a), language=lang) for a, lang in zip(articles, languages, strict=True)
        ]
        english = [(lang or "en") == "en" for lang in languages]
        t = self.times.add("language", t)
        ents = self.entities.extract_many(arts) if self.use_entities else [[] for _ in arts]
        t = self.times.add("entities", t)
        quotes = [
            extract_quotes(a.body_paragraphs, e) if en else []
            for a, e, en in zip(arts, ents, english, strict=True)
        ]
        t = self.times.add("quotes", t)
        summaries = [summarise(a) for a in arts]
        t = self.times.add("summary", t)
        vectors, keys = self._embed(arts, english, cached)
        t = self.times.add("embeddings", t)
        has_vector = [k is not None for k in keys]
        taxonomy = self.topics.classify(vectors) if any(has_vector) else [[] for _ in arts]
        places = [place_topics(e) for e in ents]
        self.times.add("topics", t)
        return [
            Found(
                language=languages[i],
                entities=tuple(ents[i]),
                topics=(
                    *merge_topics(
                        taxonomy[i] if has_vector[i] else (), topics_from_tags(arts[i].topics)
                    ),
                    *places[i],
                ),
                quotes=tuple(quotes[i]),
                summary=summaries[i] or None,
                embedding=pack(vectors[i]) if has_vector[i] else None,
                embedding_key=keys[i],
            )
            for i in range(len(arts))
        ]

    def _embed(
        self,
        arts: Sequence[Article],
        english: Sequence[bool],
        cached: Mapping[str, bytes],
    ) -> tuple[np.ndarray, list[str | None]]:
        """Vectors (zero rows where there is none) and their cache keys (None: no vector)."""
        if not self.use_embeddings:
            return np.zeros((len(arts), 1), dtype=np.float32), [None] * len(arts)
        name = self.backend.name
        texts = [embedding_text(a) if en else "" for a, en in zip(arts, english, strict=True)]
        keys: list[str | None] = [text_key(t, name) if t.strip() else None for t in texts]
        vectors = np.zeros((len(arts), self.backend.dim), dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k and k not in cached]
        if missing:
            encoded = self.backend.encode([texts[i] for i in missing])
            vectors[missing] = encoded
        for i, k in enumerate(keys):
            if k and k in cached:
                vectors[i] = unpack(cached[k])
        return vectors, keys


# -- worker processes ------------------------------------------------------------------------

_worker: Analyser | None = None


def _init_worker(use_entities: bool, use_embeddings: bool) -> None:
    global _worker
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)  # one core per worker: the workers are the parallelism
    _worker = Analyser(
        backend=MiniLMBackend(threads=1),
        use_entities=use_entities,
        use_embeddings=use_embeddings,
    )


def _warm_up() -> None:
    assert _worker is not None
    _worker.analyse([Article(title="Warm up", body_paragraphs=("Wang Yi met Sergey Lavrov.",))])
    _worker.times.seconds.clear()


def _work(
    articles: Sequence[Article], cached: Mapping[str, bytes]
) -> tuple[list[Found], dict[str, float]]:
    assert _worker is not None
    _worker.times.seconds.clear()
    found = _worker.analyse(articles, cached)
    return found, dict(_worker.times.seconds)


class AnalysisPool:
    """`workers` processes that each run an `Analyser` (with its own models: about 0.6 GB
    and ten seconds to start, so worth it only for a backlog)."""

    def __init__(self, workers: int, *, use_entities: bool, use_embeddings: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(use_entities, use_embeddings),
        )
        for f in [self._pool.submit(_warm_up) for _ in range(workers)]:
            f.result()

    def submit(
        self, articles: Sequence[Article], cached: Mapping[str, bytes]
    ) -> Future[tuple[list[Found], dict[str, float]]]:
        return self._pool.submit(_work, list(articles), dict(cached))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _bounded(article: Article) -> Article:
    """The article with its body cut to `MAX_BODY_CHARS` (whole paragraphs where possible)."""
    total = 0
    kept: list[str] = []
    for para in article.body_paragraphs:
        if total + len(para) > MAX_BODY_CHARS:
            if not kept:
                kept.append(para[:MAX_BODY_CHARS])
            break
        kept.append(para)
        total += len(para) + 2
    if len(kept) == len(article.body_paragraphs):
        return article
    return replace(article, body_paragraphs=tuple(kept))


def _language(article: Article) -> str | None:
    return detect_language(article.title + "\n" + article.body_text[:LANGUAGE_SAMPLE])
