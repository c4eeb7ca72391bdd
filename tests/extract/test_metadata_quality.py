"""Quality gate: page metadata on the 94 real Mozilla Readability test pages.

Pinned just below what `python -m bench mozilla` measures (title 1.000, byline F1 0.899, date
1.000 on the 32 dated pages, publisher and language right on every page that states them), with
the same scoring conventions as that benchmark. A change that lowers one of them fails here."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tidings.core.errors import ExtractError
from tidings.core.models import Article
from tidings.extract import extract_html

URL = "http://fakehost/test/page.html"
UNIT_FIXTURE_BYTES = 8192  # the 36 hand-made unit fixtures are the pages under 8 KB

MIN_TITLE_ACCURACY = 0.97
MIN_BYLINE_F1 = 0.87
MIN_DATE_ACCURACY = 0.96
MIN_PUBLISHER_ACCURACY = 0.95
MIN_LANGUAGE_ACCURACY = 0.95


@dataclass(frozen=True)
class Case:
    name: str
    truth: dict[str, str | None]
    article: Article | None


def _tokens(text: str | None) -> Counter[str]:
    text = re.sub(r"^\s*(?:by|par|por|von)\b\s*:?", "", " ".join((text or "").split()), flags=re.I)
    return Counter(re.findall(r"\w+", text.lower()))


def token_f1(predicted: str | None, truth: str | None) -> float:
    pred, gold = _tokens(predicted), _tokens(truth)
    if not pred and not gold:
        return 1.0
    common = sum((pred & gold).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def _day(value: str | None) -> str | None:
    match = re.match(r"(\d{4}-\d{2}-\d{2})", (value or "").strip())
    return match.group(1) if match else None


@pytest.fixture(scope="module")
def cases(readability_pages: Path) -> list[Case]:
    found: list[Case] = []
    for folder in sorted(p for p in readability_pages.iterdir() if p.is_dir()):
        raw = gzip.decompress((folder / "source.html.gz").read_bytes())
        if len(raw) < UNIT_FIXTURE_BYTES:
            continue
        truth = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        try:
            article: Article | None = extract_html(raw, URL)
        except ExtractError:
            article = None
        found.append(Case(folder.name, truth, article))
    assert len(found) == 94
    return found


def test_title_accuracy(cases: list[Case]) -> None:
    right = [
        " ".join((c.article.title if c.article else "").split())
        == " ".join((c.truth["title"] or "").split())
        for c in cases
    ]
    assert sum(right) / len(cases) >= MIN_TITLE_ACCURACY


def test_byline_f1(cases: list[Case]) -> None:
    scores = [token_f1(c.article.byline if c.article else None, c.truth["byline"]) for c in cases]
    assert sum(scores) / len(cases) >= MIN_BYLINE_F1


def test_date_accuracy_on_dated_pages(cases: list[Case]) -> None:
    dated = [c for c in cases if _day(c.truth["publishedTime"])]
    assert len(dated) == 32
    right = 0
    for case in dated:
        published = case.article.published if case.article else None
        assert published is None or published.tzinfo is not None
        right += _day(published.isoformat() if published else None) == _day(
            case.truth["publishedTime"]
        )
    assert right / len(dated) >= MIN_DATE_ACCURACY


def test_publisher_and_language(cases: list[Case]) -> None:
    with_site = [c for c in cases if c.truth.get("siteName")]
    with_lang = [c for c in cases if c.truth.get("lang")]
    site_right = sum(
        c.article is not None and c.article.publisher == c.truth["siteName"] for c in with_site
    )
    lang_right = sum(
        c.article is not None
        and c.article.language == (c.truth["lang"] or "").split("-")[0].lower()
        for c in with_lang
    )
    assert site_right / len(with_site) >= MIN_PUBLISHER_ACCURACY
    assert lang_right / len(with_lang) >= MIN_LANGUAGE_ACCURACY
