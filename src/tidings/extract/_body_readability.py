"""readability-lxml run on an already parsed (and cleaned) tree, returning paragraphs."""

from __future__ import annotations

import copy
import logging
from typing import Any

import lxml.html
from readability import Document

from tidings.extract._body_text import element_paragraphs

__all__ = ["readability_paragraphs"]

_TOP_CANDIDATES = 5
_ALTERNATIVE_SHARE = 0.75
_MIN_ALTERNATIVES = 3

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


class _TreeDocument(Document):  # type: ignore[misc]
    """A Document over a parsed tree. readability re-parses its input when its first, ruthless
    pass finds too little; each pass gets a fresh copy so the second does not see what the first
    removed."""

    def _parse(self, input: Any) -> Any:
        return super()._parse(copy.deepcopy(input))

    def select_best_candidate(self, candidates: dict[Any, dict[str, Any]]) -> Any:
        """readability-lxml's pick, moved up to the nearest ancestor that holds at least three of
        the other strong candidates (scoring >= 3/4 of the best): an article split into sections
        scores each section apart, and the best section alone is only part of the article."""
        best = super().select_best_candidate(candidates)
        if best is None:
            return None
        floor = _ALTERNATIVE_SHARE * best["content_score"]
        ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)
        alternatives = [
            c["elem"]
            for c in ranked[:_TOP_CANDIDATES]
            if c is not best and c["content_score"] >= floor
        ]
        if len(alternatives) >= _MIN_ALTERNATIVES:
            ancestor_sets = [set(elem.iterancestors()) for elem in alternatives]
            for parent in best["elem"].iterancestors():
                if parent.tag in ("body", "html"):
                    break
                if sum(parent in ancestors for ancestors in ancestor_sets) >= _MIN_ALTERNATIVES:
                    if parent not in candidates:
                        candidates[parent] = self.score_node(parent)
                    best = candidates[parent]
                    break
        return best


def readability_paragraphs(tree: Any) -> list[str]:
    """The paragraphs readability-lxml picks as the article of `tree` ([] when it fails)."""
    try:
        summary = _TreeDocument(tree).summary(html_partial=True)
        if not summary or not summary.strip():
            return []
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception:  # readability raises Unparseable and assorted lxml errors
        return []
    return element_paragraphs(fragment)
