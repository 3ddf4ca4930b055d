"""Read and validate a MovieLens "latest" directory: movies.csv, ratings.csv, links.csv, tags.csv and users.csv.

tags.csv and users.csv are optional. MovieLens itself has no users.csv: its users are the
userIds of ratings.csv and tags.csv. ``python -m graph_rec export`` writes one, with a userId
column, when the graph has users without ratings or tags, so that a load keeps them.

Every file is read and checked completely before anything is written, and the first invalid
value raises ``InputFileError``. Rows that refer to a movieId missing from movies.csv are not
errors: they are skipped and counted in a ``FileReport``.

This module also contains the CSV reading and column checks that ``loaders.credits`` uses.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import logging
import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import InputFileError

logger = logging.getLogger(__name__)

MOVIES_FILE = "movies.csv"
RATINGS_FILE = "ratings.csv"
LINKS_FILE = "links.csv"
TAGS_FILE = "tags.csv"
USERS_FILE = "users.csv"
REQUIRED_FILES = (MOVIES_FILE, RATINGS_FILE, LINKS_FILE)

MOVIES_COLUMNS = ("movieId", "title", "genres")
RATINGS_COLUMNS = ("userId", "movieId", "rating", "timestamp")
LINKS_COLUMNS = ("movieId", "imdbId", "tmdbId")
TAGS_COLUMNS = ("userId", "movieId", "tag", "timestamp")
USERS_COLUMNS = ("userId",)

# MovieLens writes this placeholder in the genres column of a movie without genres.
NO_GENRES = "(no genres listed)"

UNKNOWN_MOVIE = "movieId not in MovieLens movies.csv"
EMPTY_TAG = "empty tag"
REPEATED_TAG = "repeats the userId, movieId and tag of an earlier line"

# Rows of ratings.csv held in memory at a time by ``scan_ratings`` and ``RatingsFile.chunks``.
DEFAULT_CHUNK_ROWS = 100_000

FIX_VALUE = "Correct the value or delete the line, then run the load again"

# A trailing "(1995)" or "(2006–2007)" with an en dash or a hyphen; the first year is kept.
YEAR_AT_END = re.compile(r"\((\d{4})(?:\s*[–-]\s*(?:\d{4})?)?\)\s*$")

# Up to 18 digits, so that every accepted value fits in Neo4j's signed 64-bit integer.
INTEGER_PATTERN = r"-?[0-9]{1,18}"
UNSIGNED_PATTERN = r"[0-9]{1,18}"


@dataclass
class FileReport:
    """Rows read from one input file, the rows skipped and the values dropped from kept rows, by reason."""

    path: Path
    rows_read: int
    skipped: dict[str, int] = field(default_factory=dict)
    dropped_values: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int) -> None:
        """Add ``count`` skipped rows under ``reason``, unless ``count`` is 0."""
        if count:
            self.skipped[reason] = self.skipped.get(reason, 0) + int(count)

    def drop_values(self, reason: str, count: int) -> None:
        """Add ``count`` values dropped from kept rows under ``reason``, unless ``count`` is 0."""
        if count:
            self.dropped_values[reason] = self.dropped_values.get(reason, 0) + int(count)


@dataclass(frozen=True)
class CsvTable:
    """The rows of one CSV file, or of one chunk of it, as text columns, with the file line on which each row starts."""

    path: Path
    header: list[str]
    frame: pd.DataFrame
    lines: np.ndarray
    whole_file: bool = True

    def line_of(self, row: int) -> int:
        """Return the 1-based file line of data row ``row``, counting the header as line 1."""
        return int(self.lines[row])

    def error(self, row: int, column: str | None, problem: str, fix: str = FIX_VALUE) -> InputFileError:
        """Build the error for data row ``row``, with the value of ``column`` when one is given."""
        value = None if column is None else str(self.frame.at[row, column])
        return InputFileError(self.path, problem, fix, line=self.line_of(row), column=column, value=value)


@dataclass(frozen=True)
class MovieLensData:
    """Validated MovieLens tables with typed columns and the report of each file read.

    ``movies`` has movie_id, title, year (nullable), genres (list), imdb_id and tmdb_id (None
    when absent). ``ratings`` has user_id, movie_id, rating and timestamp, or is a
    ``RatingsFile`` to read in chunks when the data was read with ``stream_ratings=True``.
    ``tags`` has user_id, movie_id, tag and timestamp, and is empty when the directory has no
    tags.csv. ``users`` has the user_id of each line of users.csv, and is empty without that file.
    """

    directory: Path
    movies: pd.DataFrame
    ratings: pd.DataFrame | RatingsFile
    tags: pd.DataFrame
    reports: list[FileReport]
    users: pd.DataFrame = field(default_factory=lambda: _empty_users())


def read_movielens(directory: str | Path, *, stream_ratings: bool = False) -> MovieLensData:
    """Read and validate every MovieLens file in ``directory``, raising InputFileError on the first problem.

    With ``stream_ratings``, ratings.csv is validated in chunks and ``ratings`` is a
    ``RatingsFile``, so memory does not grow with the number of ratings.
    """
    directory = Path(directory)
    _check_directory(directory)

    movies, movies_report = read_movies(directory / MOVIES_FILE)
    movie_ids = set(movies["movie_id"].tolist())
    links, links_report = read_links(directory / LINKS_FILE, movie_ids)
    if stream_ratings:
        ratings, ratings_report = scan_ratings(directory / RATINGS_FILE, movie_ids, DEFAULT_CHUNK_ROWS)
    else:
        ratings, ratings_report = read_ratings(directory / RATINGS_FILE, movie_ids)
    reports = [movies_report, links_report, ratings_report]

    tags_path = directory / TAGS_FILE
    if tags_path.exists():
        tags, tags_report = read_tags(tags_path, movie_ids)
        reports.append(tags_report)
    else:
        logger.info("%s not found, so no tags are loaded", tags_path)
        tags = _empty_tags()

    users_path = directory / USERS_FILE
    if users_path.exists():
        users, users_report = read_users(users_path)
        reports.append(users_report)
    else:
        users = _empty_users()

    movies = _join_links(movies, links)
    return MovieLensData(directory, movies, ratings, tags, reports, users)


def read_movies(path: Path) -> tuple[pd.DataFrame, FileReport]:
    """Read movies.csv into movie_id, title, year and genres, and reject repeated movieIds."""
    table = read_csv_table(path, MOVIES_COLUMNS)
    movie_ids = parse_positive_ids(table, "movieId")
    _reject_empty(table, "title")
    check_unique(table, ["movieId"])

    titles = table.frame["title"].astype(object)
    movies = pd.DataFrame(
        {
            "movie_id": movie_ids,
            "title": titles,
            "year": pd.array([parse_year(title) for title in titles], dtype="Int64"),
            "genres": [split_genres(genres) for genres in table.frame["genres"]],
        }
    )
    return movies, FileReport(path, len(movies))


def read_links(path: Path, movie_ids: Collection[int]) -> tuple[pd.DataFrame, FileReport]:
    """Read links.csv into movie_id, imdb_id and tmdb_id (as text), skipping unknown movies."""
    table = read_csv_table(path, LINKS_COLUMNS)
    links = pd.DataFrame(
        {
            "movie_id": parse_positive_ids(table, "movieId"),
            "imdb_id": parse_optional_digits(table, "imdbId"),
            "tmdb_id": parse_optional_digits(table, "tmdbId"),
        }
    )
    check_unique(table, ["movieId"])
    report = FileReport(path, len(links))
    return drop_unknown_movies(links, movie_ids, report), report


def read_ratings(path: Path, movie_ids: Collection[int]) -> tuple[pd.DataFrame, FileReport]:
    """Read ratings.csv into memory, rejecting repeated (userId, movieId) pairs and skipping unknown movies."""
    report = FileReport(path, 0)
    frames = list(_validated_ratings(path, movie_ids, None, report))
    return frames[0], report


def scan_ratings(
    path: Path, movie_ids: Collection[int], chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> tuple[RatingsFile, FileReport]:
    """Validate ratings.csv chunk by chunk and return a handle to read its kept rows again.

    Only one chunk of rows and the sets of user and movie ids are in memory at a time, unless
    the file is not grouped by user (see ``_RatingPairs``).
    """
    stamp = _file_stamp(path)
    report = FileReport(path, 0)
    user_ids: set[int] = set()
    rows = 0
    for ratings in _validated_ratings(path, movie_ids, chunk_rows, report):
        user_ids.update(ratings["user_id"].unique().tolist())
        rows += len(ratings)
    ratings_file = RatingsFile(
        path, np.fromiter(movie_ids, dtype=np.int64), np.array(sorted(user_ids), dtype=np.int64), rows, chunk_rows, stamp
    )
    logger.info("validated %d ratings by %d users in %s", rows, len(user_ids), path)
    return ratings_file, report


@dataclass(frozen=True)
class RatingsFile:
    """A ratings.csv that passed ``scan_ratings``, to read again in chunks when writing.

    ``user_ids`` (sorted) are the users with at least one rating of a known movie, and ``rows``
    counts those ratings. ``stamp`` is the file's size and modification time at validation.
    """

    path: Path
    movie_ids: np.ndarray
    user_ids: np.ndarray
    rows: int
    chunk_rows: int
    stamp: tuple[int, int]

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Yield the ratings of known movies chunk by chunk, with the columns of ``read_ratings``.

        Raises InputFileError before the first chunk if the file changed since validation.
        """
        if _file_stamp(self.path) != self.stamp:
            raise InputFileError(
                self.path, "the file changed after it was validated", "Run the load again, and do not edit the file during the load"
            )
        for table in iter_csv_tables(self.path, RATINGS_COLUMNS, self.chunk_rows):
            ratings = _parse_ratings_table(table)
            yield ratings[ratings["movie_id"].isin(self.movie_ids)]


def _file_stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError as error:
        raise InputFileError(path, f"cannot be read ({error.strerror})", "Check the path and the file's permissions") from None
    return status.st_size, status.st_mtime_ns


def _validated_ratings(
    path: Path, movie_ids: Collection[int], chunk_rows: int | None, report: FileReport
) -> Iterator[pd.DataFrame]:
    """Yield the ratings of known movies chunk by chunk, counting rows read and skipped in ``report``.

    The checks that span chunks end only after the last chunk, so a caller must consume every
    chunk before it writes anything.
    """
    known = np.fromiter(movie_ids, dtype=np.int64)
    pairs = _RatingPairs(path)
    for table in iter_csv_tables(path, RATINGS_COLUMNS, chunk_rows):
        ratings = _parse_ratings_table(table)
        pairs.check(table, ratings)
        report.rows_read += len(ratings)
        yield drop_unknown_movies(ratings, known, report)
        logger.debug("validated %d rows of %s", report.rows_read, path)
    pairs.finish(chunk_rows)


def _parse_ratings_table(table: CsvTable) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": parse_positive_ids(table, "userId"),
            "movie_id": parse_positive_ids(table, "movieId"),
            "rating": parse_ratings(table, "rating"),
            "timestamp": parse_timestamps(table, "timestamp"),
        }
    )


class _RatingPairs:
    """Find a (userId, movieId) pair that repeats an earlier line, across the chunks of one ratings file.

    MovieLens writes each user's ratings on consecutive lines. While that holds, a repeat can
    only fall within one chunk or hit the user that ended the previous chunk, so only that
    user's movies are kept between chunks. When a user comes back after another user's lines,
    ``finish`` scans the file again and compares pairs of id indexes.
    """
    # NOTE: that second scan holds 16 bytes per rating (key and line), so memory grows with a
    # file that is not grouped by user. MovieLens and the synthetic generator write grouped files.

    def __init__(self, path: Path):
        self.path = path
        self.grouped = True
        self.user_ids: set[int] = set()
        self.movie_ids: set[int] = set()
        self.last_user: int | None = None
        # movieId -> line of each rating by last_user so far.
        self.last_user_movies: dict[int, int] = {}

    def check(self, table: CsvTable, ratings: pd.DataFrame) -> None:
        """Raise InputFileError for the first row of ``table`` whose pair repeats an earlier one."""
        users = ratings["user_id"].to_numpy()
        movies = ratings["movie_id"].to_numpy()
        self.movie_ids.update(np.unique(movies).tolist())
        chunk_users = set(np.unique(users).tolist())
        returning = (chunk_users & self.user_ids) - {self.last_user}
        self.user_ids |= chunk_users
        if returning and self.grouped:
            self.grouped = False
            logger.info(
                "%s is not grouped by user (userId %d returns on a later chunk), so repeated ratings are "
                "checked in one more pass",
                self.path,
                min(returning),
            )
        if not self.grouped or not len(users):
            return

        repeated_in_chunk = ratings.duplicated(["user_id", "movie_id"]).to_numpy()
        repeated_earlier = (users == self.last_user) & np.isin(movies, list(self.last_user_movies))
        repeated = repeated_in_chunk | repeated_earlier
        if repeated.any():
            row = int(np.flatnonzero(repeated)[0])
            if repeated_earlier[row]:
                first_line = self.last_user_movies[int(movies[row])]
            else:
                first = (users == users[row]) & (movies == movies[row])
                first_line = table.line_of(int(np.flatnonzero(first)[0]))
            raise _repeated_rating_error(table, row, first_line)
        self._remember_last_user(table, users, movies)

    def _remember_last_user(self, table: CsvTable, users: np.ndarray, movies: np.ndarray) -> None:
        last_user = int(users[-1])
        if last_user != self.last_user:
            self.last_user = last_user
            self.last_user_movies = {}
        rows = np.flatnonzero(users == last_user)
        self.last_user_movies.update(zip(movies[rows].tolist(), table.lines[rows].tolist()))

    def finish(self, chunk_rows: int | None) -> None:
        """Check the whole file again by pairs of id indexes when it was not grouped by user."""
        if self.grouped:
            return
        users = np.array(sorted(self.user_ids), dtype=np.int64)
        movies = np.array(sorted(self.movie_ids), dtype=np.int64)
        keys, lines = [], []
        for table in iter_csv_tables(self.path, RATINGS_COLUMNS, chunk_rows):
            user_index = np.searchsorted(users, parse_positive_ids(table, "userId").to_numpy())
            movie_index = np.searchsorted(movies, parse_positive_ids(table, "movieId").to_numpy())
            keys.append(user_index * len(movies) + movie_index)
            lines.append(table.lines)
        all_keys = np.concatenate(keys)
        all_lines = np.concatenate(lines)

        order = np.argsort(all_keys, kind="stable")
        sorted_keys = all_keys[order]
        repeats = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1]) + 1
        if not len(repeats):
            return
        # The stable sort keeps file order within equal keys, so order[repeats] are the later lines.
        row = int(order[repeats].min())
        first = int(np.flatnonzero(all_keys == all_keys[row])[0])
        user_id = int(users[all_keys[row] // len(movies)])
        movie_id = int(movies[all_keys[row] % len(movies)])
        raise InputFileError(
            self.path,
            f"duplicate userId {user_id} and movieId {movie_id}, first seen on line {all_lines[first]}",
            f"Delete one of the lines {all_lines[first]} and {all_lines[row]}, then run the load again",
            line=int(all_lines[row]),
            column="movieId",
            value=str(movie_id),
        )


def _repeated_rating_error(table: CsvTable, row: int, first_line: int) -> InputFileError:
    key_text = " and ".join(f"{name} {table.frame.at[row, name]}" for name in ("userId", "movieId"))
    return table.error(
        row,
        "movieId",
        f"duplicate {key_text}, first seen on line {first_line}",
        f"Delete one of the lines {first_line} and {table.line_of(row)}, then run the load again",
    )


def read_tags(path: Path, movie_ids: Collection[int]) -> tuple[pd.DataFrame, FileReport]:
    """Read tags.csv, skipping empty tags, repeated (user, movie, tag) rows and unknown movies."""
    table = read_csv_table(path, TAGS_COLUMNS)
    tags = pd.DataFrame(
        {
            "user_id": parse_positive_ids(table, "userId"),
            "movie_id": parse_positive_ids(table, "movieId"),
            "tag": table.frame["tag"].astype(object),
            "timestamp": parse_timestamps(table, "timestamp"),
        }
    )
    report = FileReport(path, len(tags))
    tags = drop_unknown_movies(tags, movie_ids, report)

    empty = tags["tag"] == ""
    report.skip(EMPTY_TAG, empty.sum())
    tags = tags[~empty]

    # The graph has one TAGGED relationship per distinct tag, so a repeat would only overwrite
    # the timestamp. The loader keeps the timestamp of the first line.
    repeated = tags.duplicated(["user_id", "movie_id", "tag"], keep="first")
    report.skip(REPEATED_TAG, repeated.sum())
    return tags[~repeated], report


def read_users(path: Path) -> tuple[pd.DataFrame, FileReport]:
    """Read users.csv into user_id, rejecting invalid and repeated userIds."""
    table = read_csv_table(path, USERS_COLUMNS)
    users = pd.DataFrame({"user_id": parse_positive_ids(table, "userId")})
    check_unique(table, ["userId"])
    return users, FileReport(path, len(users))


def parse_year(title: str) -> int | None:
    """Parse the year from a trailing "(1995)" in a title, or the first year of "(2006–2007)"."""
    match = YEAR_AT_END.search(title)
    return int(match.group(1)) if match else None


def split_genres(genres: str) -> list[str]:
    """Split a '|'-separated genre field in its own order, where "(no genres listed)" gives no genres."""
    return [name.strip() for name in genres.split("|") if name.strip() and name.strip() != NO_GENRES]


def drop_unknown_movies(frame: pd.DataFrame, movie_ids: Collection[int], report: FileReport) -> pd.DataFrame:
    """Drop rows whose movie_id is not in ``movie_ids`` and count them in ``report``."""
    known = frame["movie_id"].isin(movie_ids)
    report.skip(UNKNOWN_MOVIE, (~known).sum())
    return frame[known]


# CSV reading ------------------------------------------------------------------------------


def read_csv_table(path: Path, columns: Sequence[str]) -> CsvTable:
    """Read a UTF-8 CSV file as text and check its header and the field count of every line.

    The csv module splits the file because pandas.read_csv pads short rows with empty
    values, can drop extra fields silently, and counts records rather than file lines.
    pandas then stores the columns, and the parse_* functions convert them to their types.
    """
    return next(iter_csv_tables(path, columns))


def iter_csv_tables(path: Path, columns: Sequence[str], chunk_rows: int | None = None) -> Iterator[CsvTable]:
    """Read a UTF-8 CSV file as tables of at most ``chunk_rows`` rows each, or one table when it is None.

    Only one chunk of rows is in memory at a time. Each chunk is checked as ``read_csv_table``
    checks a whole file: encoding and quoting first, then the header, then the field counts.
    Even a file with a header and no rows yields one table.
    """
    if chunk_rows is not None and chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    with _open_text(path) as file:
        records = _numbered_records(path, csv.reader(file, strict=True))
        # The first chunk is read before the header is checked, so that an encoding or quoting
        # error in it is reported first, as it is for a whole file.
        rows, lines = _next_records(records, None if chunk_rows is None else chunk_rows + 1)
        if not rows:
            raise InputFileError(
                path, "the file is empty", f"Write the header line {','.join(columns)} and the data rows", line=1
            )
        header = rows.pop(0)
        lines.pop(0)
        positions = column_positions(path, header, columns)
        whole_file = chunk_rows is None or len(rows) < chunk_rows

        while True:
            _check_field_counts(path, header, rows, lines)
            frame = pd.DataFrame({name: [row[index] for row in rows] for name, index in positions.items()}, dtype="str")
            yield CsvTable(path, header, frame, np.asarray(lines, dtype=np.int64), whole_file=whole_file)
            if chunk_rows is None or len(rows) < chunk_rows:
                return
            rows, lines = _next_records(records, chunk_rows)
            if not rows:
                return
            whole_file = False


def _next_records(records: Iterator[tuple[list[str], int]], count: int | None) -> tuple[list[list[str]], list[int]]:
    """Take up to ``count`` records, or all that are left when ``count`` is None."""
    rows: list[list[str]] = []
    lines: list[int] = []
    for record, line in itertools.islice(records, count):
        rows.append(record)
        lines.append(line)
    return rows, lines


@contextmanager
def _open_text(path: Path) -> Iterator[io.TextIOWrapper]:
    try:
        binary = path.open("rb")
    except OSError as error:
        raise _unreadable(path, error) from None
    # utf-8-sig drops the byte order mark that some spreadsheet programs write. newline=""
    # leaves line endings to the csv module, which splits at \n, \r\n and \r.
    with io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text:
        yield text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None


def _unreadable(path: Path, error: OSError) -> InputFileError:
    """Turn the error of opening or reading an input file into an InputFileError with the fix."""
    if isinstance(error, FileNotFoundError):
        return InputFileError(path, "file not found", "Check the path and the file name")
    if isinstance(error, IsADirectoryError):
        return InputFileError(path, "is a directory, not a file", "Give the path of the CSV file")
    return InputFileError(path, f"cannot be read ({error.strerror})", "Check the file's permissions")


def _numbered_records(path: Path, reader) -> Iterator[tuple[list[str], int]]:
    """Yield each non-empty CSV record with the line on which it starts."""
    end = 0
    try:
        for record in reader:
            start = end + 1
            end = reader.line_num
            if record:
                yield record, start
    except csv.Error as error:
        raise InputFileError(
            path,
            f"invalid CSV: {error}",
            'Check the quotes on this line: a quoted value must end with a quote, and a quote inside it is written ""',
            line=end + 1,
        ) from None
    except UnicodeDecodeError:
        # The decoder reports offsets within its read buffer, so the file is scanned again by line.
        raise _find_encoding_error(path) from None


def _find_encoding_error(path: Path) -> InputFileError:
    """Find the first line that is not UTF-8 and describe its first bad byte."""
    with path.open("rb") as file:
        header = b""
        for line, data in enumerate(file, start=1):
            if line == 1:
                data = data.removeprefix(codecs.BOM_UTF8)
                header = data
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:
                return _encoding_error(path, line, data.rstrip(b"\r\n"), error, header)
    raise AssertionError(f"{path} decoded as UTF-8 line by line but not as a whole")


def _encoding_error(
    path: Path, line: int, data: bytes, error: UnicodeDecodeError, header: bytes
) -> InputFileError:
    """Describe the first byte that is not UTF-8 in line ``line`` (``data``), with its column and value."""
    line_text = data.decode("utf-8", "backslashreplace")

    # The bytes before the bad one decoded cleanly, so they show which field it is in.
    field_index = _count_separators(data[: error.start].decode("utf-8", "replace"))
    fields = next(csv.reader([line_text]), [])
    value = fields[field_index] if field_index < len(fields) else line_text

    column = None
    if line > 1:
        header_fields = next(csv.reader([header.decode("utf-8", "replace").rstrip("\r\n")]), [])
        column = header_fields[field_index] if field_index < len(header_fields) else None

    bad_bytes = " ".join(f"0x{byte:02X}" for byte in data[error.start : error.end])
    return InputFileError(
        path,
        f"the file is not valid UTF-8: byte {bad_bytes} in the value '{value}'",
        f"Convert the file to UTF-8, for example with `iconv -f latin1 -t utf-8 {path.name} > {path.stem}-utf8.csv` "
        "if it is Latin-1, then load the converted file",
        line=line,
        column=column,
        value=value,
    )


def _count_separators(text: str) -> int:
    """Count the commas outside double quotes, which is the 0-based field index at the end of ``text``."""
    count = 0
    quoted = False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif character == "," and not quoted:
            count += 1
    return count


def column_positions(
    path: Path, header: list[str], columns: Sequence[str], fix: str | None = None, line_text: str | None = None
) -> dict[str, int]:
    """Map each required column to its position in ``header``; raise InputFileError for a missing or repeated one.

    ``fix`` replaces the advice for a missing column, and ``line_text`` the header line the
    error quotes (by default the names joined with commas).
    """
    found = ", ".join(repr(name) for name in header)
    value = ",".join(header) if line_text is None else line_text
    missing = [name for name in columns if name not in header]
    if missing:
        raise InputFileError(
            path,
            f"missing column {', '.join(repr(name) for name in missing)}, the header has the columns {found}",
            fix or f"The header must name the columns {', '.join(columns)}, in any order",
            line=1,
            column=missing[0],
            value=value,
        )
    repeated = [name for name in columns if header.count(name) > 1]
    if repeated:
        raise InputFileError(
            path,
            f"column {repeated[0]!r} appears more than once in the header {found}",
            "Rename or delete the extra column",
            line=1,
            column=repeated[0],
            value=value,
        )
    return {name: header.index(name) for name in columns}


def _check_field_counts(path: Path, header: list[str], rows: list[list[str]], lines: list[int]) -> None:
    width = len(header)
    for row, line in zip(rows, lines):
        if len(row) == width:
            continue
        if len(row) < width:
            raise InputFileError(
                path,
                f"the line {','.join(row)!r} has {len(row)} fields but the header has {width}, so it is truncated",
                f"Complete the line with the missing values ({','.join(header[len(row):])}) or delete it",
                line=line,
                column=header[len(row)],
                value=",".join(row),
            )
        raise InputFileError(
            path,
            f"the line {','.join(row)!r} has {len(row)} fields but the header has {width}",
            'Quote values that contain commas, for example "American President, The (1995)", '
            "or delete the extra fields",
            line=line,
            value=",".join(row),
        )


# Column checks. Each raises InputFileError for the first invalid value in its column and
# returns the column converted to its type.


def parse_positive_ids(table: CsvTable, column: str) -> pd.Series:
    """Convert an id column to int64, rejecting values that are not whole numbers from 1 up."""
    text = table.frame[column]
    is_integer = text.str.fullmatch(UNSIGNED_PATTERN)
    values = pd.to_numeric(text.where(is_integer, "0")).astype("int64")
    reject_invalid(table, column, ~is_integer | (values < 1), "invalid {column} {value!r}, expected a positive integer")
    return values


def parse_timestamps(table: CsvTable, column: str) -> pd.Series:
    """Convert a column of Unix timestamps (whole seconds since 1970-01-01 UTC) to int64."""
    text = table.frame[column]
    is_integer = text.str.fullmatch(INTEGER_PATTERN)
    reject_invalid(
        table, column, ~is_integer, "invalid {column} {value!r}, expected an integer number of seconds since 1970"
    )
    return pd.to_numeric(text).astype("int64")


def parse_ratings(table: CsvTable, column: str) -> pd.Series:
    """Convert a rating column to float64, rejecting values other than 0.5 to 5.0 in steps of 0.5."""
    numbers = pd.to_numeric(table.frame[column], errors="coerce")
    reject_invalid(table, column, numbers.isna(), "invalid {column} {value!r}, expected a number")
    halves = numbers * 2
    in_range = (halves >= 1) & (halves <= 10) & (halves == np.floor(halves))
    reject_invalid(
        table, column, ~in_range, "{column} {value!r} is out of range, expected 0.5 to 5.0 in steps of 0.5"
    )
    return numbers.astype("float64")


def parse_optional_float(table: CsvTable, column: str, low: float, high: float) -> pd.Series:
    """Convert a column of numbers from ``low`` to ``high`` to objects, with None for empty values."""
    text = table.frame[column]
    empty = text == ""
    numbers = pd.to_numeric(text.where(~empty, None), errors="coerce")
    reject_invalid(table, column, ~empty & numbers.isna(), "invalid {column} {value!r}, expected a number or nothing")
    outside = ~empty & ((numbers < low) | (numbers > high))
    reject_invalid(table, column, outside, f"{{column}} {{value!r}} is out of range, expected {low} to {high}")
    return numbers.astype(object).where(~empty, None)


def parse_optional_digits(table: CsvTable, column: str) -> pd.Series:
    """Keep a column of digit strings as text, leading zeros included, with None for empty values."""
    text = table.frame[column]
    empty = text == ""
    reject_invalid(
        table, column, ~empty & ~text.str.fullmatch(r"[0-9]+"), "invalid {column} {value!r}, expected digits or nothing"
    )
    return text.astype(object).where(~empty, None)


def _reject_empty(table: CsvTable, column: str) -> None:
    text = table.frame[column]
    reject_invalid(table, column, text.str.strip() == "", "empty {column} {value!r}, expected text")


def reject_invalid(table: CsvTable, column: str, invalid: pd.Series, problem: str) -> None:
    """Raise InputFileError for the first True row of ``invalid``, with ``problem`` formatted with {column} and {value}."""
    if not invalid.any():
        return
    count = int(invalid.sum())
    row = int(np.flatnonzero(invalid.to_numpy())[0])
    text = problem.format(column=column, value=str(table.frame.at[row, column]))
    if count > 1 and table.whole_file:
        text += f" (the first of {count} invalid values in this column)"
    elif count > 1:
        text += f" (the first of {count} invalid values in this column on lines {table.lines[0]} to {table.lines[-1]})"
    raise table.error(row, column, text)


def check_unique(table: CsvTable, columns: list[str]) -> None:
    """Raise InputFileError for the first row whose ``columns`` repeat those of an earlier row."""
    repeated = table.frame.duplicated(columns, keep="first")
    if not repeated.any():
        return
    row = int(np.flatnonzero(repeated.to_numpy())[0])
    key = table.frame.loc[row, columns]
    same_key = (table.frame[columns] == key.to_numpy()).all(axis=1)
    first = int(np.flatnonzero(same_key.to_numpy())[0])
    key_text = " and ".join(f"{name} {table.frame.at[row, name]}" for name in columns)
    raise table.error(
        row,
        columns[-1],
        f"duplicate {key_text}, first seen on line {table.line_of(first)}",
        f"Delete one of the lines {table.line_of(first)} and {table.line_of(row)}, then run the load again",
    )


def _check_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise InputFileError(
            directory, "directory not found", "Give the directory that contains movies.csv, ratings.csv and links.csv"
        )
    for name in REQUIRED_FILES:
        if not (directory / name).is_file():
            raise InputFileError(
                directory / name,
                "file not found",
                f"A MovieLens directory must contain {', '.join(REQUIRED_FILES)} (tags.csv and users.csv are optional)",
            )


def _join_links(movies: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    joined = movies.merge(links, on="movie_id", how="left", validate="one_to_one")
    unlinked = int(joined["imdb_id"].isna().sum())
    if unlinked:
        logger.info("%d movies have no links.csv row or an empty imdbId", unlinked)
    return joined


def _empty_users() -> pd.DataFrame:
    return pd.DataFrame({"user_id": pd.Series(dtype="int64")})


def _empty_tags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": pd.Series(dtype="int64"),
            "movie_id": pd.Series(dtype="int64"),
            "tag": pd.Series(dtype=object),
            "timestamp": pd.Series(dtype="int64"),
        }
    )
