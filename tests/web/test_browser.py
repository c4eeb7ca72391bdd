"""The web app in a real headless Chromium (Playwright), served by uvicorn on 127.0.0.1: the
feed, the article page, follow buttons, licences, error pages. Fixtures in conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from browserkit import Site, assert_utf8
from playwright.sync_api import Page, expect

from seedstory import COMPANION_TITLE
from support import SEED, SEED_STANDFIRST, SEED_TITLE
from tidings.core import FollowKind
from tidings.extract import extract_text_dump
from tidings.pipeline import DEMO_READER, WIKINEWS_NOTICE

pytestmark = pytest.mark.browser

VIDEOS = [
    (
        "2:10",
        "Taliban says ‘war is over’ in Afghanistan and now time for group to serve the nation",
    ),
    ("6:32", "Helicopters fly over Kabul to ferry diplomats after Taliban reaches Afghan capital"),
    ("3:59", "Women fear the worst for their freedoms as Taliban return to power in Afghanistan"),
    ("1:22", "Russian leader claims Russia-China relationship being sabotaged"),
]
RELATED = [
    "Afghan chaos left by US a ‘lesson’ for Taiwan, Chinese media warns",
    "China a ‘welcome friend’ in Afghanistan: Taliban spokesman",
]
FEED_SHOT = Path("/tmp/tidings-feed.png")
ARTICLE_SHOT = Path("/tmp/tidings-article.png")


def _expected_paragraphs() -> list[str]:
    return list(extract_text_dump(SEED.read_text(encoding="utf-8")).body_paragraphs)


# -- the feed ---------------------------------------------------------------------------------------


def test_feed_shows_seed_story_first_with_reason(page: Page, site: Site) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert "charset=utf-8" in (response.headers.get("content-type") or "").lower()
    assert_utf8(page)
    expect(page.locator("h1")).to_have_text(f"{DEMO_READER}’s feed")
    stories = page.locator("li.story")
    assert stories.count() == 21  # the second source's report of the seed's event is folded in
    first = stories.first
    expect(first.locator("h2 a")).to_have_text(SEED_TITLE)
    assert first.get_attribute("data-article-id") == str(site.seed_id)
    # text_content, not inner_text: the reason is upper-cased by CSS only.
    assert (
        first.locator(".reason").text_content() or ""
    ).strip() == "Because you follow Afghanistan"
    expect(first.locator(".standfirst")).to_have_text(SEED_STANDFIRST[0])
    expect(first.locator(".publisher")).to_have_text("South China Morning Post")
    # Another source's report of the same event is one story with it: one click away.
    assert COMPANION_TITLE not in stories.locator("h2 a").all_text_contents()
    also = first.locator(".also a")
    assert also.count() == 1
    companion = next(
        a for a in site.store.articles.recent(50) if a.article.title == COMPANION_TITLE
    )
    assert also.first.get_attribute("href") == f"/articles/{companion.id}"
    reasons = [(t or "").strip() for t in stories.locator(".reason").all_text_contents()]
    assert reasons[1:] and "Because you follow Afghanistan" not in reasons[1:]
    # It links to the story's full coverage.
    story_id = site.store.articles.get(site.seed_id).story_id
    link = first.locator(".coverage a")
    expect(link).to_have_text("Full coverage: 1 more article")
    assert link.get_attribute("href") == f"/stories/{story_id}"
    # Curly quotes and dashes survive the round trip (a charset mix-up would garble them).
    expect(page.locator("body")).not_to_contain_text("â€")
    expect(page.locator("body")).not_to_contain_text("myNEWS")
    page.screenshot(path=str(FEED_SHOT), full_page=False)
    assert FEED_SHOT.stat().st_size > 10_000


def test_footer_has_wikinews_attribution(page: Page) -> None:
    page.goto("/")
    footer = page.locator("footer.site-footer")
    expect(footer).to_contain_text("Wikinews")
    expect(footer).to_contain_text("CC BY 2.5")
    expect(footer).to_contain_text(WIKINEWS_NOTICE.split(";")[0])
    link = footer.locator("a", has_text="CC BY 2.5")
    assert link.get_attribute("href") == "https://creativecommons.org/licenses/by/2.5/"


# -- the article page -------------------------------------------------------------------------------


def test_clicking_story_opens_clean_article(page: Page, site: Site) -> None:
    page.goto("/")
    page.locator("li.story").first.locator("h2 a").click()
    page.wait_for_url(f"**/articles/{site.seed_id}")
    assert_utf8(page)
    assert page.title() == f"{SEED_TITLE} · Tidings"
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator("ul.standfirst li")).to_have_text(SEED_STANDFIRST)

    caption = page.locator("figure.photo figcaption")
    expect(caption).to_contain_text(
        "Foreign ministers Sergey Lavrov of Russia (left) and Wang Yi of China meet in the "
        "Chinese city of Guilin on March 22."
    )
    expect(caption.locator(".credit")).to_have_text("Photo: AFP")

    body = page.locator(".body")
    paragraphs = [t.strip() for t in body.locator("p").all_text_contents()]
    assert paragraphs == _expected_paragraphs()
    assert len(paragraphs) == 23
    body_text = body.inner_text()
    for junk in ["Advertisement", "myNEWS", "Learn more", "02:10", "Photo: AFP", "print edition"]:
        assert junk not in body_text, junk
    for _, title in VIDEOS:
        assert title not in body_text
    for headline in RELATED:
        assert headline not in body_text

    videos = page.locator("section.videos li")
    expect(videos).to_have_count(4)
    assert [d.strip() for d in videos.locator(".duration").all_text_contents()] == [
        d for d, _ in VIDEOS
    ]
    for i, (_, title) in enumerate(VIDEOS):
        expect(videos.nth(i)).to_contain_text(title)
    expect(page.locator("section.related li")).to_have_text(RELATED)

    expect(page.locator(".print-headline")).to_have_text("China, Russia to work together")
    expect(page.locator(".print-edition")).to_contain_text("Print edition headline")
    expect(page.locator(".meta .comments")).to_have_text("44 comments")
    expect(page.locator(".meta .publisher")).to_have_text("South China Morning Post")
    page.screenshot(path=str(ARTICLE_SHOT), full_page=True)
    assert ARTICLE_SHOT.stat().st_size > 10_000


def test_follow_entity_button_marks_it_followed(page: Page, site: Site) -> None:
    page.goto(f"/articles/{site.seed_id}")
    button = page.locator("section.entities button", has_text="Wang Yi")
    expect(button).to_have_text("Wang Yi +")
    expect(button).not_to_have_class("chip on")
    button.click()
    page.wait_for_url(f"**/articles/{site.seed_id}")
    followed = page.locator("section.entities button", has_text="Wang Yi")
    expect(followed).to_have_text("Wang Yi ✓")
    expect(followed).to_have_class("chip on")
    # The topic tag of the story shows the reader's existing follow too.
    expect(page.locator(".topic-tags button")).to_have_text("Afghanistan ✓")

    page.goto("/")
    chips = page.locator("section.follows .chip")
    expect(chips).to_have_text(["Afghanistan", "Wang Yi"])
    reader = site.store.readers.find(DEMO_READER)
    assert [(f.kind, f.value) for f in site.store.readers.follows(reader.id)] == [
        (FollowKind.TOPIC, "afghanistan"),
        (FollowKind.ENTITY, "wang yi"),
    ]
    # The event (both reports, one story) stays on top, credited to the follows, with the
    # other report one click away.
    top = page.locator("li.story").first
    shown = top.locator("h2 a").inner_text()
    assert shown in (SEED_TITLE, COMPANION_TITLE)
    assert (top.locator(".reason").text_content() or "").startswith("Because you follow")
    assert top.locator(".also a").count() == 1


@pytest.mark.parametrize(
    ("which", "licence"),
    [
        ("wiki_public_domain_id", "Public domain (Wikinews)"),
        ("wiki_cc_by_id", "Wikinews contributors, CC BY 2.5; converted to plain text"),
    ],
)
def test_wikinews_story_shows_its_licence(page: Page, site: Site, which: str, licence: str) -> None:
    article_id = getattr(site, which)
    stored = site.store.articles.get(article_id)
    page.goto(f"/articles/{article_id}")
    assert_utf8(page)
    expect(page.locator("h1")).to_have_text(stored.article.title)
    line = page.locator("article p.licence")
    expect(line).to_contain_text(licence)
    link = line.locator("a", has_text="original story")
    assert link.get_attribute("href") == stored.article.url
    assert (stored.article.url or "").startswith("https://en.wikinews.org/wiki/")
    expect(page.locator(".meta .publisher")).to_have_text("Wikinews")


def test_unknown_article_is_a_friendly_404_page(page: Page) -> None:
    response = page.goto("/articles/999999")
    assert response is not None and response.status == 404
    assert_utf8(page)
    expect(page.locator("section.error h1")).to_have_text("404")
    expect(page.locator("section.error .message")).to_contain_text("999999")
    expect(page.locator("section.error a")).to_have_attribute("href", "/")


@pytest.mark.parametrize(
    "path", ["/articles/99999999999999999999", "/?reader=99999999999999999999", "/articles/abc"]
)
def test_bad_ids_are_a_friendly_422_page_not_a_crash(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 422
    expect(page.locator("section.error h1")).to_have_text("422")
    expect(page.locator("section.error .message")).to_contain_text("Invalid request")
