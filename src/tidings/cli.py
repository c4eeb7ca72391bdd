"""The `tidings` command. Wiring only: every command builds Settings once and calls stages."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tidings._cli_base import _open, _settings, app, err, friendly, out, readers_app
from tidings._cli_enrich import enrich, quotes, reenrich  # noqa: F401  (registers commands)
from tidings._cli_eval import eval_mind  # noqa: F401  (registers commands)
from tidings._cli_rank import train  # noqa: F401  (registers commands)
from tidings._cli_sources import _health, _import_one
from tidings.core import (
    IngestError,
    InvalidInputError,
    Settings,
    SourceKind,
    TidingsError,
    parse_follow_kind,
)
from tidings.extract import article_record, doc_id, extract_file
from tidings.ingest import OpmlFeed, write_opml


@app.command()
@friendly
def init() -> None:
    """Create or upgrade the database schema."""
    settings, store, _ = _open()
    out.print(f"database ready: {store.backend} ({_safe_url(settings.database_url)})")


@app.command()
@friendly
def demo() -> None:
    """Load the bundled demo content and the demo reader (idempotent)."""
    from tidings.pipeline import load_demo

    _, _, pipeline = _open()
    with out.status("loading demo content…") as status:
        counts = load_demo(pipeline, progress=lambda m: status.update(m))
    out.print(f"demo: {counts['articles']} new articles, {counts['sources']} new sources")


@app.command()
@friendly
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes (each with its own ranking state); 1 by default"
        ),
    ] = 1,
) -> None:
    """Migrate, load the demo content into an empty database, and serve the web app and API."""
    import uvicorn

    from tidings.app import create_app
    from tidings.pipeline import load_demo

    settings, store, pipeline = _open()
    if settings.load_demo and store.articles.count() == 0:
        with err.status("first start: loading demo content…") as status:
            counts = load_demo(pipeline, progress=lambda m: status.update(m), enrich=False)
        err.print(f"demo content loaded: {counts['articles']} articles")
    # Entities of articles still pending (the demo's, or those of an interrupted refresh) are
    # found in the background: the feed is served meanwhile, ranked by what is known so far.
    threading.Thread(target=_enrich_quietly, args=(pipeline,), daemon=True).start()
    if settings.train_interval_hours > 0:
        from tidings.pipeline.training import train_periodically

        threading.Thread(
            target=train_periodically, args=(store, settings), daemon=True, name="train"
        ).start()
    h, p = host or settings.host, port or settings.port
    err.print(f"Tidings on http://{h}:{p}/ ({store.backend})")
    if workers > 1:
        # Each worker process builds its own app from the same environment.
        uvicorn.run(
            "tidings.app:app_from_env",
            factory=True,
            host=h,
            port=p,
            workers=workers,
            log_level=settings.log_level.lower(),
        )
        return
    application = create_app(settings, store=store, pipeline=pipeline)
    uvicorn.run(application, host=h, port=p, log_level=settings.log_level.lower())


def _enrich_quietly(pipeline: Any) -> None:
    try:
        done = pipeline.enrich_pending()
    except Exception:  # never take the server down; the next refresh retries
        logging.getLogger("tidings").exception("background enrichment failed")
        return
    if done:
        logging.getLogger("tidings").info("found the entities of %d pending articles", done)


@app.command("add-source")
@friendly
def add_source(
    location: Annotated[str, typer.Argument(help="Feed or page URL, or a local file path")],
    folder: Annotated[str | None, typer.Option(help="Folder to file it under")] = None,
    title: Annotated[str | None, typer.Option(help="Title to show")] = None,
    discover: Annotated[
        bool,
        typer.Option(
            "--discover",
            help="When LOCATION is a web page, subscribe to the feed the site offers instead "
            "(the first one `tidings discover` finds)",
        ),
    ] = False,
) -> None:
    """Add a source: an RSS/Atom/JSON feed, an article page, or a raw text dump.

    A page URL is added as a single article page; with --discover, Tidings looks for the
    site's feed (advertised links, feed-like links, common paths) and subscribes to it."""
    settings, _, pipeline = _open()
    page = None
    if discover:
        found = _discover(settings, location)
        if found[0].via != "self":
            page = location
            location = found[0].url
            for other in found[1:]:
                err.print(
                    f"also found: {escape(other.url)} ({escape(other.title or other.format)})"
                )
    source = pipeline.add_source(location, folder=folder, title=title)
    where = f" (found on {page})" if page else ""
    out.print(f"added source {source.id}: {source.kind.value} {source.title or source.url}{where}")
    if source.kind is SourceKind.PAGE and not discover:
        err.print(
            "tip: this is one article page; to follow the whole site, run "
            f"`tidings add-source --discover {escape(location)}`",
            highlight=False,
        )


def _discover(settings: Settings, location: str) -> list[Any]:
    from tidings.ingest import Fetcher, discover_feeds, source_location

    url = source_location(location)
    with Fetcher(settings) as fetcher, err.status(f"looking for feeds on {escape(url)}…"):
        found = discover_feeds(url, fetcher)
    if not found:
        raise IngestError(
            f"no feed found for {url}: the page names none and none of the usual paths "
            "(/feed, /rss, /atom.xml …) is a feed"
        )
    return found


@app.command()
@friendly
def discover(
    location: Annotated[str, typer.Argument(help="A site's page URL (or a saved HTML file)")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Find the feeds a site offers.

    Looks at the feeds the page advertises, feed-like links in the page, and common paths such
    as /feed and /rss; lists only candidates that parse as feeds, best first."""
    found = _discover(_settings(), location)
    if as_json:  # url, title, format, entries, via
        payload = [dataclasses.asdict(f) for f in found]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for f in found:  # plain tab-separated lines (rich would expand the tabs)
        sys.stdout.write(f"{f.url}\t{f.format}\t{f.entries} items\t{f.title or ''}\n")


@app.command()
@friendly
def refresh(
    all_sources: Annotated[
        bool, typer.Option("--all", help="Poll every active source, due or not")
    ] = False,
) -> None:
    """Fetch every due source, store new articles, and print a summary."""
    _, store, pipeline = _open()
    todo = [s for s in store.sources.list() if s.active] if all_sources else store.sources.due()
    if not todo:
        _enrich(pipeline)  # articles a killed run left pending
        out.print("nothing due")
        return
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]refresh"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sources · {task.fields[stats]}"),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[last]}"),
        console=err,
        disable=not err.is_terminal,  # logs get one line per source instead of a bar
    ) as progress:
        task = progress.add_task("refresh", total=len(todo), stats="0 new, 0 errors", last="")
        counts = {"done": 0, "new": 0, "errors": 0}

        def tick(result: Any) -> None:
            counts["done"] += 1
            counts["new"] += result.items_new
            counts["errors"] += result.error is not None
            errors = f"{counts['errors']} errors"
            stats = f"{counts['new']} new, " + (
                f"[red]{errors}[/red]" if counts["errors"] else errors
            )
            name = escape((result.source.title or result.source.url)[:40])
            progress.update(task, advance=1, stats=stats, last=name)
            if progress.disable:
                outcome = "failed" if result.error else f"{result.items_new} new"
                where = escape(f"[{counts['done']}/{len(todo)}]")
                err.print(f"{where} {name}: {outcome} · {stats}", highlight=False)

        summary = pipeline.refresh(todo, on_source=tick)
    _enrich(pipeline)
    for r in summary.results:
        if r.error:
            err.print(
                f"[red]failed[/red] {r.source.id} {escape(r.source.url)}: {escape(r.error)}",
                highlight=False,
            )
    unchanged = sum(1 for r in summary.results if r.not_modified)
    err.print(
        f"refreshed {len(summary.results)} sources in {time.monotonic() - started:.1f} s"
        + (f" ({unchanged} not modified since the last poll)" if unchanged else ""),
        highlight=False,
    )
    out.print(
        f"{len(summary.results)} sources: {summary.sources_ok} ok, {summary.sources_failed} "
        f"failed; {summary.items_seen} items seen, {summary.items_new} new"
    )
    if summary.sources_failed:
        raise typer.Exit(1)


def _enrich(pipeline: Any) -> None:
    """Entities for the articles saved since the last run (deferred: see pipeline/enrichment)."""
    if pipeline.store.articles.count_pending_enrichment():
        with err.status("understanding new articles (entities, topics, quotes, stories)…"):
            pipeline.enrich_pending()


@app.command()
@friendly
def sources(as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """List sources with their health."""
    _, store, _ = _open()
    rows = store.sources.list()
    if as_json:
        payload = [
            {
                "id": s.id,
                "url": s.url,
                "kind": s.kind.value,
                "title": s.title,
                "folder": s.folder,
                "active": s.active,
                "healthy": s.error_count == 0 and not s.dead,
                "dead_at": s.dead_at.isoformat() if s.dead_at else None,
                "last_status": s.last_status,
                "poll_interval_s": s.poll_interval_s,
                "error_count": s.error_count,
                "last_error": s.last_error,
                "last_polled_at": s.last_polled_at.isoformat() if s.last_polled_at else None,
                "last_success_at": s.last_success_at.isoformat() if s.last_success_at else None,
                "next_poll_at": s.next_poll_at.isoformat() if s.next_poll_at else None,
            }
            for s in rows
        ]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "kind", "title / url", "health", "last poll", "last error")
    for s in rows:
        health = _health(s)
        table.add_row(
            str(s.id),
            s.kind.value,
            f"{s.title or ''}\n{s.url}",
            health,
            s.last_polled_at.strftime("%Y-%m-%d %H:%M") if s.last_polled_at else "never",
            s.last_error or "",
        )
    out.print(table)


@app.command("import-opml")
@friendly
def import_opml(
    paths: Annotated[list[Path], typer.Argument(help="OPML files", exists=False)],
) -> None:
    """Import the feeds of OPML files (folders kept). Feeds are fetched on the next refresh.

    Prints, per file, the feeds found and how many were added; outlines that were skipped
    (not an http(s) URL, duplicates) are listed as FILE:LINE: reason. A file that is not OPML
    is reported as FILE:LINE: error, and the other files are still imported."""
    _, store, _ = _open()
    failed = 0
    for path in paths:
        try:
            _import_one(store, path)
        except TidingsError as exc:
            failed += 1
            err.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command("export-opml")
@friendly
def export_opml() -> None:
    """Print the feed subscriptions as OPML 2.0."""
    _, store, _ = _open()
    feeds = [
        OpmlFeed(url=s.url, title=s.title, site_url=s.site_url, folder=s.folder)
        for s in store.sources.list()
        if s.kind is SourceKind.FEED and s.url.startswith(("http://", "https://"))
    ]
    sys.stdout.write(write_opml(feeds))


@readers_app.command("create")
@friendly
def readers_create(name: Annotated[str, typer.Argument(help="Reader name")]) -> None:
    """Create a reader."""
    _, store, _ = _open()
    reader = store.readers.create(name)
    out.print(f"reader {reader.id}: {reader.name}")


@readers_app.command("list")
@friendly
def readers_list() -> None:
    """List readers."""
    _, store, _ = _open()
    for r in store.readers.list():
        # Plain tab-separated lines: rich would expand the tab and read "[...]" in names as markup.
        sys.stdout.write(f"{r.id}\t{r.name}\n")


@app.command()
@friendly
def follow(
    reader: Annotated[str, typer.Argument(help="Reader id or name")],
    kind: Annotated[
        str, typer.Argument(help="topic, entity (person/organisation/place), source or author")
    ],
    value: Annotated[str, typer.Argument(help="What to follow, e.g. Afghanistan or 'Wang Yi'")],
    mute: Annotated[bool, typer.Option("--mute", help="Mute instead of follow")] = False,
    undo: Annotated[bool, typer.Option("--unfollow", help="Remove the follow or mute")] = False,
) -> None:
    """Follow (or mute, or unfollow) a topic, entity, source or author for a reader."""
    _, store, _ = _open()
    r = store.readers.find(reader)
    fkind = parse_follow_kind(kind)
    if undo:
        removed = store.readers.unfollow(r.id, fkind, value)
        out.print(
            f"{r.name} {'no longer follows' if removed else 'did not follow'} {fkind.value} {value}"
        )
        return
    store.readers.follow(r.id, fkind, value, weight=-1.0 if mute else 1.0)
    out.print(f"{r.name} {'mutes' if mute else 'follows'} {fkind.value} {value}")


@app.command()
@friendly
def feed(
    reader: Annotated[str, typer.Argument(help="Reader id or name")],
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many stories")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Print a reader's ranked feed with the reason for each story."""
    from tidings.pipeline import reader_feed

    _, store, _ = _open()
    r = store.readers.find(reader)
    items = reader_feed(store, r.id, limit=limit)
    if as_json:
        payload = {
            "reader": {"id": r.id, "name": r.name},
            "items": [
                {
                    "rank": i + 1,
                    "article_id": it.article.id,
                    "title": it.article.article.title,
                    "url": it.article.article.url,
                    "published": it.article.article.published.isoformat()
                    if it.article.article.published
                    else None,
                    "score": it.score,
                    "reason": it.reason,
                    "matched": list(it.matched),
                }
                for i, it in enumerate(items)
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for i, it in enumerate(items, 1):
        out.print(f"{i:>3}. {it.article.article.title}", style="bold")
        out.print(f"     {it.reason} · score {it.score:.3f} · #{it.article.id}", style="dim")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help=".html, .html.gz or .txt files")],
    fmt: Annotated[str, typer.Option("--format", help="Output format (jsonl)")] = "jsonl",
) -> None:
    """Extract clean articles from saved pages and text dumps; one JSON object per line."""
    if fmt != "jsonl":
        err.print(f"[red]error:[/red] unsupported format {fmt!r}; use jsonl", highlight=False)
        raise typer.Exit(2)
    failed = 0
    for path in paths:
        try:
            record = article_record(doc_id(path), extract_file(path))
        except TidingsError as exc:
            failed += 1
            where = "" if str(path) in exc.message else f"{path}: "
            err.print(f"[red]error:[/red] {escape(where + exc.message)}", highlight=False)
            continue
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable URL)"


@app.command()
@friendly
def entities(
    path: Annotated[str, typer.Argument(help="A plain-text file, or - for standard input")],
) -> None:
    """Find the entities in plain text: one JSON object per line of input, with character
    offsets into that line, the label (PERSON, ORG, PLACE, MISC) and the canonical name."""
    from tidings.enrich.entities import EntityExtractor
    from tidings.enrich.spans import entity_spans

    if path == "-":
        lines = sys.stdin.read().splitlines()
    else:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"cannot read {path} as UTF-8 text: {exc}") from None
    for spans in entity_spans(EntityExtractor().nlp, lines):
        record = {
            "entities": [
                {
                    "text": s.text,
                    "label": s.label.value,
                    "start": s.start,
                    "end": s.end,
                    "canonical": s.canonical,
                }
                for s in spans
            ]
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
