"""Shared steps of every protocol: a Neo4j the run starts itself, top-k lists from the served path, scores."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from graph_rec import neo4j_server
from graph_rec.db import Graph
from graph_rec.evaluation import metrics
from graph_rec.recommend import recommend
from graph_rec.settings import Settings

logger = logging.getLogger(__name__)

REQUEST_THREADS = 4  # concurrent recommendation requests; Neo4j serves them on its own threads


@dataclass
class StrategyResult:
    """Metrics of one strategy on one protocol run, with the seconds its lists took."""

    strategy: str
    metrics: dict[str, float]
    seconds: float
    users: int


@dataclass
class ProtocolResult:
    """Everything a protocol run measured and chose, ready for a table or a JSON file."""

    protocol: str
    k: int
    results: list[StrategyResult] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "protocol": self.protocol,
            "k": self.k,
            "seconds": round(self.seconds, 1),
            "details": self.details,
            "results": [
                {"strategy": r.strategy, "users": r.users, "seconds": round(r.seconds, 1), **r.metrics}
                for r in self.results
            ],
        }

    def format(self) -> str:
        """Format the metrics as a plain-text table, one row per strategy."""
        names = ["precision", "recall", "ndcg", "map", "coverage", "short_lists"]
        header = f"{'strategy':<14}" + "".join(f"{name + '@' + str(self.k) if name in ('precision', 'recall', 'ndcg') else name:>14}" for name in names) + f"{'seconds':>10}"
        lines = [f"protocol {self.protocol}, k = {self.k}", header]
        for result in self.results:
            values = "".join(f"{result.metrics[name]:>14.4f}" for name in names)
            lines.append(f"{result.strategy:<14}{values}{result.seconds:>10.1f}")
        return "\n".join(lines)


@contextmanager
def temporary_graph(name: str) -> Iterator[Graph]:
    """Start a Neo4j in a new temporary home on free ports, yield its graph, then stop and delete it.

    Evaluation writes only to servers it started here, never to NEO4J_URI or a user's instance.
    """
    home = Path(tempfile.mkdtemp(prefix=f"graph-rec-{name}-"))
    graph = None
    try:
        instance = neo4j_server.start(
            home, bolt_port=neo4j_server.free_port(), http_port=neo4j_server.free_port(), heap="1g", pagecache="512m"
        )
        settings = Settings(neo4j_uri=instance.uri, neo4j_user=instance.user, neo4j_password=instance.password, query_timeout=120.0)
        graph = Graph.from_settings(settings)
        yield graph
    finally:
        try:
            if graph is not None:
                graph.close()
        finally:
            try:
                neo4j_server.stop(home)
            finally:
                shutil.rmtree(home, ignore_errors=True)


def recommend_users(
    graph: Graph,
    user_ids: Sequence[int],
    k: int,
    strategy: str,
    weights: Mapping[str, float] | None = None,
    candidates: Sequence[int] | None = None,
    description: str = "",
) -> dict[int, list[int]]:
    """Ask the served recommendation path for every user's top k movie ids."""

    def top_ids(user_id: int) -> tuple[int, list[int]]:
        items = recommend(graph, user_id, k=k, strategy=strategy, weights=weights, candidates=candidates)
        return user_id, [item.movie_id for item in items]

    with ThreadPoolExecutor(max_workers=REQUEST_THREADS) as pool:
        results = pool.map(top_ids, user_ids)
        progress = tqdm(results, total=len(user_ids), desc=description or strategy, unit=" users", disable=None)
        return dict(progress)


def score_lists(
    recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, set[int]], k: int, catalog_size: int
) -> dict[str, float]:
    """Compute every metric of a run; averages are over all users in ``relevant``."""
    return {
        "precision": metrics.precision_at_k(recommended, relevant, k),
        "recall": metrics.recall_at_k(recommended, relevant, k),
        "ndcg": metrics.ndcg_at_k(recommended, relevant, k),
        "map": metrics.mean_average_precision(recommended, relevant, k),
        "coverage": metrics.catalog_coverage(recommended, catalog_size, k),
        "short_lists": metrics.short_list_share(recommended, relevant, k),
    }


def evaluate_strategy(
    graph: Graph,
    strategy: str,
    relevant: Mapping[int, set[int]],
    k: int,
    catalog_size: int,
    weights: Mapping[str, float] | None = None,
    candidates: Sequence[int] | None = None,
) -> StrategyResult:
    """Recommend for every user in ``relevant`` with one strategy and score the lists."""
    started = time.perf_counter()
    recommended = recommend_users(graph, sorted(relevant), k, strategy, weights, candidates)
    seconds = time.perf_counter() - started
    scores = score_lists(recommended, relevant, k, catalog_size)
    logger.info("%s: nDCG@%d %.4f, precision@%d %.4f in %.1f s", strategy, k, scores["ndcg"], k, scores["precision"], seconds)
    return StrategyResult(strategy, scores, seconds, len(relevant))


def relevant_by_user(ratings, user_column: str = "user_id", item_column: str = "movie_id") -> dict[int, set[int]]:
    """Map each user in a ratings frame to the set of movies they rated there."""
    grouped = ratings.groupby(user_column)[item_column]
    return {int(user): {int(movie) for movie in movies} for user, movies in grouped}
