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
from scipy import sparse

from graph_rec.db import Graph
from graph_rec.progress import progress_bar

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
    matrix: sparse.csr_array  # float64, 1.0 where the user rated the movie

    def rating_counts(self) -> np.ndarray:
        """Number of users who rated each movie, in column order."""
        return column_sums(self.matrix)


def interactions_from_pairs(user_ids: np.ndarray, movie_ids: np.ndarray) -> Interactions:
    """Build the sparse binary matrix from parallel arrays of rated (user, movie) pairs."""
    users, user_index = np.unique(np.asarray(user_ids), return_inverse=True)
    movies, movie_index = np.unique(np.asarray(movie_ids), return_inverse=True)
    matrix = sparse.csr_array(
        (np.ones(len(user_index)), (user_index, movie_index)), shape=(len(users), len(movies))
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return Interactions(users, movies, matrix)


def column_sums(matrix) -> np.ndarray:
    """Sum each column of a dense or sparse matrix into a flat float array."""
    return np.asarray(matrix.sum(axis=0), dtype=float).ravel()


def is_up_to_date(graph: Graph, l2: float, neighbours: int, popularity_exponent: float) -> bool:
    """Tell whether stored SIMILAR weights used these parameters and the graph's current rating count.

    Users who rated through the API since the precompute also make it out of date.
    """
    status = graph.read("precompute_status")[0]
    stored = (status["l2"], status["neighbours"], status["popularity_exponent"])
    return stored == (float(l2), neighbours, float(popularity_exponent)) and ratings_unchanged(status)


def ratings_unchanged(status: dict) -> bool:
    """Tell whether a ``precompute_status`` row shows the ratings as precompute read them.

    The count must match, and no user may have rated through the API since, because a replaced
    rating keeps the count.
    """
    return status["computed_ratings"] == status["ratings"] and status["changed_users"] == 0


def read_interactions(graph: Graph) -> Interactions:
    """Read every RATED pair of the graph into a binary matrix."""
    pairs = graph.read_columns("rated_pairs", columns={"user_id": "int64", "movie_id": "int64"})
    if not len(pairs["user_id"]):
        raise ValueError("the graph has no ratings: load a data set before computing similarities")
    return interactions_from_pairs(pairs["user_id"], pairs["movie_id"])


def ease_weights(matrix, l2: float) -> np.ndarray:
    """Compute the EASE weight matrix B (movies by movies, zero diagonal) for an l2 penalty above 0.

    ``matrix`` is the dense or sparse binary user-by-movie matrix. B is dense, so memory grows
    with the square of the number of movies: 0.8 GB at 10,000 movies.
    """
    if l2 <= 0:
        raise ValueError(f"l2 must be above 0, got {l2}")
    gram = matrix.T @ matrix
    if sparse.issparse(gram):
        gram = gram.toarray()
    gram = np.asarray(gram, dtype=float)
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


def served_weights(matrix, l2: float, neighbours: int, popularity_exponent: float) -> np.ndarray:
    """Compute the weights exactly as they are stored: EASE, truncated, then scaled by popularity."""
    kept = truncate(ease_weights(matrix, l2), neighbours)
    return popularity_scaled(kept, column_sums(matrix), popularity_exponent)


def neighbour_rows(weights: np.ndarray, movie_ids: np.ndarray, offset: int = 0) -> list[dict]:
    """Turn each row's non-zero weights, largest first, into rows for the SIMILAR write query.

    Row i of ``weights`` belongs to movie ``movie_ids[offset + i]``; columns cover all of ``movie_ids``.
    """
    rows = []
    for position, row in enumerate(weights):
        index = offset + position
        movie_id = movie_ids[index]
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
    """Compute EASE weights from the graph's ratings and replace its SIMILAR relationships; return a summary.

    ``graph_rec.precompute.precompute`` does this and also stores each user's candidate lists.
    """
    started = time.perf_counter()
    interactions = read_interactions(graph)
    weights = compute_weights(interactions, l2, neighbours, popularity_exponent)
    computed = time.perf_counter()
    relationships = store_similarities(graph, interactions, weights)
    store_metadata(graph, interactions, l2, neighbours, popularity_exponent)
    finished = time.perf_counter()
    return {
        "method": "ease",
        "l2": l2,
        "neighbours": neighbours,
        "popularity_exponent": popularity_exponent,
        "movies": len(interactions.movie_ids),
        "relationships": relationships,
        "compute_seconds": round(computed - started, 2),
        "write_seconds": round(finished - computed, 2),
    }


def compute_weights(interactions: Interactions, l2: float, neighbours: int, popularity_exponent: float) -> np.ndarray:
    """Compute the weights to store, logging the size of the problem."""
    logger.info(
        "computing EASE weights for %d movies from %d users (l2=%s)",
        len(interactions.movie_ids), len(interactions.user_ids), l2,
    )
    return served_weights(interactions.matrix, l2, neighbours, popularity_exponent)


def store_similarities(graph: Graph, interactions: Interactions, weights: np.ndarray) -> int:
    """Replace the SIMILAR relationships of every rated movie with ``weights``; return how many were written."""
    started = time.perf_counter()
    graph.write("load/similar_reset", movie_ids=[int(movie_id) for movie_id in interactions.movie_ids])
    relationships = 0
    with progress_bar(len(interactions.movie_ids), "SIMILAR", unit=" movies") as bar:
        for start in range(0, len(interactions.movie_ids), BATCH_SIZE):
            rows = neighbour_rows(weights[start : start + BATCH_SIZE], interactions.movie_ids, offset=start)
            graph.write("load/similar", rows=rows)
            relationships += sum(len(row["neighbours"]) for row in rows)
            bar.update(len(rows))
    logger.info("stored %d SIMILAR relationships in %.1f s", relationships, time.perf_counter() - started)
    return relationships


def store_metadata(
    graph: Graph,
    interactions: Interactions,
    l2: float,
    neighbours: int,
    popularity_exponent: float,
    computed_at: datetime | None = None,
) -> None:
    """Record the parameters and the rating count on the Precompute node; written last, it marks the data complete.

    ``computed_at`` is when the ratings were read (default now); later rating changes make the data stale.
    """
    graph.write(
        "load/similar_metadata",
        method="ease",
        l2=float(l2),
        neighbours=neighbours,
        popularity_exponent=float(popularity_exponent),
        movies=len(interactions.movie_ids),
        ratings=int(interactions.matrix.sum()),
        computed_at=computed_at or datetime.now(timezone.utc),
    )
