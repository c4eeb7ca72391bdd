"""Place topics: the countries, territories and world regions an article is about, from the
salience of its place entities. Pure table lookups (`_gazetteer`), no model.

A country scores from every place entity that maps to it: the country named directly counts in
full, a city or region in it counts `SUBPLACE_WEIGHT` of its salience. Contributions combine
like independent pieces of evidence (1 - Π(1 - wᵢ·sᵢ)), so the score stays within 0..1 and
grows with each further mention without one passing mention ever making the article "about" a
country. Territories with news of their own (Hong Kong, Puerto Rico, Greenland...) are topics
themselves and also add `TERRITORY_PARENT_WEIGHT` of their score to their sovereign country.
World regions (Europe, Middle East...) are topics only when named directly."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tidings.core import EntityLabel, EntityMention, TopicScore
from tidings.core.text import normalise_key
from tidings.enrich import _gazetteer as gz

__all__ = [
    "DEFAULT_MIN_SCORE",
    "SUBPLACE_WEIGHT",
    "country_of",
    "country_of_demonym",
    "named_place",
    "place_of",
    "place_topics",
]

KIND = "place"
SUBPLACE_WEIGHT = 0.8  # a city or region, relative to its country named directly
DEFAULT_MIN_SCORE = 0.3  # one mention deep in the body scores ~0.1; a title mention ≥ 0.35

_DIRECTIONS = re.compile(
    r"^(?:north|south|east|west|northern|southern|eastern|western|central|upper|lower|"
    r"north ?east|north ?west|south ?east|south ?west|north ?eastern|north ?western|"
    r"south ?eastern|south ?western|rural|greater|coastal|occupied)\s+"
)
_SUFFIXES = re.compile(r"\s+(?:province|state|region|oblast|governorate|prefecture|city)$")


@dataclass(frozen=True, slots=True)
class _Sense:
    """One meaning of a place name."""

    topic: tuple[str, str]  # (key, label) of the place topic it adds to
    weight: float  # 1.0 named directly, SUBPLACE_WEIGHT for a city or region
    country: tuple[str, str] | None  # the sovereign country; None for world regions
    parent: tuple[str, str] | None = None  # a territory's country, scored lower
    context: frozenset[str] = frozenset()  # topic keys whose presence picks this sense


def _norm(name: str) -> str:
    """Lookup form: no diacritics, case, full stops, apostrophes, hyphens or leading "the"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['‘’ʻ`.]", "", text.casefold())
    text = " ".join(re.sub(r"[-‐–—_/]", " ", text).split())
    return text[4:] if text.startswith("the ") else text


def _names(part: str) -> list[str]:
    return [n.strip() for n in part.split("|") if n.strip()]


def _topic(label: str) -> tuple[str, str]:
    return normalise_key(label), label


class _Index:
    def __init__(self) -> None:
        self.senses: dict[str, tuple[_Sense, ...]] = {}
        self.country_names: dict[str, set[str]] = defaultdict(set)  # topic key → lookup names
        countries: dict[str, tuple[str, str]] = {}
        for line in _lines(gz.COUNTRIES):
            parts = [*line.split("::"), "", ""][:3]
            names = _names(parts[0])
            country = _topic(names[0])
            countries[_norm(names[0])] = country
            direct = _Sense(country, 1.0, country)
            sub = _Sense(country, SUBPLACE_WEIGHT, country)
            self._add(names, direct)
            self._add(_names(parts[1]) + _names(parts[2]), sub)
        for line in _lines(gz.TERRITORIES):
            parts = [*line.split("::"), ""][:3]
            names = _names(parts[0])
            parent = countries[_norm(parts[1].strip())]
            topic = _topic(names[0])
            self._add(names, _Sense(topic, 1.0, parent, parent))
            self._add(_names(parts[2]), _Sense(topic, SUBPLACE_WEIGHT, parent, parent))
        for line in _lines(gz.SUPRANATIONAL):
            names = _names(line)
            self._add(names, _Sense(_topic(names[0]), 1.0, None))
        for line in _lines(gz.AMBIGUOUS):
            name, _, rest = (p.strip() for p in line.partition("::"))
            senses = []
            for option in _names(rest):
                label, _, extra = (p.strip() for p in option.partition("<"))
                country = countries[_norm(label)]
                named = _norm(name) in self.country_names[country[0]] or re.search(
                    rf"\b{re.escape(_norm(name))}\b", _norm(label)
                )
                context = {country[0]} | {normalise_key(c) for c in extra.split(",") if c.strip()}
                weight = 1.0 if named else SUBPLACE_WEIGHT
                senses.append(_Sense(country, weight, country, context=frozenset(context)))
            self.senses[_norm(name)] = tuple(senses)  # replaces any single sense
        self.demonyms: dict[str, tuple[str, str]] = {}
        for line in _lines(gz.DEMONYMS):
            label, _, words = (p.strip() for p in line.partition("::"))
            place = self.named(label)
            if place is None or place[1] != label:
                raise ValueError(f"nationality words for {label!r}, not a listed place")
            for word in _names(words):
                key = _norm(word)
                if key in self.demonyms:
                    raise ValueError(f"nationality word {word!r} is listed twice")
                self.demonyms[key] = place

    def _add(self, names: Iterable[str], sense: _Sense) -> None:
        for name in names:
            key = _norm(name)
            old = self.senses.get(key)
            if old is not None and old[0].topic != sense.topic:
                raise ValueError(f"place name {name!r} is listed for {old[0].topic[1]} too")
            if old is None or sense.weight > old[0].weight:
                self.senses[key] = (sense,)
            if sense.weight == 1.0:
                self.country_names[sense.topic[0]].add(key)

    def named(self, name: str) -> tuple[str, str] | None:
        """The country, territory or region a name names itself (not a city or region in it)."""
        senses = self.senses.get(_norm(name), ())
        if len(senses) == 1 and senses[0].weight == 1.0:
            return senses[0].topic
        return None

    def lookup(self, name: str) -> tuple[_Sense, ...]:
        key = _norm(name)
        found = self.senses.get(key)
        if found:
            return found
        if "," in key:  # "Paris, Texas": the larger place comes last
            return self.lookup(key.rsplit(",", 1)[1])
        for pattern in (_DIRECTIONS, _SUFFIXES):
            shorter = pattern.sub("", key)
            if shorter != key and shorter in self.senses:
                return tuple(
                    _Sense(s.topic, min(s.weight, SUBPLACE_WEIGHT), s.country, s.parent, s.context)
                    for s in self.senses[shorter]
                )
        return ()


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


@functools.cache
def _index() -> _Index:
    return _Index()


def country_of(name: str) -> tuple[str, str] | None:
    """The sovereign country of a place name as (key, label): "Xinjiang", "Beijing", "PRC" and
    "China" all give ("china", "China"); Hong Kong gives China too. None for unknown names and
    for world regions. Ambiguous names take their most common news sense ("Georgia" → United
    States); `place_topics` uses the rest of the article to choose instead."""
    senses = _index().lookup(name)
    return senses[0].country if senses else None


def country_of_demonym(word: str) -> tuple[str, str] | None:
    """The place a nationality word stands for, as (key, label): "Chinese" and "chinese" give
    ("china", "China"), "Afghans" ("afghanistan", "Afghanistan"), "Britons" the United Kingdom,
    "Hongkongers" Hong Kong and "European" the Europe region. None for other words, among them
    religious and ethnic groups ("Muslim", "Kurdish") and words with two common senses
    ("Georgian"). The forms listed in `_gazetteer.DEMONYMS` only: no stemming."""
    return _index().demonyms.get(_norm(word))


def named_place(name: str) -> tuple[str, str] | None:
    """The country, territory or world region a name names directly ("U.S." → United States),
    as (key, label); None for a city or region inside one ("Kabul"), an ambiguous name
    ("Georgia") and unknown names."""
    return _index().named(name)


def place_of(name: str) -> tuple[str, str] | None:
    """The place topic a name adds to: its country, or the territory ("Kowloon" → Hong Kong)
    or world region ("Mideast" → Middle East) it names."""
    senses = _index().lookup(name)
    return senses[0].topic if senses else None


def place_topics(
    entities: Sequence[EntityMention], *, min_score: float = DEFAULT_MIN_SCORE
) -> list[TopicScore]:
    """The place topics of one article, best first, from its entities.

    Place entities count; an organisation or event entity counts only when its whole name is a
    country, territory or world region (the model sometimes tags "United States" as an
    organisation), never a city (a club or a company named after one)."""
    index = _index()
    resolved: list[tuple[tuple[_Sense, ...], float]] = []
    for mention in entities:
        if mention.label is EntityLabel.PERSON or mention.salience <= 0:
            continue
        senses = index.lookup(mention.name)
        if not senses:
            continue
        if mention.label is not EntityLabel.PLACE and senses[0].weight < 1.0:
            continue
        resolved.append((senses, min(mention.salience, 1.0)))
    # Unambiguous names first; they decide which sense an ambiguous name has.
    clear = _combine((senses[0], salience) for senses, salience in resolved if len(senses) == 1)
    chosen: list[tuple[_Sense, float]] = []
    for senses, salience in resolved:
        best = senses[0]
        if len(senses) > 1:
            evidence = [max((clear.get(k, 0.0) for k in s.context), default=0.0) for s in senses]
            top = max(evidence)
            if top > evidence[0]:
                best = senses[evidence.index(top)]
        chosen.append((best, salience))
    scores = _combine(chosen)
    labels = {s.topic[0]: s.topic[1] for s, _ in chosen} | {
        s.parent[0]: s.parent[1] for s, _ in chosen if s.parent
    }
    out = [
        TopicScore(key=key, label=labels[key], kind=KIND, score=round(score, 4))
        for key, score in scores.items()
        if score >= min_score
    ]
    out.sort(key=lambda t: (-t.score, t.key))
    return out


def _combine(items: Iterable[tuple[_Sense, float]]) -> dict[str, float]:
    """Topic key → 1 - Π(1 - weight·salience) over its mentions (and its territories')."""
    missing: dict[str, float] = defaultdict(lambda: 1.0)
    for sense, salience in items:
        part = sense.weight * salience
        missing[sense.topic[0]] *= 1.0 - part
        if sense.parent is not None:
            missing[sense.parent[0]] *= 1.0 - gz.TERRITORY_PARENT_WEIGHT * part
    return {key: 1.0 - rest for key, rest in missing.items()}
