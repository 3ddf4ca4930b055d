"""Explanations as graphs: the paths that produced one movie's score for one user.

``explain`` returns a dict in networkx's node-link format (``networkx.node_link_graph`` reads
it), with one extra key, ``paths``. Each path lists node ids from the user to the movie and
carries its contribution to the score:

- collaborative: user -RATED-> rated movie -SIMILAR-> movie, contributing the precomputed
  weight, or, before any precompute, user -RATED-> liked movie -CO_RATED-> movie,
  contributing that seed's term of the co-rating score;
- content: user -RATED-> liked movie <-shared genre, actor or director-> movie, contributing
  the feature's term of the content score;
- popular: the movie alone, contributing its popularity.

In the hybrid strategy each contribution is scaled as the merge scales it (weight divided by
the strategy's best score), so the contributions of a strategy add up to its share of the
served score. Only the strongest paths are listed (``PATH_LIMIT`` per strategy), so the listed
contributions can add up to less than the score.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from graph_rec.db import Graph
from graph_rec.recommend import (
    HYBRID_WEIGHTS,
    MAX_SEEDS,
    MIN_RATING,
    STRATEGIES,
    UnknownMovieError,
    strategy_scores,
)

logger = logging.getLogger(__name__)

PATH_LIMIT = 10


class _Subgraph:
    """Nodes and edges collected once each, in the order they are first added."""

    def __init__(self):
        self.nodes: dict[str, dict] = {}
        self.edges: dict[tuple[str, str, str], dict] = {}

    def node(self, node_id: str, kind: str, label: str, **attributes) -> str:
        self.nodes.setdefault(node_id, {"id": node_id, "kind": kind, "label": label, **attributes})
        return node_id

    def edge(self, source: str, target: str, edge_type: str, **attributes) -> None:
        self.edges.setdefault((source, target, edge_type), {"source": source, "target": target, "type": edge_type, **attributes})

    def movie(self, movie_id: int, title: str, role: str) -> str:
        return self.node(f"movie:{movie_id}", "movie", title, role=role, movie_id=movie_id)


def explain(
    graph: Graph,
    user_id: int,
    movie_id: int,
    strategy: str = "hybrid",
    weights: Mapping[str, float] | None = None,
) -> dict:
    """Return the paths behind ``movie_id``'s score for ``user_id`` as a node-link dict.

    Raises UnknownUserError or UnknownMovieError for ids not in the graph, and ValueError for
    an unknown strategy.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
    details = graph.read("movie_details", movie_ids=[movie_id])
    if not details:
        raise UnknownMovieError(f"movie {movie_id} not found")
    weights = dict(weights or HYBRID_WEIGHTS) if strategy == "hybrid" else {strategy: 1.0}
    found = strategy_scores(graph, user_id, list(weights))
    precomputed = graph.read("user_profile", user_id=user_id)[0]["has_similarities"]

    subgraph = _Subgraph()
    user = subgraph.node(f"user:{user_id}", "user", f"User {user_id}", user_id=user_id)
    target = subgraph.movie(movie_id, details[0]["title"], "recommended")
    summary, paths = {}, []
    for name, weight in weights.items():
        scores = found[name]
        raw = scores.get(movie_id, 0.0)
        best = max(scores.values(), default=0.0)
        scale = _scale(strategy, weight, best)
        summary[name] = {"raw_score": raw, "weight": weight, "best_score": best, "contribution": raw * scale}
        if raw > 0:
            paths += _strategy_paths(graph, subgraph, name, user, target, user_id, movie_id, raw, scale, precomputed)
    score = sum(part["contribution"] for part in summary.values())
    logger.debug("explained movie %d for user %d: score %.4f over %d paths", movie_id, user_id, score, len(paths))
    return {
        "directed": True,
        "multigraph": False,
        "graph": {"user_id": user_id, "movie_id": movie_id, "strategy": strategy, "score": score, "strategies": summary},
        "nodes": list(subgraph.nodes.values()),
        "edges": list(subgraph.edges.values()),
        "paths": paths,
    }


def _scale(strategy: str, weight: float, best: float) -> float:
    """Return the factor from a strategy's raw score to its share of the served score."""
    if strategy != "hybrid":
        return 1.0  # a single strategy serves its raw scores
    if best <= 0:
        return 0.0
    return weight / best  # the hybrid merge divides by the strategy's best score


def _strategy_paths(
    graph: Graph,
    subgraph: _Subgraph,
    strategy: str,
    user: str,
    target: str,
    user_id: int,
    movie_id: int,
    raw: float,
    scale: float,
    precomputed: bool,
) -> list[dict]:
    if strategy == "popular":
        return [{"strategy": "popular", "nodes": [target], "contribution": raw * scale}]
    if strategy == "content":
        return _content_paths(graph, subgraph, user, target, user_id, movie_id, scale)
    return _collaborative_paths(graph, subgraph, user, target, user_id, movie_id, scale, precomputed)


def _collaborative_paths(
    graph: Graph, subgraph: _Subgraph, user: str, target: str, user_id: int, movie_id: int, scale: float, precomputed: bool
) -> list[dict]:
    if precomputed:
        rows = graph.read("explain/collaborative_similar", user_id=user_id, movie_id=movie_id, limit=PATH_LIMIT)
        link = "SIMILAR"
    else:
        rows = graph.read(
            "explain/collaborative_corated",
            user_id=user_id, movie_id=movie_id, min_rating=MIN_RATING, max_seeds=MAX_SEEDS, limit=PATH_LIMIT,
        )
        link = "CO_RATED"
    paths = []
    for row in rows:
        rated = subgraph.movie(row["movie_id"], row["title"], "rated")
        subgraph.edge(user, rated, "RATED", rating=row["rating"])
        extra = {"co_raters": row["co_raters"]} if link == "CO_RATED" else {}
        subgraph.edge(rated, target, link, weight=row["contribution"], **extra)
        paths.append({"strategy": "collaborative", "nodes": [user, rated, target], "contribution": row["contribution"] * scale})
    return paths


def _content_paths(
    graph: Graph, subgraph: _Subgraph, user: str, target: str, user_id: int, movie_id: int, scale: float
) -> list[dict]:
    rows = graph.read(
        "explain/content", user_id=user_id, movie_id=movie_id, min_rating=MIN_RATING, max_seeds=MAX_SEEDS, limit=PATH_LIMIT
    )
    paths = []
    for row in rows:
        feature = subgraph.node(f"{row['kind']}:{row['feature_id']}", row["kind"], row["name"])
        _feature_edge(subgraph, feature, target, row["role"])
        seed = row["seeds"][0]
        rated = subgraph.movie(seed["movie_id"], seed["title"], "rated")
        subgraph.edge(user, rated, "RATED", rating=seed["rating"])
        _feature_edge(subgraph, feature, rated, row["role"])
        paths.append({"strategy": "content", "nodes": [user, rated, feature, target], "contribution": row["contribution"] * scale})
    return paths


def _feature_edge(subgraph: _Subgraph, feature: str, movie: str, role: str) -> None:
    """Add the graph's own direction: a person ACTED_IN or DIRECTED a movie, a movie is IN_GENRE a genre."""
    if role == "IN_GENRE":
        subgraph.edge(movie, feature, role)
    else:
        subgraph.edge(feature, movie, role)
