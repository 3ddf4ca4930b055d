"""Write validated MovieLens and cast-and-crew data into the graph, and summarise the load.

``load_movielens`` reads and validates every input file before its first write, then creates
the schema and writes each file in batches of one write transaction each. ratings.csv is
validated and written chunk by chunk, so its rows are never all in memory. Every load query
uses MERGE, except ratings into a graph without ratings (see ``loaders.rating_writer``), so
loading the same files again leaves the counts unchanged.

A graph contains one data set, recorded as a ``(:Dataset {name})`` node. ``claim_dataset``
raises ``DatasetConflictError`` before the first write when a load would add a second one.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from graph_rec.db import Graph, read_statements
from loaders.credits import CreditsData, read_credits
from loaders.movielens import DEFAULT_CHUNK_ROWS, USERS_FILE, FileReport, MovieLensData, RatingsFile, read_movielens
from loaders.people import merge_name_people
from loaders.progress import batches_with_progress
from loaders.rating_writer import frame_chunks, write_ratings

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000

# Dataset node name of a graph loaded from a MovieLens "latest" directory.
ML_LATEST = "ml-latest"


@dataclass
class LoadSummary:
    """Report of one load: rows read, skipped and written, graph counts before and after, and seconds per step.

    ``rows_read``, ``skipped`` (rows) and ``dropped_values`` (values removed from kept rows, such
    as a name listed twice for one movie) are keyed by file path. ``rows_written`` and ``seconds`` are
    keyed by step: validate, schema, then one step per load query, and total. The MovieLens
    steps are movies, user_ids (with a users.csv only), ratings, tags, credit_movies, actors,
    directors and merge_name_people (when the graph has IMDb people), and the ml-100k steps are
    genres, ml100k_movies, users and ratings. ``loaders.imdb`` adds imdb_movies (with
    title.basics only), imdb_people, imdb_actors, imdb_directors and merge_name_people.
    """

    directory: str
    credits_path: str | None
    counts_before: dict[str, int] = field(default_factory=dict)
    counts_after: dict[str, int] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)
    dropped_values: dict[str, dict[str, int]] = field(default_factory=dict)
    rows_written: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def created(self) -> dict[str, int]:
        """Nodes and relationships of each kind that the load added (after minus before)."""
        return {kind: self.counts_after.get(kind, 0) - self.counts_before.get(kind, 0) for kind in self.counts_after}

    def add_report(self, report: FileReport) -> None:
        """Record the rows read from one file, its skipped rows and its dropped values."""
        self.rows_read[str(report.path)] = report.rows_read
        self.skipped[str(report.path)] = dict(report.skipped)
        self.dropped_values[str(report.path)] = dict(report.dropped_values)

    def to_dict(self) -> dict:
        """Return the summary as plain values that json.dumps accepts."""
        return {
            "directory": self.directory,
            "credits_path": self.credits_path,
            "counts_before": dict(self.counts_before),
            "counts_after": dict(self.counts_after),
            "created": self.created,
            "rows_read": dict(self.rows_read),
            "skipped": {path: dict(reasons) for path, reasons in self.skipped.items()},
            "dropped_values": {path: dict(reasons) for path, reasons in self.dropped_values.items()},
            "rows_written": dict(self.rows_written),
            "seconds": {step: round(value, 3) for step, value in self.seconds.items()},
        }

    def format(self) -> str:
        """Format the summary as plain-text tables for the command line."""
        sections = [
            self._format_files(),
            _format_reasons("Skipped rows:", self.skipped),
            _format_reasons("Dropped values:", self.dropped_values),
            self._format_counts(),
            self._format_seconds(),
        ]
        return "\n\n".join(section for section in sections if section)

    def _format_files(self) -> str:
        title = f"Loaded {self.directory}" + (f" with cast file {self.credits_path}" if self.credits_path else "")
        width = max([len("file")] + [len(path) for path in self.rows_read])
        lines = [title, f"{'file':<{width}}  {'rows read':>12}  {'rows skipped':>12}"]
        for path, count in self.rows_read.items():
            skipped = sum(self.skipped.get(path, {}).values())
            lines.append(f"{path:<{width}}  {count:>12,}  {skipped:>12,}")
        return "\n".join(lines)

    def _format_counts(self) -> str:
        lines = [f"{'graph':<10}  {'before':>10}  {'after':>10}  {'created':>10}"]
        created = self.created
        for kind, after in self.counts_after.items():
            before = self.counts_before.get(kind, 0)
            lines.append(f"{kind:<10}  {before:>10,}  {after:>10,}  {created[kind]:>10,}")
        return "\n".join(lines)

    def _format_seconds(self) -> str:
        steps = ", ".join(f"{step} {value:.1f}" for step, value in self.seconds.items())
        return f"Seconds per step: {steps}"


def _format_reasons(title: str, counts: dict[str, dict[str, int]]) -> str:
    lines = [f"  {path}: {count:,} × {reason}" for path, reasons in counts.items() for reason, count in reasons.items()]
    return "\n".join([title, *lines]) if lines else ""


def create_schema(graph: Graph) -> None:
    """Create the constraints and indexes in queries/schema.cypher, leaving existing ones as they are."""
    for statement in read_statements("schema"):
        graph.run_text(statement)
    # A new index fills in the background; wait, so that the first search finds every title.
    graph.run_text("CALL db.awaitIndexes(300)")


def read_counts(graph: Graph) -> dict[str, int]:
    """Count the nodes and relationships of each kind with queries/graph_counts.cypher."""
    return graph.read("graph_counts")[0]


class DatasetConflictError(ValueError):
    """A load would add a data set to a graph that contains another one."""


def check_batch_size(batch_size: int) -> None:
    """Raise ValueError unless ``batch_size`` is at least 1."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")


def claim_dataset(graph: Graph, dataset: str) -> None:
    """Store the Dataset node for ``dataset``, or raise DatasetConflictError if the graph contains another data set.

    Data sets number their movies differently (ml-100k item 1 is not MovieLens movieId 1),
    so two of them in one graph would merge unrelated movies.
    """
    state = graph.read("load/dataset_check")[0]
    present = list(state["datasets"])
    if not present and state["movies"]:
        # NOTE: graphs loaded before loads stored a Dataset node contain movies but no marker.
        # load_movielens was the only loader then, so such a graph is taken to contain ml-latest.
        present = [ML_LATEST]
        logger.warning(
            "the graph contains %d movies but no Dataset node, so it is taken to contain %s", state["movies"], ML_LATEST
        )

    if any(name != dataset for name in present):
        raise DatasetConflictError(
            f"the graph already contains the data set {', '.join(repr(name) for name in present)}, and this load "
            f"would add {dataset!r}. Their movie ids number different movies, so two data sets must not share "
            f"a graph. Use another Neo4j home, e.g. --home {_example_home(dataset)}, or an empty server through "
            "NEO4J_URI"
        )
    graph.write("load/dataset", dataset=dataset)


def _example_home(dataset: str) -> str:
    # var/neo4j/movielens is the default home of the command line, and it is meant for ml-latest.
    return "var/neo4j/movielens" if dataset == ML_LATEST else f"var/neo4j/{dataset.replace('-', '')}"


def check_ratings_subset(ratings: pd.DataFrame, all_ratings: pd.DataFrame) -> None:
    """Raise ValueError unless ``ratings`` has the columns of ``all_ratings`` and only its rows, each at most once."""
    columns = list(all_ratings.columns)
    missing = [name for name in columns if name not in ratings.columns]
    if missing:
        raise ValueError(f"ratings lacks the columns {missing}: a ratings subset needs the columns {columns}")

    key = ["user_id", "movie_id"]
    repeated = ratings.duplicated(key)
    if repeated.any():
        first = ratings.loc[repeated, key].to_dict("records")[0]
        raise ValueError(
            f"ratings contains user_id {first['user_id']} and movie_id {first['movie_id']} more than once: "
            "pass each rating of the split once"
        )

    matched = ratings[columns].merge(all_ratings[columns], on=columns, how="left", indicator=True)
    unknown = (matched["_merge"] == "left_only").to_numpy()
    if unknown.any():
        first = matched.loc[unknown, columns].to_dict("records")[0]
        raise ValueError(
            f"ratings contains {int(unknown.sum())} rows that are not among the validated ratings, the first is "
            f"{first}: pass rows selected from data.ratings without changing their values"
        )


def write_dataset(
    graph: Graph,
    summary: LoadSummary,
    dataset: str,
    write_steps: Callable[["_BatchWriter"], None],
    batch_size: int,
    show_progress: bool,
) -> None:
    """Claim ``dataset`` for the graph, create the schema, then run ``write_steps`` with a batch writer.

    ``write_steps`` calls ``writer.write(step, frame, source)`` once per load query. The graph
    counts before and after go into ``summary``. Raises DatasetConflictError before any write
    if the graph contains another data set.
    """
    check_batch_size(batch_size)
    summary.counts_before = read_counts(graph)
    claim_dataset(graph, dataset)
    with _measure(summary, "schema"):
        create_schema(graph)

    write_steps(_BatchWriter(graph, summary, batch_size, show_progress))
    summary.counts_after = read_counts(graph)


def add_validation_seconds(summary: LoadSummary, seconds: float) -> None:
    """Record the seconds spent reading and validating the files as the first step, and add them to the total."""
    summary.seconds = {"validate": seconds, **summary.seconds}
    summary.seconds["total"] = summary.seconds.get("total", 0.0) + seconds


def load_movielens(
    graph: Graph,
    directory: str | Path,
    credits_path: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    show_progress: bool = True,
) -> LoadSummary:
    """Validate a MovieLens directory and an optional cast file, then write them into the graph.

    Raises InputFileError before the first write if any file is invalid, and DatasetConflictError
    if the graph contains another data set, so the graph is unchanged. A database error during
    the writes leaves the batches committed so far in the graph, and running the same load
    again completes it. ``show_progress`` draws a bar per file on stderr.
    """
    check_batch_size(batch_size)
    started = time.perf_counter()
    movielens, credits = read_inputs(directory, credits_path, stream_ratings=True)
    validate_seconds = time.perf_counter() - started

    summary = write_movielens(graph, movielens, credits, batch_size=batch_size, show_progress=show_progress)
    summary.directory = str(directory)
    add_validation_seconds(summary, validate_seconds)
    logger.info("loaded %s in %.1f s: created %s", directory, summary.seconds["total"], summary.created)
    return summary


def write_movielens(
    graph: Graph,
    movielens_data: MovieLensData,
    credits_data: CreditsData | None = None,
    ratings: pd.DataFrame | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    show_progress: bool = True,
) -> LoadSummary:
    """Write validated MovieLens data and optional cast data into the graph.

    ``ratings``, when given, is a subset of the rows of ``movielens_data.ratings`` (for example
    the training part of a split) to write in place of all ratings. Movies, links, tags and
    credits are always written whole. Ratings already in the graph stay there. Raises
    ValueError for a ``ratings`` frame that is not such a subset, or for any ``ratings`` when
    ``movielens_data`` was read with ``stream_ratings=True``, and DatasetConflictError if the
    graph contains another data set, all before any write.
    """
    check_batch_size(batch_size)
    if ratings is not None and isinstance(movielens_data.ratings, RatingsFile):
        raise ValueError("a ratings subset needs the ratings in memory: read the data with stream_ratings=False")
    if ratings is not None:
        check_ratings_subset(ratings, movielens_data.ratings)
        movielens_data = dataclasses.replace(movielens_data, ratings=ratings[list(movielens_data.ratings.columns)])

    credits_path = None if credits_data is None else str(credits_data.report.path)
    summary = LoadSummary(str(movielens_data.directory), credits_path)
    for report in movielens_data.reports + ([credits_data.report] if credits_data else []):
        summary.add_report(report)

    started = time.perf_counter()
    write_dataset(
        graph,
        summary,
        ML_LATEST,
        lambda writer: _write_movielens_and_credits(writer, movielens_data, credits_data),
        batch_size,
        show_progress,
    )
    summary.seconds["total"] = time.perf_counter() - started
    logger.info("wrote %s in %.1f s: created %s", movielens_data.directory, summary.seconds["total"], summary.created)
    return summary


def read_inputs(
    directory: str | Path, credits_path: str | Path | None, *, stream_ratings: bool = False
) -> tuple[MovieLensData, CreditsData | None]:
    """Read and validate every input file, raising InputFileError for the first invalid one.

    ``stream_ratings`` is passed to ``read_movielens``.
    """
    movielens = read_movielens(directory, stream_ratings=stream_ratings)
    if credits_path is None:
        return movielens, None
    movie_ids = set(movielens.movies["movie_id"].tolist())
    return movielens, read_credits(credits_path, movie_ids)


def _write_movielens(writer: "_BatchWriter", data: MovieLensData) -> None:
    """Write movies with their links and genres, then the users of users.csv, then ratings, then tags."""
    directory = data.directory
    writer.write("movies", data.movies, directory / "movies.csv")
    if not data.users.empty:
        writer.write("user_ids", data.users, directory / USERS_FILE)
    writer.write_ratings(data.ratings, directory / "ratings.csv")
    if data.tags.empty:
        logger.info("no tags to write from %s", directory)
    else:
        writer.write("tags", data.tags, directory / "tags.csv")


def _write_movielens_and_credits(writer: "_BatchWriter", movielens: MovieLensData, credits: CreditsData | None) -> None:
    _write_movielens(writer, movielens)
    if credits is not None:
        _write_credits(writer, credits)


def _write_credits(writer: "_BatchWriter", credits: CreditsData) -> None:
    """Write the cast file's movie fields, then actors, then directors, then merge them into IMDb namesakes."""
    path = credits.report.path
    writer.write("credit_movies", credits.movies, path)
    writer.write("actors", credits.actors, path)
    writer.write("directors", credits.directors, path)
    # A graph loaded with IMDb files before this cast file has those people under IMDb ids.
    merge_name_people(writer, credits.actors["person_id"].tolist() + credits.directors["person_id"].tolist(), path)


def frame_records(frame: pd.DataFrame) -> list[dict]:
    """Convert a frame to query parameters: Python scalars and lists, with None for missing values."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


class _BatchWriter:
    """Send frames to the load queries in batches and record the rows and seconds of each step."""

    def __init__(self, graph: Graph, summary: LoadSummary, batch_size: int, show_progress: bool):
        self.graph = graph
        self.summary = summary
        self.batch_size = batch_size
        self.show_progress = show_progress

    def write(self, step: str, frame: pd.DataFrame, source: Path) -> None:
        rows = frame_records(frame)
        logger.info("writing %d rows from %s with load/%s", len(rows), source, step)
        with _measure(self.summary, step):
            description = f"{source.parent.name}/{source.name} → {step}"
            batches = batches_with_progress(rows, self.batch_size, description, self.show_progress)
            written = self.graph.write_batches(f"load/{step}", batches)
        self.summary.rows_written[step] = written
        logger.info("wrote %d rows from %s with load/%s in %.1f s", written, source, step, self.summary.seconds[step])

    def write_ratings(self, ratings: pd.DataFrame | RatingsFile, source: Path) -> None:
        """Write a ratings frame or a validated ratings file chunk by chunk, users first."""
        if isinstance(ratings, RatingsFile):
            chunks, user_ids, total = ratings.chunks(), ratings.user_ids, ratings.rows
        else:
            chunks = frame_chunks(ratings, DEFAULT_CHUNK_ROWS)
            user_ids, total = np.sort(ratings["user_id"].unique()), len(ratings)
        with _measure(self.summary, "ratings"):
            written = write_ratings(self.graph, chunks, user_ids, total, source, self.batch_size, self.show_progress)
        self.summary.rows_written["ratings"] = written
        logger.info("wrote %d ratings from %s in %.1f s", written, source, self.summary.seconds["ratings"])


@contextmanager
def _measure(summary: LoadSummary, step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.seconds[step] = time.perf_counter() - started
