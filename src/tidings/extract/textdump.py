"""Clean a raw text dump of a news article page (select-all/copy, text scraper) into an Article.

Page furniture is recognised by its shape and by repetition, never by one site's wording:

1. Lines are classified on their own: furniture words and short lines repeated three or more
   times (ad slots), duration lines with the title after them (video blocks), print-edition
   lines, comment counts, topic/tag lines, copyright lines, date lines, "By NAME" lines, captions
   that end with a credit, and bullet lines.
2. A dump of a whole rendered page is cut into blocks at menus, tag lists and closing sections
   ("Related", "Comments"); the article's block is the prose after the page title's repeat
   (the dump's first line, "Headline | Site"), else the block with the most prose.
3. The headline is found: the page title's repeat, else the title-like line before a run of
   bullets (the standfirst), else the last title-like line before the first byline/date line
   (or the one before it, when that is shorter and so the headline over a dek), else the first
   title-like line before the first paragraph (preferring lines that stand alone between blank
   lines).
4. Before the headline everything but captions, dates and bylines is header furniture; short
   header lines that show up again right after the headline are topic tags.
5. After the opening, every remaining line of the article's block is its own paragraph, except
   title-like lines standing alone (related-story headlines) and stray short lines outside the
   run of paragraphs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tidings.core.errors import ExtractError
from tidings.core.models import Article, Image, RelatedLink, Video
from tidings.extract import _shapes as shape
from tidings.extract._dates import parse_date_line
from tidings.extract._dumpregions import is_end_heading, main_region, page_title_headline
from tidings.extract._lang import guess_language

__all__ = ["extract_text_dump"]

# Line kinds. "" means not classified (yet).
AD, REPEAT, VIDEO, PRINT, COMMENTS, TOPICS, COPYRIGHT = (
    "ad",
    "repeat",
    "video",
    "print",
    "comments",
    "topics",
    "copyright",
)
DATE, BYLINE, CAPTION, BULLET, JUNK, TOPIC, STANDFIRST = (
    "date",
    "byline",
    "caption",
    "bullet",
    "junk",
    "topic",
    "standfirst",
)
_SKIPPABLE = frozenset({AD, REPEAT, DATE, BYLINE, CAPTION})


@dataclass(slots=True)
class _Line:
    text: str
    isolated: bool  # blank line (or edge of the page) both before and after
    kind: str = ""


@dataclass(slots=True)
class _Found:
    videos: list[Video] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    dates: list[tuple[datetime, bool]] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    publisher: str | None = None
    copyright: str | None = None
    print_headline: str | None = None
    comment_count: int | None = None


def _check_text(text: str) -> None:
    if not text.strip():
        raise ExtractError("the text dump is empty")
    sample = text[:20000]
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    if "\x00" in sample or control > max(8, len(sample) // 50):
        raise ExtractError("the input looks like binary data, not a text dump")


def _split_lines(text: str) -> list[_Line]:
    raw = text.lstrip("\ufeff").splitlines()
    lines: list[_Line] = []
    for index, line in enumerate(raw):
        cleaned = shape.normalise(line)
        if not cleaned:
            continue
        blank_before = index == 0 or not raw[index - 1].strip()
        blank_after = index == len(raw) - 1 or not raw[index + 1].strip()
        lines.append(_Line(cleaned, blank_before and blank_after))
    return lines


def _take_video(lines: list[_Line], at: int, seconds: int, found: _Found) -> None:
    """Mark the title after a duration line, and its repeats, as part of the video block."""
    title_at = at + 1
    if title_at >= len(lines):
        return
    candidate = lines[title_at]
    words = shape.word_count(candidate.text)
    if (
        candidate.kind
        or shape.duration_seconds(candidate.text) is not None
        or shape.is_furniture_word(candidate.text)
        or words > 30
        or (words > 20 and shape.ends_sentence(candidate.text))
    ):
        return
    candidate.kind = VIDEO
    found.videos.append(Video(title=candidate.text, duration_s=seconds))
    for later in lines[title_at + 1 :]:
        if later.text == candidate.text:
            later.kind = VIDEO
        elif not shape.is_furniture_word(later.text):
            break


def _classify(lines: list[_Line], found: _Found) -> None:
    counts = Counter(line.text.casefold() for line in lines)
    for index, line in enumerate(lines):
        if line.kind:
            continue
        text = line.text
        if shape.is_furniture_word(text):
            line.kind = AD
        elif (
            counts[text.casefold()] >= 3
            and shape.word_count(text) <= 5
            and len(text) <= 60
            and not shape.ends_sentence(text)
        ):
            line.kind = REPEAT
        elif (seconds := shape.duration_seconds(text)) is not None:
            line.kind = VIDEO
            _take_video(lines, index, seconds, found)
        elif (edition := shape.print_edition(text)) is not None:
            line.kind = PRINT
            found.publisher = found.publisher or edition[0]
            found.print_headline = found.print_headline or edition[1]
        elif (count := shape.comment_count(text)) is not None:
            line.kind = COMMENTS
            found.comment_count = count
        elif (items := shape.topics_line(text)) is not None:
            line.kind = TOPICS
            found.topics.extend(items)
        elif (holder := shape.copyright_holder(text)) is not None:
            if any(ch.isdigit() for ch in text) or "rights" in text.casefold():
                line.kind = COPYRIGHT
                found.copyright = found.copyright or holder
            else:  # "© Agency" under a photo is the photo's credit, not the page's footer
                line.kind = CAPTION
                found.images.append(Image(caption=None, credit=holder))
        elif (stamp := parse_date_line(text)) is not None:
            line.kind = DATE
            found.dates.append(stamp)
        elif (name := shape.by_line(text)) is not None:
            line.kind = BYLINE
            found.bylines.append(name)
        elif (credit := shape.split_credit(text)) is not None:
            line.kind = CAPTION
            found.images.append(Image(caption=credit[0], credit=credit[1]))
        elif shape.bullet_text(text) is not None:
            line.kind = BULLET
    trailing = [line for line in lines if line.kind not in (AD, REPEAT)]
    if trailing and not trailing[-1].kind:
        count = shape.comment_count(trailing[-1].text, bare=True)
        if count is not None:
            trailing[-1].kind = COMMENTS
            found.comment_count = count


def _find_headline(lines: list[_Line], region: tuple[int, int] | None) -> int | None:
    """The headline's index; `region` is where the article's prose is (see main_region)."""
    low = region[0] if region else 0
    first_para = next(
        (
            i
            for i, line in enumerate(lines)
            if i >= low
            and not line.kind
            and shape.is_paragraph_like(line.text)
            and not shape.is_title_like(line.text, question=True)  # a headline that asks
        ),
        len(lines),
    )

    def title_like(i: int, low: int, high: int = 30) -> bool:
        line = lines[i]
        return (
            not line.kind
            and shape.is_title_like(line.text, low, high, question=True)
            and shape.name_in_city(line.text) is None
        )

    # 0. The page title ("Headline | Site", the first line of a rendered page) repeated.
    repeat = page_title_headline(
        [line.text for line in lines],
        [line.kind in ("", BULLET) for line in lines],
        max(first_para, region[1] if region else 0),
    )
    if repeat is not None:
        return repeat
    # 1. The line right before the standfirst bullets.
    for at in range(first_para):
        if lines[at].kind == BULLET:
            before = at - 1
            while before >= 0 and lines[before].kind in _SKIPPABLE:
                before -= 1
            if before >= 0 and title_like(before, 3):
                return before
            break
    # 2. The last title-like line before the first byline or date line.
    for at in range(first_para):
        if lines[at].kind in (BYLINE, DATE) or (
            not lines[at].kind and shape.name_in_city(lines[at].text)
        ):
            candidates = [i for i in range(at) if title_like(i, 3)]
            if not candidates:
                break
            last = candidates[-1]
            # Headline then a (longer) dek, both before the byline: take the headline.
            if last - 1 in candidates and len(lines[last].text) > len(lines[last - 1].text):
                return last - 1
            return last
    # 3. The first title-like line before the first paragraph, standing alone if possible.
    for low in (4, 2):
        candidates = [i for i in range(first_para) if title_like(i, low, 25)]
        if candidates:
            alone = [i for i in candidates if lines[i].isolated]
            return (alone or candidates)[0]
    return None


def _read_opening(lines: list[_Line], headline: int, found: _Found) -> tuple[list[str], int]:
    """Classify header and opening lines; return the standfirst and where the body starts."""
    header_short = {
        line.text.casefold()
        for line in lines[:headline]
        if line.kind in ("", REPEAT)
        and shape.word_count(line.text) <= 4
        and not shape.ends_sentence(line.text)
    }
    for line in lines[:headline]:
        if line.kind in ("", REPEAT, BULLET):
            line.kind = JUNK
    standfirst: list[str] = []
    at = headline + 1
    while at < len(lines):
        line = lines[at]
        text = line.text
        if line.kind == BULLET:
            line.kind = STANDFIRST
            standfirst.append(shape.bullet_text(text) or text)
        elif line.kind in ("", REPEAT) and text.casefold() in header_short:
            line.kind = TOPIC
            found.topics.append(text)
        elif line.kind == "":
            if (name := shape.name_in_city(text)) is not None:
                line.kind = BYLINE
                found.bylines.append(name)
            elif shape.word_count(text) <= 4 and not shape.ends_sentence(text):
                line.kind = JUNK
            elif (
                not standfirst
                and shape.is_title_like(text, 5, 40)
                and not shape.is_paragraph_like(text)
            ):
                line.kind = STANDFIRST
                standfirst.append(text)
            else:
                break
        at += 1
    return standfirst, at


def _read_body(
    lines: list[_Line], start: int, end: int, headline: str, topics: set[str]
) -> tuple[list[str], list[str]]:
    """Return (body paragraphs, related headlines) from the lines after the opening."""
    entries: list[tuple[str, bool]] = []  # (text, is a full paragraph rather than a short line)
    related: list[str] = []
    footer = False
    for at in range(start, len(lines)):
        line = lines[at]
        text = line.text
        if line.kind in (PRINT, COPYRIGHT) or at == end:
            footer = True
        if line.kind == BULLET and not footer:
            entries.append((text, True))
        if line.kind or text.casefold() in topics or text == headline or is_end_heading(text):
            continue
        if shape.is_title_like(text, 4, 25):
            if text not in related:
                related.append(text)
        elif footer:
            continue
        elif shape.ends_sentence(text) or shape.word_count(text) > 3:
            entries.append((text, True))
        else:
            entries.append((text, False))
    body: list[str] = []
    for index, (text, full) in enumerate(entries):
        # A short line is kept only as a crosshead: after a paragraph, before a paragraph.
        if full or (body and index + 1 < len(entries) and entries[index + 1][1]):
            body.append(text)
    return body, related


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


def extract_text_dump(text: str, url: str | None = None) -> Article:
    """Turn a raw text dump of an article page into a clean `Article`.

    Raises `ExtractError` when the text is empty, binary, or holds no recognisable article.
    """
    if not isinstance(text, str):
        raise ExtractError("a text dump must be given as str")
    _check_text(text)
    lines = _split_lines(text)
    found = _Found()
    _classify(lines, found)
    texts, kinds = [line.text for line in lines], [line.kind for line in lines]
    repeat = page_title_headline(texts, [k in ("", BULLET) for k in kinds], len(lines))
    region = main_region(texts, kinds, repeat)
    headline_at = _find_headline(lines, region)
    if headline_at is None:
        raise ExtractError("no headline found in the text dump")
    headline = lines[headline_at].text
    lines[headline_at].kind = "headline"
    standfirst, body_start = _read_opening(lines, headline_at, found)
    body_end = len(lines)
    if region is not None and body_start < region[1]:
        body_start, body_end = max(body_start, region[0]), region[1]
    # A tag that keeps recurring between paragraphs is an ad slot, not a topic.
    in_body = Counter(line.text.casefold() for line in lines[body_start:])
    found.topics = [topic for topic in found.topics if in_body[topic.casefold()] < 2]
    topic_keys = {line.text.casefold() for line in lines if line.kind == TOPIC}
    body, related = _read_body(lines, body_start, body_end, headline, topic_keys)
    if not body:
        raise ExtractError("no article body found in the text dump")
    published = next((d for d, is_update in found.dates if not is_update), None)
    if published is None and found.dates:
        published = found.dates[0][0]
    return Article(
        title=headline,
        body_paragraphs=tuple(body),
        url=url,
        standfirst=tuple(standfirst),
        byline=found.bylines[0] if found.bylines else None,
        published=published,
        language=guess_language(" ".join(body)),
        publisher=found.publisher or found.copyright,
        topics=_unique(found.topics),
        images=tuple(found.images),
        videos=tuple(found.videos),
        related=tuple(RelatedLink(title=title) for title in related),
        print_headline=found.print_headline,
        comment_count=found.comment_count,
    )
