"""Entity spans in plain text: where each person, organisation, place or other named thing is,
with character offsets, its label and its canonical name within the text.

Built on the spaCy model's entities, with the fixes news text needs (`clean_name`): a
possessive, a title or honorific, a leading "the" or a quotation mark glued to a name is not
part of the name ("Foreign Minister Wang Yi's" → "Wang Yi"), and the offsets follow the
trimmed name. Numbers, dates, amounts and percentages are not named entities and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tidings.core import EntityLabel
from tidings.enrich.entities import clean_name, defuse, is_generic

__all__ = ["SPACY_LABELS", "EntitySpan", "entity_spans"]

# spaCy (OntoNotes) label → ours. Numeric and temporal types (DATE, TIME, PERCENT, MONEY,
# QUANTITY, ORDINAL, CARDINAL) are not entities a reader follows and are dropped.
SPACY_LABELS = {
    "PERSON": EntityLabel.PERSON,
    "ORG": EntityLabel.ORG,
    "GPE": EntityLabel.PLACE,
    "LOC": EntityLabel.PLACE,
    "FAC": EntityLabel.PLACE,
    "NORP": EntityLabel.MISC,
    "EVENT": EntityLabel.MISC,
    "PRODUCT": EntityLabel.MISC,
    "WORK_OF_ART": EntityLabel.MISC,
    "LAW": EntityLabel.MISC,
    "LANGUAGE": EntityLabel.MISC,
}


@dataclass(frozen=True, slots=True)
class EntitySpan:
    text: str  # exactly text[start:end] of the input
    label: EntityLabel
    start: int
    end: int
    canonical: str  # the fullest form of the name in the same text ("Wang" → "Wang Yi")


def entity_spans(
    nlp: Any, texts: Iterable[str], *, batch_size: int = 64
) -> Iterator[list[EntitySpan]]:
    """The entity spans of each text, in order (one list per text)."""
    items = list(texts)
    for text, doc in zip(
        items, nlp.pipe((defuse(t) for t in items), batch_size=batch_size), strict=True
    ):
        yield _spans(text, doc)


def _spans(text: str, doc: Any) -> list[EntitySpan]:
    found: list[tuple[str, EntityLabel, int, int]] = []
    for ent in doc.ents:
        label = SPACY_LABELS.get(ent.label_)
        if label is None:
            continue
        name = clean_name(ent.text)
        if name.lower().startswith("the ") and label is not EntityLabel.PERSON:
            name = name[4:]
        if len(name) < 2 or not any(ch.isalpha() for ch in name) or is_generic(name):
            continue
        at = text.find(name, ent.start_char, ent.end_char)
        if at < 0:  # cleaning changed inner spacing: keep the model's span
            found.append((ent.text, label, ent.start_char, ent.end_char))
        else:
            found.append((name, label, at, at + len(name)))
    people = sorted(
        {n for n, lab, _, _ in found if lab is EntityLabel.PERSON and " " in n},
        key=len,
        reverse=True,
    )
    named = sorted({n for n, _, _, _ in found if " " in n}, key=len, reverse=True)
    out = []
    for name, label, start, end in found:
        canonical, label = _canonical(name, label, people, named)
        out.append(EntitySpan(name, label, start, end, canonical))
    return out


def _canonical(
    name: str, label: EntityLabel, people: list[str], named: list[str]
) -> tuple[str, EntityLabel]:
    """The fullest form of `name` in the same text, and its label: a surname or given name of
    a person named in full is that person, whatever the model called it ("Wang" tagged ORG)."""
    if " " in name:
        return name, label
    for full in people:
        tokens = full.split()
        if name in (tokens[0], tokens[-1]):
            return full, EntityLabel.PERSON
    if name.isupper() and len(name) >= 2:  # an acronym of a longer name in the same text
        for full in named:
            if "".join(w[0] for w in full.split() if w[0].isupper()) == name:
                return full, label
    return name, label
