"""What enrichment knows, in a real headless Chromium: topic chips of three kinds and entity
chips that follow from the article page (with JavaScript off), the feed reflecting each follow
at once, quotes by speaker, full coverage of a story, and entity pages. Each test has its own
reader (chosen with ?reader=, kept in a cookie), so the tests do not see each other's follows."""

from __future__ import annotations

import itertools
import re
from urllib.parse import quote

import pytest
from browserkit import Site, assert_utf8
from playwright.sync_api import Locator, Page, expect

from seedstory import COMPANION_TITLE
from support import SEED_TITLE
from tidings.core import FollowKind

pytestmark = pytest.mark.browser

_readers = itertools.count(1)


def _as_new_reader(page: Page, site: Site, name: str) -> int:
    reader = site.store.readers.create(f"{name} {next(_readers)}")
    response = page.goto(f"/?reader={reader.id}")
    assert response is not None and response.status == 200
    return reader.id


def _chip(scope: Locator, label: str) -> Locator:
    """The follow button of exactly `label` in `scope`, followed or not."""
    return scope.locator("button.chip").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)} [+✓]\s*$")
    )


def _taxonomy_label(site: Site) -> str:
    labels = [t.label for t in site.store.articles.get(site.seed_id).topics if t.kind == "taxonomy"]
    assert labels, "the seed has no taxonomy topic"
    return labels[0]


def _feed_reflects(page: Page, site: Site, label: str) -> None:
    """The feed credits the seed's story to the follow, and every story ranked above it
    matches the follow too. (It need not be first: the reader has just opened it, and the ranking puts
    opened stories below unread ones that match as well.)"""
    page.goto("/")
    assert_utf8(page)
    expect(page.locator("section.follows .chip")).to_have_text([label])
    stories = page.locator("li.story")
    # the seed's story: shown through the seed or through the other report of its event
    # (then the seed is under "Also reported by")
    seed_at = next(
        i
        for i in range(stories.count())
        if stories.nth(i).get_attribute("data-article-id") == str(site.seed_id)
        or stories.nth(i).locator(f".also a[href='/articles/{site.seed_id}']").count()
    )
    reasons = [(t or "").strip() for t in stories.locator(".reason").all_text_contents()]
    assert reasons[seed_at] == f"Because you follow {label}", reasons[: seed_at + 1]
    assert all(r == f"Because you follow {label}" for r in reasons[:seed_at]), reasons


@pytest.mark.parametrize("kind", ["place", "taxonomy", "entity"])
def test_follow_from_article_page_shows_in_feed_at_once(
    nojs_page: Page, site: Site, kind: str
) -> None:
    page = nojs_page
    rid = _as_new_reader(page, site, f"Follows a {kind}")
    page.goto(f"/articles/{site.seed_id}")
    assert_utf8(page)
    if kind == "place":
        group, label = page.locator(".topic-group[data-kind='place']"), "China"
        expect(group.locator("h3")).to_have_text("Places")
    elif kind == "taxonomy":
        group, label = page.locator(".topic-group[data-kind='taxonomy']"), _taxonomy_label(site)
        expect(group.locator("h3")).to_have_text("Subjects")
    else:
        group, label = page.locator("section.entities"), "Wang Yi"
    button = _chip(group, label)
    expect(button).to_have_text(f"{label} +")
    button.click()
    page.wait_for_url(f"**/articles/{site.seed_id}")
    followed = _chip(group, label)
    expect(followed).to_have_text(f"{label} ✓")
    expect(followed).to_have_class("chip on")
    if kind == "place":
        # The place is the entity China: its entity chip shows the follow too.
        expect(_chip(page.locator("section.entities"), "China")).to_have_text("China ✓")
    expected = {
        "place": (FollowKind.ENTITY, "china"),
        "taxonomy": (FollowKind.TOPIC, label.casefold()),
        "entity": (FollowKind.ENTITY, "wang yi"),
    }[kind]
    assert [(f.kind, f.value) for f in site.store.readers.follows(rid)] == [expected]
    _feed_reflects(page, site, label)
    # A followed entity links to what Tidings knows about it; a topic has no page.
    chip = page.locator("section.follows .chip")
    if kind == "taxonomy":
        assert chip.evaluate("el => el.tagName") == "SPAN"
    else:
        expect(chip).to_have_attribute("href", f"/entities/{quote(expected[1], safe='')}")


def test_chip_shows_a_follow_of_either_kind_and_unfollows_it(page: Page, site: Site) -> None:
    """Afghanistan the source's tag and Afghanistan the place are one subject to the reader."""
    rid = _as_new_reader(page, site, "Follows a place")
    site.store.readers.follow(rid, FollowKind.ENTITY, "Afghanistan")
    site.store.readers.follow(rid, FollowKind.TOPIC, "Russia")
    page.goto(f"/articles/{site.seed_id}")
    tag = page.locator(".topic-tags button")
    expect(tag).to_have_text("Afghanistan ✓")
    places = page.locator(".topic-group[data-kind='place']")
    expect(_chip(places, "Russia")).to_have_text("Russia ✓")
    expect(_chip(page.locator("section.entities"), "Russia")).to_have_text("Russia ✓")
    tag.click()
    page.wait_for_url(f"**/articles/{site.seed_id}")
    expect(page.locator(".topic-tags button")).to_have_text("Afghanistan +")
    expect(_chip(page.locator("section.entities"), "Afghanistan")).to_have_text("Afghanistan +")
    assert [(f.kind, f.value) for f in site.store.readers.follows(rid)] == [
        (FollowKind.TOPIC, "russia")
    ]
    _chip(page.locator("section.entities"), "Russia").click()
    page.wait_for_url(f"**/articles/{site.seed_id}")
    expect(_chip(places, "Russia")).to_have_text("Russia +")
    assert site.store.readers.follows(rid) == []


def test_quotes_on_article_page_link_to_quotes_by_speaker(page: Page, site: Site) -> None:
    page.goto(f"/articles/{site.seed_id}")
    section = page.locator("article section.quotes")
    expect(section.locator("h2")).to_have_text("Quotes")
    quotes = section.locator("figure.quote")
    assert quotes.count() >= 5
    doomed = quotes.filter(has_text="doomed to fail")
    expect(doomed.locator(".speaker")).to_have_text("— Wang Yi")
    expect(section.locator(".speaker a", has_text="Fu Xiaoqiang").first).to_be_visible()
    # A speaker that is no known entity ("the ministry") is not a link: its quotes by that
    # phrase across articles would mix different speakers.
    ministry = quotes.filter(has_text="falsifying its history").locator(".speaker")
    expect(ministry).to_have_text("— the ministry")
    expect(ministry.locator("a")).to_have_count(0)
    doomed.locator(".speaker a").click()
    page.wait_for_url("**/quotes?speaker=Wang%20Yi")
    assert_utf8(page)
    expect(page.locator("h1")).to_have_text("Quotes by Wang Yi")
    items = page.locator("li.quote")
    assert items.count() >= 5
    # Quotes of both reports of the event, each linking to its article.
    expect(items.filter(has_text="doomed to fail")).to_have_count(1)
    expect(items.filter(has_text="clean break with all terrorist groups")).to_have_count(1)
    article_links = {a.get_attribute("href") for a in items.locator(".source a").all()}
    assert article_links == {f"/articles/{site.seed_id}", f"/articles/{site.companion_id}"}
    assert all(t.startswith("— Wang Yi, in ") for t in items.locator(".source").all_inner_texts())
    # A surname finds the same person.
    page.goto("/quotes?speaker=Wang")
    expect(page.locator("h1")).to_have_text("Quotes by Wang Yi")
    assert page.locator("li.quote").count() == items.count()


def test_quotes_page_escapes_what_it_is_given(page: Page) -> None:
    asked = '<script>document.title="pwned"</script><b>Nobody</b>'
    response = page.goto(f"/quotes?speaker={quote(asked)}")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text(f"Quotes by {asked}")
    expect(page.locator("p.empty")).to_have_text(f"No quotes by {asked} yet.")
    assert page.locator("main script, main b").count() == 0
    assert page.title() == f"Quotes by {asked} · Tidings"  # text, not a script that ran
    # Without a speaker, the page offers the search form.
    page.goto("/quotes")
    expect(page.locator("h1")).to_have_text("Quotes")
    page.locator("form.search input[name=speaker]").fill("Fu Xiaoqiang")
    page.locator("form.search button").click()
    page.wait_for_url("**/quotes?speaker=Fu+Xiaoqiang")
    expect(page.locator("h1")).to_have_text("Quotes by Fu Xiaoqiang")
    assert page.locator("li.quote").count() >= 2


def test_full_coverage_lists_every_report_by_source(page: Page, site: Site) -> None:
    _as_new_reader(page, site, "Coverage")
    story_id = site.store.articles.get(site.seed_id).story_id
    page.goto(f"/articles/{site.seed_id}")
    link = page.locator(".meta a.coverage")
    expect(link).to_have_text("Full coverage: 2 articles")
    link.click()
    page.wait_for_url(f"**/stories/{story_id}")
    assert_utf8(page)
    story = site.store.stories.story(story_id or 0)
    expect(page.locator("h1")).to_have_text(story.title)
    assert story.title in (SEED_TITLE, COMPANION_TITLE)
    expect(page.locator(".story-page .count")).to_have_text("2 articles from 2 sources")
    lead = page.locator("article.lead-story")
    assert lead.get_attribute("data-article-id") == str(story.lead_article_id)
    # By source, in time order: the wire report came first.
    expect(page.locator(".coverage-source h3")).to_have_text(
        ["Example Wire", "South China Morning Post"]
    )
    items = page.locator("li.coverage-item")
    expect(items.locator("a")).to_have_text([COMPANION_TITLE, SEED_TITLE])
    assert [i.get_attribute("data-article-id") for i in items.all()] == [
        str(site.companion_id),
        str(site.seed_id),
    ]
    items.locator("a", has_text=COMPANION_TITLE).click()
    page.wait_for_url(f"**/articles/{site.companion_id}")
    expect(page.locator("h1")).to_have_text(COMPANION_TITLE)


def test_entity_page_shows_what_tidings_knows(page: Page, site: Site) -> None:
    rid = _as_new_reader(page, site, "Entity page")
    page.goto(f"/articles/{site.seed_id}")
    page.locator("section.entities a.about[aria-label='About Sergey Lavrov']").click()
    page.wait_for_url("**/entities/Sergey%20Lavrov")
    assert_utf8(page)
    expect(page.locator("h1")).to_have_text("Sergey Lavrov")
    expect(page.locator(".entity-page .label")).to_have_text("Person")
    expect(page.locator(".aliases")).to_contain_text("Lavrov")
    titles = page.locator(".entity-articles li a").all_inner_texts()
    assert set(titles) == {SEED_TITLE, COMPANION_TITLE}
    button = page.locator(".follow-entity button")
    expect(button).to_have_text("Follow Sergey Lavrov +")
    button.click()
    page.wait_for_url("**/entities/Sergey%20Lavrov")
    expect(page.locator(".follow-entity button")).to_have_text("Follow Sergey Lavrov ✓")
    assert [(f.kind, f.value) for f in site.store.readers.follows(rid)] == [
        (FollowKind.ENTITY, "sergey lavrov")
    ]
    # An alias finds the same entity; a person's page shows what they said.
    page.goto("/entities/Wang")
    expect(page.locator("h1")).to_have_text("Wang Yi")
    quotes = page.locator(".entity-page section.quotes li.quote")
    assert quotes.count() >= 5
    expect(page.locator(".entity-page section.quotes a", has_text="All quotes")).to_have_attribute(
        "href", "/quotes?speaker=Wang%20Yi"
    )


def test_summary_shows_when_there_is_no_standfirst(page: Page, site: Site) -> None:
    stored = site.store.articles.get(site.wiki_cc_by_id)
    assert not stored.article.standfirst and stored.summary
    page.goto(f"/articles/{stored.id}")
    expect(page.locator("p.summary")).to_contain_text(stored.summary)
    page.goto(f"/articles/{site.seed_id}")
    expect(page.locator("p.summary")).to_have_count(0)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/stories/999999", 404, "no story 999999"),
        ("/entities/Nobody%20Atall", 404, "no entity called 'Nobody Atall'"),
        ("/stories/abc", 422, "Invalid request"),
    ],
)
def test_unknown_story_or_entity_is_a_friendly_error_page(
    page: Page, path: str, status: int, message: str
) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status
    assert_utf8(page)
    expect(page.locator("section.error .message")).to_contain_text(message)


def test_follow_a_place_from_its_page_puts_the_seed_first(page: Page, site: Site) -> None:
    """A reader who has not opened the seed story follows China from the entity page: the
    seed story, the most China-centred of all, tops the feed at once."""
    _as_new_reader(page, site, "Follows China")
    page.goto("/entities/China")
    expect(page.locator(".entity-page .label")).to_have_text("Place")
    page.locator(".follow-entity button").click()
    page.wait_for_url("**/entities/China")
    expect(page.locator(".follow-entity button")).to_have_text("Follow China ✓")
    page.goto("/")
    first = page.locator("li.story").first
    assert first.get_attribute("data-article-id") == str(site.seed_id)
    assert (first.locator(".reason").text_content() or "").strip() == "Because you follow China"
