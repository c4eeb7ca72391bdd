"""The feedback loop in a real headless Chromium: onboarding topics, save / fewer like this /
hide from the feed (JavaScript off: plain forms), and the read-time beacon of the article
page (JavaScript on)."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from browserkit import Site, assert_utf8
from playwright.sync_api import Page, expect

from tidings.core import EventKind, FollowKind

pytestmark = pytest.mark.browser

_names = itertools.count(1)


def _story(page: Page, article_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f"li.story[data-article-id='{article_id}']")


def test_a_new_reader_picks_topics_and_their_feed_follows_them(nojs_page: Page, site: Site) -> None:
    page = nojs_page
    page.goto("/readers/new")
    assert_utf8(page)
    name = f"Newcomer {next(_names)}"
    page.fill("input[name=name]", name)
    page.check("input[name=topics][value=world]")
    page.check("input[name=topics][value=conflict]")
    page.click("section.onboarding button[type=submit]")
    expect(page.locator("section.follows h1")).to_have_text(f"{name}’s feed")
    expect(page.locator("section.follows .chip")).to_have_text(["World", "Conflict"])
    first = page.locator("li.story .reason").first
    expect(first).to_have_text(re.compile(r"^Because you follow (World|Conflict)$"))


def test_a_reader_with_no_follows_can_pick_topics_from_the_feed(
    nojs_page: Page, site: Site
) -> None:
    page = nojs_page
    reader = site.store.readers.create(f"Cold {next(_names)}")
    page.goto(f"/?reader={reader.id}")
    form = page.locator("form.onboarding")
    expect(form).to_be_visible()
    form.locator("input[value=science]").check()
    form.locator("button[type=submit]").click()
    follows = site.store.readers.follows(reader.id)
    assert [(f.kind, f.value, f.label) for f in follows] == [
        (FollowKind.TOPIC, "science", "Science")
    ]
    expect(page.locator("form.onboarding")).to_have_count(0)


def test_fewer_like_this_save_and_hide_from_the_feed(nojs_page: Page, site: Site) -> None:
    page = nojs_page
    reader = site.store.readers.create(f"Busy {next(_names)}")
    site.store.readers.follow(reader.id, FollowKind.TOPIC, "Afghanistan")
    page.goto(f"/?reader={reader.id}")
    seed = _story(page, site.seed_id)
    expect(seed).to_have_count(1)
    seed.locator("button.fewer").click()
    page.wait_for_url("**/")
    expect(_story(page, site.seed_id)).to_have_count(0)
    kinds = [e.kind for e in site.store.events.for_reader(reader.id)]
    assert kinds == [EventKind.FEWER_LIKE_THIS]

    second = page.locator("li.story").first
    saved_id = int(second.get_attribute("data-article-id") or 0)
    title = second.locator("h2").inner_text()
    second.locator("button.save").click()
    expect(_story(page, saved_id)).to_have_count(0)  # saved stories leave the feed...
    page.goto("/saved")
    expect(page.locator("li.story h2")).to_have_text([title])  # ...for the saved list

    page.goto("/")
    third = page.locator("li.story").first
    hidden_id = int(third.get_attribute("data-article-id") or 0)
    third.locator("button.hide").click()
    expect(_story(page, hidden_id)).to_have_count(0)


def test_the_article_page_reports_how_long_it_was_read(page: Page, site: Site) -> None:
    reader = site.store.readers.create(f"Reader {next(_names)}")
    page.goto(f"/?reader={reader.id}")
    page.goto(f"/articles/{site.wiki_cc_by_id}")
    page.wait_for_timeout(1500)
    page.goto("/sources")  # leaving the page sends the beacon
    deadline = time.monotonic() + 10
    reads = []
    while time.monotonic() < deadline and not reads:
        reads = [e for e in site.store.events.for_reader(reader.id) if e.kind is EventKind.READ]
        time.sleep(0.1)
    assert len(reads) == 1 and reads[0].article_id == site.wiki_cc_by_id
    assert reads[0].dwell_s is not None and 1.0 <= reads[0].dwell_s < 30
