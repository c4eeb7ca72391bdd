"""Storage: SQLAlchemy Core tables, Alembic migrations and one repository per aggregate."""

from __future__ import annotations

import sqlalchemy as sa

from tidings.store.articles import ArticleRepository
from tidings.store.engine import make_engine, migrate
from tidings.store.events import EventRepository
from tidings.store.ranking import RankingRepository, StoredProfile
from tidings.store.readers import ReaderRepository, ReaderState
from tidings.store.sources import FetchRecord, SourceRepository
from tidings.store.stories import StoryRepository
from tidings.store.tables import metadata
from tidings.store.understanding import UnderstandingRepository


class Store:
    """The repositories over one engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.sources = SourceRepository(engine)
        self.articles = ArticleRepository(engine)
        self.readers = ReaderRepository(engine)
        self.events = EventRepository(engine)
        self.understanding = UnderstandingRepository(engine)
        self.stories = StoryRepository(engine)
        self.ranking = RankingRepository(engine)

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        engine = make_engine(url)
        if migrate_schema:
            migrate(engine)
        return cls(engine)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.ranking.flush_impressions()
        self.engine.dispose()


__all__ = [
    "ArticleRepository",
    "EventRepository",
    "FetchRecord",
    "RankingRepository",
    "ReaderRepository",
    "ReaderState",
    "SourceRepository",
    "Store",
    "StoredProfile",
    "StoryRepository",
    "UnderstandingRepository",
    "make_engine",
    "metadata",
    "migrate",
]
