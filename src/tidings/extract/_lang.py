"""Private language guesser for extraction (extract/ may not import enrich/)."""

from __future__ import annotations

import py3langid

_MIN_LETTERS = 20


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when there are fewer than ~20 letters to go on."""
    sample = text[:10000]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    code, _score = py3langid.classify(sample)
    return str(code) or None
