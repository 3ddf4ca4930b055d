"""Ratings loaded per second by the project's loader and by Neo4j's LOAD CSV, on one server and the same files.

Usage: .venv/bin/python -m benchmarks.loading --data-dir DIR [--sizes small,1m,10m] [--batch-size 5000]

The script starts its own Neo4j in a temporary home on free loopback ports, with a temporary
folder as its import directory. It copies ml-latest-small there ("small") and generates the
synthetic sets ("1m": 7,000 users, "10m": 70,000 users, both with 10,000 movies). For each
size it empties the database, loads the movies, tags and ratings with ``load_movielens``,
then empties the database again, writes the movies and tags the same way, and loads the
ratings with ``LOAD CSV`` and ``CALL { ... } IN TRANSACTIONS``. Only the ratings steps are
compared: ours counts the validation of the directory plus the ratings write. Both loaders
run once untimed on the first size, so that neither pays for the server's cold start. The peak
resident memory of this process (ru_maxrss) is read after each of our loads, and LOAD CSV
runs inside Neo4j, so it does not add to it.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graph_rec import neo4j_server
from graph_rec.db import Graph
from graph_rec.settings import Settings
from loaders.writer import create_schema, load_movielens, read_counts, read_inputs, write_movielens

logger = logging.getLogger(__name__)

# users, movies, ratings and seed of each synthetic size.
SYNTHETIC_SIZES = {"1m": (7_000, 10_000, 1_000_000, 1), "10m": (70_000, 10_000, 10_000_000, 1)}
SMALL_FILES = ("movies.csv", "ratings.csv", "links.csv", "tags.csv")

LOAD_CSV_RATINGS = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (m:Movie {movie_id: toInteger(row.movieId)})
  MERGE (u:User {user_id: toInteger(row.userId)})
  MERGE (u)-[r:RATED]->(m)
  SET r.rating = toFloat(row.rating),
      r.timestamp = toInteger(row.timestamp)
} IN TRANSACTIONS OF $rows ROWS
"""
# The same steps as our loader on an empty graph: users first, then one CREATE per rating.
LOAD_CSV_USERS = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (:User {user_id: toInteger(row.userId)})
} IN TRANSACTIONS OF $rows ROWS
"""
LOAD_CSV_CREATE_RATINGS = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (u:User {user_id: toInteger(row.userId)})
  MATCH (m:Movie {movie_id: toInteger(row.movieId)})
  CREATE (u)-[:RATED {rating: toFloat(row.rating), timestamp: toInteger(row.timestamp)}]->(m)
} IN TRANSACTIONS OF $rows ROWS
"""
LOAD_CSV_VARIANTS = {"merge": (LOAD_CSV_RATINGS,), "create": (LOAD_CSV_USERS, LOAD_CSV_CREATE_RATINGS)}
# Relationships go first, so that no transaction deletes a user together with all its ratings,
# which can exceed Neo4j's transaction memory pool.
DELETE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS"
DELETE_NODES = "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS"


@dataclass
class SizeResult:
    """Ratings step of one size: our loader's seconds, each LOAD CSV variant's seconds and our peak memory."""

    size: str
    ratings: int
    ours_seconds: float
    load_csv_seconds: dict[str, float]
    peak_rss_mb: float

    def format_row(self) -> str:
        cells = [f"{self.size:<6}{self.ratings:>12,}{self.ours_seconds:>10.1f}{self.ratings / self.ours_seconds:>12,.0f}"]
        for variant in LOAD_CSV_VARIANTS:
            seconds = self.load_csv_seconds[variant]
            cells.append(f"{seconds:>10.1f}{self.ratings / seconds:>12,.0f}")
        cells.append(f"{self.peak_rss_mb:>12.0f}")
        return "".join(cells)


HEADER = (
    f"{'size':<6}{'ratings':>12}{'ours s':>10}{'ours r/s':>12}"
    + "".join(f"{variant + ' s':>10}{variant + ' r/s':>12}" for variant in LOAD_CSV_VARIANTS)
    + f"{'peak MB':>12}"
)


def prepare_size(size: str, data_dir: Path, import_dir: Path) -> Path:
    """Put the files of ``size`` into ``import_dir/size`` and return that folder."""
    target = import_dir / size
    if size == "small":
        target.mkdir()
        for name in SMALL_FILES:
            shutil.copy(data_dir / "ml-latest-small" / name, target / name)
        return target
    users, movies, ratings, seed = SYNTHETIC_SIZES[size]
    # A separate process, so that generating does not count in this process's peak memory.
    command = [sys.executable, "-m", "graph_rec", "generate", "--users", str(users), "--movies", str(movies)]
    command += ["--ratings", str(ratings), "--seed", str(seed), "--output", str(target)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return target


def empty_database(graph: Graph) -> None:
    """Delete every node of the benchmark's own server and create the schema again."""
    with graph.driver.session(database=graph.database) as session:
        session.run(DELETE_RELATIONSHIPS).consume()
        session.run(DELETE_NODES).consume()
    create_schema(graph)


def time_our_load(graph: Graph, directory: Path, batch_size: int) -> tuple[float, int]:
    """Load ``directory`` with load_movielens; return the validate plus ratings seconds and the ratings written."""
    summary = load_movielens(graph, directory, batch_size=batch_size, show_progress=False)
    return summary.seconds["validate"] + summary.seconds["ratings"], summary.rows_written["ratings"]


def time_load_csv(graph: Graph, directory: Path, import_dir: Path, transaction_rows: int, variant: str = "merge") -> float:
    """Write movies and tags with our loader, then load ratings with LOAD CSV; return the LOAD CSV seconds.

    ``variant`` "merge" is one MERGE per row, as Neo4j's guides write it. "create" takes the
    steps of our loader on an empty graph: the users in one pass, then a CREATE per rating.
    """
    movielens, _ = read_inputs(directory, None, stream_ratings=True)
    no_ratings = pd.DataFrame({"user_id": [], "movie_id": [], "rating": [], "timestamp": []}).astype(
        {"user_id": "int64", "movie_id": "int64", "rating": "float64", "timestamp": "int64"}
    )
    write_movielens(graph, dataclasses.replace(movielens, ratings=no_ratings), show_progress=False)

    url = f"file:///{(directory / 'ratings.csv').relative_to(import_dir).as_posix()}"
    started = time.perf_counter()
    with graph.driver.session(database=graph.database) as session:
        for statement in LOAD_CSV_VARIANTS[variant]:
            session.run(statement, url=url, rows=transaction_rows).consume()
    return time.perf_counter() - started


def warm_up(graph: Graph, directory: Path, import_dir: Path, transaction_rows: int) -> None:
    """Run both loaders once untimed, so that neither pays for the server's cold start."""
    empty_database(graph)
    load_movielens(graph, directory, show_progress=False)
    empty_database(graph)
    time_load_csv(graph, directory, import_dir, transaction_rows, "create")


def measure_size(graph: Graph, size: str, directory: Path, import_dir: Path, arguments) -> SizeResult:
    empty_database(graph)
    ours_seconds, ratings = time_our_load(graph, directory, arguments.batch_size)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ours_count = read_counts(graph)["ratings"]

    load_csv_seconds = compare_load_csv(graph, directory, import_dir, arguments.transaction_rows, ours_count)
    result = SizeResult(size, ratings, ours_seconds, load_csv_seconds, peak_rss_mb)
    logger.info("%s", result.format_row())
    return result


def compare_load_csv(graph: Graph, directory: Path, import_dir: Path, transaction_rows: int, expected: int) -> dict[str, float]:
    """Empty the graph and time each LOAD CSV variant on it; warn if one writes another rating count."""
    seconds = {}
    for variant in LOAD_CSV_VARIANTS:
        empty_database(graph)
        seconds[variant] = time_load_csv(graph, directory, import_dir, transaction_rows, variant)
        count = read_counts(graph)["ratings"]
        if count != expected:
            logger.warning("%s: our load wrote %d RATED relationships and LOAD CSV %s %d", directory, expected, variant, count)
    return seconds


@contextmanager
def benchmark_server(import_dir: Path, heap: str, pagecache: str):
    """Start a Neo4j in a temporary home that reads LOAD CSV files from ``import_dir``; yield its graph."""
    home = Path(tempfile.mkdtemp(prefix="graph-rec-loading-"))
    graph = None
    try:
        instance = neo4j_server.start(
            home,
            bolt_port=neo4j_server.free_port(),
            http_port=neo4j_server.free_port(),
            heap=heap,
            pagecache=pagecache,
            import_dir=import_dir,
        )
        settings = Settings(neo4j_uri=instance.uri, neo4j_user=instance.user, neo4j_password=instance.password, query_timeout=3600.0)
        graph = Graph.from_settings(settings)
        yield graph
    finally:
        if graph is not None:
            graph.close()
        neo4j_server.stop(home)
        shutil.rmtree(home, ignore_errors=True)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Settings.from_env().data_dir, help="folder with ml-latest-small")
    parser.add_argument("--sizes", default="small,1m", help="comma-separated sizes out of small, 1m and 10m")
    parser.add_argument("--batch-size", type=int, default=5000, help="ratings per write transaction of our loader")
    parser.add_argument("--transaction-rows", type=int, default=10000, help="rows per transaction of LOAD CSV")
    parser.add_argument("--heap", default="1g", help="Neo4j heap size, for example 1g")
    parser.add_argument("--pagecache", default="512m", help="Neo4j page cache size, for example 512m")
    arguments = parser.parse_args(argv)
    arguments.sizes = [size.strip() for size in arguments.sizes.split(",") if size.strip()]
    unknown = [size for size in arguments.sizes if size != "small" and size not in SYNTHETIC_SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}: choose from small, {', '.join(SYNTHETIC_SIZES)}")
    return arguments


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("loaders.rating_writer").setLevel(logging.WARNING)
    arguments = parse_arguments(argv)
    import_dir = Path(tempfile.mkdtemp(prefix="graph-rec-loading-data-"))
    try:
        results = []
        with benchmark_server(import_dir, arguments.heap, arguments.pagecache) as graph:
            for position, size in enumerate(arguments.sizes):
                directory = prepare_size(size, arguments.data_dir, import_dir)
                if position == 0:
                    warm_up(graph, directory, import_dir, arguments.transaction_rows)
                results.append(measure_size(graph, size, directory, import_dir, arguments))
                shutil.rmtree(directory)
        print(f"ratings step, batch size {arguments.batch_size}, LOAD CSV {arguments.transaction_rows} rows per transaction")
        print(HEADER)
        for result in results:
            print(result.format_row())
    finally:
        shutil.rmtree(import_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
