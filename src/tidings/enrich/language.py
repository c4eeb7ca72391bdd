"""Language identification for enrichment."""

from __future__ import annotations

import py3langid

__all__ = ["detect_language"]

MIN_LETTERS = 20


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of `text`'s language, or None if it is too short to tell.

    Text with fewer than `MIN_LETTERS` letters gives None: guesses on a few words are noise.
    """
    sample = text[:20000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    code, _score = py3langid.classify(sample)
    return str(code) or None
