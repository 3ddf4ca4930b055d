"""Request latency of each strategy for a light, a median and the heaviest user, beside the guide's query.

Usage: .venv/bin/python -m benchmarks.latency [--data-dir DIR] [--repeats 50]

The script starts its own Neo4j in a temporary folder, loads ml-latest-small with cast and
crew, runs `precompute`, then times `recommend()` in this process (driver round trips
included, HTTP excluded). The comparison is the plain collaborative query that Neo4j's
recommendation guide teaches, which counts co-raters over every path. It expands tens of
millions of paths for the heaviest user, so it is timed only a few times and its median reported.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

import numpy as np
from neo4j.exceptions import ClientError

from graph_rec.evaluation.runner import temporary_graph
from graph_rec.recommend import STRATEGIES, recommend
from graph_rec.settings import Settings
from graph_rec.precompute import precompute
from loaders.writer import load_movielens

logger = logging.getLogger(__name__)

GUIDE_QUERY = """
MATCH (u:User {user_id: $user_id})-[:RATED]->(:Movie)<-[:RATED]-(o:User)-[:RATED]->(rec:Movie)
WHERE NOT EXISTS { (u)-[:RATED]->(rec) }
RETURN rec.movie_id AS movie_id, count(DISTINCT o) AS co_raters
ORDER BY co_raters DESC LIMIT 10
"""
RATING_COUNTS = "MATCH (u:User) RETURN u.user_id AS user_id, COUNT { (u)-[:RATED]->() } AS ratings ORDER BY ratings, user_id"


def percentiles(milliseconds: list[float]) -> dict[str, float]:
    """Return p50, p95 and p99 of a list of durations, with numpy's linear interpolation."""
    values = np.asarray(milliseconds)
    return {name: float(np.percentile(values, q)) for name, q in (("p50", 50), ("p95", 95), ("p99", 99))}


def pick_users(graph) -> dict[str, tuple[int, int]]:
    """Choose the lightest, the median and the heaviest user by rating count."""
    rows = graph.run_text(RATING_COUNTS)
    light, median, heavy = rows[0], rows[len(rows) // 2], rows[-1]
    return {name: (row["user_id"], row["ratings"]) for name, row in (("light", light), ("median", median), ("heavy", heavy))}


def time_strategy(graph, user_id: int, strategy: str, repeats: int) -> list[float]:
    recommend(graph, user_id, k=10, strategy=strategy)  # warm the page cache and query plans
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        recommend(graph, user_id, k=10, strategy=strategy)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def time_guide_query(graph, user_id: int, runs: int) -> str:
    """Time the guide's query; stop at the first run that hits the graph's query timeout."""
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            graph.run_text(GUIDE_QUERY, user_id=user_id)
        except ClientError as error:
            if "TransactionTimedOut" not in (error.code or ""):
                raise
            return f"> {graph.timeout * 1000:.0f} (timed out after {graph.timeout:.0f} s, run 1 of {runs})"
        durations.append((time.perf_counter() - started) * 1000)
    return f"{statistics.median(durations):9.1f}   (median of {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder with ml-latest-small/ and movielens-cast-director/")
    parser.add_argument("--repeats", type=int, default=50, help="timed requests per user and strategy (default 50)")
    parser.add_argument("--guide-runs", type=int, default=3, help="timed runs of the guide's query per user (default 3)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data_dir = Settings.from_env(data_dir=Path(args.data_dir) if args.data_dir else None).data_dir

    with temporary_graph("bench") as graph:
        started = time.perf_counter()
        load_movielens(graph, data_dir / "ml-latest-small", data_dir / "movielens-cast-director" / "movies.csv", show_progress=False)
        print(f"load ml-latest-small with cast: {time.perf_counter() - started:.1f} s")
        summary = precompute(graph)
        print(f"precompute: {summary['seconds']} s, {summary['relationships']} SIMILAR, peak {summary['peak_memory_mb']} MB")

        print(f"{'user':<22}{'strategy':<15}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for label, (user_id, ratings) in pick_users(graph).items():
            for strategy in STRATEGIES:
                result = percentiles(time_strategy(graph, user_id, strategy, args.repeats))
                print(f"{label} {user_id} ({ratings} r.)".ljust(22) + f"{strategy:<15}{result['p50']:>9.1f}{result['p95']:>9.1f}{result['p99']:>9.1f}")
            guide = time_guide_query(graph, user_id, args.guide_runs)
            print(f"{label} {user_id} ({ratings} r.)".ljust(22) + f"{'guide query':<15}{guide}")


if __name__ == "__main__":
    main()
