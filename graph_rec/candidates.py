"""Per-user candidate lists computed in batch, so that a request reads one node instead of expanding paths.

For every user with ratings, the batch computes the same top candidates that the live queries
return, each with its score, and stores them as list properties on the User node:

- collaborative: the sum of the stored SIMILAR weights over the movies the user rated, as in
  ``queries/collaborative_precomputed.cypher``, with the ids of the rated movies that add
  most to each candidate (the evidence of its reason);
- content: the profile score of ``queries/content.cypher``, from the same seeds and features;
- popular: the most rated movies the user has not rated, as in ``queries/popular.cypher``.

Each list keeps CANDIDATE_COUNT movies ordered by score, ties to the lower movie id, and
excludes movies the user rated. The node also records the user's rating count. A request
uses the lists only while that count is unchanged, and otherwise runs the live queries.
NOTE: ratings by other users do not invalidate a user's lists; they are refreshed by the next
precompute, which ``load`` runs by itself when it changes the ratings, and ``serve`` in the
background when ratings change through the API.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse

from graph_rec.db import Graph
from graph_rec.progress import progress_bar
from graph_rec.recommend import EVIDENCE_LIMIT, MAX_SEEDS, MIN_CANDIDATES, MIN_RATING
from graph_rec.similarity import Interactions, column_sums

logger = logging.getLogger(__name__)

CANDIDATE_COUNT = MIN_CANDIDATES
USER_CHUNK = 1000  # users scored at once, as a dense users-by-movies array per chunk
WRITE_BATCH = 500  # users per write transaction


@dataclass(frozen=True)
class Ratings:
    """Every rating as parallel arrays."""

    user_ids: np.ndarray
    movie_ids: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray


@dataclass(frozen=True)
class ContentModel:
    """Movies by features with link counts, over every movie in the graph, and the weights of content.cypher."""

    movie_ids: np.ndarray  # every Movie node, sorted
    links: sparse.csr_array  # links[c, f] = relationships between movie c and feature f
    idf_squared: np.ndarray  # ln(N / df(f)) ** 2 per feature
    link_counts: np.ndarray  # links(c) per movie


def read_ratings(graph: Graph) -> Ratings:
    """Read every rating of the graph into arrays."""
    columns = graph.read_columns(
        "ratings_all", columns={"user_id": "int64", "movie_id": "int64", "rating": "float64", "timestamp": "int64"}
    )
    return Ratings(columns["user_id"], columns["movie_id"], columns["rating"], columns["timestamp"])


def read_content_model(graph: Graph) -> ContentModel:
    """Read every movie and its genre, actor and director links into a ContentModel."""
    movie_ids = graph.read_columns("movie_ids", columns={"movie_id": "int64"})["movie_id"]
    rows = graph.read_columns("movie_features", columns={"movie_id": "int64", "feature": "object"})
    return content_model(movie_ids, rows["movie_id"], rows["feature"])


def content_model(movie_ids: np.ndarray, link_movie_ids: np.ndarray, link_features: np.ndarray) -> ContentModel:
    """Build a ContentModel from every movie id and one (movie, feature) pair per relationship."""
    features, feature_index = np.unique(link_features, return_inverse=True)
    movie_index = np.searchsorted(movie_ids, link_movie_ids)
    links = sparse.csr_array(
        (np.ones(len(movie_index)), (movie_index, feature_index)), shape=(len(movie_ids), len(features))
    )
    links.sum_duplicates()
    document_frequency = column_sums(links)
    idf_squared = np.log(len(movie_ids) / np.maximum(document_frequency, 1.0)) ** 2
    return ContentModel(movie_ids, links, idf_squared, np.asarray(links.sum(axis=1)).ravel())


def seed_matrix(ratings: Ratings, user_ids: np.ndarray, movie_ids: np.ndarray) -> sparse.csr_array:
    """Mark each user's seeds: up to MAX_SEEDS liked movies, best rating, then latest, then lowest id first."""
    liked = ratings.ratings >= MIN_RATING
    users = np.searchsorted(user_ids, ratings.user_ids[liked])
    movies = np.searchsorted(movie_ids, ratings.movie_ids[liked])
    order = np.lexsort((movies, -ratings.timestamps[liked], -ratings.ratings[liked], users))
    users, movies = users[order], movies[order]
    starts = np.searchsorted(users, users, side="left")
    keep = np.arange(len(users)) - starts < MAX_SEEDS
    return sparse.csr_array(
        (np.ones(int(keep.sum())), (users[keep], movies[keep])), shape=(len(user_ids), len(movie_ids))
    )


def content_profiles(seeds: sparse.csr_array, model: ContentModel) -> sparse.csr_array:
    """Weight each feature of a user's seeds by (1 + ln n(f)) * idf(f)^2, n(f) = seeds linked to f."""
    linked = model.links.copy()
    linked.data[:] = 1.0
    profiles = (seeds @ linked).tocsr()
    profiles.data = (1.0 + np.log(profiles.data)) * model.idf_squared[profiles.indices]
    return profiles


def top_columns(scores: np.ndarray, count: int) -> np.ndarray:
    """Columns of the ``count`` highest finite scores, best first, ties to the lower column."""
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > count:
        values = scores[finite]
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        finite = finite[values >= threshold]
    order = np.lexsort((finite, -scores[finite]))
    return finite[order[:count]]


def reached_scores(product: sparse.csr_array) -> np.ndarray:
    """Turn a sparse score block into a dense one where movies no path reaches score -inf."""
    dense = np.full(product.shape, -np.inf)
    coo = product.tocoo()
    dense[coo.row, coo.col] = coo.data
    return dense


def collaborative_evidence(weights: np.ndarray, rated: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """For each chosen column, the EVIDENCE_LIMIT rated rows with the largest non-zero weight, -1 where fewer.

    ``rated`` is sorted, so a stable sort leaves ties to the lower movie id, as the reasons query does.
    """
    block = weights[np.ix_(rated, chosen)]
    block = np.where(block != 0.0, block, -np.inf)
    order = np.argsort(-block, axis=0, kind="stable")[:EVIDENCE_LIMIT]
    found = np.isfinite(np.take_along_axis(block, order, axis=0))
    evidence = np.where(found, rated[order], -1)
    if evidence.shape[0] < EVIDENCE_LIMIT:
        padding = np.full((EVIDENCE_LIMIT - evidence.shape[0], len(chosen)), -1)
        evidence = np.vstack([evidence, padding])
    return evidence.T


def popular_order(ratings: Ratings, movie_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Movies with ratings, most rated first and ties to the lower id, with their rating counts."""
    counts = np.bincount(np.searchsorted(movie_ids, ratings.movie_ids), minlength=len(movie_ids))
    rated = np.flatnonzero(counts)
    order = rated[np.lexsort((rated, -counts[rated]))]
    return order, counts


class _Scorer:
    """The data every user's lists are cut from, computed once for all users."""

    def __init__(self, interactions: Interactions, weights: np.ndarray, ratings: Ratings, model: ContentModel):
        self.interactions = interactions
        self.weights = weights
        self.model = model
        self.similar = sparse.csr_array(weights)
        # Column j of the EASE weights is movie interactions.movie_ids[j]; content uses every movie.
        self.to_global = np.searchsorted(model.movie_ids, interactions.movie_ids)
        self.profiles = content_profiles(seed_matrix(ratings, interactions.user_ids, model.movie_ids), model)
        self.scale = 1.0 / np.sqrt(np.maximum(model.link_counts, 1.0))
        self.popular, self.counts = popular_order(ratings, model.movie_ids)

    def rows(self, start: int, stop: int) -> Iterator[dict]:
        """Yield the rows of users start to stop - 1 in interaction order."""
        rated_block = self.interactions.matrix[start:stop]
        collaborative = reached_scores((rated_block @ self.similar).tocsr())
        content = reached_scores((self.profiles[start:stop] @ self.model.links.T).tocsr()) * self.scale
        for offset in range(rated_block.shape[0]):
            rated = np.sort(rated_block.indices[rated_block.indptr[offset] : rated_block.indptr[offset + 1]])
            user_id = int(self.interactions.user_ids[start + offset])
            yield self._row(user_id, rated, collaborative[offset], content[offset])

    def _row(self, user_id: int, rated: np.ndarray, collaborative: np.ndarray, content: np.ndarray) -> dict:
        movie_ids = self.model.movie_ids
        weight_movie_ids = self.interactions.movie_ids
        rated_global = self.to_global[rated]
        collaborative[rated] = -np.inf
        content[rated_global] = -np.inf
        chosen = top_columns(collaborative, CANDIDATE_COUNT)
        evidence = collaborative_evidence(self.weights, rated, chosen)
        content_chosen = top_columns(content, CANDIDATE_COUNT)
        unseen = self.popular[: CANDIDATE_COUNT + len(rated_global)]
        unseen = unseen[~np.isin(unseen, rated_global)][:CANDIDATE_COUNT]
        return {
            "user_id": user_id,
            "rating_count": len(rated),
            "collaborative_ids": weight_movie_ids[chosen].tolist(),
            "collaborative_scores": collaborative[chosen].tolist(),
            "collaborative_evidence": np.where(evidence >= 0, weight_movie_ids[evidence], -1).ravel().tolist(),
            "content_ids": movie_ids[content_chosen].tolist(),
            "content_scores": content[content_chosen].tolist(),
            "popular_ids": movie_ids[unseen].tolist(),
            "popular_scores": self.counts[unseen].astype(float).tolist(),
        }


def user_candidate_rows(
    interactions: Interactions, weights: np.ndarray, ratings: Ratings, model: ContentModel
) -> Iterator[dict]:
    """Yield one row per user with ratings, in the shape of queries/load/user_candidates.cypher."""
    scorer = _Scorer(interactions, weights, ratings, model)
    user_count = len(interactions.user_ids)
    with progress_bar(user_count, "candidate lists", unit=" users") as bar:
        for start in range(0, user_count, USER_CHUNK):
            yield from scorer.rows(start, start + USER_CHUNK)
            bar.update(min(USER_CHUNK, user_count - start))
            logger.debug("scored the candidates of %d of %d users", min(start + USER_CHUNK, user_count), user_count)


def movie_stat_rows(ratings: Ratings) -> list[dict]:
    """Rating count and mean rating of every rated movie, for queries/load/movie_stats.cypher."""
    movie_ids, index, counts = np.unique(ratings.movie_ids, return_inverse=True, return_counts=True)
    sums = np.bincount(index, weights=ratings.ratings)
    return [
        {"movie_id": int(movie_id), "rating_count": int(count), "mean_rating": float(total / count)}
        for movie_id, count, total in zip(movie_ids, counts, sums)
    ]


def store_candidates(
    graph: Graph, interactions: Interactions, weights: np.ndarray, ratings: Ratings, read_at: datetime
) -> dict:
    """Compute every user's candidate lists and the movie statistics, and write them; return counts.

    ``read_at`` is when the ratings were read: users who rated through the API after it keep
    no stored lists, since those lists would miss their new ratings.
    """
    model = read_content_model(graph)
    rows = user_candidate_rows(interactions, weights, ratings, model)
    users = graph.write_batches("load/user_candidates", _batches(rows, WRITE_BATCH), read_at=read_at)
    stats = movie_stat_rows(ratings)
    graph.write_batches("load/movie_stats", _batches(iter(stats), WRITE_BATCH * 10))
    return {"users_with_candidates": users, "movies_with_stats": len(stats)}


def _batches(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
