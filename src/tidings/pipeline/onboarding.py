"""Cold start: a new reader picks topics of the taxonomy, which become follows at once."""

from __future__ import annotations

from collections.abc import Iterable

from tidings.core import Event, EventKind, FollowKind, InvalidInputError, Reader
from tidings.enrich.topics import TAXONOMY
from tidings.store import Store

# (key, label) of the topics offered at onboarding: the classifier's taxonomy, which every
# English article is sorted into.
ONBOARDING_TOPICS: tuple[tuple[str, str], ...] = TAXONOMY
_LABELS = {key: label for key, label in TAXONOMY}
_BY_LABEL = {label.casefold(): key for key, label in TAXONOMY}


def topic_key(choice: str) -> str:
    """A taxonomy topic named by its key ("crime-and-law") or label ("Crime and law")."""
    value = choice.strip()
    if value in _LABELS:
        return value
    key = _BY_LABEL.get(value.casefold())
    if key is None:
        raise InvalidInputError(
            f"unknown topic {choice!r}: pick from {', '.join(label for _k, label in TAXONOMY)}"
        )
    return key


def onboard(store: Store, reader: Reader, topics: Iterable[str]) -> list[str]:
    """Follow the chosen taxonomy topics; returns their keys. The next feed reflects them."""
    keys = list(dict.fromkeys(topic_key(t) for t in topics))
    for key in keys:
        store.readers.follow(reader.id, FollowKind.TOPIC, key, label=_LABELS[key])
        store.events.record(Event(reader.id, None, EventKind.FOLLOW, value=_LABELS[key]))
    return keys


def create_reader(store: Store, name: str, topics: Iterable[str] = ()) -> Reader:
    """A new reader following the topics picked at onboarding (checked before anything is
    created, so a bad topic creates no reader)."""
    chosen = [topic_key(t) for t in topics]
    reader = store.readers.create(name)
    onboard(store, reader, chosen)
    return reader
