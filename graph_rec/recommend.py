"""One recommendation path for the API, the command line and the evaluation.

Each strategy runs its query from ``queries/`` and returns candidates with raw scores and the
evidence behind them. The hybrid strategy max-normalises each strategy's scores and adds them
with fixed weights. Every list is cut to k with ties broken by movie id, and when a strategy
finds fewer than k candidates the list is filled with popular movies.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from graph_rec import ranking, reasons
from graph_rec.db import Graph

logger = logging.getLogger(__name__)

STRATEGIES = ("hybrid", "collaborative", "content", "popular")

# NOTE: fixed defaults, not yet tuned on a validation split.
HYBRID_WEIGHTS = {"collaborative": 0.6, "content": 0.3, "popular": 0.1}
MIN_RATING = 4.0  # a rating at or above this counts as "liked"
MAX_SEEDS = 50  # liked movies a request starts from, which bounds the paths it expands
MIN_CANDIDATES = 100  # candidates each strategy returns before merging, or k if larger
MAX_K = 100


class UnknownUserError(LookupError):
    """The user id is not in the graph."""


class UnknownMovieError(LookupError):
    """The movie id is not in the graph."""


@dataclass
class Recommendation:
    """One recommended movie with its score and the reasons behind it."""

    movie_id: int
    title: str
    year: int | None
    genres: list[str]
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Candidates:
    """The scores of one strategy and the readable reasons for each candidate."""

    scores: dict[int, float] = field(default_factory=dict)
    reasons: dict[int, list[str]] = field(default_factory=dict)


def recommend(
    graph: Graph,
    user_id: int,
    k: int = 10,
    strategy: str = "hybrid",
    exclude_seen: bool = True,
    candidates: Sequence[int] | None = None,
) -> list[Recommendation]:
    """Recommend up to k movies for a user, best first.

    ``candidates`` restricts the result to those movie ids. Raises UnknownUserError for a user
    who is not in the graph, and ValueError for an invalid k or strategy.
    """
    _check_request(k, strategy)
    if not graph.read("user_profile", user_id=user_id):
        raise UnknownUserError(f"user {user_id} not found")

    parameters = {
        "user_id": user_id,
        "min_rating": MIN_RATING,
        "max_seeds": MAX_SEEDS,
        "limit": max(k, MIN_CANDIDATES),
        "exclude_seen": exclude_seen,
        "candidate_ids": list(candidates) if candidates is not None else None,
    }
    if strategy == "hybrid":
        found = {name: _run_strategy(graph, name, parameters) for name in HYBRID_WEIGHTS}
        merged = ranking.merge({name: c.scores for name, c in found.items()}, HYBRID_WEIGHTS)
        ranked = ranking.top_k(merged, k)
        reason_lists = _combine_reasons(found, ranked)
    else:
        found = _run_strategy(graph, strategy, parameters)
        ranked = ranking.top_k(found.scores, k)
        reason_lists = found.reasons
        if len(ranked) < k and strategy != "popular":
            ranked, reason_lists = _fill_with_popular(graph, parameters, ranked, reason_lists, k)
    return _with_details(graph, ranked, reason_lists)


def similar_movies(graph: Graph, movie_id: int, k: int = 10) -> list[Recommendation]:
    """Movies most like one movie: collaborative and content similarity merged as in the hybrid."""
    _check_request(k, "hybrid")
    if not graph.read("movie_exists", movie_id=movie_id):
        raise UnknownMovieError(f"movie {movie_id} not found")

    limit = max(k, MIN_CANDIDATES)
    found = {
        "collaborative": _candidates(
            graph.read("similar_collaborative", movie_id=movie_id, min_rating=MIN_RATING, limit=limit),
            reasons.collaborative_reasons,
        ),
        "content": _candidates(graph.read("similar_content", movie_id=movie_id, limit=limit), reasons.content_reasons),
    }
    weights = {"collaborative": HYBRID_WEIGHTS["collaborative"], "content": HYBRID_WEIGHTS["content"]}
    merged = ranking.merge({name: c.scores for name, c in found.items()}, weights)
    ranked = ranking.top_k(merged, k)
    return _with_details(graph, ranked, _combine_reasons(found, ranked))


def _check_request(k: int, strategy: str) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be an integer from 1 to {MAX_K}, got {k!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")


def _run_strategy(graph: Graph, strategy: str, parameters: dict) -> Candidates:
    if strategy == "popular":
        popular_parameters = {key: parameters[key] for key in ("user_id", "limit", "exclude_seen", "candidate_ids")}
        return _candidates(graph.read("popular", **popular_parameters), reasons.popular_reasons)
    explain = reasons.collaborative_reasons if strategy == "collaborative" else reasons.content_reasons
    return _candidates(graph.read(strategy, **parameters), explain)


def _candidates(rows: list[dict], explain) -> Candidates:
    found = Candidates()
    for row in rows:
        found.scores[row["movie_id"]] = float(row["score"])
        found.reasons[row["movie_id"]] = explain(row["evidence"])
    return found


def _combine_reasons(found: dict[str, Candidates], ranked: list[tuple[int, float]]) -> dict[int, list[str]]:
    """Reasons from every strategy that scored the movie, in the order of the weights."""
    combined: dict[int, list[str]] = {}
    for movie_id, _ in ranked:
        combined[movie_id] = [text for c in found.values() for text in c.reasons.get(movie_id, [])]
    return combined


def _fill_with_popular(graph, parameters, ranked, reason_lists, k):
    """Append popular movies with score 0 after a strategy's own candidates, until k items."""
    popular = _run_strategy(graph, "popular", {**parameters, "limit": k + len(ranked)})
    chosen = {movie_id for movie_id, _ in ranked}
    filled = list(ranked)
    reason_lists = dict(reason_lists)
    for movie_id, _ in ranking.top_k(popular.scores, len(popular.scores)):
        if len(filled) >= k:
            break
        if movie_id in chosen:
            continue
        filled.append((movie_id, 0.0))
        reason_lists[movie_id] = popular.reasons[movie_id]
    return filled, reason_lists


def _with_details(graph: Graph, ranked: list[tuple[int, float]], reason_lists: dict[int, list[str]]) -> list[Recommendation]:
    if not ranked:
        return []
    details = {row["movie_id"]: row for row in graph.read("movie_details", movie_ids=[movie_id for movie_id, _ in ranked])}
    return [
        Recommendation(
            movie_id=movie_id,
            title=details[movie_id]["title"],
            year=details[movie_id]["year"],
            genres=list(details[movie_id]["genres"] or []),
            score=round(score, 6),
            reasons=reason_lists.get(movie_id, []),
        )
        for movie_id, score in ranked
    ]
