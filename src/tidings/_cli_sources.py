"""Helpers of the source commands (`tidings sources`, `tidings import-opml`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape

from tidings._cli_base import err, out
from tidings.core import ConflictError, InvalidInputError, Source, SourceKind
from tidings.ingest import read_opml


def _health(s: Source) -> str:
    if s.dead:
        return "dead"
    if not s.active:
        return "paused"
    return "ok" if s.error_count == 0 else f"{s.error_count} errors"


def _import_one(store: Any, path: Path) -> None:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    result = read_opml(content, str(path))
    for problem in result.problems:
        err.print(f"[yellow]{escape(f'{path}:{problem.line}')}:[/yellow] {escape(problem.message)}")
    added = present = 0
    for feed in result.feeds:
        try:
            store.sources.add(
                feed.url,
                SourceKind.FEED,
                title=feed.title,
                site_url=feed.site_url,
                folder=feed.folder,
            )
            added += 1
        except ConflictError:
            present += 1
    folders = len(result.folders)
    skipped = result.outlines - len(result.feeds)
    out.print(
        f"{len(result.feeds)} feeds in {path.name}"
        + (f" ({folders} folder{'s' if folders != 1 else ''})" if folders else "")
        + f": {added} added, {present} already present"
        + (f", {skipped} outlines skipped" if skipped else "")
    )
