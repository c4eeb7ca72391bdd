"""A short summary of an article: its standfirst when the page has one, otherwise one to three
sentences taken from the body, favouring the lead. Pure and bounded: only the opening of the
body is read."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tidings.core import Article
from tidings.enrich.sentences import sentence_spans

__all__ = ["summarise"]

_MAX_PARAGRAPHS = 12  # the summary comes from the opening of the story
_MAX_CANDIDATES = 10  # sentences considered
_MAX_PARAGRAPH_CHARS = 5000
_MIN_WORDS = 6
_MIN_CHARS = 30
_ELLIPSIS = "…"

# Page furniture that survives extraction.
_BOILERPLATE = re.compile(
    r"^(?:advertisement|sponsored|read more\b|related\b|see also\b|sign up\b|subscribe\b|"
    r"click here\b|share (?:this|on)\b|follow us\b|updated:?\s|published:?\s|posted:?\s|"
    r"photo:|image:|picture:|video:|credit:|source:|file photo\b|copyright\b|©|all rights reserved|"
    r"by [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}$|this article\b|listen to\b|watch:|"
    r"\(?(?:reuters|ap|afp|bloomberg)\)?$)",
    re.I,
)
_CREDIT = re.compile(
    r"(?:photo|image|picture)s?:|\b(?:getty images|afp|reuters|ap photo|epa|xinhua|shutterstock)"
    r"\s*$",
    re.I,
)
_DATE_ONLY = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?(?:\w+\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+\w+\s+\d{4}|\d{4}-\d{2}-\d{2})\.?$",
    re.I,
)
# "MOSCOW — ", "CAPE CANAVERAL, Florida - ", "LONDON (Reuters) - ": the place stays with the
# dateline, not the summary.
_DATELINE = re.compile(
    r"^(?P<city>[^\W\d_][^,–—\-(\n]{1,40}?)(?:,\s*[^,–—\-(\n]{1,30}?)?\s*(?:\([^)\n]{1,40}\))?"
    r"\s*[–—-]{1,2}\s+"
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "with",
        "this",
        "from",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "been",
        "will",
        "would",
        "said",
        "says",
        "its",
        "their",
        "they",
        "them",
        "his",
        "her",
        "she",
        "him",
        "who",
        "which",
        "what",
        "when",
        "where",
        "after",
        "over",
        "into",
        "about",
        "than",
        "then",
        "also",
        "more",
        "most",
        "some",
        "such",
        "only",
        "other",
        "there",
        "these",
        "those",
        "while",
        "being",
        "could",
        "should",
        "may",
        "might",
        "not",
        "but",
        "all",
        "any",
        "one",
        "two",
        "new",
        "year",
        "years",
    ]
)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _strip_dateline(sentence: str) -> str:
    match = _DATELINE.match(sentence)
    if match and match.group("city").isupper() and len(match.group("city")) > 1:
        return sentence[match.end() :]
    return sentence


def _usable(sentence: str) -> bool:
    if len(sentence) < _MIN_CHARS or len(sentence.split()) < _MIN_WORDS:
        return False
    if _BOILERPLATE.match(sentence) or _DATE_ONLY.match(sentence) or _CREDIT.search(sentence):
        return False
    if not any(ch.islower() for ch in sentence):  # shouting headings, bylines in capitals
        return False
    return sentence[-1] in ".!?…\"'”’)" or len(sentence.split()) >= 12


def _candidates(article: Article) -> Iterator[str]:
    for n, paragraph in enumerate(article.body_paragraphs[:_MAX_PARAGRAPHS]):
        text = paragraph[:_MAX_PARAGRAPH_CHARS]
        for i, (a, b) in enumerate(sentence_spans(text)):
            sentence = _clean(text[a:b])
            if i == 0 and n < 3:  # a dateline opens the story, after a byline at most
                sentence = _strip_dateline(sentence)
            if _usable(sentence):
                yield sentence


def _content(text: str) -> set[str]:
    return {w for w in (m.group().casefold() for m in _WORD.finditer(text)) if w not in _STOP}


def _fit(text: str, max_chars: int) -> str:
    """Cut at a word boundary with an ellipsis when the text is too long."""
    if len(text) <= max_chars:
        return text
    if max_chars <= 1:
        return text[:max_chars]
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + _ELLIPSIS


def _standfirst(parts: tuple[str, ...], max_chars: int) -> str:
    lines = [_clean(p) for p in parts if p and p.strip()]
    out: list[str] = []
    for line in lines:
        if line[-1] not in ".!?…\"'”’)":
            line += "."
        joined = " ".join([*out, line])
        if out and len(joined) > max_chars:
            break
        out.append(line)
    return _fit(" ".join(out), max_chars) if out else ""


def summarise(article: Article, max_sentences: int = 3, max_chars: int = 400) -> str:
    """The standfirst (its lines joined, each ending in a full stop), or up to `max_sentences`
    sentences of the body within `max_chars`: the first real sentence of the story, then the
    opening sentences that best cover the title and the lead, in the order of the story.
    Datelines, bylines, credits, "Advertisement" slots and fragments are skipped; an empty
    article gives ""."""
    if max_sentences < 1 or max_chars < 1:
        return ""
    if any(p.strip() for p in article.standfirst):
        return _standfirst(article.standfirst, max_chars)
    candidates: list[str] = []
    for sentence in _candidates(article):
        if sentence not in candidates:
            candidates.append(sentence)
        if len(candidates) >= _MAX_CANDIDATES:
            break
    if not candidates:
        return ""
    lead = candidates[0]
    if len(lead) >= max_chars or max_sentences == 1:
        return _fit(lead, max_chars)
    topic = _content(article.title) | _content(lead)
    doc = [_content(s) for s in candidates]
    chosen = {0}
    covered = set(doc[0])
    length = len(lead)
    while len(chosen) < max_sentences:
        best, best_score = -1, 0.0
        for i in range(1, len(candidates)):
            if i in chosen or length + 1 + len(candidates[i]) > max_chars:
                continue
            words = doc[i]
            if not words:
                continue
            new = len(words - covered) / len(words)
            if new < 0.3:  # mostly repeats what is already there
                continue
            relevance = len(words & topic) / len(words)
            score = 1.0 / (1 + i) + 0.5 * relevance + 0.25 * new
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.add(best)
        covered |= doc[best]
        length += 1 + len(candidates[best])
    return " ".join(candidates[i] for i in sorted(chosen))
