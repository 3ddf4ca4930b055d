"""Pure functions that make strategy scores comparable, merge them and cut the top k."""

from __future__ import annotations

from collections.abc import Mapping

Scores = Mapping[int, float]


def max_normalise(scores: Scores) -> dict[int, float]:
    """Divide every score by the largest one, so the best candidate scores 1.0.

    Returns an empty dict for no candidates, and zeros when no score is above 0.
    """
    if not scores:
        return {}
    top = max(scores.values())
    if top <= 0:
        return {movie_id: 0.0 for movie_id in scores}
    return {movie_id: score / top for movie_id, score in scores.items()}


def merge(strategy_scores: Mapping[str, Scores], weights: Mapping[str, float]) -> dict[int, float]:
    """Weighted sum of max-normalised scores; a candidate missing from a strategy gets 0 there.

    Raises ValueError when a strategy has scores but no weight.
    """
    missing = sorted(set(strategy_scores) - set(weights))
    if missing:
        raise ValueError(f"no weight for strategies {missing}: add them to the weights")

    merged: dict[int, float] = {}
    for strategy, scores in strategy_scores.items():
        weight = weights[strategy]
        for movie_id, score in max_normalise(scores).items():
            merged[movie_id] = merged.get(movie_id, 0.0) + weight * score
    return merged


def top_k(scores: Scores, k: int) -> list[tuple[int, float]]:
    """Return the k best (movie_id, score) pairs, highest score first and lower movie id first on ties."""
    if k < 0:
        raise ValueError(f"k must be 0 or more, got {k}")
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]
