"""Near duplicates: MinHash signatures over word shingles, and an LSH index to find them.

Two stories are near duplicates when the Jaccard similarity of their sets of
`SHINGLE_WORDS`-word shingles (body text, case-folded, punctuation dropped) is at least
`THRESHOLD`. The signature has `NUM_PERM` MinHash values (datasketch, fixed seed, so signatures
stored in the database stay comparable across processes and releases); the LSH index
(`datasketch.MinHashLSH`, 32 bands of 4 rows, tuned for 0.4 so that pairs just above the
threshold are not lost to banding) proposes candidates, and each candidate is then checked
against `THRESHOLD` with the signatures' estimated Jaccard.

Why 5-word shingles and 0.5 (measured with `python -m bench.dedup_threshold`, summarised in
docs/operating.md):

- copies are linked: of copies built from the 310 bundled Wikinews stories, a wire copy under a
  new opening paragraph and credit line (median Jaccard 0.77) is linked to its original in
  303/310 cases, a rewrite changing one word in twenty (0.65) in 301/310, a copy cut to its
  first two thirds (0.65) in 310/310;
- distinct stories are not: no two of the 310 Wikinews stories are linked (the closest pair,
  two interviews sharing a questionnaire, has Jaccard 0.34); of the 2,225 BBC News stories (five
  topics, many on the same subjects) 168 pairs are linked, 138 identical texts and 30 versions
  of one story (updated reports, Jaccard 0.56–0.99), and no two different stories;
- a rewrite changing one word in ten (0.45) or a copy cut to 40% (0.39) is a different text
  and is mostly left alone.

Texts with fewer than `MIN_SHINGLES` shingles (about 40 words) get no signature: a few
sentences are too little evidence, and short briefs share boilerplate."""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch is imported on first use: it pulls in SciPy (half a second), which commands that
# never compare stories should not pay for.

__all__ = [
    "MIN_SHINGLES",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "DuplicateIndex",
    "Match",
    "Signature",
    "shingles",
    "signature",
]

SHINGLE_WORDS = 5
NUM_PERM = 128
THRESHOLD = 0.5
MIN_SHINGLES = 36


# The LSH proposes candidates from a lower similarity (32 bands of 4 rows) so that pairs just
# above THRESHOLD are not lost to banding; every candidate is then checked against THRESHOLD.
_LSH_THRESHOLD = 0.4
SEED = 1  # never change: stored signatures depend on it

_WORD = re.compile(r"\w+")
_ORDER = "<"  # stored signatures are little-endian uint32


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier that combines word hashes
_LOW32 = np.uint64(0xFFFFFFFF)


def _shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """32-bit hashes of the distinct `k`-word shingles of `text`: each word's CRC-32, combined
    over `k` consecutive words by a 64-bit polynomial and folded to 32 bits (vectorised, and
    the same in every process, unlike Python's `hash`)."""
    words = _WORD.findall(text.casefold())
    n = len(words) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    crc = np.fromiter(
        (zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words)
    )
    h = crc[:n].copy()
    for j in range(1, k):
        h = h * _MIX + crc[j : j + n]
    return np.unique((h ^ (h >> np.uint64(32))) & _LOW32)


_PERMUTATIONS: tuple[np.ndarray, np.ndarray] | None = None


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's MinHash permutations for `NUM_PERM` and `SEED` (computed once)."""
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        from datasketch import MinHash

        perm = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
        _PERMUTATIONS = (np.ascontiguousarray(perm[0]), np.ascontiguousarray(perm[1]))
    return _PERMUTATIONS


def permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutations signatures are computed with, to hand to a worker process."""
    return _permutations()


def use_permutations(perms: tuple[np.ndarray, np.ndarray]) -> None:
    """Use permutations computed by another process (a worker then need not import
    datasketch and SciPy, half a second, just to rebuild them)."""
    global _PERMUTATIONS
    _PERMUTATIONS = (np.ascontiguousarray(perms[0]), np.ascontiguousarray(perms[1]))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of `k`-word shingles of `text` (case-folded words, punctuation dropped)."""
    words = _WORD.findall(text.casefold())
    if len(words) < k:
        return set()
    return {" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """A MinHash signature: `NUM_PERM` 32-bit values."""

    values: np.ndarray  # uint64 array of length NUM_PERM, each value < 2**32

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.values == other.values)) / NUM_PERM

    def to_bytes(self) -> bytes:
        return self.values.astype(_ORDER + "u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        values = np.frombuffer(data, dtype=_ORDER + "u4")
        if values.shape != (NUM_PERM,):
            raise ValueError(f"a signature has {NUM_PERM} values, got {values.size}")
        return cls(values.astype(np.uint64))

    def minhash(self) -> MinHash:
        from datasketch import MinHash

        return MinHash(
            num_perm=NUM_PERM, seed=SEED, hashvalues=self.values, permutations=_permutations()
        )


_MERSENNE = np.uint64((1 << 61) - 1)  # datasketch's MinHash prime and value mask
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)


def signature(text: str) -> Signature | None:
    """The MinHash signature of `text`, or None when it has fewer than `MIN_SHINGLES` shingles.

    The values are exactly those of `datasketch.MinHash(num_perm=NUM_PERM, seed=SEED)` updated
    with the shingle hashes (its permutations, its formula, `(a*h + b) mod p` masked to 32
    bits, then the minimum); computed here as one array operation instead of through
    `update_batch`, which converts every hash in a Python loop (twice as fast in all)."""
    hashes = _shingle_hashes(text)
    if hashes.size < MIN_SHINGLES:
        return None
    a, b = _permutations()
    with np.errstate(over="ignore"):  # uint64 products wrap, as in datasketch
        x = np.outer(hashes, a)
        x += b
    # x mod p for p = 2**61 - 1 without a division: r = (x & p) + (x >> 61) is below p + 8, and
    # is p or more only when x mod p = r - p; masking to 32 bits, r - p = r + 1 - 2**61 leaves
    # the same low bits as r + 1.
    r = (x & _MERSENNE) + (x >> _SHIFT)
    r += r >= _MERSENNE
    r &= _MAX_HASH
    return Signature(r.min(axis=0))


@dataclass(frozen=True, slots=True)
class Match:
    key: int  # the indexed story that matched
    canonical: int  # the story it (or it itself) stands for
    similarity: float


class DuplicateIndex:
    """Signatures of recent stories by key (article id), with the source each came from and the
    canonical story each stands for. Thread-safe."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._lsh: Any = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=NUM_PERM)
        self._entries: dict[int, tuple[Signature, int | None, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def add(
        self, key: int, sig: Signature, *, source: int | None, canonical: int | None = None
    ) -> None:
        """Index a story; `canonical` is the story it duplicates (itself when None)."""
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (sig, source, key if canonical is None else canonical)
            self._lsh.insert(key, sig.minhash(), check_duplication=False)

    def remove(self, keys: Iterable[int]) -> None:
        with self._lock:
            for key in keys:
                if self._entries.pop(key, None) is not None:
                    self._lsh.remove(key)

    def source_of(self, key: int) -> int | None:
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def matches(self, sig: Signature, *, source: int | None = None) -> list[Match]:
        """Indexed stories at or above the threshold from other sources than `source`
        (stories without a source match anything), most similar first."""
        with self._lock:
            found = []
            for key in self._lsh.query(sig.minhash()):
                other, other_source, canonical = self._entries[key]
                if source is not None and other_source == source:
                    continue
                sim = sig.jaccard(other)
                if sim >= self.threshold:
                    found.append(Match(key=key, canonical=canonical, similarity=sim))
        found.sort(key=lambda m: (-m.similarity, m.key))
        return found

    def best_match(self, sig: Signature, *, source: int | None = None) -> Match | None:
        """The most similar indexed story from another source, or None."""
        found = self.matches(sig, source=source)
        return found[0] if found else None
