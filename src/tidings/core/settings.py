"""Typed settings: built once (pydantic-settings, `TIDINGS_` prefix) and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    fetch_timeout_s: float = Field(default=20.0, description="Total time allowed for one fetch.")
    fetch_max_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest response body accepted, in bytes."
    )
    fetch_max_redirects: int = Field(default=5, description="Most redirects followed per fetch.")
    user_agent: str = Field(
        default="Tidings/0.1 (self-hosted personalised news reader)",
        description="User-Agent header sent with every fetch.",
    )
    poll_interval_s: int = Field(
        default=1800, description="Default time between two polls of one source, in seconds."
    )
    enrich_entities: bool = Field(
        default=True, description="Run named-entity recognition (spaCy) on English articles."
    )
    feed_size: int = Field(default=50, description="Stories on one page of a reader's feed.")
    log_level: str = Field(default="INFO", description="Python logging level.")

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
