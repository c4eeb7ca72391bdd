"""The two learners ranking uses, set up once: LightGBM LambdaRank (one thread) and implicit's
ALS (one BLAS thread), for the live feed and the MIND replay alike."""

from __future__ import annotations

from typing import Any

import numpy as np


def lambdarank(*, seed: int, n_estimators: int, num_leaves: int, min_child_samples: int) -> Any:
    """An unfitted LightGBM LambdaRank model: bagged rows and columns, one thread (two cores
    are shared with the server or the rest of the replay)."""
    import lightgbm as lgb

    return lgb.LGBMRanker(
        objective="lambdarank",
        n_estimators=n_estimators,
        learning_rate=0.05,
        num_leaves=num_leaves,
        min_child_samples=min_child_samples,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=seed,
        num_threads=1,
        verbose=-1,
    )


def fit_als(
    matrix: Any, *, factors: int, iterations: int, alpha: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """User and item factors of implicit-feedback ALS on a users × items CSR matrix."""
    from implicit.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    # one BLAS thread: implicit runs its own loop, and a BLAS pool under it is slower
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=factors,
            iterations=iterations,
            regularization=0.05,
            alpha=alpha,
            random_state=seed,
            num_threads=1,
        )
        model.fit(matrix, show_progress=False)
    return (
        np.asarray(model.user_factors, dtype=np.float32),
        np.asarray(model.item_factors, dtype=np.float32),
    )
