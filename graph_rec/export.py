"""Write the graph's movies, users, ratings, tags and cast and crew back to the CSV files that ``load`` reads.

The files have the columns, quoting, number formats and row order of MovieLens ml-latest-small
and of the cast-and-crew file, so loading an export into an empty graph and exporting again
writes the same bytes. The export writes into one directory:

- movies.csv, links.csv and ratings.csv, always;
- tags.csv, when the graph has tags;
- users.csv, a userId column that lists every user, when some user has neither ratings nor
  tags (for example a user created through the API). MovieLens itself has no users file,
  because its users exist only through ratings.csv and tags.csv;
- credits.csv, the cast-and-crew file, when any movie has a release date, an IMDb rating, an
  actor or a director. A movie with none of these has no line in it.

The cast file's title and genres columns are not stored by the loader, so the export derives
them from MovieLens: the title without its trailing "(year)", and the MovieLens genres.

Every file is first written under a temporary name and renamed once all files are complete,
so a failed export leaves the directory as it was.
"""

from __future__ import annotations

import csv
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph_rec.db import Graph
from graph_rec.progress import progress_bar
from loaders.movielens import (
    LINKS_COLUMNS,
    LINKS_FILE,
    MOVIES_COLUMNS,
    MOVIES_FILE,
    NO_GENRES,
    RATINGS_COLUMNS,
    RATINGS_FILE,
    TAGS_COLUMNS,
    TAGS_FILE,
    USERS_COLUMNS,
    USERS_FILE,
    YEAR_AT_END,
)

logger = logging.getLogger(__name__)

CREDITS_FILE = "credits.csv"
CREDITS_COLUMNS = ("movieId", "released", "title", "actors", "director", "genres", "imdbRating")
EXPORT_FILES = (MOVIES_FILE, LINKS_FILE, RATINGS_FILE, TAGS_FILE, USERS_FILE, CREDITS_FILE)

# Line ends of the originals: ml-latest-small as stored in the data folder ends its lines with
# CRLF, and the cast-and-crew file with LF. The loaders read both.
MOVIELENS_LINE_END = "\r\n"
CREDITS_LINE_END = "\n"

# The name of the data set whose format the export writes, as the loaders record it.
MOVIELENS_DATASET = "ml-latest"

# Rows read per read transaction. A user with more ratings than this is read alone.
PAGE_ROWS = 50_000
PROGRESS_SECONDS = 5.0


class ExportError(ValueError):
    """The export cannot start or cannot finish; the message names the problem and the fix."""


@dataclass
class ExportSummary:
    """The files an export wrote, with their data rows (header excluded), and its seconds."""

    directory: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def load_command(self) -> str:
        """Return the command line that loads these files into a graph."""
        command = f"python -m graph_rec load --movielens {self.directory}"
        if CREDITS_FILE in self.rows:
            command += f" --credits {self.directory / CREDITS_FILE}"
        return command

    def format(self) -> str:
        """Format the files and their row counts as plain text for the command line."""
        lines = [f"Exported the graph to {self.directory} in {self.seconds:.1f} s"]
        lines += [f"  {name:<12} {count:>12,} rows" for name, count in self.rows.items()]
        return "\n".join(lines)


def export_graph(graph: Graph, directory: str | Path, *, force: bool = False) -> ExportSummary:
    """Write the graph to CSV files in ``directory``, creating it if needed.

    Raises ExportError before reading any rows when ``directory`` already contains one of
    ``EXPORT_FILES`` and ``force`` is false, when the graph has no movies, or when it contains
    a data set other than MovieLens "latest". With ``force``, the files of an earlier export
    are replaced, and those this export does not write (such as tags.csv of a graph that now
    has no tags) are deleted.
    """
    started = time.perf_counter()
    directory = Path(directory)
    check_directory(directory, force)
    contents = graph.read("export/contents")[0]
    check_contents(contents)

    movie_ids = graph.read_columns("movie_ids", {"movie_id": "int64"})["movie_id"]
    users = graph.read_columns("export/users", {"user_id": "int64", "ratings": "int64", "tags": "int64"})
    summary = ExportSummary(directory)
    # NOTE: the export reads in many read transactions, so a write made while it runs can reach
    # some files or pages and not others. Stop the writers for an exact copy.
    with StagedFiles(directory) as files:
        _export_movies(graph, files, movie_ids, summary)
        _export_by_user(graph, files, RATINGS, users, "ratings", summary)
        if contents["tags"]:
            _export_by_user(graph, files, TAGS, users, "tags", summary)
        if np.any((users["ratings"] == 0) & (users["tags"] == 0)):
            _export_users(files, users["user_id"], summary)
        if contents["has_credits"]:
            _export_credits(graph, files, movie_ids, summary)
        files.publish(remove_others=force)

    summary.seconds = time.perf_counter() - started
    logger.info("exported %s to %s in %.1f s", summary.rows, directory, summary.seconds)
    return summary


def check_directory(directory: Path, force: bool) -> None:
    """Raise ExportError when ``directory`` is not a directory, or contains export files and ``force`` is false."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is a file, not a directory: give a new or empty directory for the CSV files")
    if force or not directory.exists():
        return
    existing = [name for name in EXPORT_FILES if (directory / name).exists()]
    if existing:
        raise ExportError(
            f"{directory} already contains {', '.join(existing)}: choose another directory, delete those files, "
            "or use --force to replace them"
        )


def check_contents(contents: dict) -> None:
    """Raise ExportError for a graph without movies or with a data set other than MovieLens "latest"."""
    others = [name for name in contents["datasets"] if name != MOVIELENS_DATASET]
    if others:
        raise ExportError(
            f"the graph contains the data set {', '.join(repr(name) for name in others)}, but export writes the "
            f"MovieLens {MOVIELENS_DATASET!r} format only, whose files cannot hold that data set's fields: "
            "export a graph loaded with `load --movielens`"
        )
    if not contents["movies"]:
        raise ExportError(
            "the graph has no movies, so there is nothing to export: load data first with "
            "`python -m graph_rec load --movielens DIR`, or check NEO4J_URI and --home"
        )


class StagedFiles:
    """CSV files written under temporary names in one directory, then renamed into place together."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.staged: dict[str, Path] = {}

    def __enter__(self) -> "StagedFiles":
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _write_error(self.directory, error) from error
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        for path in self.staged.values():
            path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(self.directory, error) from error

    @contextmanager
    def open(self, name: str, line_end: str) -> Iterator[csv.writer]:
        """Yield a CSV writer for the file ``name``, which ``publish`` renames into place."""
        # `load` reads only the file names it expects, so it ignores this hidden name.
        # NOTE: an export killed by a signal leaves this file behind, and no later export removes it.
        path = self.directory / f".{name}.{os.getpid()}.partial"
        self.staged[name] = path
        with path.open("w", newline="", encoding="utf-8") as file:
            yield csv.writer(file, lineterminator=line_end)

    def publish(self, remove_others: bool) -> None:
        """Rename every staged file to its name, and with ``remove_others`` delete the other export files."""
        for name, path in self.staged.items():
            os.replace(path, self.directory / name)
        written = set(self.staged)
        self.staged = {}
        if not remove_others:
            return
        for name in EXPORT_FILES:
            stale = self.directory / name
            if name not in written and stale.exists():
                stale.unlink()
                logger.info("deleted %s of an earlier export, because this graph gives it no rows", stale)


def _write_error(directory: Path, error: OSError) -> ExportError:
    return ExportError(
        f"writing to {directory} failed ({error.strerror or error}): check that the path is a directory you can write "
        "to and that the disk has space"
    )


def pages(ids: np.ndarray, sizes: np.ndarray, max_rows: int = PAGE_ROWS) -> Iterator[list[int]]:
    """Cut ``ids`` into runs of consecutive ids whose ``sizes`` add up to at most ``max_rows``.

    An id whose size alone exceeds ``max_rows`` gets a page of its own.
    """
    start = 0
    rows = 0
    for index, size in enumerate(sizes.tolist()):
        if index > start and rows + size > max_rows:
            yield ids[start:index].tolist()
            start, rows = index, 0
        rows += size
    if start < len(ids):
        yield ids[start:].tolist()


class _Progress:
    """Draw a bar of the rows written to one file, and log them at most every PROGRESS_SECONDS and at the end."""

    def __init__(self, name: str, total: int):
        self.name = name
        self.total = total
        self.rows = 0
        self.started = self.logged = time.perf_counter()
        self.bar = progress_bar(total, name)

    def add(self, rows: int) -> None:
        self.rows += rows
        self.bar.update(rows)
        now = time.perf_counter()
        if now - self.logged >= PROGRESS_SECONDS:
            self.logged = now
            logger.info("exported %d of %d rows to %s", self.rows, self.total, self.name)

    def finish(self) -> int:
        self.bar.close()
        logger.info("exported %d rows to %s in %.1f s", self.rows, self.name, time.perf_counter() - self.started)
        return self.rows


@dataclass(frozen=True)
class CsvFile:
    """One export file: its columns, the query that reads its rows for a page of ids, and the lines of a row."""

    name: str
    columns: tuple[str, ...]
    query: str
    # Name of the query parameter that takes the page of ids: "movie_ids" or "user_ids".
    ids_parameter: str
    format_lines: Callable[[dict], list[list]]
    line_end: str = MOVIELENS_LINE_END


def write_file(graph: Graph, files: StagedFiles, spec: CsvFile, id_pages: Iterator[list[int]], total: int) -> int:
    """Write the header of ``spec``, then the lines of each row its query returns for each page; return the lines."""
    progress = _Progress(spec.name, total)
    with files.open(spec.name, spec.line_end) as writer:
        writer.writerow(spec.columns)
        for page in id_pages:
            rows = graph.read(spec.query, **{spec.ids_parameter: page})
            lines = [line for row in rows for line in spec.format_lines(row)]
            writer.writerows(lines)
            progress.add(len(lines))
    return progress.finish()


def _export_movies(graph: Graph, files: StagedFiles, movie_ids: np.ndarray, summary: ExportSummary) -> None:
    """Write movies.csv and links.csv, one line per movie."""
    for spec in (MOVIES, LINKS):
        id_pages = pages(movie_ids, np.ones(len(movie_ids), dtype=np.int64))
        summary.rows[spec.name] = write_file(graph, files, spec, id_pages, len(movie_ids))


def _export_credits(graph: Graph, files: StagedFiles, movie_ids: np.ndarray, summary: ExportSummary) -> None:
    id_pages = pages(movie_ids, np.ones(len(movie_ids), dtype=np.int64))
    summary.rows[CREDITS.name] = write_file(graph, files, CREDITS, id_pages, len(movie_ids))


def _export_by_user(
    graph: Graph, files: StagedFiles, spec: CsvFile, users: dict[str, np.ndarray], count_column: str, summary: ExportSummary
) -> None:
    """Write ratings.csv or tags.csv, reading the users with rows in pages of about PAGE_ROWS rows."""
    counts = users[count_column]
    has_rows = counts > 0
    id_pages = pages(users["user_id"][has_rows], counts[has_rows])
    summary.rows[spec.name] = write_file(graph, files, spec, id_pages, int(counts.sum()))


def _export_users(files: StagedFiles, user_ids: np.ndarray, summary: ExportSummary) -> None:
    """Write users.csv from the user ids that the export has in memory already."""
    with files.open(USERS_FILE, MOVIELENS_LINE_END) as writer:
        writer.writerow(USERS_COLUMNS)
        writer.writerows([user_id] for user_id in user_ids.tolist())
    summary.rows[USERS_FILE] = len(user_ids)
    logger.info("exported %d rows to %s", len(user_ids), USERS_FILE)


# One function per file turns a query row into the fields of its CSV lines.


def movie_lines(row: dict) -> list[list]:
    title = _required(row["title"], "title", f"movie {row['movie_id']}")
    return [[row["movie_id"], title, genres_field(row["genres"])]]


def link_lines(row: dict) -> list[list]:
    return [[row["movie_id"], _text(row["imdb_id"]), _text(row["tmdb_id"])]]


def rating_lines(row: dict) -> list[list]:
    """Return one line per rating of the user in ``row``, whose ``ratings`` are [movie_id, rating, timestamp] lists."""
    user_id = row["user_id"]
    lines = []
    for movie_id, value, timestamp in row["ratings"]:
        rating = f"the rating of user {user_id} for movie {movie_id}"
        _required(value, "rating", rating)
        _required(timestamp, "timestamp", rating)
        # Ratings are half stars from 0.5 to 5.0, which MovieLens writes with one decimal: "4.0".
        lines.append([user_id, movie_id, f"{value:.1f}", timestamp])
    return lines


def tag_lines(row: dict) -> list[list]:
    owner = f"the tag {row['tag']!r} of user {row['user_id']} for movie {row['movie_id']}"
    timestamp = _required(row["timestamp"], "timestamp", owner)
    return [[row["user_id"], row["movie_id"], row["tag"], timestamp]]


def credits_lines(row: dict) -> list[list]:
    title = _required(row["title"], "title", f"movie {row['movie_id']}")
    return [[
        row["movie_id"],
        _text(row["released"]),
        credits_title(title),
        "|".join(row["actors"]),
        "|".join(row["directors"]),
        genres_field(row["genres"]),
        _text(row["imdb_rating"]),
    ]]


def genres_field(genres: list[str]) -> str:
    """Join genre names with '|' as movies.csv does, writing MovieLens's placeholder for none."""
    return "|".join(genres) if genres else NO_GENRES


def credits_title(title: str) -> str:
    """Return a MovieLens title without its trailing year, as the cast file writes titles: "Heat (1995)" gives "Heat"."""
    return YEAR_AT_END.sub("", title).rstrip()


def _text(value) -> str:
    # str() of a float is its shortest round-trip form, which is how the cast file writes "8.3".
    return "" if value is None else str(value)


def _required(value, column: str, owner: str):
    if value is None:
        raise ExportError(
            f"{owner} has no {column}, which the CSV format requires: set it or delete {owner} in the graph, "
            "then export again"
        )
    return value


MOVIES = CsvFile(MOVIES_FILE, MOVIES_COLUMNS, "export/movies", "movie_ids", movie_lines)
LINKS = CsvFile(LINKS_FILE, LINKS_COLUMNS, "export/links", "movie_ids", link_lines)
RATINGS = CsvFile(RATINGS_FILE, RATINGS_COLUMNS, "export/ratings", "user_ids", rating_lines)
TAGS = CsvFile(TAGS_FILE, TAGS_COLUMNS, "export/tags", "user_ids", tag_lines)
CREDITS = CsvFile(CREDITS_FILE, CREDITS_COLUMNS, "export/credits", "movie_ids", credits_lines, CREDITS_LINE_END)
