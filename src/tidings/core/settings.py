"""Typed settings: built once (pydantic-settings, `TIDINGS_` prefix) and passed down."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting can be given as an environment variable `TIDINGS_<NAME>`, or read from a
    file named by `TIDINGS_<NAME>_FILE` (for secrets)."""

    model_config = SettingsConfigDict(env_prefix="TIDINGS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/tidings.db",
        description="SQLAlchemy URL of the database. SQLite by default; "
        "postgresql+psycopg://user:pass@host/db for PostgreSQL.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, description="Port the web server listens on.")
    load_demo: bool = Field(
        default=True,
        description="Load the bundled demo content (Wikinews + the seed page) into an empty "
        "database on `tidings serve`.",
    )
    shared_data: Path = Field(
        default=Path("../shared/data"),
        description="Folder of the shared third-party data (seed page, benchmarks). The demo "
        "loads the seed page from here when it exists.",
    )
    fetch_timeout_s: float = Field(
        default=20.0,
        gt=0,
        description="Total time allowed for one fetch: connecting, every redirect, the headers "
        "and the whole body. A server that sends its answer slowly is cut off here.",
    )
    fetch_connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Time allowed to open one connection, in seconds."
    )
    fetch_read_timeout_s: float = Field(
        default=15.0,
        gt=0,
        description="Longest wait for the next bytes of a response, in seconds.",
    )
    fetch_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1,
        description="Largest response body accepted, in bytes, counted after decompression "
        "(a declared Content-Length over it is refused without reading).",
    )
    fetch_max_redirects: int = Field(
        default=5, ge=0, description="Most redirects followed per fetch."
    )
    fetch_allow: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Networks (CIDRs, comma-separated, e.g. `10.1.0.0/16,fd00::/8`) that may "
        "be fetched from although they are loopback, private, link-local or otherwise "
        "internal addresses, which are refused by default. For tests and private deployments.",
    )
    fetch_concurrency: int = Field(
        default=8, ge=1, description="Most sources fetched at the same time during a refresh."
    )
    prepare_workers: int = Field(
        default=0,
        ge=0,
        description="Worker processes that parse, extract and sign fetched documents during a "
        "large refresh, while the main process stores them. 0 picks the number of CPU cores "
        "(none on a one-core machine); 1 does everything in the main process.",
    )
    prepare_pool_min_sources: int = Field(
        default=20,
        ge=1,
        description="Use the worker processes only when at least this many sources are "
        "refreshed at once (starting them costs about a second).",
    )
    fetch_per_host: int = Field(
        default=2, ge=1, description="Most requests in flight to one host at the same time."
    )
    user_agent: str = Field(
        default="Tidings/0.1 (self-hosted personalised news reader)",
        description="User-Agent header sent with every fetch.",
    )
    poll_interval_s: int = Field(
        default=1800,
        ge=1,
        description="Time between two polls of a new source, in seconds, until its posting "
        "rate is known.",
    )
    poll_min_interval_s: int = Field(
        default=900,
        ge=1,
        description="Shortest time between two polls of one source, however often it posts.",
    )
    poll_max_interval_s: int = Field(
        default=86400,
        ge=1,
        description="Longest time between two polls of one source, however quiet it is; also "
        "the longest error backoff and the longest Retry-After honoured.",
    )
    enrich_entities: bool = Field(
        default=True, description="Run named-entity recognition (spaCy) on English articles."
    )
    enrich_embeddings: bool = Field(
        default=True,
        description="Embed English articles (all-MiniLM-L6-v2) and classify them into the "
        "topic taxonomy; off, articles get no embedding, taxonomy topic or story but their "
        "near duplicates.",
    )
    enrich_workers: int = Field(
        default=0,
        ge=0,
        description="Worker processes that analyse a large enrichment backlog (each loads its "
        "own models, about 0.6 GB). 0 picks the number of CPU cores (none on a one-core "
        "machine); 1 does everything in the calling process.",
    )
    enrich_pool_min: int = Field(
        default=1000,
        ge=1,
        description="Use the enrichment worker processes only when at least this many articles "
        "are pending (starting them costs about ten seconds).",
    )
    enrich_stories: bool = Field(
        default=True,
        description="Group articles about the same event from different sources into stories.",
    )
    story_window_hours: float = Field(
        default=72.0,
        gt=0,
        description="A story takes new coverage while its newest article is at most this old "
        "(relative to the new article's publication time).",
    )
    fetch_full_text: bool = Field(
        default=True,
        description="Fetch and extract the linked page of a feed item that carries only a "
        "teaser (under 150 words, or ending in '…' / 'Read more').",
    )
    full_text_per_source: int = Field(
        default=20,
        ge=0,
        description="Most pages fetched for full text per source in one refresh.",
    )
    dedup_window_days: int = Field(
        default=3,
        ge=0,
        description="Near duplicates are looked for among the stories fetched in the last this "
        "many days (kept in memory, about 4 kB per story).",
    )
    feed_size: int = Field(default=50, description="Stories on one page of a reader's feed.")
    feed_window_hours: float = Field(
        default=72.0,
        gt=0,
        description="Feed candidates are the articles published in this many hours (plus "
        "`feed_min_articles`), kept in memory by each server process.",
    )
    feed_min_articles: int = Field(
        default=2000,
        ge=1,
        description="When the window holds fewer articles, the newest this many are "
        "candidates however old (a quiet install, the demo).",
    )
    feed_max_articles: int = Field(
        default=300_000,
        ge=1,
        description="Most articles in the candidate window (the newest); about 2 kB of memory "
        "each per server process.",
    )
    feed_refresh_s: float = Field(
        default=2.0,
        ge=0,
        description="How often a server looks whether articles were added or enriched, to "
        "rebuild its candidate index, in seconds (a large index is rebuilt in the background "
        "while the old one serves).",
    )
    feed_warm_start: bool = Field(
        default=True,
        description="Build the feed's candidate index when the server starts instead of on "
        "its first feed request.",
    )
    feed_concurrency: int = Field(
        default=0,
        ge=0,
        description="Feeds one server process ranks at the same time; further requests wait "
        "their turn (ranking is CPU work: more at once only slows each down). 0 chooses: one "
        "on SQLite, which answers in the process, two on PostgreSQL, where a request also "
        "waits on the database server.",
    )
    feed_stats_ttl_s: float = Field(
        default=10.0,
        ge=0,
        description="How long the readership statistics behind 'Trending now' and source "
        "quality are reused before they are read again, in seconds.",
    )
    feed_exploration: bool = Field(
        default=True,
        description="Fill a few labelled slots of the feed's top with stories unlike what the "
        "reader follows and reads ('Something different').",
    )
    train_interval_hours: float = Field(
        default=24.0,
        ge=0,
        description="`tidings serve` retrains the feed ranker and the co-read model from the "
        "feed log this often (the first run one interval after start); 0 turns it off (run "
        "`tidings train` from cron instead).",
    )
    model_dir: Path | None = Field(
        default=Path("./var/models"),
        description="Folder of the ranking models `tidings train` writes (versioned files "
        "and current.json naming the one in use). Without a usable model the hand-set "
        "scorer ranks the feed.",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")

    @field_validator("fetch_allow", mode="before")
    @classmethod
    def _split_networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.split(",")) if part]
        if isinstance(value, (list, tuple)):
            for network in value:
                try:
                    ipaddress.ip_network(str(network).strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"not a network (CIDR): {network!r}") from exc
            return [str(n).strip() for n in value]
        return value

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the environment, honouring `TIDINGS_<NAME>_FILE` indirection."""
        import os

        overrides: dict[str, str] = {}
        for name in cls.model_fields:
            file_var = f"TIDINGS_{name.upper()}_FILE"
            if file_var in os.environ and f"TIDINGS_{name.upper()}" not in os.environ:
                overrides[name] = Path(os.environ[file_var]).read_text(encoding="utf-8").strip()
        return cls(**overrides)  # type: ignore[arg-type]
