"""readability-lxml run on an already parsed (and cleaned) tree, returning paragraphs.

Adjusted where its choices lose article text (each measured on the Zyte and Mozilla pages):
an article split into sections is taken whole; a pick inside a table moves to what holds the
table; paragraphs beside the wrappers of the pick are kept; links to the page itself do not
count as links; lists of points that are mostly text are kept."""

from __future__ import annotations

import copy
import logging
from typing import Any

import lxml.html
from readability import Document
from readability.readability import text_length as _text_length

from tidings.extract._body_text import element_paragraphs

__all__ = ["readability_paragraphs"]

_TOP_CANDIDATES = 5
_ALTERNATIVE_SHARE = 0.75
_MIN_ALTERNATIVES = 3
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr"})
_WRAPPER_SLACK = 1.1  # a wrapper holding at most 10% more text than the pick adds nothing
_LONG_PARAGRAPH = 80  # characters; readability-lxml's sibling-paragraph rule
_PARAGRAPH_MAX_LINKS = 0.25
_LIST_MAX_LINKS = 0.4

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


class _TreeDocument(Document):  # type: ignore[misc]
    """A Document over a parsed tree. readability re-parses its input when its first, ruthless
    pass finds too little; each pass gets a fresh copy so the second does not see what the first
    removed."""

    def _parse(self, input: Any) -> Any:
        return super()._parse(copy.deepcopy(input))

    def get_link_density(self, elem: Any) -> float:
        """Share of the text in links, not counting links within the page ("#section"):
        permalinks, back-references on headings and tables of contents do not lead away."""
        linked = sum(
            int(_text_length(a))
            for a in elem.iterdescendants("a")
            if not (a.get("href") or "").startswith("#")
        )
        return linked / max(int(_text_length(elem)), 1)

    def get_preserved_elements(self, node: Any) -> dict[Any, bool]:
        """readability-lxml's own, plus the lists that are mostly text rather than links (its
        cleaning drops any list with more than a fifth of its text in links, when a list of
        points with a link or two each belongs to the article)."""
        allowed: dict[Any, bool] = super().get_preserved_elements(node)
        for elem in self.tags(node, "ul", "ol"):
            if self.class_weight(elem) >= 0 and self.get_link_density(elem) <= _LIST_MAX_LINKS:
                allowed[elem] = True
        return allowed

    def get_article(
        self,
        candidates: dict[Any, dict[str, Any]],
        best_candidate: dict[str, Any],
        html_partial: bool = False,
    ) -> Any:
        """readability-lxml's article (the pick and its related siblings), plus the paragraphs
        beside the pick's wrappers: when the pick is wrapped in elements that add (almost) no
        text of their own ("read more" folds), the article's opening paragraphs are siblings of
        the wrapper, not of the pick. Only long, link-poor <p> siblings are taken there."""
        best = best_candidate["elem"]
        limit = _text_length(best) * _WRAPPER_SLACK
        before: list[Any] = []
        after: list[Any] = []
        wrapper = best.getparent()
        while (
            wrapper is not None
            and wrapper.getparent() is not None
            and wrapper.tag not in ("body", "html")
            and _text_length(wrapper) <= limit
        ):
            before[:0] = [s for s in wrapper.itersiblings(preceding=True) if self._paragraph(s)][
                ::-1
            ]
            after.extend(s for s in wrapper.itersiblings() if self._paragraph(s))
            wrapper = wrapper.getparent()
        output = super().get_article(candidates, best_candidate, html_partial)
        root = output if html_partial else output.getchildren()[0].getchildren()[0]
        for elem in reversed(before):
            root.insert(0, elem)
        for elem in after:
            root.append(elem)
        return output

    def _paragraph(self, elem: Any) -> bool:
        """A <p> readability-lxml would take as a sibling of its pick on length alone."""
        return (
            elem.tag == "p"
            and len(elem.text or "") > _LONG_PARAGRAPH
            and self.get_link_density(elem) < _PARAGRAPH_MAX_LINKS
        )

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
        if best["elem"].tag in _TABLE_PARTS:
            # A table's body collects the scores of its cells (<td> paragraphs), so a page built
            # around a long table picks the table alone: the article is what holds the table.
            holder = next(
                (a for a in best["elem"].iterancestors() if a.tag not in _TABLE_PARTS), None
            )
            if holder is not None and holder.tag not in ("body", "html"):
                best = {"content_score": best["content_score"], "elem": holder}
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
