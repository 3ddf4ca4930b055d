"""Read, validate and write the MovieLens 100K data set (ml-100k): u.data, u.item, u.user and u.genre.

The files have no header and no quoting. u.data is tab-separated, and u.item, u.user and
u.genre are '|'-separated. Every file is decoded as ISO-8859-1 (latin-1), the encoding of the
accented titles in u.item. Latin-1 maps every byte to a character, so decoding never fails,
and a damaged line shows up as a wrong field count instead.

``read_ml100k`` checks every file completely before anything is written, and the first invalid
value raises ``InputFileError`` with the file, line, column (the field names of the ml-100k
README), value and fix. Ratings of items missing from u.item or of users missing from u.user
are skipped and counted.

ml-100k item ids number different movies than MovieLens "latest" movieIds, so the writer marks
the graph with ``(:Dataset {name: 'ml-100k'})`` and raises DatasetConflictError for a graph that
contains ml-latest.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from graph_rec.db import Graph
from loaders.errors import InputFileError
from loaders.movielens import (
    INTEGER_PATTERN,
    UNSIGNED_PATTERN,
    CsvTable,
    FileReport,
    _read_bytes,
    check_unique,
    parse_positive_ids,
    parse_timestamps,
    parse_year,
    reject_invalid,
)
from loaders.writer import (
    DEFAULT_BATCH_SIZE,
    LoadSummary,
    add_validation_seconds,
    check_batch_size,
    check_ratings_subset,
    write_dataset,
)

logger = logging.getLogger(__name__)

DATASET = "ml-100k"

RATINGS_FILE = "u.data"
ITEMS_FILE = "u.item"
USERS_FILE = "u.user"
GENRES_FILE = "u.genre"
REQUIRED_FILES = (RATINGS_FILE, ITEMS_FILE, USERS_FILE, GENRES_FILE)
ENCODING = "latin-1"

# Field names as the ml-100k README gives them; error messages name columns with them.
RATINGS_FIELDS = ("user id", "item id", "rating", "timestamp")
ITEM_FIELDS = ("movie id", "movie title", "release date", "video release date", "IMDb URL")
USER_FIELDS = ("user id", "age", "gender", "occupation", "zip code")
GENRE_FIELDS = ("name", "index")

# u.genre lists this genre, but it means "no genre known", so no Genre node is made for it.
UNKNOWN_GENRE = "unknown"
GENDERS = ("M", "F")

UNKNOWN_ITEM = "item id not in u.item"
UNKNOWN_USER = "user id not in u.user"

# Release dates look like 01-Jan-1995, and one u.item line has 4-Feb-1971.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_PATTERN = rf"[0-9]{{1,2}}-(?:{'|'.join(MONTHS)})-[0-9]{{4}}"


@dataclass(frozen=True)
class ML100kData:
    """Validated ml-100k tables with typed columns and the report of each file read.

    ``genres`` lists every u.genre name in index order, "unknown" included. ``movies`` has
    movie_id, title, year (nullable), genres (list without "unknown"), unknown_genre (bool),
    release_date, video_release_date and imdb_url (text as given, None when empty). ``users``
    has user_id, age, gender, occupation and zip (text). ``ratings`` has user_id, movie_id,
    rating (float) and timestamp, the same columns as ``MovieLensData.ratings``.
    """

    directory: Path
    genres: list[str]
    movies: pd.DataFrame
    users: pd.DataFrame
    ratings: pd.DataFrame
    reports: list[FileReport]

    def genre_names(self) -> list[str]:
        """Return the genres that become Genre nodes: u.genre in index order without "unknown"."""
        return [name for name in self.genres if name != UNKNOWN_GENRE]


def read_ml100k(directory: str | Path) -> ML100kData:
    """Read and validate every ml-100k file in ``directory``, raising InputFileError on the first problem."""
    directory = Path(directory)
    _check_directory(directory)

    genres, genres_report = read_genres(directory / GENRES_FILE)
    movies, movies_report = read_items(directory / ITEMS_FILE, genres)
    users, users_report = read_users(directory / USERS_FILE)
    ratings, ratings_report = read_ratings(
        directory / RATINGS_FILE, set(movies["movie_id"].tolist()), set(users["user_id"].tolist())
    )
    reports = [genres_report, movies_report, users_report, ratings_report]
    return ML100kData(directory, genres, movies, users, ratings, reports)


def read_genres(path: Path) -> tuple[list[str], FileReport]:
    """Read u.genre ("name|index" lines) into the genre names ordered by index, which is the flag order of u.item."""
    table = read_delimited(path, "|", GENRE_FIELDS, "name|index, for example Action|1")
    empty_names = table.frame["name"].str.strip() == ""
    reject_invalid(table, "name", empty_names, "empty genre {column} {value!r}, expected text")
    check_unique(table, ["name"])

    text = table.frame["index"]
    is_number = text.str.fullmatch(UNSIGNED_PATTERN)
    reject_invalid(table, "index", ~is_number, "invalid genre {column} {value!r}, expected a whole number from 0")
    indexes = pd.to_numeric(text).astype("int64")
    count = len(indexes)
    reject_invalid(
        table,
        "index",
        indexes >= count,
        f"genre {{column}} {{value!r}} is out of range, "
        f"expected 0 to {count - 1} because the file lists {count} genres",
    )
    check_unique(table, ["index"])

    # Unique indexes from 0 to count - 1 are a permutation, so sorting gives the flag order.
    genres = table.frame["name"].astype(object).to_numpy()[np.argsort(indexes.to_numpy())].tolist()
    return genres, FileReport(path, count)


def read_items(path: Path, genres: Sequence[str]) -> tuple[pd.DataFrame, FileReport]:
    """Read u.item, whose lines end with one 0/1 flag per genre in ``genres`` order, and reject repeated movie ids."""
    layout = f"{'|'.join(ITEM_FIELDS)}, then {len(genres)} genre flags (0 or 1) in the order of u.genre"
    table = read_delimited(path, "|", (*ITEM_FIELDS, *genres), layout)
    movie_ids = parse_positive_ids(table, "movie id")
    table = _with_canonical_ids(table, {"movie id": movie_ids})
    check_unique(table, ["movie id"])
    reject_invalid(table, "movie title", table.frame["movie title"].str.strip() == "", "empty {column}, expected text")
    flags = _parse_flags(table, genres)

    titles = table.frame["movie title"].astype(object)
    named = [name for name in genres if name != UNKNOWN_GENRE]
    genre_lists = [[name for name, flag in zip(named, row) if flag] for row in flags[named].itertuples(index=False)]
    movies = pd.DataFrame(
        {
            "movie_id": movie_ids,
            "title": titles,
            "year": pd.array([parse_year(title) for title in titles], dtype="Int64"),
            "genres": genre_lists,
            "unknown_genre": flags[UNKNOWN_GENRE] if UNKNOWN_GENRE in genres else False,
            "release_date": parse_optional_dates(table, "release date"),
            "video_release_date": parse_optional_dates(table, "video release date"),
            "imdb_url": _optional_text(table.frame["IMDb URL"]),
        }
    )
    return movies, FileReport(path, len(movies))


def read_users(path: Path) -> tuple[pd.DataFrame, FileReport]:
    """Read u.user into user_id, age, gender, occupation and zip, and reject repeated user ids."""
    table = read_delimited(path, "|", USER_FIELDS, "|".join(USER_FIELDS))
    user_ids = parse_positive_ids(table, "user id")
    table = _with_canonical_ids(table, {"user id": user_ids})
    check_unique(table, ["user id"])
    ages = parse_positive_ids(table, "age")

    gender = table.frame["gender"]
    reject_invalid(table, "gender", ~gender.isin(GENDERS), "invalid {column} {value!r}, expected M or F")
    for column in ("occupation", "zip code"):
        reject_invalid(table, column, table.frame[column].str.strip() == "", "empty {column}, expected text")

    users = pd.DataFrame(
        {
            "user_id": user_ids,
            "age": ages,
            "gender": gender.astype(object),
            "occupation": table.frame["occupation"].astype(object),
            "zip": table.frame["zip code"].astype(object),
        }
    )
    return users, FileReport(path, len(users))


def read_ratings(
    path: Path, movie_ids: Collection[int], user_ids: Collection[int]
) -> tuple[pd.DataFrame, FileReport]:
    """Read u.data, rejecting repeated (user, item) pairs and skipping ratings of unknown items or users."""
    table = read_delimited(path, "\t", RATINGS_FIELDS, "user id, item id, rating and timestamp separated by tabs")
    ratings = pd.DataFrame(
        {
            "user_id": parse_positive_ids(table, "user id"),
            "movie_id": parse_positive_ids(table, "item id"),
            "rating": parse_whole_ratings(table, "rating"),
            "timestamp": parse_timestamps(table, "timestamp"),
        }
    )
    table = _with_canonical_ids(table, {"user id": ratings["user_id"], "item id": ratings["movie_id"]})
    check_unique(table, ["user id", "item id"])

    report = FileReport(path, len(ratings))
    known_items = ratings["movie_id"].isin(movie_ids)
    report.skip(UNKNOWN_ITEM, (~known_items).sum())
    known_users = ratings["user_id"].isin(user_ids)
    report.skip(UNKNOWN_USER, (known_items & ~known_users).sum())
    return ratings[known_items & known_users].reset_index(drop=True), report


# Reading headerless files -------------------------------------------------------------------


def read_delimited(path: Path, separator: str, columns: Sequence[str], layout: str) -> CsvTable:
    """Read a headerless file of ``separator``-delimited lines as text columns named ``columns``.

    Empty lines are skipped but counted, so every error gives the file line. Any other line
    must have exactly ``len(columns)`` fields. ``layout`` describes a line for the fix text.
    """
    text = _read_bytes(path).decode(ENCODING)
    records: list[list[str]] = []
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line:
            continue
        fields = line.split(separator)
        if len(fields) != len(columns):
            raise _field_count_error(path, number, line, len(fields), separator, columns, layout)
        records.append(fields)
        lines.append(number)

    if not records:
        raise InputFileError(path, "the file is empty", f"Write one line per row: {layout}", line=1)
    frame = pd.DataFrame(records, columns=list(columns), dtype="str")
    return CsvTable(path, list(columns), frame, np.asarray(lines, dtype=np.int64))


def _field_count_error(
    path: Path, line: int, text: str, count: int, separator: str, columns: Sequence[str], layout: str
) -> InputFileError:
    separator_name = "tabs" if separator == "\t" else f"'{separator}'"
    fields = "field" if count == 1 else "fields"
    problem = (
        f"the line {text!r} has {count} {fields} separated by {separator_name}, "
        f"but {path.name} lines have {len(columns)}"
    )
    if separator == "|" and count > len(columns):
        problem += " (a '|' inside a value splits it in two)"
    return InputFileError(
        path,
        problem,
        f"A {path.name} line is {layout}. Correct the line or delete it, then run the load again",
        line=line,
        column=columns[count] if count < len(columns) else None,
        value=text,
    )


# Column checks ------------------------------------------------------------------------------


def parse_whole_ratings(table: CsvTable, column: str) -> pd.Series:
    """Convert a column of whole-star ratings from 1 to 5 to float64, the type RATED.rating has for every data set."""
    text = table.frame[column]
    is_integer = text.str.fullmatch(INTEGER_PATTERN)
    reject_invalid(table, column, ~is_integer, "invalid {column} {value!r}, expected a whole number from 1 to 5")
    numbers = pd.to_numeric(text).astype("int64")
    outside = (numbers < 1) | (numbers > 5)
    reject_invalid(table, column, outside, "{column} {value!r} is out of range, expected a whole number from 1 to 5")
    return numbers.astype("float64")


def parse_optional_dates(table: CsvTable, column: str) -> pd.Series:
    """Keep a column of dates such as 01-Jan-1995 as text, with None for empty values, rejecting other forms."""
    text = table.frame[column]
    empty = text == ""
    reject_invalid(
        table,
        column,
        ~empty & ~text.str.fullmatch(DATE_PATTERN),
        "invalid {column} {value!r}, expected a date such as 01-Jan-1995 or nothing",
    )
    impossible = pd.Series([not is_empty and not _is_calendar_date(value) for value, is_empty in zip(text, empty)])
    reject_invalid(table, column, impossible, "{column} {value!r} is not a date in the calendar")
    return _optional_text(text)


def _is_calendar_date(value: str) -> bool:
    day, month, year = value.split("-")
    try:
        datetime.date(int(year), MONTHS.index(month) + 1, int(day))
    except ValueError:
        return False
    return True


def _parse_flags(table: CsvTable, genres: Sequence[str]) -> pd.DataFrame:
    """Convert the genre flag columns to booleans, rejecting values other than 0 and 1."""
    flags = {}
    for name in genres:
        text = table.frame[name]
        invalid = ~text.isin(["0", "1"])
        reject_invalid(table, name, invalid, "invalid flag {value!r} for the genre {column}, expected 0 or 1")
        flags[name] = (text == "1").to_numpy()
    return pd.DataFrame(flags)


def _optional_text(text: pd.Series) -> pd.Series:
    return text.astype(object).where(text != "", None)


def _with_canonical_ids(table: CsvTable, ids: dict[str, pd.Series]) -> CsvTable:
    """Replace id columns with their parsed values as text, so that "7" and "07" count as the same id."""
    frame = table.frame.assign(**{column: values.astype(str) for column, values in ids.items()})
    return CsvTable(table.path, table.header, frame, table.lines)


def _check_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise InputFileError(
            directory, "directory not found", f"Give the ml-100k directory, which contains {', '.join(REQUIRED_FILES)}"
        )
    for name in REQUIRED_FILES:
        if not (directory / name).is_file():
            raise InputFileError(
                directory / name, "file not found", f"An ml-100k directory must contain {', '.join(REQUIRED_FILES)}"
            )


# Writing ------------------------------------------------------------------------------------


def load_ml100k(
    graph: Graph, directory: str | Path, batch_size: int = DEFAULT_BATCH_SIZE, *, show_progress: bool = True
) -> LoadSummary:
    """Validate an ml-100k directory, then write all of it into the graph.

    Raises InputFileError before the first write if any file is invalid, and
    DatasetConflictError if the graph contains another data set, so the graph is unchanged.
    Loading the same directory again leaves the counts unchanged.
    """
    check_batch_size(batch_size)
    started = time.perf_counter()
    data = read_ml100k(directory)
    validate_seconds = time.perf_counter() - started

    summary = write_ml100k(graph, data, batch_size=batch_size, show_progress=show_progress)
    summary.directory = str(directory)
    add_validation_seconds(summary, validate_seconds)
    logger.info("loaded %s in %.1f s: created %s", directory, summary.seconds["total"], summary.created)
    return summary


def write_ml100k(
    graph: Graph,
    data: ML100kData,
    ratings: pd.DataFrame | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    show_progress: bool = True,
) -> LoadSummary:
    """Write validated ml-100k data into the graph: genres, movies, users, then ratings.

    ``ratings``, when given, is a subset of the rows of ``data.ratings`` (for example the
    training part of a split) to write in place of all ratings. Movies and users are always
    written whole, so an item without training ratings still exists. Ratings already in the
    graph stay there. Raises ValueError for a ``ratings`` frame that is not such a subset, and
    DatasetConflictError if the graph contains another data set, both before any write.
    """
    check_batch_size(batch_size)
    if ratings is None:
        ratings = data.ratings
    else:
        check_ratings_subset(ratings, data.ratings)
        ratings = ratings[list(data.ratings.columns)]

    summary = LoadSummary(str(data.directory), None)
    for report in data.reports:
        summary.add_report(report)

    started = time.perf_counter()
    write_dataset(
        graph, summary, DATASET, lambda writer: _write_tables(writer, data, ratings), batch_size, show_progress
    )
    summary.seconds["total"] = time.perf_counter() - started
    logger.info(
        "wrote %s with %d of %d ratings in %.1f s: created %s",
        data.directory,
        len(ratings),
        len(data.ratings),
        summary.seconds["total"],
        summary.created,
    )
    return summary


def _write_tables(writer, data: ML100kData, ratings: pd.DataFrame) -> None:
    directory = data.directory
    writer.write("genres", pd.DataFrame({"name": data.genre_names()}, dtype=object), directory / GENRES_FILE)
    writer.write("ml100k_movies", data.movies, directory / ITEMS_FILE)
    writer.write("users", data.users, directory / USERS_FILE)
    writer.write("ratings", ratings, directory / RATINGS_FILE)
