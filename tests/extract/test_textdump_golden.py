"""Golden tests: the seed text dump and hand-made dumps of other shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tidings.core.models import Article, Image, RelatedLink, Video
from tidings.extract import article_record, extract_text_dump

GOLDEN = Path(__file__).resolve().parent / "golden"


def _comparable(article: Article) -> dict[str, Any]:
    record = article_record("x", article)
    del record["id"], record["url"], record["body_text"]
    record["body_paragraphs"] = list(article.body_paragraphs)
    return record


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.expected.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> Article:
    return extract_text_dump(seed_path.read_text(encoding="utf-8"), url="https://example.org/a")


def test_seed_headline_and_standfirst(seed: Article) -> None:
    assert seed.title == "Turmoil in Afghanistan binding China and Russia even closer"
    assert seed.standfirst == (
        "Top diplomats of Beijing and Moscow pledge to protect interests in Afghanistan and urge"
        " the Taliban to cut terror links",
        "Western efforts to divide ‘trustworthy, reliable and invincible’ partners will not"
        " succeed, Chinese foreign minister says of Russia ties",
    )
    assert seed.url == "https://example.org/a"


def test_seed_metadata(seed: Article) -> None:
    assert seed.topics == ("Afghanistan",)
    assert seed.print_headline == "China, Russia to work together"
    assert seed.publisher == "South China Morning Post"
    assert seed.comment_count == 44
    assert seed.published is None
    assert seed.byline is None
    assert seed.language == "en"


def test_seed_image(seed: Article) -> None:
    assert len(seed.images) == 1
    image = seed.images[0]
    assert image.credit == "AFP"
    assert image.caption is not None
    assert image.caption.startswith("Foreign ministers Sergey Lavrov of Russia (left)")
    assert image.caption.endswith("protect national interests in Afghanistan.")
    assert "Photo" not in image.caption


def test_seed_videos(seed: Article) -> None:
    assert seed.videos == (
        Video(
            "Taliban says ‘war is over’ in Afghanistan and now time for group to serve the nation",
            130,
        ),
        Video(
            "Helicopters fly over Kabul to ferry diplomats after Taliban reaches Afghan capital",
            392,
        ),
        Video(
            "Women fear the worst for their freedoms as Taliban return to power in Afghanistan", 239
        ),
        Video("Russian leader claims Russia-China relationship being sabotaged", 82),
    )


def test_seed_related(seed: Article) -> None:
    assert seed.related == (
        RelatedLink("Afghan chaos left by US a ‘lesson’ for Taiwan, Chinese media warns"),
        RelatedLink("China a ‘welcome friend’ in Afghanistan: Taliban spokesman"),
    )


def test_seed_body_is_exactly_the_story(seed: Article) -> None:
    expected = _expected("scmp-afghanistan")["body_paragraphs"]
    assert list(seed.body_paragraphs) == expected
    assert seed.body_paragraphs[0].startswith("The swift fall of Kabul")
    assert seed.body_paragraphs[-1].endswith("the ministry said.")
    furniture = (
        "Advertisement",
        "Get more with myNEWS",
        "A personalised news feed of stories that matter to you",
        "Learn more",
        "02:10",
        "print edition",
        "Afghanistan",
        "44",
    )
    for paragraph in seed.body_paragraphs:
        assert paragraph not in furniture
        assert "print edition" not in paragraph
    titles = {video.title for video in seed.videos} | {link.title for link in seed.related}
    assert not titles & set(seed.body_paragraphs)
    assert seed.body_text == "\n\n".join(expected)


def test_seed_full_golden(seed: Article) -> None:
    assert _comparable(seed) == _expected("scmp-afghanistan")


@pytest.mark.parametrize("name", ["port-heatwave", "bank-rates", "quaoar-ring"])
def test_handmade_golden(name: str) -> None:
    article = extract_text_dump((GOLDEN / f"{name}.txt").read_text(encoding="utf-8"))
    assert _comparable(article) == _expected(name)


def test_seed_with_other_wording_is_cleaned_the_same_way(seed_path: Path) -> None:
    """Swap the seed's furniture wording: the cleaner must rely on shapes, not strings."""
    text = seed_path.read_text(encoding="utf-8")
    swaps = {
        "Advertisement": "Anzeige",
        "Get more with myNEWS": "Try our new app today",
        "A personalised news feed of stories that matter to you": "Stories picked just for you",
        "Learn more": "Find out how",
        "Photo: AFP": "Image: Reuters",
        "South China Morning Post": "Daily Planet",
        "\n44": "\n7",
    }
    for old, new in swaps.items():
        text = text.replace(old, new)
    text = text.replace("• ", "▪ ")
    article = extract_text_dump(text)
    expected = _expected("scmp-afghanistan")
    assert article.title == expected["title"]
    assert list(article.standfirst) == expected["standfirst"]
    assert list(article.body_paragraphs) == expected["body_paragraphs"]
    assert article.topics == ("Afghanistan",)
    assert article.images[0].credit == "Reuters"
    assert article.publisher == "Daily Planet"
    assert article.comment_count == 7
    assert len(article.videos) == 4
    assert len(article.related) == 2


def test_seed_survives_crlf_and_missing_blank_lines(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    squashed = "\r\n".join(line for line in text.splitlines() if line.strip())
    article = extract_text_dump(squashed)
    expected = _expected("scmp-afghanistan")
    assert article.title == expected["title"]
    assert list(article.body_paragraphs) == expected["body_paragraphs"]
    assert [image.credit for image in article.images] == ["AFP"]


def test_image_type_is_core_image(seed: Article) -> None:
    assert isinstance(seed.images[0], Image)
