"""SQLAlchemy Core tables. The single source of truth for the schema; migrations mirror it."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TS = sa.DateTime(timezone=True)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(2048), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.String(512)),
    sa.Column("site_url", sa.String(2048)),
    sa.Column("folder", sa.String(256)),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("etag", sa.String(512)),
    sa.Column("last_modified", sa.String(128)),
    sa.Column("poll_interval_s", sa.Integer, nullable=False, server_default="1800"),
    sa.Column("next_poll_at", TS),
    sa.Column("last_polled_at", TS),
    sa.Column("last_success_at", TS),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", TS, nullable=False),
    # 0002: polite polling, dead sources, near-duplicate switch
    sa.Column("last_status", sa.Integer),
    sa.Column("dead_at", TS),  # set when the source is gone (410, or 404 repeated)
    sa.Column("dedup", sa.Boolean, nullable=False, server_default=sa.true()),
)

fetch_log = sa.Table(
    "fetch_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("at", TS, nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("status", sa.Integer),
    sa.Column("bytes", sa.Integer),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("items_seen", sa.Integer),
    sa.Column("items_new", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Index("ix_fetch_log_source_at", "source_id", "at"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
    sa.Column("url", sa.String(2048)),
    sa.Column("canonical_url", sa.String(2048), unique=True),
    sa.Column("guid", sa.String(2048)),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("standfirst", sa.JSON, nullable=False),
    sa.Column("body_text", sa.Text, nullable=False),
    sa.Column("body_html", sa.Text, nullable=False),
    sa.Column("byline", sa.String(512)),
    sa.Column("published", TS),
    sa.Column("fetched_at", TS, nullable=False),
    sa.Column("language", sa.String(16)),
    sa.Column("publisher", sa.String(512)),
    sa.Column("topics", sa.JSON, nullable=False),
    sa.Column("images", sa.JSON, nullable=False),
    sa.Column("videos", sa.JSON, nullable=False),
    sa.Column("related", sa.JSON, nullable=False),
    sa.Column("print_headline", sa.Text),
    sa.Column("comment_count", sa.Integer),
    sa.Column("licence", sa.Text),
    # 0002: near duplicates and deferred enrichment
    sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("minhash", sa.LargeBinary),  # MinHash signature of the body (near duplicates)
    sa.Column("enriched_at", TS),  # NULL until entities etc. have been extracted
    # 0004: understanding (summary, embedding, story)
    sa.Column("summary", sa.Text),
    sa.Column("embedding", sa.LargeBinary),  # float16, L2-normalised (enrich.embeddings)
    sa.Column("embedding_key", sa.String(64)),  # hash of the embedded text: the cache key
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
    # 0003: unique, so a repeated feed item is refused by the database itself
    sa.Index("ix_articles_source_guid", "source_id", "guid", unique=True),
    sa.Index("ix_articles_duplicate_of", "duplicate_of"),
    sa.Index("ix_articles_enriched_at", "enriched_at"),
    sa.Index("ix_articles_published", "published"),
    sa.Index("ix_articles_fetched_at", "fetched_at"),
    sa.Index("ix_articles_embedding_key", "embedding_key"),
    sa.Index("ix_articles_story_id", "story_id"),
)

# 0004: a story is the coverage of one event across sources (enrich.stories). The lead
# article is kept by the application (no foreign key: articles already point here).
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("lead_article_id", sa.Integer),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False, server_default="1"),
    sa.Column("first_at", TS, nullable=False),
    sa.Column("last_at", TS, nullable=False),
    sa.Index("ix_stories_last_at", "last_at"),
)

topics = sa.Table(
    "topics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(256), nullable=False, unique=True),
    sa.Column("label", sa.String(256), nullable=False),
)

article_topics = sa.Table(
    "article_topics",
    metadata,
    sa.Column(
        "article_id",
        sa.Integer,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("origin", sa.String(16), nullable=False),  # source | classifier | place
    sa.Column("weight", sa.Float, nullable=False, server_default="1.0"),
    sa.Index("ix_article_topics_topic", "topic_id"),
)

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(256), nullable=False, unique=True),
    sa.Column("name", sa.String(256), nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
)

article_entities = sa.Table(
    "article_entities",
    metadata,
    sa.Column(
        "article_id",
        sa.Integer,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "entity_id",
        sa.Integer,
        sa.ForeignKey("entities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("salience", sa.Float, nullable=False),
    sa.Column("first_offset", sa.Integer, nullable=False),
    sa.Index("ix_article_entities_entity", "entity_id"),
)

# 0004: other names of an entity seen across articles ("Lavrov" for "Sergey Lavrov", "ETIM"
# for "East Turkestan Islamic Movement"), so that follows and entity pages gather every mention.
entity_aliases = sa.Table(
    "entity_aliases",
    metadata,
    sa.Column("alias_key", sa.String(256), primary_key=True),
    sa.Column(
        "entity_id",
        sa.Integer,
        sa.ForeignKey("entities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("alias", sa.String(256), nullable=False),
    sa.Column("count", sa.Integer, nullable=False, server_default="1"),
    sa.Index("ix_entity_aliases_entity", "entity_id"),
)

# 0004: direct quotations and their speakers (enrich.quotes)
quotes = sa.Table(
    "quotes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("speaker", sa.String(512)),
    sa.Column("speaker_key", sa.String(256)),
    sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="SET NULL")),
    sa.Column("paragraph", sa.Integer, nullable=False),
    sa.Column("start_offset", sa.Integer, nullable=False),
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Index("ix_quotes_article", "article_id"),
    sa.Index("ix_quotes_speaker_key", "speaker_key"),
    sa.Index("ix_quotes_entity", "entity_id"),
)

readers = sa.Table(
    "readers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128), nullable=False, unique=True),
    sa.Column("created_at", TS, nullable=False),
    # 0008: moved by every follow, mute and unfollow (a serving process keeps the follows
    # until it changes)
    sa.Column("follows_version", sa.Integer, nullable=False, server_default="0"),
)

follows = sa.Table(
    "follows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "reader_id", sa.Integer, sa.ForeignKey("readers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.String(16), nullable=False),  # topic | entity | source | author
    sa.Column("value", sa.String(512), nullable=False),  # normalised key
    sa.Column("label", sa.String(512)),
    sa.Column("weight", sa.Float, nullable=False),  # < 0 means muted
    sa.Column("created_at", TS, nullable=False),
    sa.UniqueConstraint("reader_id", "kind", "value", name="uq_follows_reader_kind_value"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "reader_id", sa.Integer, sa.ForeignKey("readers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("dwell_s", sa.Float),
    sa.Column("value", sa.String(512)),
    sa.Column("at", TS, nullable=False),
    sa.Index("ix_events_reader_at", "reader_id", "at"),
    sa.Index("ix_events_at", "at"),  # 0005: the whole readership's recent events (trending)
)

# 0006: every feed page served: the articles in rank order and the feature rows that placed
# them (float16, one row per article), so `tidings train` learns from exactly what was served.
feed_impressions = sa.Table(
    "feed_impressions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "reader_id", sa.Integer, sa.ForeignKey("readers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("at", TS, nullable=False),
    sa.Column("article_ids", sa.JSON, nullable=False),
    sa.Column("features", sa.LargeBinary),
    sa.Column("model", sa.String(64), nullable=False),  # the scorer that ranked the page
    sa.Index("ix_feed_impressions_reader_at", "reader_id", "at"),
    sa.Index("ix_feed_impressions_at", "at"),
)

# 0007: each reader's profile as the feed built it (rank.encode_profile), with the event
# marker it was built from: every serving process and every restart reuses it until the
# reader does something new.
reader_profiles = sa.Table(
    "reader_profiles",
    metadata,
    sa.Column(
        "reader_id",
        sa.Integer,
        sa.ForeignKey("readers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("events", sa.Integer, nullable=False),  # the reader's number of events then
    sa.Column("last_event", sa.Integer, nullable=False),  # and their newest event's id
    sa.Column("built_at", TS, nullable=False),
    sa.Column("format", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
