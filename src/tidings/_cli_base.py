"""What every `tidings` command shares: the Typer apps, the consoles, error handling, and
opening the settings, store and pipeline."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from tidings.core import Settings, TidingsError

app = typer.Typer(
    help="Tidings: a self-hosted personalised news platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
readers_app = typer.Typer(help="Manage readers.", no_args_is_help=True)
app.add_typer(readers_app, name="readers")

out = Console(soft_wrap=True, markup=False, highlight=False)  # user data: never markup
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn Tidings errors into one clear line on stderr and exit status 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TidingsError as exc:
            err.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _settings() -> Settings:
    settings = Settings.from_env()
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return settings


def _open() -> tuple[Settings, Any, Any]:
    from tidings.pipeline import Pipeline
    from tidings.store import Store

    settings = _settings()
    store = Store.open(settings.database_url)
    return settings, store, Pipeline(store, settings)
