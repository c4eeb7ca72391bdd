"""Sentence boundaries and quotation marks in one paragraph of news text.

Pure, linear-time helpers shared by quote extraction and summaries: `quote_pairs` finds the
double quotation marks that open and close a quotation (curly, straight, low and angle marks;
single quotes are apostrophes or nested quotes and never delimit), and `sentence_spans` splits a
paragraph into sentences without breaking inside a quotation or after "U.S.", "Mr.", "Jan. 5",
"3.5" or an initial."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

OPENING = frozenset("“„«‟")
CLOSING = frozenset("”»")
AMBIGUOUS = frozenset('"＂')
MARKS = OPENING | CLOSING | AMBIGUOUS
_MARK = re.compile('["＂“”„«»‟]')
_BEFORE_OPEN = frozenset(" \t\n\r\u00a0([{—–-/")
_AFTER_CLOSE = frozenset(" \t\n\r\u00a0,.;:!?)]}—–-…")


@dataclass(frozen=True, slots=True)
class Quoted:
    """Offsets of one pair of quotation marks: `open` is the index of the opening mark, `close`
    the index of the closing mark, or the paragraph length when the quotation runs on past the
    end of the paragraph (`closed` is then False)."""

    open: int
    close: int
    closed: bool = True


def _kind(text: str, i: int, inside: bool) -> str:
    ch = text[i]
    if ch in OPENING:
        return "open"
    if ch in CLOSING:
        # A closing mark used as an opener: `”Hello` at the start of a word, outside a quotation.
        if not inside and (i == 0 or text[i - 1] in _BEFORE_OPEN) and i + 1 < len(text):
            return "open" if text[i + 1] not in _AFTER_CLOSE else "close"
        return "close"
    before = i == 0 or text[i - 1] in _BEFORE_OPEN
    after = i + 1 >= len(text) or text[i + 1] in _AFTER_CLOSE
    if before and not after:
        return "open"
    if after and not before:
        return "close"
    return "close" if inside else "open"


def quote_pairs(text: str, max_marks: int = 4000) -> list[Quoted]:
    """Pairs of quotation marks in `text`, in order. A stray closing mark is ignored; an opening
    mark followed by another opener before any closer is dropped (unbalanced); a quotation left
    open at the end of the text is returned with `closed=False` (the news convention for a quote
    that continues in the next paragraph)."""
    pairs: list[Quoted] = []
    open_at: int | None = None
    for n, match in enumerate(_MARK.finditer(text)):
        if n >= max_marks:
            break
        i = match.start()
        kind = _kind(text, i, open_at is not None)
        if kind == "open":
            open_at = i  # a second opener abandons the first
        elif open_at is not None:
            pairs.append(Quoted(open_at, i))
            open_at = None
    if open_at is not None:
        pairs.append(Quoted(open_at, len(text), closed=False))
    return pairs


def starts_with_quote(text: str) -> bool:
    """True when the text opens with a quotation mark (a paragraph that continues a quote)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in MARKS and _kind(stripped, 0, False) == "open"


# Abbreviations after which a full stop never ends a sentence.
_NEVER = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "pres",
        "supt",
        "det",
        "insp",
        "no",
        "nos",
        "vs",
        "v",
        "fig",
        "approx",
        "est",
        "dept",
        "univ",
        "e.g",
        "i.e",
        "cf",
        "al",
    ]
)
# Abbreviations (and initials, initialisms) that end a sentence only before a word that
# usually starts one.
_MAYBE = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "inc",
        "corp",
        "co",
        "ltd",
        "bros",
        "plc",
        "llc",
        "etc",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
    ]
)
_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "there",
        "but",
        "and",
        "in",
        "on",
        "at",
        "after",
        "as",
        "however",
        "meanwhile",
        "police",
        "officials",
        "when",
        "while",
        "if",
        "for",
    ]
)
_BOUNDARY = re.compile(
    r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+(?=\s+[\"'“‘«(\[]?[^\W_a-z])|(?<![.!?…])[.!?…]++[\"'”’»)\]]*+$"
)
_LAST_WORD = re.compile(r"(?:^|[\s(\"“‘])([^\s(\"“‘]*)$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘«(\[]?([^\s\"'”’.,;:!?]*)")


def _masked(text: str, pairs: Sequence[Quoted]) -> str:
    """The text with the inside of each quotation blanked out (sentence ends inside a quotation
    do not end the sentence around it), keeping the final punctuation before the closing mark."""
    if not pairs:
        return text
    chars = list(text)
    for q in pairs:
        inner_end = q.close
        while inner_end > q.open + 1 and text[inner_end - 1] in ".!?…":
            inner_end -= 1
        for i in range(q.open + 1, inner_end):
            chars[i] = "X"
    return "".join(chars)


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    """Whether the punctuation at `dot` (through `end`) ends a sentence."""
    if text[dot] != ".":
        return True
    match = _LAST_WORD.search(text, max(0, dot - 40), dot)
    word = (match.group(1) if match else "").lower().rstrip(".")
    if not word:
        return True
    if word in _NEVER:
        return False
    initial = len(word) == 1 and word.isalpha()
    initialism = bool(re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", word))
    if word in _MAYBE or initial or initialism:
        nxt = _NEXT_WORD.match(text, end)
        return nxt is not None and nxt.group(1).lower() in _STARTERS
    return True


def sentence_spans(text: str, pairs: Sequence[Quoted] | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, trimmed of surrounding whitespace.
    `pairs` are the quotation marks of the text (computed when not given); no sentence ends
    inside a quotation."""
    if not text.strip():
        return []
    masked = _masked(text, quote_pairs(text) if pairs is None else pairs)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(masked):
        if not _ends_sentence(masked, match.start(), match.end()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, as substrings of it."""
    return [text[a:b] for a, b in sentence_spans(text)]
