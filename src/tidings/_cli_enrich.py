"""Enrichment commands: `tidings enrich ID`, `tidings reenrich`, `tidings quotes SPEAKER`."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tidings._cli_base import _open, app, err, friendly, out
from tidings.core import InvalidInputError, StoredArticle


def article_knowledge(store: Any, art: StoredArticle) -> dict[str, Any]:
    """Everything known about a stored article, as JSON-ready values."""
    a = art.article
    quotes = store.understanding.quotes_for(art.id)
    story = None
    if art.story_id is not None:
        row = store.stories.story(art.story_id)
        story = {
            "id": row.id,
            "title": row.title,
            "lead_article_id": row.lead_article_id,
            "size": row.size,
            "article_ids": list(row.article_ids),
        }
    return {
        "id": art.id,
        "title": a.title,
        "url": a.url,
        "canonical_url": art.canonical_url,
        "source_id": art.source_id,
        "published": a.published.isoformat() if a.published else None,
        "byline": a.byline,
        "language": a.language,
        "summary": art.summary,
        "standfirst": list(a.standfirst),
        "words": len(a.body_text.split()),
        "enriched": art.summary is not None or bool(art.entities) or bool(art.topics),
        "entities": [
            {
                "name": e.name,
                "label": e.label.value,
                "mentions": e.count,
                "salience": e.salience,
                "first_offset": e.first_offset,
            }
            for e in art.entities
        ],
        "topics": [
            {"key": t.key, "label": t.label, "kind": t.kind, "score": t.score} for t in art.topics
        ],
        "quotes": [
            {"text": q.quote.text, "speaker": q.quote.speaker, "paragraph": q.quote.paragraph}
            for q in quotes
        ],
        "duplicate_of": art.duplicate_of,
        "story": story,
        "has_embedding": bool(store.understanding.embeddings([art.id])),
    }


@app.command()
@friendly
def enrich(
    article_id: Annotated[int, typer.Argument(help="Article id")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Show everything known about an article: language, summary, entities, topics, quotes,
    story. An article still pending is enriched first."""
    _, store, pipeline = _open()
    store.articles.get(article_id)  # NotFoundError for an unknown id
    pipeline.saver.enricher.enrich_ids([article_id])  # nothing to do once it is enriched
    art = store.articles.get(article_id)
    info = article_knowledge(store, art)
    if as_json:
        sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"{info['id']}  {info['title']}")
    out.print(f"language: {info['language']}   words: {info['words']}")
    if info["summary"]:
        out.print(f"summary: {info['summary']}")
    for kind in ("tag", "place", "taxonomy"):
        names = [t["label"] for t in info["topics"] if t["kind"] == kind]
        if names:
            out.print(f"topics ({kind}): {', '.join(names)}")
    for label in ("PERSON", "ORG", "PLACE", "MISC"):
        names = [e["name"] for e in info["entities"] if e["label"] == label]
        if names:
            out.print(f"{label.lower()}: {', '.join(names)}")
    for q in info["quotes"]:
        out.print(f"“{q['text']}” — {q['speaker'] or 'unattributed'}")
    if info["story"]:
        s = info["story"]
        out.print(f"story {s['id']}: {s['size']} articles, lead {s['lead_article_id']}")


@app.command()
@friendly
def reenrich(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Article ids (default: every stored article)")
    ] = None,
    batch: Annotated[int, typer.Option(help="Articles per batch", min=1, max=1000)] = 64,
    profile: Annotated[
        bool, typer.Option("--profile", help="Print the time spent in each step")
    ] = False,
) -> None:
    """Enrich stored articles again (after a model or rule change), with a progress bar."""
    _, store, pipeline = _open()
    if ids:
        missing = sorted(set(ids) - set(store.articles.existing_ids(ids)))
        if missing:
            raise InvalidInputError(f"no article with id {', '.join(map(str, missing))}")
    total = store.understanding.reset(ids or None)
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]reenrich"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("reenrich", total=total)
        done = pipeline.saver.enricher.run(
            batch=batch, progress=lambda n: progress.update(task, completed=n)
        )
    took = time.monotonic() - started
    rate = done / took if took > 0 else 0.0
    out.print(f"enriched {done} articles in {took:.1f} s ({rate:.1f} articles/s)")
    if profile:
        times = pipeline.saver.enricher.times.seconds
        main = {k: v for k, v in times.items() if not k.startswith(" ")}
        analysis = {k.strip(): v for k, v in times.items() if k.startswith(" ")}
        for title, group in (("main process", main), ("analysis steps", analysis)):
            spent = sum(group.values()) or 1.0
            out.print(f"{title}:")
            for step, secs in sorted(group.items(), key=lambda kv: -kv[1]):
                out.print(f"  {step:<22} {secs:7.2f} s  {100 * secs / spent:5.1f} %")


@app.command()
@friendly
def quotes(
    speaker: Annotated[str, typer.Argument(help="Who said it: a name, surname or alias")],
    limit: Annotated[int, typer.Option(help="At most this many", min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines output")] = False,
) -> None:
    """Quotations by a speaker across every stored article, newest articles first."""
    _, store, _ = _open()
    rows = store.understanding.quotes_by(speaker, limit=limit)
    for r in rows:
        if as_json:
            record = {
                "article_id": r.article_id,
                "article_title": r.article_title,
                "speaker": r.quote.speaker,
                "text": r.quote.text,
            }
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.print(f"“{r.quote.text}” — {r.quote.speaker}  [{r.article_id}] {r.article_title}")
    if not rows and not as_json:
        err.print(f"no quotes by {speaker}")
