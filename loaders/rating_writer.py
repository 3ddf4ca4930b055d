"""Write MovieLens ratings chunk by chunk: users first, then the ratings of each chunk in batches.

A background thread reads and converts the next chunk while Neo4j writes the current one,
in WRITERS concurrent write transactions.
Ratings go to Neo4j as four parallel lists per batch, which the Python driver packs about
2.5 times faster than one map per row (measured with neo4j 6.4.1 and no Rust extension).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from graph_rec.db import Graph, load_query
from loaders.progress import progress_bar

logger = logging.getLogger(__name__)

_END = object()
# Write transactions in flight at once, each on its own session. With two, Neo4j works on one
# batch while the driver sends the next: 25% faster for 1M ratings on a 2-core machine.
WRITERS = 2


def write_ratings(
    graph: Graph,
    chunks: Iterable[pd.DataFrame],
    user_ids: np.ndarray,
    total: int,
    source: Path,
    batch_size: int,
    show_progress: bool = True,
) -> int:
    """Create the users in ``user_ids``, then write every rating of ``chunks`` and return the rating count.

    Each batch is one write transaction. The ratings are created without MERGE only when the
    graph has no RATED relationship before the first batch. Otherwise, for example after an
    interrupted load, they are merged, so a load always ends with one RATED per pair.
    """
    write_users(graph, user_ids, batch_size)
    present = graph.read("load/ratings_present")[0]["present"]
    query = load_query("load/ratings_merge" if present else "load/ratings_create")
    logger.info(
        "writing %d ratings from %s with %s", total, source, "MERGE" if present else "CREATE, as the graph has no ratings yet"
    )

    started = time.perf_counter()
    written = 0
    description = f"{source.parent.name}/{source.name} → ratings"
    with progress_bar(total, description, show_progress) as bar, ThreadPoolExecutor(
        max_workers=WRITERS, thread_name_prefix="ratings-writer"
    ) as writers:
        for batches in _prefetched(_batch_columns(chunk, batch_size) for chunk in chunks):
            for count in writers.map(lambda columns: _write_batch(graph, query, columns), batches):
                bar.update(count)
            written += sum(len(columns["user_ids"]) for columns in batches)
            seconds = time.perf_counter() - started
            logger.info("wrote %d of %d ratings from %s (%.0f ratings/s)", written, total, source, written / max(seconds, 1e-9))
    return written


def write_users(graph: Graph, user_ids: np.ndarray, batch_size: int) -> None:
    """Create the users of ``user_ids`` that the graph does not contain yet, in batches."""
    query = load_query("load/rating_users")
    ids = user_ids.tolist()
    with graph.driver.session(database=graph.database) as session:
        for start in range(0, len(ids), batch_size):
            session.execute_write(_run_columns, query, {"user_ids": ids[start : start + batch_size]})
    logger.info("created or found %d users", len(ids))


def frame_chunks(ratings: pd.DataFrame, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Split a ratings frame that is already in memory into chunks, for ``write_ratings``."""
    for start in range(0, len(ratings), chunk_rows):
        yield ratings.iloc[start : start + chunk_rows]


def _batch_columns(chunk: pd.DataFrame, batch_size: int) -> list[dict[str, list]]:
    """Sort a chunk by user and movie and cut it into batches of parallel lists of Python numbers."""
    # Rows of one user land in one batch, so each transaction touches fewer user nodes.
    chunk = chunk.sort_values(["user_id", "movie_id"], kind="stable")
    columns = {
        "user_ids": chunk["user_id"].tolist(),
        "movie_ids": chunk["movie_id"].tolist(),
        "ratings": chunk["rating"].tolist(),
        "timestamps": chunk["timestamp"].tolist(),
    }
    return [
        {name: values[start : start + batch_size] for name, values in columns.items()}
        for start in range(0, len(chunk), batch_size)
    ]


def _prefetched(items: Iterator) -> Iterator:
    """Yield the items of ``items`` while one background thread produces the next one."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ratings-reader") as executor:
        future = executor.submit(next, items, _END)
        while True:
            item = future.result()
            if item is _END:
                return
            future = executor.submit(next, items, _END)
            yield item


def _write_batch(graph: Graph, query: str, columns: dict[str, list]) -> int:
    """Write one batch in a write transaction of its own session; return its row count."""
    with graph.driver.session(database=graph.database) as session:
        session.execute_write(_run_columns, query, columns)
    return len(columns["user_ids"])


def _run_columns(tx, query: str, columns: dict[str, list]) -> None:
    tx.run(query, **columns).consume()
