"""Choose hyperparameters on a validation part carved out of the training ratings, never the test part."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from graph_rec import ranking
from graph_rec.evaluation import metrics
from graph_rec.similarity import ease_weights, interactions_from_pairs, popularity_scaled, truncate

logger = logging.getLogger(__name__)

L2_GRID = (200.0, 300.0, 500.0, 800.0, 1200.0)
POPULARITY_EXPONENTS = (0.0, 0.1, 0.2, 0.3)
CONTENT_WEIGHTS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.4)
POPULAR_WEIGHTS = (0.0, 0.02, 0.05, 0.1, 0.2)


def choose_ease(
    fit: pd.DataFrame,
    validation: pd.DataFrame,
    neighbours: int,
    k: int = 10,
    l2_grid: Sequence[float] = L2_GRID,
    exponent_grid: Sequence[float] = POPULARITY_EXPONENTS,
) -> tuple[tuple[float, float], dict[str, float]]:
    """Pick the EASE l2 penalty and popularity exponent with the best validation nDCG@k.

    Returns (l2, exponent) and the nDCG of every pair tried. The scores are computed in numpy
    from the same weights that precompute stores and collaborative_precomputed.cypher sums.
    """
    interactions = interactions_from_pairs(fit["user_id"].to_numpy(), fit["movie_id"].to_numpy())
    relevant = {int(user): set(map(int, movies)) for user, movies in validation.groupby("user_id")["movie_id"]}
    rating_counts = interactions.rating_counts()
    matrix = interactions.matrix.toarray()  # validation sets are small enough to hold dense

    results = {}
    for l2 in l2_grid:
        kept = truncate(ease_weights(matrix, l2), neighbours)
        reachable = (matrix @ (kept != 0)) > 0
        for exponent in exponent_grid:
            scores = matrix @ popularity_scaled(kept, rating_counts, exponent)
            recommended = _top_unseen(scores, reachable, matrix, interactions, relevant, k)
            results[(l2, exponent)] = metrics.ndcg_at_k(recommended, relevant, k)
            logger.info("validation nDCG@%d with l2=%s, exponent=%s: %.4f", k, l2, exponent, results[(l2, exponent)])
    best = max(results, key=lambda pair: (results[pair], -pair[0], -pair[1]))
    return best, {f"l2={l2},exponent={exponent}": round(value, 4) for (l2, exponent), value in results.items()}


def _top_unseen(
    scores: np.ndarray, reachable: np.ndarray, matrix: np.ndarray, interactions, relevant: Mapping[int, set[int]], k: int
) -> dict[int, list[int]]:
    """Rank unseen movies that some SIMILAR path reaches, as the served query does."""
    scores = np.where((matrix > 0) | ~reachable, -np.inf, scores)
    user_row = {int(user): row for row, user in enumerate(interactions.user_ids)}
    recommended = {}
    for user in relevant:
        if user in user_row:
            top = np.argsort(-scores[user_row[user]], kind="stable")[:k]
            recommended[user] = [int(interactions.movie_ids[j]) for j in top if np.isfinite(scores[user_row[user], j])]
    return recommended


def choose_hybrid_weights(
    scores_by_user: Mapping[int, Mapping[str, Mapping[int, float]]],
    relevant: Mapping[int, set[int]],
    k: int = 10,
) -> tuple[dict[str, float], float]:
    """Grid-search the hybrid weights on validation lists; return the best weights and their nDCG@k.

    The collaborative weight stays 1 because max-normalised merging ranks the same under any
    common scale; the returned weights are divided by their sum.
    """
    best_weights, best_ndcg = None, -1.0
    for content, popular in itertools.product(CONTENT_WEIGHTS, POPULAR_WEIGHTS):
        weights = {"collaborative": 1.0, "content": content, "popular": popular}
        recommended = {
            user: [movie for movie, _ in ranking.top_k(ranking.merge(found, weights), k)]
            for user, found in scores_by_user.items()
        }
        ndcg = metrics.ndcg_at_k(recommended, relevant, k)
        if ndcg > best_ndcg:
            best_weights, best_ndcg = weights, ndcg
    total = sum(best_weights.values())
    chosen = {name: value / total for name, value in best_weights.items()}
    logger.info("chose hybrid weights %s with validation nDCG@%d %.4f", best_weights, k, best_ndcg)
    return chosen, best_ndcg
