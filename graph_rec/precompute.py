"""The batch behind fast requests: SIMILAR weights, each user's candidate lists and movie statistics.

``precompute`` reads every rating once, computes the EASE weights (``graph_rec.similarity``),
replaces the SIMILAR relationships, stores every user's candidate lists
(``graph_rec.candidates``), and writes the Precompute node last, so that a run that stops
halfway never looks complete to ``is_up_to_date``.
"""

from __future__ import annotations

import logging
import resource
import time
from datetime import datetime, timezone

from graph_rec.candidates import read_ratings, store_candidates
from graph_rec.db import Graph
from graph_rec.similarity import (
    DEFAULT_L2,
    DEFAULT_NEIGHBOURS,
    DEFAULT_POPULARITY_EXPONENT,
    compute_weights,
    interactions_from_pairs,
    ratings_unchanged,
    store_metadata,
    store_similarities,
)

logger = logging.getLogger(__name__)


def precompute(
    graph: Graph,
    l2: float = DEFAULT_L2,
    neighbours: int = DEFAULT_NEIGHBOURS,
    popularity_exponent: float = DEFAULT_POPULARITY_EXPONENT,
) -> dict:
    """Run the whole batch and return a summary with seconds per step and the peak memory of this process."""
    if neighbours < 1:
        raise ValueError(f"neighbours must be at least 1, got {neighbours}")
    seconds = {}
    started = time.perf_counter()
    # Rating changes after this moment make the result stale (see precompute_status.cypher).
    read_at = datetime.now(timezone.utc)
    ratings = read_ratings(graph)
    if not len(ratings.user_ids):
        raise ValueError("the graph has no ratings: load a data set before running precompute")
    interactions = interactions_from_pairs(ratings.user_ids, ratings.movie_ids)
    seconds["read"] = _lap(started)

    weights = compute_weights(interactions, l2, neighbours, popularity_exponent)
    seconds["compute_similar"] = _lap(started, seconds)
    relationships = store_similarities(graph, interactions, weights)
    seconds["write_similar"] = _lap(started, seconds)
    stored = store_candidates(graph, interactions, weights, ratings, read_at)
    seconds["candidates"] = _lap(started, seconds)
    store_metadata(graph, interactions, l2, neighbours, popularity_exponent, computed_at=read_at)
    seconds["total"] = round(time.perf_counter() - started, 2)
    logger.info("precompute finished in %.1f s: %s", seconds["total"], seconds)
    return {
        "method": "ease",
        "l2": l2,
        "neighbours": neighbours,
        "popularity_exponent": popularity_exponent,
        "movies": len(interactions.movie_ids),
        "ratings": len(ratings.user_ids),
        "relationships": relationships,
        **stored,
        "seconds": seconds,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _lap(started: float, seconds: dict[str, float] | None = None) -> float:
    """Seconds since ``started`` minus the steps already recorded."""
    return round(time.perf_counter() - started - sum((seconds or {}).values()), 2)


def freshness(graph: Graph) -> dict:
    """Describe the stored precompute: when its ratings were read, how old it is, and whether ratings changed since."""
    status = graph.read("precompute_status")[0]
    if status["computed_at"] is None:
        return {"computed_at": None, "age_seconds": None, "stale": True, "reason": "precompute has not run"}
    computed_at = status["computed_at"].to_native()
    return {
        "computed_at": computed_at.isoformat(),
        "age_seconds": round((datetime.now(timezone.utc) - computed_at).total_seconds(), 1),
        "stale": not ratings_unchanged(status),
        "ratings_then": status["computed_ratings"],
        "ratings_now": status["ratings"],
        "users_changed_since": status["changed_users"],
    }


def refresh(graph: Graph) -> dict | None:
    """Rerun precompute with its stored options when ratings changed since it ran; return its summary, or None."""
    status = graph.read("precompute_status")[0]
    if status["computed_ratings"] is None or ratings_unchanged(status):
        return None
    options = {
        "l2": status["l2"],
        "neighbours": status["neighbours"],
        "popularity_exponent": status["popularity_exponent"],
    }
    logger.info("ratings changed since the last precompute, so precompute runs again with %s", options)
    return precompute(graph, **options)
