"""A second source's report of the seed story's event, for tests of story clusters, quotes
across articles and full-coverage pages (written for these tests; not from any publisher)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tidings.core import Article

COMPANION_TITLE = (
    "China and Russia agree to coordinate closely on Afghanistan after Taliban takeover"
)


def companion_article(*, hours_before: float = 48.0) -> Article:
    """Another source's short report of the seed story's event (written for these tests),
    published a while before the seed page was fetched, with one quote by Wang Yi."""
    return Article(
        title=COMPANION_TITLE,
        url="https://wire.example.org/china-russia-afghanistan",
        publisher="Example Wire",
        published=datetime.now(UTC) - timedelta(hours=hours_before),
        standfirst=(
            "Wang Yi and Sergey Lavrov pledge close contact on Afghanistan as the Taliban take "
            "control of Kabul.",
        ),
        body_paragraphs=(
            "Chinese Foreign Minister Wang Yi and his Russian counterpart Sergey Lavrov spoke by "
            "telephone about Afghanistan after the Taliban seized Kabul, both foreign ministries "
            "said.",
            "Wang told Lavrov that China and Russia should strengthen strategic communication "
            "on Afghanistan and protect their shared interests in the region.",
            "“The new authorities in Kabul must make a clean break with all terrorist groups,” "
            "Wang said.",
            "Lavrov said Moscow and Beijing would coordinate their positions on Afghanistan at "
            "the United Nations.",
        ),
    )
