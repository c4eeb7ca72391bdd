"""Who a quotation belongs to: the article's people and organisations found in attribution text,
by full name, surname, given name or initials, case-insensitively and ignoring titles
("Foreign Minister Wang" → "Wang Yi"); the text of an article as quote extraction reads it
(quotation marks, sentences, names outside quotations), with pronouns resolved to the subject
of the nearest sentence that names someone.

Used by `tidings.enrich.quotes`; pure and linear in the text it reads."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tidings.core import EntityLabel, EntityMention
from tidings.enrich.sentences import Quoted, quote_pairs, sentence_spans, starts_with_quote

_WORD = re.compile(r"[^\W\d_][\w’'.\-]*")
# Name particles that are not a useful short form on their own.
_PARTICLES = frozenset(
    [
        "de",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "del",
        "della",
        "der",
        "den",
        "di",
        "van",
        "von",
        "le",
        "la",
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "mc",
        "mac",
        "st",
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
MAX_QUOTE_CHARS = 3000  # longer "quotations" are mismatched marks
BACK = 3  # paragraphs looked back for a pronoun or the previous speaker
NEAR = 3000  # characters looked back for the person a pronoun stands for
_BLOCK = 2048  # names are found block by block, each block once, only where needed
_SPACE = re.compile(r"\s")
_MARK = re.compile('["＂“”„«»‟]')
PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you"])
_PERSONAL = frozenset({"he", "she"})


def _tokens(name: str) -> list[str]:
    return [_norm(m.group()) for m in _WORD.finditer(name)]


def _norm(word: str) -> str:
    word = word.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.strip(".'-")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    entity: EntityMention
    full: bool = True  # the full name (or a longer form), not a surname or given name alone


class Speakers:
    """Lookup of the people and organisations of one article."""

    def __init__(self, entities: Sequence[EntityMention]) -> None:
        people = [e for e in entities if e.label is EntityLabel.PERSON and e.name.strip()]
        orgs = [e for e in entities if e.label is EntityLabel.ORG and e.name.strip()]
        others = {_norm(e.name) for e in entities if e.label not in (EntityLabel.PERSON,)}
        self.full: dict[tuple[str, ...], EntityMention] = {}
        self.short: dict[str, EntityMention] = {}
        self.acronyms: dict[str, EntityMention] = {}
        rank = {id(e): (e.count, e.salience) for e in entities}
        # Organisations first so that a person of the same name wins the full-name slot.
        for entity in sorted(orgs, key=lambda e: rank[id(e)]) + sorted(
            people, key=lambda e: rank[id(e)]
        ):
            for form in (*entity.aliases, entity.name):
                tokens = tuple(t for t in _tokens(form) if t)
                if len(tokens) > 1 or (tokens and form == entity.name):
                    self.full[tokens] = entity
        for entity in orgs:
            capitals = [w for w in entity.name.split() if w[:1].isupper()]
            if len(capitals) >= 2:
                acronym = "".join(w[0] for w in capitals)
                self.acronyms.setdefault(acronym, entity)
        # Short forms: any word of a person's name ("Wang", "Lavrov", "Vázquez"), and the
        # one-word forms the entity step saw; when two people share one, the more mentioned
        # person takes it.
        for entity in sorted(people, key=lambda e: rank[id(e)]):
            words = [t for t in _tokens(entity.name) if t]
            shorts = words if len(words) >= 2 else []
            for alias in entity.aliases:
                alias_tokens = _tokens(alias)
                if len(alias_tokens) == 1:
                    shorts.append(alias_tokens[0])
            for token in shorts:
                if len(token) >= 2 and token not in _PARTICLES and token not in others:
                    self.short[token] = entity
        self.longest = max((len(k) for k in self.full), default=0)
        self.places = {tuple(_tokens(e.name)) for e in entities if e.label is EntityLabel.PLACE}

    def is_place(self, text: str) -> bool:
        """Whether the text is the name of one of the article's places."""
        return tuple(_tokens(text)) in self.places

    def __bool__(self) -> bool:
        return bool(self.full)

    def mentions(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """People and organisations named in text[start:end], in order."""
        if not self.full:
            return []
        stop = len(text) if end is None else end
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, stop)]
        out: list[Mention] = []
        i = 0
        while i < len(words):
            found = self._match(words, i)
            if found is None:
                i += 1
                continue
            k, entity, full = found
            out.append(Mention(words[i][0], words[i + k - 1][1], entity, full))
            i += k
        return out

    def _match(
        self, words: list[tuple[int, int, str]], i: int
    ) -> tuple[int, EntityMention, bool] | None:
        for k in range(min(self.longest, len(words) - i), 0, -1):
            key = tuple(_norm(w[2]) for w in words[i : i + k])
            entity = self.full.get(key)
            if entity is not None:
                if k == 1 and entity.label is EntityLabel.PERSON and not words[i][2][:1].isupper():
                    continue
                return k, entity, True
        raw = words[i][2]
        if not raw[:1].isupper():  # "may" is not Theresa May
            return None
        entity = self.short.get(_norm(raw))
        if entity is not None:
            return 1, entity, False
        entity = self.acronyms.get(raw.rstrip(".’'s"))
        if entity is not None and raw.rstrip(".’'s").isupper():
            return 1, entity, True
        return None


def pick_person(mentions: Sequence[Mention]) -> Mention | None:
    """The speaker among the people named in an attribution: the first named in full, else the
    first named at all ("Montana Secretary of State Corey Stapleton" → Corey Stapleton)."""
    people = [m for m in mentions if m.entity.label is EntityLabel.PERSON]
    return next((m for m in people if m.full), people[0] if people else None)


def pronoun_label(pronoun: str) -> EntityLabel | None:
    """What a pronoun can stand for: "he"/"she" a person, "it" an organisation."""
    word = pronoun.casefold()
    if word in _PERSONAL:
        return EntityLabel.PERSON
    return EntityLabel.ORG if word == "it" else None


_OBJECT = {"him": "he", "her": "she", "them": "they", "us": "we", "me": "i"}


def pronoun(word: str, alone: bool = False) -> str | None:
    """The subject pronoun a word is ("He", "she's", "I've" → "i"; "him" when `alone`, as in
    "according to him"), or None."""
    word = re.sub(r"['’](?:s|ve|ll|d|m|re)$", "", word.casefold())
    if alone:
        word = _OBJECT.get(word, word)
    return word if word in PRONOUNS else None


class ArticleText:
    """Per-article state: paragraphs, their quotation marks, sentences and named entities, each
    computed once and only for the paragraphs that need it."""

    def __init__(self, paragraphs: Sequence[str], speakers: Speakers) -> None:
        self.paras = paragraphs
        self.speakers = speakers
        self._pairs: dict[int, list[Quoted]] = {}
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self._starts: dict[int, list[int]] = {}
        self._opens: dict[int, list[int]] = {}
        self._blocks: dict[tuple[int, int], list[Mention]] = {}

    def pairs(self, pi: int) -> list[Quoted]:
        if pi not in self._pairs:
            text = self.paras[pi]
            found = quote_pairs(text) if _MARK.search(text) else []
            runs_on = pi + 1 < len(self.paras) and starts_with_quote(self.paras[pi + 1])
            self._pairs[pi] = [
                q
                for q in found
                if (q.closed or runs_on) and q.close - q.open - 1 <= MAX_QUOTE_CHARS
            ]
        return self._pairs[pi]

    def sentences(self, pi: int) -> list[tuple[int, int]]:
        if pi not in self._sentences:
            self._sentences[pi] = sentence_spans(self.paras[pi], self.pairs(pi))
        return self._sentences[pi]

    def starts(self, pi: int) -> list[int]:
        if pi not in self._starts:
            self._starts[pi] = [a for a, _ in self.sentences(pi)]
        return self._starts[pi]

    def sentence_start(self, pi: int, pos: int) -> int:
        starts = self.starts(pi)
        k = bisect.bisect_right(starts, pos) - 1
        return starts[k] if k >= 0 else 0

    def _edge(self, pi: int, k: int) -> int:
        """Where block k of a paragraph starts: the first space at or after k * _BLOCK."""
        text = self.paras[pi]
        if k == 0:
            return 0
        if k * _BLOCK >= len(text):
            return len(text)
        space = _SPACE.search(text, k * _BLOCK)
        return space.start() if space else len(text)

    def _block(self, pi: int, k: int) -> list[Mention]:
        """Entities named in block k of a paragraph outside its quotations (computed once)."""
        key = (pi, k)
        if key not in self._blocks:
            if pi not in self._opens:
                self._opens[pi] = [q.open for q in self.pairs(pi)]
            opens, pairs = self._opens[pi], self.pairs(pi)
            kept = []
            text = self.paras[pi]
            for m in self.speakers.mentions(text, self._edge(pi, k), self._edge(pi, k + 1)):
                i = bisect.bisect_left(opens, m.start) - 1
                if i < 0 or not m.start < pairs[i].close:
                    kept.append(m)
            self._blocks[key] = kept
        return self._blocks[key]

    def mentions(self, pi: int, start: int, end: int) -> list[Mention]:
        """Entities named in paragraph[start:end] outside its quotations, in order."""
        out: list[Mention] = []
        k = max(0, start // _BLOCK - 1)
        while self._edge(pi, k) < end:
            out.extend(m for m in self._block(pi, k) if start <= m.start and m.end <= end)
            k += 1
        return out

    def referent(self, pi: int, pos: int, word: str) -> EntityMention | None:
        """Who "he"/"she" ("it") at `pos` stands for: the subject, that is the first person
        (organisation) named, of the nearest sentence before it that names one, going back
        through sentences that themselves open with the pronoun ("Bloomberg endorsed Biden.
        “…,” he said" is Bloomberg; "Flynn spoke. He said Trump was…" keeps Flynn)."""
        wanted = pronoun_label(word)
        if wanted is None:
            return None
        looked = 0
        for k in range(pi, max(-1, pi - BACK - 1), -1):
            spans = self.sentences(k)
            if k == pi:
                spans = spans[: bisect.bisect_right(self.starts(k), pos)]
            for a, b in reversed(spans[-8:]):
                looked += 1
                if looked > 8:
                    return None
                b = min(b, pos) if k == pi else b
                found = [
                    m for m in self.mentions(k, a, min(b, a + NEAR)) if m.entity.label is wanted
                ]
                if not found:
                    continue
                opening = self.paras[k][a : found[0].start].split()
                if opening and pronoun(opening[0]) == word:
                    continue  # "He said Zelensky is…": he is someone named earlier
                return found[0].entity
        return None
