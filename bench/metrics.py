"""Scoring shared by the benchmarks (our own implementation, as the issue asks).

Body text: lower-cased `\\w+` tokens compared as multisets; precision, recall and F1 per page,
then averaged over pages. An empty prediction against a non-empty truth scores 0 for all three;
both empty scores 1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> Counter[str]:
    return Counter(_TOKEN.findall((text or "").lower()))


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def token_prf(predicted: str | None, truth: str | None) -> PRF:
    pred, gold = tokens(predicted), tokens(truth)
    if not pred and not gold:
        return PRF(1.0, 1.0, 1.0)
    common = sum((pred & gold).values())
    if common == 0:
        return PRF(0.0, 0.0, 0.0)
    precision = common / sum(pred.values())
    recall = common / sum(gold.values())
    return PRF(precision, recall, 2 * precision * recall / (precision + recall))


def mean_prf(scores: Iterable[PRF]) -> PRF:
    items = list(scores)
    if not items:
        return PRF(0.0, 0.0, 0.0)
    n = len(items)
    return PRF(
        sum(s.precision for s in items) / n,
        sum(s.recall for s in items) / n,
        sum(s.f1 for s in items) / n,
    )
