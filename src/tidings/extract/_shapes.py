"""Line shapes of page furniture in text dumps of article pages.

Each recogniser looks at one normalised line (stripped, runs of whitespace collapsed) and says
whether it has the shape of a kind of furniture, returning what it carries. None of them knows
any particular site's wording; the small vocabulary below holds only words that mean "page
furniture" on news sites everywhere.
"""

from __future__ import annotations

import re

FURNITURE_WORDS = frozenset(
    {
        "ad",
        "ads",
        "advert",
        "advertisement",
        "advertising",
        "sponsored",
        "sponsored content",
        "paid content",
        "paid post",
        "promoted",
        "promoted content",
        "partner content",
        "skip advertisement",
        "story continues below advertisement",
        "article continues below advertisement",
        "article continues below",
        "continue reading",
        "continue reading below",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "copy link",
        "save",
        "save article",
        "bookmark",
        "subscribe",
        "subscribe now",
        "sign in",
        "sign up",
        "log in",
        "login",
        "register",
        "read more",
        "read next",
        "read full article",
        "learn more",
        "see more",
        "more",
        "show more",
        "listen",
        "listen to this article",
        "follow",
        "follow us",
        "comments",
        "comment",
        "view comments",
        "most popular",
        "most read",
        "related",
        "related articles",
        "related stories",
        "recommended",
        "you may also like",
        "trending",
        "close",
        "menu",
        "search",
        "home",
        "back to top",
        "loading",
        "loading...",
    }
)

BULLET_CHARS = "•·▪‣◦●■-*–—"
_TERMINAL = ".!?…:;。！？："
_CLOSERS = "\"'”’»)]」』）"
_BULLET_RE = re.compile(rf"^[{re.escape(BULLET_CHARS)}]\s+(?P<text>\S.*)$")
_DURATION_RE = re.compile(r"^\(?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\)?$")
_CREDIT_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s.(]))\(?\s*(?:photo(?:graph|graphy)?s?|image|picture|pic|illustration"
    r"|graphic|credit|source|photo credit|image credit)\s*(?::|by\b)\s*"
    r"(?P<credit>[^():;!?]{1,60}?)\s*\)?\.?$",
    re.IGNORECASE,
)
_BARE_CREDIT_RE = re.compile(r"(?<=[.\s])Credit\s+(?P<credit>[A-Z][^():;!?]{1,80}?)\.?$")
_PAREN_CREDIT_RE = re.compile(r"\s*\((?P<credit>[A-Z][\w&./' -]{0,38}[\w.])\)\.?$")
_PRINT_RE = re.compile(
    r"appeared in (?:the\s+)?(?P<pub>.+?)\s+print edition\s+(?:as|under the headline|with the"
    r" headline)\s*:?\s*(?P<headline>.+)$",
    re.IGNORECASE,
)
_PRINT_NYT_RE = re.compile(
    r"appears? in print\b.*?\b(?:with|under) the headline\s*:?\s*(?P<headline>.+)$",
    re.IGNORECASE,
)
_COMMENTS_RES = (
    re.compile(r"^(?:view|show|read|see)?\s*(?:all\s+)?(?P<n>\d[\d,]{0,8})\s+comments?$", re.I),
    re.compile(r"^comments?\s*(?::\s*|\(\s*)(?P<n>\d[\d,]{0,8})\s*\)?$", re.IGNORECASE),
)
_TOPICS_RE = re.compile(
    r"^(?:topics?|tags?|filed under|categories|category|more on)\s*[:|]\s*(?P<items>.+)$",
    re.IGNORECASE,
)
_COPYRIGHT_RE = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<pub>[^.|]{2,80}?)\.?(?:\s*all rights reserved\.?)?$",
    re.IGNORECASE,
)
_BY_RE = re.compile(r"^by\s+(?P<rest>\S.*)$", re.IGNORECASE)
_NAME_LINKERS = frozenset({"and", "&", "de", "van", "von", "der", "da", "di", "le", "la", "bin"})


def normalise(line: str) -> str:
    """Strip a line and collapse inner runs of whitespace to one space."""
    return " ".join(line.split())


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(line: str) -> int:
    """Words in the line; Chinese and Japanese, written without spaces, count about one word
    per two characters."""
    cjk = len(_CJK.findall(line))
    if not cjk:
        return len(line.split())
    return sum(
        max(1, len(_CJK.findall(token)) // 2) if _CJK.search(token) else 1 for token in line.split()
    )


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence punctuation (ignoring closing quotes/brackets)."""
    core = line.rstrip(_CLOSERS + " ")
    return bool(core) and core[-1] in _TERMINAL


def is_title_like(
    line: str, min_words: int = 1, max_words: int = 25, *, question: bool = False
) -> bool:
    """A headline shape: capitalised, mostly letters, no sentence-final punctuation.

    With `question`, a final "?" or "!" is allowed too (headlines may ask or exclaim).
    """
    if not min_words <= word_count(line) <= max_words:
        return False
    if ends_sentence(line) and not (question and line.rstrip(_CLOSERS)[-1:] in "?!"):
        return False
    start = line.lstrip("\"'“‘«([")
    first = start[:1]
    if not first or not (first.isalnum() or first in "$£€¥"):
        return False
    if first.islower() and not any(ch.isupper() for ch in start.split(" ", 1)[0]):
        return False  # "iPhone sales soar" is a title; "and then he left" is not
    letters = sum(ch.isalpha() for ch in line)
    return letters >= 0.6 * len(line.replace(" ", ""))


def is_furniture_word(line: str) -> bool:
    return line.casefold().strip(" :|›»>-–—") in FURNITURE_WORDS


def is_paragraph_like(line: str) -> bool:
    """A body-paragraph shape: a sentence of some length, or a long run of words."""
    words = word_count(line)
    return (words >= 8 and ends_sentence(line)) or words >= 26


def bullet_text(line: str) -> str | None:
    match = _BULLET_RE.match(line)
    return match.group("text") if match else None


def duration_seconds(line: str) -> int | None:
    """Seconds for a bare duration line (M:SS, MM:SS, H:MM:SS); None otherwise."""
    match = _DURATION_RE.match(line)
    if match is None:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if seconds > 59 or (match.group(1) and minutes > 59):
        return None
    return hours * 3600 + minutes * 60 + seconds


def split_credit(line: str) -> tuple[str | None, str] | None:
    """(caption, credit) when the line ends with an image credit; None otherwise."""
    match = _CREDIT_LABEL_RE.search(line)
    if match is not None:
        credit = match.group("credit").strip().rstrip(".")
        if (credit[:1].isupper() or credit[:1].isdigit()) and word_count(credit) <= 8:
            caption = line[: match.start()].rstrip(" (-–—|")
            return (caption or None), credit
    match = _BARE_CREDIT_RE.search(line)
    if match is not None and word_count(match.group("credit")) <= 10:
        return line[: match.start()].rstrip() or None, match.group("credit").strip()
    match = _PAREN_CREDIT_RE.search(line)
    # "(Reuters)" counts only after a finished sentence: "Party (BNP)." is not a credit.
    if match is not None and ends_sentence(line[: match.start()]):
        credit = match.group("credit")
        words = credit.split()
        if len(words) <= 4 and all(w[:1].isupper() or w in ("/", "&") for w in words):
            return line[: match.start()].rstrip(), credit
    return None


def print_edition(line: str) -> tuple[str | None, str] | None:
    """(publisher, print headline) for an "appeared in the X print edition as: Y" line."""
    match = _PRINT_RE.search(line)
    if match is not None:
        publisher = match.group("pub").strip()
        publisher = None if publisher.lower() in ("", "print") else publisher
        return publisher, match.group("headline").strip()
    match = _PRINT_NYT_RE.search(line)
    if match is not None:
        headline = match.group("headline").strip()
        return None, headline[:-1] if headline.endswith(".") else headline
    return None


def comment_count(line: str, *, bare: bool = False) -> int | None:
    """The count in "44 comments" / "Comments (44)" shapes, or a bare integer if `bare`."""
    if bare and re.fullmatch(r"\d{1,7}", line):
        return int(line)
    for pattern in _COMMENTS_RES:
        match = pattern.match(line)
        if match is not None:
            return int(match.group("n").replace(",", ""))
    return None


def topics_line(line: str) -> list[str] | None:
    match = _TOPICS_RE.match(line)
    if match is None:
        return None
    items = [normalise(item) for item in re.split(r"[,;|·•]", match.group("items"))]
    return [item for item in items if item and word_count(item) <= 6] or None


def copyright_holder(line: str) -> str | None:
    match = _COPYRIGHT_RE.match(line)
    if match is None:
        return None
    holder = match.group("pub").strip(" ,")
    return holder if holder and word_count(holder) <= 8 else None


def _is_name(words: list[str], low: int, high: int) -> bool:
    if not low <= len(words) <= high:
        return False
    capitalised = [w for w in words if w.lower() not in _NAME_LINKERS]
    return bool(capitalised) and all(
        w[:1].isupper() and any(ch.isalpha() for ch in w) for w in capitalised
    )


def by_line(line: str) -> str | None:
    """The name in a "By NAME" line ("By Jane Doe, Political Editor" → "Jane Doe")."""
    match = _BY_RE.match(line)
    if match is None or ends_sentence(line) or any(ch.isdigit() for ch in line):
        return None
    rest = match.group("rest")
    name = re.split(r",|\s+in\s+|\s+[|·•–—-]\s+", rest, maxsplit=1)[0].strip()
    return name if _is_name(name.split(), 1, 8) else None


def name_in_city(line: str) -> str | None:
    """The name in a "NAME in CITY" dateline-byline ("Jane Doe in Beijing" → "Jane Doe")."""
    parts = line.split(" in ")
    if len(parts) != 2 or ends_sentence(line):
        return None
    name, city = parts[0].split(), parts[1].split()
    if _is_name(name, 2, 4) and _is_name(city, 1, 3):
        return parts[0]
    return None
