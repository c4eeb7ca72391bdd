"""Evidence for the near-duplicate threshold (`tidings.enrich.dedup`): how often constructed
copies are linked, and which distinct stories are.

    .venv/bin/python -m bench.dedup_threshold

Positives are built from each of the 310 bundled Wikinews stories: a wire copy (new opening
paragraph, trailing credit line), rewrites that change 5% and 10% of the words, and copies cut
to their first 66% and 40%. Negatives: every pair of distinct Wikinews stories, and the 2,225
BBC News stories of the shared data folder (`bbc-news-fulltext`, research use only; read in
place, never copied), each story as its own source. For BBC every linked pair is listed with
its exact Jaccard, so a reader can judge whether it is the same story. Not part of `make bench`
(no figures go to BENCHMARKS.md); the results are summarised in docs/operating.md."""

from __future__ import annotations

import io
import itertools
import os
import random
import tarfile
from pathlib import Path

from tidings.core import Article
from tidings.enrich.dedup import THRESHOLD, DuplicateIndex, shingles, signature
from tidings.pipeline import wikinews_articles

SHARED = Path(os.environ.get("TIDINGS_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data"))


# The copies below are also what tests/enrich/test_dedup.py pins its quality gate on.
INTRO = (
    "In a development reported by agencies on Tuesday, officials gave new details of the "
    "events described below, which are still unfolding."
)
CREDIT = "Reporting by staff writers; editing by the desk. Additional reporting by agencies."


def rewrite(text: str, rate: float, rng: random.Random) -> str:
    """The text with about `rate` of its words dropped or replaced."""
    out = []
    for word in text.split():
        r = rng.random()
        if r < rate / 2:
            continue
        out.append(
            rng.choice(["the", "reported", "officials", "new", "said"]) if r < rate else word
        )
    return " ".join(out)


def wire_copy(a: Article) -> str:
    """A wire copy: a new opening paragraph instead of the first, and a credit line."""
    return "\n\n".join([INTRO, *a.body_paragraphs[1:], CREDIT])


def _cut(a: Article, share: float) -> str:
    words = a.body_text.split()
    return " ".join(words[: int(len(words) * share)])


def exact_jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def wikinews() -> list[str]:
    stories = list(wikinews_articles())
    index = DuplicateIndex()
    false_links = 0
    for i, a in enumerate(stories):
        sig = signature(a.body_text)
        assert sig is not None
        false_links += len(index.matches(sig, source=i))
        index.add(i, sig, source=i)
    worst = max(
        (exact_jaccard(a.body_text, b.body_text), a.title, b.title)
        for a, b in itertools.combinations(stories, 2)
    )
    rng = random.Random(7)
    kinds = {
        "wire copy (new intro + credit line)": wire_copy,
        "rewrite, 5% of words changed": lambda a: rewrite(a.body_text, 0.05, rng),
        "rewrite, 10% of words changed": lambda a: rewrite(a.body_text, 0.10, rng),
        "first 66% of the text": lambda a: _cut(a, 0.66),
        "first 40% of the text": lambda a: _cut(a, 0.40),
    }
    lines = [
        f"Wikinews: {len(stories)} stories, {false_links} links between distinct stories; "
        f"highest exact Jaccard of a distinct pair {worst[0]:.3f} ({worst[1]!r} / {worst[2]!r})",
        "",
        "| copy | linked to its original | median exact Jaccard |",
        "| --- | ---: | ---: |",
    ]
    for name, make in kinds.items():
        linked = 0
        sims = []
        for i, a in enumerate(stories):
            text = make(a)
            sims.append(exact_jaccard(a.body_text, text))
            sig = signature(text)
            match = index.best_match(sig, source=-1) if sig is not None else None
            linked += match is not None and match.key == i
        sims.sort()
        lines.append(f"| {name} | {linked}/{len(stories)} | {sims[len(sims) // 2]:.2f} |")
    return lines


def bbc() -> list[str]:
    archive = SHARED / "bbc-news-fulltext" / "bbc-fulltext.tar.gz"
    if not archive.is_file():
        return [f"BBC: {archive} not found, skipped"]
    docs: list[tuple[str, str, str]] = []
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not member.name.endswith(".txt") or "README" in member.name:
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            raw = io.TextIOWrapper(handle, encoding="utf-8", errors="replace").read()
            title, _, body = raw.partition("\n")
            docs.append((member.name.removeprefix("bbc/"), title.strip(), body.strip()))
    index = DuplicateIndex()
    links = []
    for i, (_, _, body) in enumerate(docs):
        sig = signature(body)
        if sig is None:
            continue
        match = index.best_match(sig, source=i)
        if match is not None:
            links.append((match.key, i))
        index.add(i, sig, source=i, canonical=match.canonical if match else None)
    exact = [(exact_jaccard(docs[a][2], docs[b][2]), a, b) for a, b in links]
    identical = sum(1 for j, _, _ in exact if j == 1.0)
    lines = [
        "",
        f"BBC: {len(docs)} stories, {len(links)} linked as near duplicates "
        f"({identical} identical texts); the others, lowest exact Jaccard first:",
        "",
    ]
    for j, a, b in sorted(x for x in exact if x[0] < 1.0):
        lines.append(f"- {j:.2f} {docs[a][0]} {docs[a][1]!r} ~ {docs[b][0]} {docs[b][1]!r}")
    return lines


def main() -> None:
    print(f"threshold: Jaccard >= {THRESHOLD} on 5-word shingles")
    print("\n".join(wikinews() + bbc()))


if __name__ == "__main__":
    main()
