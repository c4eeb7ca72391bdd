"""Direct quotations and who said them, by rule: pure, fast and bounded (no model call; the
article's entities are passed in).

A quotation is the text between double quotation marks (curly, straight, low or angle; a quote
left open at the end of a paragraph continues in the next one, as news copy does). Its speaker
comes from, in order:

1. an attribution right after it: `"…," Wang said`, `"…," said Wang`, `"…," he told reporters`,
   `"…," Wang was quoted as saying`, `"…," according to Wang`;
2. an attribution before it in the same sentence: `Wang said: "…"`, `Wang told Lavrov, "…"`,
   `According to Wang, "…"`, or a longer quoted clause after `Wang said the move was "…"`;
3. for a quotation that stands alone as a sentence: the speaker of the quotation just before it,
   else the person named (or the attribution) in the previous sentence or paragraph.

Names resolve to the article's canonical PERSON (else ORG) entity by full name, surname or given
name, ignoring titles; "he"/"she" is the subject (the first person named) of the nearest sentence naming someone,
"it" likewise an organisation;
a role ("a spokesman for the ministry") is kept as written when it names nobody. A short quoted
span (fewer than four words) without an attribution right next to it is a scare quote or a
title, not a quotation (`been "inevitable"`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tidings.core import EntityLabel, EntityMention, Quote
from tidings.enrich.sentences import sentence_spans
from tidings.enrich.speakers import (
    NEAR,
    ArticleText,
    Speakers,
    pick_person,
    pronoun,
)

__all__ = ["MIN_WORDS", "extract_quotes"]

MIN_WORDS = 4  # a quotation without an adjacent attribution has at least this many words
MAX_QUOTES = 300  # per article
_AFTER = 200  # characters read after a quotation for its attribution
_LEAD = 300  # characters read before a quotation

# How a speaker was found, strongest first.
NAMED, ROLE, PRONOUN, CONTEXT, UNKNOWN, NOT_SPEAKER = 4, 3, 2, 1, 0, -1

_MARK = re.compile('["＂“”„«»‟]')
_WORDS = re.compile(r"\w+")
_VERBS = (
    r"(?:said|says|say|added|adds|told|tells|warned|warns|noted|stressed|stresses|argued|argues|"
    r"insisted|insists|asked|asks|wrote|writes|explained|explains|continued|continues|declared|"
    r"declares|announced|stated|claimed|replied|replies|responded|recalled|recalls|remarked|"
    r"commented|acknowledged|admitted|admits|conceded|cautioned|urged|tweeted|posted|quipped|"
    r"joked|concluded|observed|suggested|predicted|promised|vowed|complained|emphasi[sz]ed|"
    r"pointed out|points out|confirmed|testified|assured|shouted|recounted|reiterated|maintained|"
    r"elaborated|asserted|boasted|lamented|retorted|countered|pleaded|demanded|repeated|read|opined|opines|"
    r"reads|(?:was|were|is|are) quoted as saying)"
)
_ADVERBS = (
    r"(?:(?:also|later|then|previously|earlier|once|further|again|simply|reportedly|recently|"
    r"has|had|have|would|will|quickly|repeatedly|often|once|had earlier|previously)\s+)*+"
)
_PARTICIPLES = r"(?:saying|adding|telling|writing|noting|warning|arguing|insisting|asking|stating)"
_VERB_FIRST = re.compile(rf"(?P<verb>{_VERBS})\s+(?P<p>[^“”\"„«»]{{1,120}})")
_SUBJECT_FIRST = re.compile(rf"(?P<p>[^“”\"„«»;!?]{{1,140}}?)\s+{_ADVERBS}(?P<verb>{_VERBS})\b")
_ACCORDING = re.compile(r"according to\s+(?P<p>[^“”\"„«»]{1,100})", re.I)
_LEAD_VERB = re.compile(rf"\b(?:{_VERBS}|{_PARTICIPLES})\b|\b[Aa]ccording to\b")
_DIRECT_REST = re.compile(r"\s*(?:that\s*)?|(?:\s+[^.!?;]{0,80}?)?\s*[:,]\s*")
_CUT = re.compile(
    r"[,;:!?()]|\s(?:on|in|at|after|during|when|while|before|as|who|which|that|because|from|"
    r"via|to|adding|saying|but)\s"
)
_LEADING = re.compile(r"^(?:(?:and|but|while|as|so|then|also|who|which|whom|when)\s+)+", re.I)
_TRAILING = re.compile(
    r"(?:\s+(?:also|later|then|previously|earlier|once|further|again|[a-z]+ly))+$"
)
_TAIL = re.compile(r"(?:^|\s)[a-z][\w-]*(?:\s+[a-z][\w-]*)*((?:\s+[^\W\d_a-z][\w'’.-]*)+)$")
_DETERMINER = re.compile(
    r"^(?:a|an|the|one|another|some|two|three|several|his|her|their|its)\s", re.I
)
_ROLE_LINK = re.compile(r"\s(?:for|of|to|with|within|in|inside|at|from|by|close to)\s")
_CLAUSE = re.compile(
    r"\b(?:is|was|are|were|be|been|being|has|have|had|will|would|could|can|should|did|does|do|"
    r"not|if|that|this|it's)\b"
)
# A segment opening with one of these is an adverbial ("In a phone call, Wang said"), not the
# subject of the verb.
_RELATIVE = frozenset(["who", "whose", "whom", "which", "where", "when"])
_OPENERS = frozenset(
    re.findall(
        r"\S+",
        "in on at after during while when as since before following speaking according "
        "last this earlier later however meanwhile separately asked from with by for over",
    )
)


@dataclass
class _Found:
    paragraph: int
    pair: int  # index of the quotation marks within the paragraph
    start: int
    end: int
    speaker: str | None
    strength: int  # NAMED, ROLE, PRONOUN, CONTEXT or UNKNOWN
    continued: bool  # left open: runs on into the next paragraph
    at_start: bool  # the first thing in its paragraph


def _words(text: str) -> int:
    return len(_WORDS.findall(text))


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma-separated parts of text[start:end] that hold words."""
    bounds: list[tuple[int, int]] = []
    a = start
    for match in re.finditer(r"[,;]|\s[–—-]\s", text[start:end]):
        bounds.append((a, start + match.start()))
        a = start + match.end()
    bounds.append((a, end))
    return [(a, b) for a, b in bounds if text[a:b].strip()]


def _adverbial(first: str) -> bool:
    """A part opening with this word is not the subject ("In a call", "Offering his")."""
    word = first.casefold()
    return word in _OPENERS or (word.endswith("ing") and first[:1].isupper())


def _subject(text: str, bounds: list[tuple[int, int]], named: list[bool]) -> int:
    """Which part before a speech verb is its subject: the last, unless that is an appositive
    ("Fu, vice-president of the institute, said") with no person in it, then the name before."""
    last = len(bounds) - 1
    relative = text[bounds[last][0] : bounds[last][1]].split()[0].casefold() in _RELATIVE
    if named[last] and not relative:  # "Fu, whose institute …, said" is Fu
        return last
    k = last
    while k > 0:
        first = text[bounds[k][0] : bounds[k][1]].split()[0]
        appositive = first[:1].islower() or first.casefold() in {"a", "an", "the"}
        if not appositive or pronoun(first) is not None:
            break
        k -= 1
    if k != last:
        first = text[bounds[k][0] : bounds[k][1]].split()[0]
        lower = first[:1].islower() and first.casefold() not in {"a", "an", "the"}
        if _adverbial(first) or lower:
            k = last
    return k


class _Resolver:
    def __init__(self, article: ArticleText) -> None:
        self.article = article

    def _people(self, pi: int, start: int, end: int) -> bool:
        found = self.article.speakers.mentions(self.article.paras[pi], start, end)
        return any(m.entity.label is EntityLabel.PERSON for m in found)

    def phrase(
        self, pi: int, start: int, end: int, before_verb: bool, verbless: bool = False
    ) -> tuple[str | None, int]:
        """The speaker named by text[start:end] of paragraph `pi`: the words before a speech
        verb (`before_verb`) or after it ("said Wang, the minister"), as (speaker, strength)."""
        if not before_verb:
            return self._chunk(pi, start, end, False, verbless)
        text = self.article.paras[pi]
        bounds = _segments(text, start, end)
        if not bounds:
            return None, NOT_SPEAKER
        named = [self._people(pi, a, b) for a, b in bounds]
        k = _subject(text, bounds, named)
        got = self._chunk(pi, *bounds[k], True, verbless)
        if got[0] is None and got[1] != UNKNOWN:
            # "Trump issued a statement outside Washington, D.C. saying": the nearest part
            # that names a person and is not an adverbial.
            for j in range(len(bounds) - 1, -1, -1):
                first = text[bounds[j][0] : bounds[j][1]].split()[0]
                if j != k and named[j] and not _adverbial(first):
                    return self._chunk(pi, *bounds[j], True, verbless)
        return got

    def _chunk(
        self, pi: int, start: int, end: int, before_verb: bool, verbless: bool
    ) -> tuple[str | None, int]:
        """Resolve one attribution phrase. Strength NAMED: an entity of the article; ROLE: a
        role as written; PRONOUN: a pronoun resolved; UNKNOWN: a pronoun with no referent;
        NOT_SPEAKER: not an attribution at all."""
        text = self.article.paras[pi]
        if before_verb:
            verb = _LEAD_VERB.search(text, start, end)  # "He continued by noting"
            if verb:
                end = verb.start()
        else:
            spans = sentence_spans(text[start:end])
            if spans:
                end = start + spans[0][1]
            cut = _CUT.search(text, start, end)
            if cut:
                end = cut.start()
        while start < end and not text[start].isalnum():
            start += 1
        lead = _LEADING.match(text, start, end)
        if lead:
            start = lead.end()
        chunk = _TRAILING.sub("", text[start:end].rstrip(" .,'\"’”")).strip()
        if not chunk:
            return None, NOT_SPEAKER
        words = chunk.split()
        mentions = [  # "the Fund's Jacqueline De León": a possessive is not the speaker
            m
            for m in self.article.speakers.mentions(text, start, start + len(chunk))
            if text[m.end - 1] not in "'’" and text[m.end - 2 : m.end] not in ("'s", "’s")
        ]
        word = pronoun(words[0], len(words) == 1) or (None if mentions else pronoun(words[-1]))
        if word is not None:
            target = self.article.referent(pi, start, word)
            return (target.name, PRONOUN) if target else (None, UNKNOWN)
        if not mentions and not before_verb and text[end : end + 1] == ",":
            # "said his father, Abdullah Kurdi, after the ceremony"
            after = self.article.speakers.mentions(text, end + 1, min(len(text), end + 60))
            if after and not text[end + 1 : after[0].start].strip():
                mentions = after[:1]
        link = _ROLE_LINK.search(chunk)
        person = pick_person(mentions)
        role = _DETERMINER.match(chunk) is not None  # "a spokesman for Boris Johnson"
        linked = link is not None and person is not None and link.start() < person.start - start
        if person is not None and not (role and linked):
            return person.entity.name, NAMED
        org = next((m for m in mentions if m.entity.label is EntityLabel.ORG), None)
        # A role then a name at the end: "AIP vice chairman Mark Seidenberg", "director of
        # Amnesty International Man-kei Tam", "head Arba Agung".
        tail = _TAIL.search(chunk)
        name, name_at = None, len(chunk)
        if tail:
            last = re.search(r"\S+\s+\S+$" if len(tail.group(1).split()) > 1 else r"\S+$", chunk)
            if last:
                name, name_at = " ".join(last.group().split()), last.start()
        if org is not None and name and org.end - start <= name_at:
            return name, ROLE
        if org is not None and not (link and link.start() < org.start - start):
            return org.entity.name, NAMED  # "the Taliban said", not "Fu of the institute said"
        if not role:
            before_link = chunk[: link.start()] if link else ""
            if before_link and before_link.split()[-1][:1].isupper():
                chunk = before_link  # "Crystal C'Bearing of the tribal office"
            elif name:
                chunk = name
            elif before_link:
                chunk = before_link
            words = chunk.split()
        if verbless and not role:  # "Blankenship concurred: …" → the name only
            k = 0
            while k < len(words) and words[k][:1].isupper():
                k += 1
            words = words[:k]
            chunk = " ".join(words)
        if (
            not words
            or len(words) > 8
            or _CLAUSE.search(chunk.casefold())
            or not (words[0][:1].isupper() or role)
        ):
            return None, NOT_SPEAKER
        if self.article.speakers.is_place(chunk):
            return None, NOT_SPEAKER
        return " ".join(words), ROLE

    def lead_in(self, pi: int, start: int, end: int) -> tuple[str | None, int, bool] | None:
        """The attribution before a quotation: speaker, strength, and whether it leads straight
        into the quotation (`Wang said: "…"`) rather than a clause that ends in one."""
        text = self.article.paras[pi]
        last = None
        for match in _LEAD_VERB.finditer(text, start, end):
            last = match
        if last is None:
            return None
        rest = text[last.end() : end]
        if last.group().casefold() == "according to":
            speaker, strength = self.phrase(pi, last.end(), end, before_verb=False)
            return speaker, strength, bool(re.fullmatch(r"\s+[^.!?;:,]{1,100}?[:,]?\s*", rest))
        direct = _DIRECT_REST.fullmatch(rest) is not None and _words(rest) <= 10
        if text[start : last.start()].strip(' ,;:—–-"“”'):
            speaker, strength = self.phrase(pi, start, last.start(), before_verb=True)
        else:  # `…," said Khan, "…`
            speaker, strength = self.phrase(pi, last.end(), end, before_verb=False)
        return speaker, max(strength, UNKNOWN), direct

    def after(self, pi: int, pos: int, end: int) -> tuple[str | None, int] | None:
        """The attribution right after a quotation: `, Wang said`, `, said Wang`, `, according
        to Wang`."""
        text = self.article.paras[pi]
        lead = re.compile(r"\s*[,—–-]?\s*").match(text, pos, end)
        k = lead.end() if lead else pos
        match = _ACCORDING.match(text, k, end)
        if match is None:
            match = _VERB_FIRST.match(text, k, end)
        if match is not None:
            return self.phrase(pi, match.start("p"), match.end("p"), before_verb=False)
        match = _SUBJECT_FIRST.match(text, k, end)
        if match is None:
            return None
        subject = _LEADING.sub("", match.group("p").strip())
        first = subject.split()[0] if subject.split() else ""
        plausible = (
            first[:1].isupper()
            or first[:1].isdigit()
            or _DETERMINER.match(subject)
            or pronoun(first) is not None
        )
        if not plausible or _words(subject) > 12 or len(sentence_spans(subject)) > 1:
            return None
        return self.phrase(pi, match.start("p"), match.end("p"), before_verb=True)

    def context(
        self, pi: int, pos: int, at_start: bool, found: Sequence[_Found]
    ) -> tuple[str | None, int]:
        """The speaker of a quotation that stands alone: the previous quotation's speaker, else
        whoever the previous sentences name."""
        article = self.article
        if found and found[-1].speaker is not None:
            prev = found[-1]
            if prev.paragraph == pi:
                return prev.speaker, CONTEXT
            if prev.paragraph == pi - 1 and at_start:
                text = article.paras[pi - 1]
                later = article.mentions(pi - 1, prev.end, min(len(text), prev.end + NEAR))
                if not any(m.entity.label is EntityLabel.PERSON for m in later):
                    return prev.speaker, CONTEXT
        looked = 0
        for k in range(pi, max(-1, pi - 2), -1):
            spans = article.sentences(k)
            if k == pi:
                spans = spans[: bisect.bisect_right(article.starts(k), pos)]
                spans = [s for s in spans[-5:] if s[1] <= pos]
            for a, b in reversed(spans[-4:]):
                looked += 1
                if looked > 4:
                    return None, UNKNOWN
                got = self.lead_in(k, a, min(b, a + _LEAD))
                if got is not None and got[0] is not None and got[1] > UNKNOWN:
                    return got[0], CONTEXT
                people = [
                    m
                    for m in article.mentions(k, a, min(b, a + NEAR))
                    if a <= m.start < b and m.entity.label is EntityLabel.PERSON
                ]
                if people:
                    return people[0].entity.name, CONTEXT
        return None, UNKNOWN


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _one(resolver: _Resolver, pi: int, idx: int, found: list[_Found]) -> _Found | None:
    article = resolver.article
    text = article.paras[pi]
    pairs = article.pairs(pi)
    q = pairs[idx]
    start, end = _trim(text, q.open + 1, q.close)
    if start >= end or not any(ch.isalpha() for ch in text[start:end]):
        return None
    words = _words(text[start:end])
    inner = text[q.open + 1 : q.close].rstrip()
    prev_close = pairs[idx - 1].close + 1 if idx > 0 else 0
    lead_from = max(prev_close, article.sentence_start(pi, q.open), q.open - _LEAD)
    lead = text[lead_from : q.open]
    alone = not lead.strip()
    at_start = alone and not text[: q.open].strip()
    runs_on = at_start and pi > 0 and any(not p.closed for p in article.pairs(pi - 1))
    speaker: str | None = None
    strength = UNKNOWN
    accepted = False
    if q.closed:
        after_end = min(len(text), q.close + 1 + _AFTER)
        nxt = _MARK.search(text, q.close + 1, after_end)
        after_end = nxt.start() if nxt else after_end
        follows = text[q.close + 1 : after_end]
        if inner[-1:] not in {".", ";"} or follows.lstrip()[:1] in {",", "—", "–"}:
            got = resolver.after(pi, q.close + 1, after_end)
            if got is not None and got[1] > NOT_SPEAKER:
                speaker, strength = got
                accepted = True
    # Before the quotation; also when the attribution after it is only a pronoun
    # (`Blankenship concurred: "…", he argued`).
    if (not accepted or strength <= PRONOUN) and not alone:
        lead_got = resolver.lead_in(pi, lead_from, q.open)
        before: tuple[str | None, int] | None = None
        if lead_got is not None:
            if (lead_got[2] and lead_got[1] > UNKNOWN) or words >= MIN_WORDS:
                before = lead_got[0], lead_got[1]
        elif lead.rstrip().endswith(":") and words >= MIN_WORDS:
            colon = lead_from + len(lead.rstrip()) - 1
            before = resolver.phrase(pi, lead_from, colon, before_verb=True, verbless=True)
            before = before if before[1] > NOT_SPEAKER else (None, UNKNOWN)
        if before is not None and (not accepted or before[1] > strength):
            speaker, strength = before
            accepted = True
    if not accepted and alone and (words >= MIN_WORDS or runs_on or not q.closed):
        speaker, strength = resolver.context(pi, q.open, at_start, found)
        accepted = True
    if not accepted:
        return None
    prev = found[-1] if found else None
    same_sentence = prev and prev.paragraph == pi and prev.pair == idx - 1
    if speaker is None and prev and same_sentence and lead_from == prev_close:
        speaker, strength = prev.speaker, CONTEXT  # `Ebrard said, "…", adding, "…"`
    return _Found(pi, idx, start, end, speaker, strength, not q.closed, at_start)


def _runs_on(cur: _Found, nxt: _Found) -> bool:
    return cur.continued and nxt.paragraph == cur.paragraph + 1 and nxt.at_start


def _link(found: list[_Found]) -> None:
    """A quotation left open runs on into the next paragraph: the parts share the speaker given
    by the strongest attribution among them."""
    for i in range(len(found) - 2, -1, -1):
        cur, nxt = found[i], found[i + 1]
        if _runs_on(cur, nxt) and nxt.strength > cur.strength:
            cur.speaker, cur.strength = nxt.speaker, nxt.strength
    for i in range(len(found) - 1):
        cur, nxt = found[i], found[i + 1]
        if _runs_on(cur, nxt) and cur.strength > nxt.strength:
            nxt.speaker, nxt.strength = cur.speaker, cur.strength


def extract_quotes(
    paragraphs: Sequence[str], entities: Sequence[EntityMention] = ()
) -> list[Quote]:
    """The direct quotations in an article's body paragraphs, in order, with offsets into their
    paragraph and speakers resolved to the article's `entities` (canonical names)."""
    paras = [p if isinstance(p, str) else "" for p in paragraphs]
    if not any(_MARK.search(p) for p in paras):
        return []
    article = ArticleText(paras, Speakers(entities))
    resolver = _Resolver(article)
    found: list[_Found] = []
    for pi, text in enumerate(paras):
        if not _MARK.search(text):
            continue
        for idx in range(len(article.pairs(pi))):
            one = _one(resolver, pi, idx, found)
            if one is not None:
                found.append(one)
                if len(found) >= MAX_QUOTES:
                    break
        if len(found) >= MAX_QUOTES:
            break
    _link(found)
    return [
        Quote(paras[f.paragraph][f.start : f.end], f.speaker, f.paragraph, f.start, f.end)
        for f in found
    ]
