"""Top-level news topics of an article, from its embedding.

Tidings' taxonomy has 15 topics (`TAXONOMY`). Each topic has sub-topics (sport: football,
tennis, golf, ...; business: markets, earnings, deals, ...) and each sub-topic a handful of
example headlines: nearly 1,000 in all, in `data/topic_prototypes.txt`. Those examples were
written for Tidings by hand, for this purpose; they contain no text from AG News, BBC or any
other dataset, and nothing here is trained on a dataset, so the classifier ships under the
project's own licence.

Every prototype is embedded by the same backend as the articles (`embeddings.MiniLMBackend`).
An article's topic probabilities are the mean of two views of those prototypes:

- a soft nearest-prototype vote: a softmax over its cosine similarity to every prototype
  (temperature `TEMPERATURE`), summed per topic;
- a multinomial logistic regression trained on the prototype vectors (`train_linear`).

The best topic is always given; a further one only when it holds a clear share as well
(`SECOND_SHARE` of the best's probability and at least `SECOND_MIN`), so a story on a foreign
election is politics and world. The prototype vectors and the regression are shipped in
`data/topic_prototypes.npz` (regenerate with `python tools/gen_topic_prototypes.py`), keyed
by a hash of the texts and the backend's name; if either changed they are recomputed at first
use (about 10 s). Classifying is two matrix products: many thousands of articles a second.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from tidings.core import TopicScore
from tidings.core.text import normalise_key
from tidings.enrich.embeddings import EmbeddingBackend

__all__ = [
    "KIND",
    "TAXONOMY",
    "Prototypes",
    "TopicClassifier",
    "data_path",
    "fit",
    "load_prototype_texts",
    "merge_topics",
    "save_model",
    "topics_from_tags",
    "train_linear",
]

KIND = "taxonomy"
TAXONOMY: tuple[tuple[str, str], ...] = (
    ("world", "World"),
    ("politics", "Politics"),
    ("business", "Business"),
    ("technology", "Technology"),
    ("science", "Science"),
    ("health", "Health"),
    ("sport", "Sport"),
    ("entertainment", "Entertainment"),
    ("culture", "Culture"),
    ("environment", "Environment"),
    ("crime-and-law", "Crime and law"),
    ("conflict", "Conflict"),
    ("education", "Education"),
    ("lifestyle", "Lifestyle"),
    ("opinion", "Opinion"),
)
_INDEX = {key: i for i, (key, _) in enumerate(TAXONOMY)}

# Softmax temperature over cosine similarities: lower trusts the nearest prototypes more.
TEMPERATURE = 0.07
# Share of the linear model (logistic regression on the prototypes) in the probabilities.
LINEAR_WEIGHT = 0.5
# Its inverse regularisation strength (as scikit-learn's C).
LINEAR_C = 1.0
# A further topic is given when its probability is at least this share of the best one's ...
SECOND_SHARE = 0.4
# ... and at least this probability outright.
SECOND_MIN = 0.2
# At most this many topics per article.
MAX_TOPICS = 3

# Articles classified per matrix product.
_CHUNK = 4096

DATA = "data"
TEXTS_FILE = "topic_prototypes.txt"
MODEL_FILE = "topic_prototypes.npz"


@dataclass(frozen=True, slots=True)
class Prototypes:
    """Example texts of the taxonomy: parallel tuples of topic key, sub-topic and text."""

    topics: tuple[str, ...]
    subtopics: tuple[str, ...]
    texts: tuple[str, ...]

    @property
    def digest(self) -> str:
        """Hash of the texts and their topics: the key of the precomputed vectors."""
        h = hashlib.sha256()
        for row in zip(self.topics, self.subtopics, self.texts, strict=True):
            h.update("\t".join(row).encode())
            h.update(b"\n")
        return h.hexdigest()


def data_path(name: str) -> Path:
    """A file of the classifier's data folder (`TEXTS_FILE`, `MODEL_FILE`)."""
    return Path(str(resources.files("tidings.enrich").joinpath(DATA, name)))


def load_prototype_texts(path: Path | None = None) -> Prototypes:
    """Parse the prototype file: `= key` starts a topic, `- name` a sub-topic, `#` a comment,
    any other non-blank line is one example."""
    path = path or data_path(TEXTS_FILE)
    topics: list[str] = []
    subs: list[str] = []
    texts: list[str] = []
    topic = sub = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("= "):
            topic, sub = line[2:].strip(), ""
            if topic not in _INDEX:
                raise ValueError(f"{path}:{number}: unknown topic {topic!r}")
        elif line.startswith("- "):
            sub = line[2:].strip()
        elif not topic:
            raise ValueError(f"{path}:{number}: example before any topic")
        else:
            topics.append(topic)
            subs.append(sub or topic)
            texts.append(line)
    return Prototypes(tuple(topics), tuple(subs), tuple(texts))


@dataclass(frozen=True, slots=True)
class _Model:
    vectors: np.ndarray  # (prototypes, dim) unit vectors
    owner: np.ndarray  # (prototypes,) topic index of each prototype
    members: np.ndarray  # (prototypes, topics) one-hot of `owner`
    weights: np.ndarray  # (dim, topics) of the linear model
    bias: np.ndarray  # (topics,)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _vote(x: np.ndarray, model: _Model) -> np.ndarray:
    """Soft nearest-prototype vote: softmax over similarities, summed per topic."""
    out: np.ndarray = _softmax((x @ model.vectors.T) / TEMPERATURE) @ model.members
    return out


def train_linear(
    vectors: np.ndarray, owner: np.ndarray, c: float = LINEAR_C, steps: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression of topic on prototype vector, L2-regularised like
    scikit-learn's `C`: mean cross-entropy + |W|^2 / (2 C n). Plain numpy, accelerated
    gradient descent; deterministic."""
    n = len(vectors)
    # The bias is the weight of a constant feature (not regularised).
    x = np.hstack([np.asarray(vectors, dtype=np.float64), np.ones((n, 1))])
    k = len(TAXONOMY)
    y = np.zeros((n, k))
    y[np.arange(n), owner] = 1.0
    lam = np.full((x.shape[1], 1), 1.0 / (c * n))
    lam[-1] = 0.0
    # Step 1/L, L bounding the curvature: half the top eigenvalue of x'x/n, plus lam.
    step = 1.0 / (0.5 * float(np.linalg.eigvalsh(x.T @ x / n)[-1]) + float(lam.max()))
    w = w_prev = np.zeros((x.shape[1], k))
    for t in range(1, steps + 1):
        v = w + (t - 1) / (t + 2) * (w - w_prev)
        grad = x.T @ ((_softmax(x @ v) - y) / n) + lam * v
        w_prev, w = w, v - step * grad
    return w[:-1].astype(np.float32), w[-1].astype(np.float32)


def _model(vectors: np.ndarray, owner: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> _Model:
    members = np.zeros((len(owner), len(TAXONOMY)), dtype=np.float32)
    members[np.arange(len(owner)), owner] = 1.0
    return _Model(vectors, owner, members, weights, bias)


def fit(
    backend: EmbeddingBackend,
    prototypes: Prototypes,
    *,
    path: Path | None = None,
    reuse: bool = True,
) -> _Model:
    """The classifier's model: the shipped file when it matches the prototype texts, the
    backend and `LINEAR_C` (and `reuse`), else encoded and trained now."""
    path = path or data_path(MODEL_FILE)
    owner = np.array([_INDEX[t] for t in prototypes.topics], dtype=np.intp)
    if reuse and path.is_file():
        with np.load(path, allow_pickle=False) as data:
            if (
                str(data["digest"]) == prototypes.digest
                and str(data["backend"]) == backend.name
                and float(data["linear_c"]) == LINEAR_C
                and data["vectors"].shape == (len(prototypes.texts), backend.dim)
            ):
                return _model(
                    np.asarray(data["vectors"], dtype=np.float32),
                    owner,
                    np.asarray(data["weights"], dtype=np.float32),
                    np.asarray(data["bias"], dtype=np.float32),
                )
    vectors = np.asarray(backend.encode(list(prototypes.texts)), dtype=np.float32)
    weights, bias = train_linear(vectors, owner)
    return _model(vectors, owner, weights, bias)


def save_model(
    model: _Model, prototypes: Prototypes, backend_name: str, path: Path | None = None
) -> None:
    """Write the shipped model file (`tools/gen_topic_prototypes.py`)."""
    np.savez_compressed(
        path or data_path(MODEL_FILE),
        digest=np.array(prototypes.digest),
        backend=np.array(backend_name),
        linear_c=np.array(LINEAR_C),
        vectors=model.vectors.astype(np.float16),
        weights=model.weights,
        bias=model.bias,
    )


class TopicClassifier:
    """Assigns taxonomy topics to article embeddings (see the module docstring)."""

    def __init__(self, backend: EmbeddingBackend, prototypes: Prototypes | None = None) -> None:
        self.backend = backend
        self._prototypes = prototypes
        self._model: _Model | None = None
        self._lock = threading.Lock()

    def _ready(self) -> _Model:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    protos = self._prototypes or load_prototype_texts()
                    self._model = fit(self.backend, protos)
        return self._model

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, len(TAXONOMY)) topic probabilities; a row of zeros for a zero vector."""
        model = self._ready()
        x = np.asarray(vectors, dtype=np.float32).reshape(-1, model.vectors.shape[1])
        if not x.shape[0]:
            return np.zeros((0, len(TAXONOMY)), dtype=np.float32)
        out = np.empty((x.shape[0], len(TAXONOMY)), dtype=np.float32)
        for start in range(0, x.shape[0], _CHUNK):  # bounded memory for big batches
            part = x[start : start + _CHUNK]
            out[start : start + _CHUNK] = (1 - LINEAR_WEIGHT) * _vote(
                part, model
            ) + LINEAR_WEIGHT * _softmax(part @ model.weights + model.bias)
        out[~np.any(x != 0, axis=1)] = 0.0
        return out

    def classify(self, vectors: np.ndarray) -> list[list[TopicScore]]:
        """Per article, its topics best first: the best always, further ones only when they
        hold a clear share too; an empty list for a zero vector (an empty text)."""
        probs = self.probabilities(vectors)
        result: list[list[TopicScore]] = []
        for row in probs:
            if not row.any():
                result.append([])
                continue
            order = np.argsort(-row, kind="stable")[:MAX_TOPICS]
            top = float(row[order[0]])
            topics = []
            for rank, i in enumerate(order):
                p = float(row[i])
                if rank and (p < SECOND_SHARE * top or p < SECOND_MIN):
                    break
                key, label = TAXONOMY[i]
                topics.append(TopicScore(key=key, label=label, kind=KIND, score=round(p, 4)))
            result.append(topics)
        return result


# A source's own section names that mean a taxonomy topic (weak labels: a source that files a
# story under "Sport" says what it is about better than any classifier). Keys are normalised
# tags; a tag may name two topics ("Politics and conflicts").
_TAG_TOPICS: dict[str, tuple[str, ...]] = {
    "world": ("world",),
    "world news": ("world",),
    "international": ("world",),
    "politics": ("politics",),
    "politics and conflicts": ("politics", "conflict"),
    "elections": ("politics",),
    "business": ("business",),
    "economy": ("business",),
    "economy and business": ("business",),
    "markets": ("business",),
    "finance": ("business",),
    "money": ("business",),
    "technology": ("technology",),
    "tech": ("technology",),
    "science": ("science",),
    "science and technology": ("science", "technology"),
    "space": ("science",),
    "health": ("health",),
    "sport": ("sport",),
    "sports": ("sport",),
    "football": ("sport",),
    "entertainment": ("entertainment",),
    "culture": ("culture",),
    "culture and entertainment": ("culture", "entertainment"),
    "arts": ("culture",),
    "books": ("culture",),
    "environment": ("environment",),
    "climate": ("environment",),
    "crime and law": ("crime-and-law",),
    "crime": ("crime-and-law",),
    "law": ("crime-and-law",),
    "war": ("conflict",),
    "conflict": ("conflict",),
    "education": ("education",),
    "lifestyle": ("lifestyle",),
    "life and style": ("lifestyle",),
    "travel": ("lifestyle",),
    "food": ("lifestyle",),
    "opinion": ("opinion",),
    "comment": ("opinion",),
    "commentisfree": ("opinion",),
    "editorial": ("opinion",),
    "analysis": ("opinion",),
}
# The score a taxonomy topic named by the source's own tag gets.
TAG_SCORE = 0.9


def topics_from_tags(tags: Iterable[str]) -> list[TopicScore]:
    """Taxonomy topics that the source's own tags name ("Sports" → Sport)."""
    labels = dict(TAXONOMY)
    found: dict[str, TopicScore] = {}
    for tag in tags:
        for key in _TAG_TOPICS.get(normalise_key(tag), ()):
            found.setdefault(
                key, TopicScore(key=key, label=labels[key], kind=KIND, score=TAG_SCORE)
            )
    return list(found.values())


def merge_topics(
    classified: Sequence[TopicScore], tagged: Sequence[TopicScore]
) -> list[TopicScore]:
    """The classifier's topics and the tag-named ones, each topic once at its higher score,
    best first."""
    best: dict[str, TopicScore] = {}
    for t in [*classified, *tagged]:
        if t.key not in best or t.score > best[t.key].score:
            best[t.key] = t
    return sorted(best.values(), key=lambda t: -t.score)
