"""Helpers of the browser tests: the running site and page checks."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from tidings.store import Store


@dataclass
class Site:
    base: str
    store: Store
    seed_id: int
    wiki_public_domain_id: int
    wiki_cc_by_id: int
    companion_id: int


def assert_utf8(page: Page) -> None:
    assert page.locator("meta[charset]").count() == 1
    assert (page.locator("meta[charset]").get_attribute("charset") or "").lower() == "utf-8"
    assert page.evaluate("document.characterSet") == "UTF-8"
