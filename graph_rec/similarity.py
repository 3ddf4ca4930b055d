"""Item-to-item weights computed in batch and stored in the graph as SIMILAR relationships.

The method is EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019):
with X the binary user-by-movie rating matrix and P = (X^T X + l2 * I)^-1, the weights are
B = I - P * diag(1 / diag(P)), so B has a zero diagonal and a user's score for movie j is
sum over rated movies i of B[i, j]. Each movie keeps the ``neighbours`` weights of largest
absolute value, because negative weights carry information too. Each kept weight into movie j
is then divided by (ratings of j + 1) ^ popularity_exponent, which moves lists a little away
from blockbusters, as the beta of RP3beta does. ``queries/collaborative_precomputed.cypher``
sums the stored weights per request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from graph_rec.db import Graph

logger = logging.getLogger(__name__)

# l2 and the exponent were chosen on a validation split of ml-100k (docs/evaluation.md).
# NOTE: 400 neighbours bounds storage and was not tuned; the full matrix did slightly better.
DEFAULT_L2 = 800.0
DEFAULT_NEIGHBOURS = 400
DEFAULT_POPULARITY_EXPONENT = 0.1
BATCH_SIZE = 200  # movies per write transaction, each with up to `neighbours` relationships


@dataclass(frozen=True)
class Interactions:
    """A binary user-by-movie matrix with the ids behind its rows and columns."""

    user_ids: np.ndarray
    movie_ids: np.ndarray
    matrix: np.ndarray  # float64, 1.0 where the user rated the movie


def interactions_from_pairs(user_ids: np.ndarray, movie_ids: np.ndarray) -> Interactions:
    """Build the binary matrix from parallel arrays of rated (user, movie) pairs."""
    users, user_index = np.unique(np.asarray(user_ids), return_inverse=True)
    movies, movie_index = np.unique(np.asarray(movie_ids), return_inverse=True)
    matrix = np.zeros((len(users), len(movies)))
    matrix[user_index, movie_index] = 1.0
    return Interactions(users, movies, matrix)


def is_up_to_date(graph: Graph, l2: float, neighbours: int, popularity_exponent: float) -> bool:
    """Tell whether stored SIMILAR weights used these parameters and the graph's current rating count.

    NOTE: a replaced rating keeps the count, so after live rating changes run with force.
    """
    status = graph.read("precompute_status")[0]
    stored = (status["computed_ratings"], status["l2"], status["neighbours"], status["popularity_exponent"])
    return stored == (status["ratings"], float(l2), neighbours, float(popularity_exponent))


def read_interactions(graph: Graph) -> Interactions:
    """Read every RATED pair of the graph into a binary matrix."""
    rows = graph.read("rated_pairs")
    if not rows:
        raise ValueError("the graph has no ratings: load a data set before computing similarities")
    user_ids = np.fromiter((row["user_id"] for row in rows), dtype=np.int64, count=len(rows))
    movie_ids = np.fromiter((row["movie_id"] for row in rows), dtype=np.int64, count=len(rows))
    return interactions_from_pairs(user_ids, movie_ids)


def ease_weights(matrix: np.ndarray, l2: float) -> np.ndarray:
    """Compute the EASE weight matrix B (movies by movies, zero diagonal) for an l2 penalty above 0."""
    if l2 <= 0:
        raise ValueError(f"l2 must be above 0, got {l2}")
    gram = matrix.T @ matrix
    gram[np.diag_indices_from(gram)] += l2
    inverse = np.linalg.inv(gram)
    weights = -inverse / np.diag(inverse)
    np.fill_diagonal(weights, 0.0)
    return weights


def truncate(weights: np.ndarray, neighbours: int) -> np.ndarray:
    """Zero all but each row's ``neighbours`` weights of largest absolute value."""
    if neighbours < 1:
        raise ValueError(f"neighbours must be at least 1, got {neighbours}")
    count = min(neighbours, weights.shape[1])
    best = np.argpartition(-np.abs(weights), count - 1, axis=1)[:, :count]
    rows = np.arange(weights.shape[0])[:, None]
    kept = np.zeros_like(weights)
    kept[rows, best] = weights[rows, best]
    return kept


def popularity_scaled(weights: np.ndarray, rating_counts: np.ndarray, exponent: float) -> np.ndarray:
    """Divide each column j by (rating_counts[j] + 1) ** exponent; exponent 0 changes nothing."""
    if exponent < 0:
        raise ValueError(f"popularity exponent must be 0 or more, got {exponent}")
    return weights / (rating_counts + 1.0)[None, :] ** exponent


def served_weights(matrix: np.ndarray, l2: float, neighbours: int, popularity_exponent: float) -> np.ndarray:
    """Compute the weights exactly as they are stored: EASE, truncated, then scaled by popularity."""
    kept = truncate(ease_weights(matrix, l2), neighbours)
    return popularity_scaled(kept, matrix.sum(axis=0), popularity_exponent)


def neighbour_rows(weights: np.ndarray, movie_ids: np.ndarray) -> list[dict]:
    """Turn each row's non-zero weights, largest first, into rows for the SIMILAR write query."""
    rows = []
    for index, movie_id in enumerate(movie_ids):
        row = weights[index]
        nonzero = np.flatnonzero(row)
        ordered = nonzero[np.argsort(-row[nonzero], kind="stable")]
        kept = [{"movie_id": int(movie_ids[j]), "weight": float(row[j])} for j in ordered if j != index]
        rows.append({"movie_id": int(movie_id), "neighbours": kept})
    return rows


def precompute_similarities(
    graph: Graph,
    l2: float = DEFAULT_L2,
    neighbours: int = DEFAULT_NEIGHBOURS,
    popularity_exponent: float = DEFAULT_POPULARITY_EXPONENT,
) -> dict:
    """Compute EASE weights from the graph's ratings and replace its SIMILAR relationships; return a summary."""
    started = time.perf_counter()
    interactions = read_interactions(graph)
    logger.info(
        "computing EASE weights for %d movies from %d users (l2=%s)",
        len(interactions.movie_ids), len(interactions.user_ids), l2,
    )
    weights = served_weights(interactions.matrix, l2, neighbours, popularity_exponent)
    rows = neighbour_rows(weights, interactions.movie_ids)
    computed = time.perf_counter()

    graph.write("load/similar_reset", movie_ids=[int(movie_id) for movie_id in interactions.movie_ids])
    batches = (rows[start : start + BATCH_SIZE] for start in range(0, len(rows), BATCH_SIZE))
    graph.write_batches("load/similar", batches)
    relationships = sum(len(row["neighbours"]) for row in rows)
    graph.write(
        "load/similar_metadata",
        method="ease",
        l2=float(l2),
        neighbours=neighbours,
        popularity_exponent=float(popularity_exponent),
        movies=len(rows),
        ratings=int(interactions.matrix.sum()),
        computed_at=datetime.now(timezone.utc),
    )
    finished = time.perf_counter()
    logger.info("stored %d SIMILAR relationships in %.1f s", relationships, finished - computed)
    return {
        "method": "ease",
        "l2": l2,
        "neighbours": neighbours,
        "popularity_exponent": popularity_exponent,
        "movies": len(rows),
        "relationships": relationships,
        "compute_seconds": round(computed - started, 2),
        "write_seconds": round(finished - computed, 2),
    }
