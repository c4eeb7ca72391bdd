"""Where the article sits in a text dump of a whole web page.

A dump made from a rendered page (select-all, html-text, a text browser) holds the page title,
menus, the article, and then related stories, comments, newsletter forms and footers. These
helpers find the article by shape only: the page is cut into blocks where it turns into lists
of short lines or into a section that follows articles everywhere ("Related stories",
"Comments"); the article is the block of paragraphs after the page title's repeat (the
headline), or else the block with the most paragraph text.
"""

from __future__ import annotations

import re

from tidings.extract import _shapes as shape

# " | ", " - ", " – ", " — ", " :: ", " · ", " » " between the headline and the site name
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—:·»•]|::)\s+|\s*\|\s*")
_WORDS = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _paragraph_words(texts: list[str], start: int, span: int = 40) -> int:
    return sum(
        shape.word_count(t) for t in texts[start : start + span] if shape.is_paragraph_like(t)
    )


def _same_title(key: str, title_keys: set[str], title_words: set[str]) -> bool:
    """`key` (a line) repeats the page title: equal to it or to one of its parts, one a prefix
    of the other, or nearly all of the line's words in the title and covering half of it."""
    if key in title_keys:
        return True
    for k in title_keys:
        if (k.startswith(key) or key.startswith(k)) and min(len(k), len(key)) >= 0.7 * max(
            len(k), len(key)
        ):
            return True
    words = key.split()
    if len(words) < 4:
        return False
    inside = sum(w in title_words for w in words)
    return inside >= 0.75 * len(words) and inside >= 0.4 * len(title_words)


def page_title_headline(texts: list[str], free: list[bool], before: int) -> int | None:
    """The line that repeats the page title (the dump's first line, "Headline | Site") as the
    article's headline: of the repeats before line `before`, the first one followed by at
    least 25 words of paragraph text in the next 40 lines, and half as many as the repeat
    followed by the most.

    `free` says which lines are not already classified as furniture."""
    if len(texts) < 3:
        return None
    first = texts[0]
    # the whole title and its longest part (the headline; the site's name is the shorter)
    longest = max((p for p in _TITLE_SEPARATOR.split(first) if p), key=len, default=first)
    keys = {k for k in (_key(first), _key(longest)) if len(k) >= 12 or len(k.split()) >= 3}
    if not keys:
        return None
    title_words = set(_key(first).split())
    repeats: list[tuple[int, int]] = []
    for index in range(1, min(before + 1, len(texts))):
        text = texts[index]
        if not free[index] or (
            shape.is_paragraph_like(text) and not shape.is_title_like(text, 4, 30, question=True)
        ):
            continue
        key = _key(text)
        if (len(key) >= 12 or len(key.split()) >= 3) and _same_title(key, keys, title_words):
            repeats.append((index, _paragraph_words(texts, index + 1)))
    if not repeats:
        return None
    # the first repeat with a fair share of prose after it (a later one is often a teaser)
    most = max(words for _, words in repeats)
    return next((i for i, words in repeats if words >= max(25, 0.5 * most)), None)


# Section headings that follow the article on news pages everywhere. A short line that is one
# of these ends a block (an article split by an inserted box is joined again in main_region).
_END_HEADING = re.compile(
    r"^(?:related(?:\s+(?:articles?|stories|posts?|content|coverage|links|reading|topics|tags))?"
    r"|more\b.*|recommended(?:\s+\w+)?|you (?:may|might) (?:also )?(?:like|enjoy)"
    r"|read (?:more|next|also)\b.*|most (?:popular|read|viewed|shared|commented)\b.*"
    r"|trending(?:\s+\w+)?|popular(?:\s+\w+)?|latest(?:\s+\w+){0,2}|top stories"
    r"|editor'?s? (?:picks?|choice)|what to read next|further reading|around the web"
    r"|from the web|also (?:read|on)\b.*|comments?|\d+\s+comments?|view comments"
    r"|(?:leave|post|add) a (?:reply|comment)|join the (?:discussion|conversation)"
    r"|show comments|conversation|discussion|share (?:this|your thoughts)\b.*"
    r"|about the author|sign up\b.*|subscribe\b.*|newsletter|tags?:?|topics?:?"
    r"|categories:?|filed under:?|previous (?:post|article)|next (?:post|article)"
    r"|post navigation|you are here)$",
    re.IGNORECASE,
)
_COMMENT_HEADER = re.compile(r"\b(?:said|says|wrote|writes|commented)\s*:$", re.IGNORECASE)


def is_end_heading(text: str) -> bool:
    core = text.strip(" :|›»>-–—•·").strip()
    return shape.word_count(core) <= 6 and bool(_END_HEADING.match(core))


def _is_short(text: str) -> bool:
    return shape.word_count(text) <= 5 and not shape.ends_sentence(text)


def _break_at(texts: list[str], kinds: list[str], index: int) -> bool:
    """A line that ends a block: a closing section heading or a comment header."""
    if kinds[index] not in ("", "ad", "repeat", "comments", "topics"):
        return False
    text = texts[index]
    return is_end_heading(text) or (not kinds[index] and bool(_COMMENT_HEADER.search(text)))


def _prose_words(text: str) -> int:
    return shape.word_count(text) if shape.is_paragraph_like(text) else 0


def _density(texts: list[str], kinds: list[str], start: int, end: int) -> float:
    """Share of the words in unclassified lines of texts[start:end] that are in paragraphs."""
    total = prose = 0
    for index in range(start, end):
        if not kinds[index]:
            words = shape.word_count(texts[index])
            total += words
            prose += _prose_words(texts[index])
    return prose / total if total else 0.0


def blocks(texts: list[str], kinds: list[str]) -> list[tuple[int, int, int]]:
    """The page cut into blocks of text, as (start, end, words of prose): a block ends at a
    closing section heading, a comment header, or a run of four short unclassified lines."""
    out: list[tuple[int, int, int]] = []
    start, words, short_run = 0, 0, 0
    for index, text in enumerate(texts):
        if _break_at(texts, kinds, index):
            out.append((start, index, words))
            start, words, short_run = index + 1, 0, 0
            continue
        if kinds[index]:
            continue
        if _is_short(text):
            short_run += 1
            if short_run == 4:
                out.append((start, index - 3, words))
            continue
        if short_run >= 4:
            start, words = index, 0
        short_run = 0
        words += _prose_words(text)
    out.append((start, len(texts), words))
    return [b for b in out if b[1] > b[0]]


def main_region(
    texts: list[str], kinds: list[str], after: int | None = None
) -> tuple[int, int] | None:
    """(start, end) of the article's block: the first block with prose after line `after`
    (the headline, when known), else the block with the most prose; extended over the
    blocks right after it that are dense prose too (an inserted "Related" box splits one
    article into two blocks)."""
    found = blocks(texts, kinds)
    if not found:
        return None
    best = max(range(len(found)), key=lambda i: (found[i][2], -i))
    if after is not None:
        # prose of each block that comes after the headline
        tail = [
            sum(_prose_words(texts[j]) for j in range(max(b[0], after + 1), b[1]) if not kinds[j])
            if b[1] > after
            else 0
            for b in found
        ]
        enough = max(25.0, 0.3 * max(tail))
        best = next((i for i, words in enumerate(tail) if words >= enough), best)
    if found[best][2] == 0:
        return None
    start, end, _ = found[best]
    for nxt in found[best + 1 :]:
        if nxt[0] - end > 8:
            break
        if nxt[2] < 30:
            break
        if _density(texts, kinds, *nxt[:2]) < 0.75:
            break
        end = nxt[1]
    return start, end
