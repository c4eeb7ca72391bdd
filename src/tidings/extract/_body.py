"""Main text of an HTML page: the article body as a list of paragraphs.

Owned by the body-extraction work; `html.extract_html` calls `main_text` only."""

from __future__ import annotations

from typing import Any

import trafilatura

from tidings.core.errors import ExtractError
from tidings.extract._shapes import normalise

__all__ = ["main_text"]


def main_text(html: str, url: str | None, tree: Any) -> list[str]:
    """The body paragraphs of the page's main article (may be empty).

    `tree` is the page parsed by lxml.html (or None when it would not parse); it must not be
    modified."""
    del tree  # not used yet
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on broken markup
        raise ExtractError(f"the page could not be parsed: {exc}") from exc
    paragraphs = [normalise(line) for line in (text or "").splitlines()]
    return [p for p in paragraphs if p]
