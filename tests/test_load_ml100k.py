"""ml-100k loader: validation errors, the graph model, ratings subsets, data set markers and the real files.

The small directories are written into tmp_path. Graph tests use the ``tiny_graph`` server,
which is cleared before each test, and the last test loads the real ml-100k into it.
``pytest -s`` shows the measured load times.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from loaders.errors import InputFileError
from loaders.ml100k import UNKNOWN_ITEM, UNKNOWN_USER, load_ml100k, read_ml100k, write_ml100k
from loaders.movielens import read_movielens
from loaders.writer import DatasetConflictError, load_movielens, read_counts, write_movielens
from tests.conftest import data_dir
from tests.files import write_data_directory
from tests.test_loaders_validation import write_directory as write_movielens_directory

logger = logging.getLogger(__name__)

ML100K_DIR = data_dir() / "ml-100k"

GENRES = "unknown|0\nAction|1\nChildren's|2\nComedy|3\nDrama|4\n\n"
ITEMS = (
    "1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|1|1|0\n"
    "2|Misérables, Les (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Mis%E9rables|0|0|0|0|1\n"
    "3|unknown||||1|0|0|0|0\n"
    "4|Two Friends (1986) |4-Feb-1971|05-Mar-1990||0|1|0|0|1\n"
)
USERS = "1|24|M|technician|85711\n2|53|F|other|94043\n3|33|F|none|T8H1N\n"
RATINGS = (
    "1\t1\t5\t874965758\n"
    "1\t2\t3\t876893171\n"
    "2\t1\t4\t888550871\n"
    "2\t3\t1\t888551000\n"
    "3\t2\t2\t879372434\n"
)
GOOD_FILES = {"u.genre": GENRES, "u.item": ITEMS, "u.user": USERS, "u.data": RATINGS}

MOVIE_PROPERTIES = (
    "MATCH (m:Movie) RETURN m.movie_id AS id, m.title AS title, m.year AS year, m.genres AS genres, "
    "m.unknown_genre AS unknown_genre, m.release_date AS release_date, "
    "m.video_release_date AS video_release_date, m.imdb_url AS imdb_url ORDER BY id"
)


def write_directory(parent: Path, name: str = "ml-100k", **files: str | bytes | None) -> Path:
    """Write the good ml-100k files into parent/name, with ``files`` replacing or (None) omitting some.

    Keyword names use '_' for '.', as in ``u_data``. Text is encoded as latin-1, like the real files.
    """
    return write_data_directory(parent, name, GOOD_FILES, "latin-1", files)


def replace_line(text: str, line: int, new: str) -> str:
    """Replace the 1-based line ``line`` of LF text."""
    lines = text.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


def read_error(directory: Path) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_ml100k(directory)
    return caught.value


def dataset_names(graph) -> list[str]:
    return [row["name"] for row in graph.run_text("MATCH (d:Dataset) RETURN d.name AS name ORDER BY name")]


def rated_pairs(graph) -> set[tuple[int, int]]:
    rows = graph.run_text("MATCH (u:User)-[:RATED]->(m:Movie) RETURN u.user_id AS user, m.movie_id AS movie")
    return {(row["user"], row["movie"]) for row in rows}


# Reading ------------------------------------------------------------------------------------


def test_read_tables(tmp_path):
    data = read_ml100k(write_directory(tmp_path))

    assert data.genres == ["unknown", "Action", "Children's", "Comedy", "Drama"]
    assert data.genre_names() == ["Action", "Children's", "Comedy", "Drama"]
    assert data.movies["movie_id"].tolist() == [1, 2, 3, 4]
    assert data.movies["genres"].tolist() == [["Children's", "Comedy"], ["Drama"], [], ["Action", "Drama"]]
    assert data.movies["unknown_genre"].tolist() == [False, False, True, False]
    assert data.movies["title"].tolist()[1] == "Misérables, Les (1995)"
    assert data.movies["title"].tolist()[3] == "Two Friends (1986) "
    assert data.users["zip"].tolist() == ["85711", "94043", "T8H1N"]
    assert data.ratings["rating"].tolist() == [5.0, 3.0, 4.0, 1.0, 2.0]
    assert list(data.ratings.columns) == ["user_id", "movie_id", "rating", "timestamp"]
    assert [report.path.name for report in data.reports] == ["u.genre", "u.item", "u.user", "u.data"]
    assert [report.rows_read for report in data.reports] == [5, 4, 3, 5]


def test_genre_order_follows_index(tmp_path):
    genres = "Drama|4\nunknown|0\nComedy|3\nAction|1\nChildren's|2\n"
    data = read_ml100k(write_directory(tmp_path, u_genre=genres))

    assert data.genres == ["unknown", "Action", "Children's", "Comedy", "Drama"]
    assert data.movies["genres"].tolist()[0] == ["Children's", "Comedy"]


def test_crlf_line_endings_accepted(tmp_path):
    directory = write_directory(tmp_path, u_data=RATINGS.replace("\n", "\r\n"), u_item=ITEMS.replace("\n", "\r\n"))
    data = read_ml100k(directory)

    assert len(data.ratings) == 5
    assert data.movies["imdb_url"].tolist()[3] is None


def test_empty_lines_skipped_but_counted(tmp_path):
    ratings = "\n" + RATINGS.replace("2\t1\t4", "\n2\t1\t4") + "\n3\t3\t9\t879372434\n"
    error = read_error(write_directory(tmp_path, u_data=ratings))

    assert error.line == 9
    assert error.value == "9"


# Invalid files ------------------------------------------------------------------------------

# Each case: files to replace, then the file, line, column and value the error must name, and a
# phrase of its message.
BAD_FILES = {
    "u.data three fields": (
        {"u_data": replace_line(RATINGS, 2, "1\t2\t3")},
        ("u.data", 2, "timestamp", "1\t2\t3", "has 3 fields separated by tabs, but u.data lines have 4"),
    ),
    "u.data spaces for tabs": (
        {"u_data": replace_line(RATINGS, 3, "2 1 4 888550871")},
        ("u.data", 3, "item id", "2 1 4 888550871", "has 1 field separated by tabs"),
    ),
    "u.data five fields": (
        {"u_data": replace_line(RATINGS, 4, "2\t3\t1\t888551000\t7")},
        ("u.data", 4, None, "2\t3\t1\t888551000\t7", "has 5 fields"),
    ),
    "u.item missing flag": (
        {"u_item": replace_line(ITEMS, 3, "3|unknown||||1|0|0|0")},
        ("u.item", 3, "Drama", "3|unknown||||1|0|0|0", "has 9 fields separated by '|', but u.item lines have 10"),
    ),
    "u.item pipe in title": (
        {"u_item": replace_line(ITEMS, 1, "1|Toy | Story (1995)|01-Jan-1995|||0|0|1|1|0")},
        ("u.item", 1, None, "1|Toy | Story (1995)|01-Jan-1995|||0|0|1|1|0", "a '|' inside a value"),
    ),
    "u.user missing zip": (
        {"u_user": replace_line(USERS, 2, "2|53|F|other")},
        ("u.user", 2, "zip code", "2|53|F|other", "has 4 fields"),
    ),
    "u.genre missing index": (
        {"u_genre": replace_line(GENRES, 3, "Children's")},
        ("u.genre", 3, "index", "Children's", "has 1 field separated"),
    ),
    "u.data rating 6": (
        {"u_data": replace_line(RATINGS, 2, "1\t1\t6\t874965758")},
        ("u.data", 2, "rating", "6", "rating '6' is out of range, expected a whole number from 1 to 5"),
    ),
    "u.data rating 0": (
        {"u_data": replace_line(RATINGS, 2, "1\t1\t0\t874965758")},
        ("u.data", 2, "rating", "0", "out of range"),
    ),
    "u.data rating 3.5": (
        {"u_data": replace_line(RATINGS, 2, "1\t1\t3.5\t874965758")},
        ("u.data", 2, "rating", "3.5", "invalid rating '3.5', expected a whole number from 1 to 5"),
    ),
    "u.data rating text": (
        {"u_data": replace_line(RATINGS, 5, "3\t2\tfour\t879372434")},
        ("u.data", 5, "rating", "four", "expected a whole number"),
    ),
    "u.data timestamp text": (
        {"u_data": replace_line(RATINGS, 3, "2\t1\t4\tyesterday")},
        ("u.data", 3, "timestamp", "yesterday", "expected an integer number of seconds since 1970"),
    ),
    "u.data timestamp fraction": (
        {"u_data": replace_line(RATINGS, 3, "2\t1\t4\t888550871.5")},
        ("u.data", 3, "timestamp", "888550871.5", "expected an integer"),
    ),
    "u.data duplicate pair": (
        {"u_data": RATINGS + "1\t2\t1\t876893999\n"},
        ("u.data", 6, "item id", "2", "duplicate user id 1 and item id 2, first seen on line 2"),
    ),
    "u.data duplicate pair with leading zero": (
        {"u_data": RATINGS + "01\t2\t1\t876893999\n"},
        ("u.data", 6, "item id", "2", "duplicate user id 1 and item id 2, first seen on line 2"),
    ),
    "u.item id text": (
        {"u_item": replace_line(ITEMS, 2, ITEMS.split("\n")[1].replace("2|", "two|", 1))},
        ("u.item", 2, "movie id", "two", "invalid movie id 'two', expected a positive integer"),
    ),
    "u.item id zero": (
        {"u_item": replace_line(ITEMS, 3, "0|unknown||||1|0|0|0|0")},
        ("u.item", 3, "movie id", "0", "expected a positive integer"),
    ),
    "u.item duplicate id": (
        {"u_item": ITEMS + "2|Heat (1995)|01-Jan-1995|||0|1|0|0|0\n"},
        ("u.item", 5, "movie id", "2", "duplicate movie id 2, first seen on line 2"),
    ),
    "u.item flag 2": (
        {"u_item": replace_line(ITEMS, 4, "4|Two Friends (1986)|4-Feb-1971|||0|2|0|0|1")},
        ("u.item", 4, "Action", "2", "invalid flag '2' for the genre Action, expected 0 or 1"),
    ),
    "u.item flag empty": (
        {"u_item": replace_line(ITEMS, 3, "3|unknown||||1|0|0||0")},
        ("u.item", 3, "Comedy", "", "expected 0 or 1"),
    ),
    "u.item empty title": (
        {"u_item": replace_line(ITEMS, 3, "3| ||||1|0|0|0|0")},
        ("u.item", 3, "movie title", " ", "empty movie title"),
    ),
    "u.item ISO date": (
        {"u_item": replace_line(ITEMS, 1, "1|Toy Story (1995)|1995-01-01|||0|0|1|1|0")},
        ("u.item", 1, "release date", "1995-01-01", "expected a date such as 01-Jan-1995 or nothing"),
    ),
    "u.item impossible date": (
        {"u_item": replace_line(ITEMS, 4, "4|Two Friends (1986)|4-Feb-1971|31-Feb-1990||0|1|0|0|1")},
        ("u.item", 4, "video release date", "31-Feb-1990", "is not a date in the calendar"),
    ),
    "u.user id negative": (
        {"u_user": replace_line(USERS, 3, "-3|33|F|none|T8H1N")},
        ("u.user", 3, "user id", "-3", "expected a positive integer"),
    ),
    "u.user duplicate id": (
        {"u_user": USERS + "2|40|M|writer|10001\n"},
        ("u.user", 4, "user id", "2", "duplicate user id 2, first seen on line 2"),
    ),
    "u.user age text": (
        {"u_user": replace_line(USERS, 1, "1|adult|M|technician|85711")},
        ("u.user", 1, "age", "adult", "invalid age 'adult'"),
    ),
    "u.user gender": (
        {"u_user": replace_line(USERS, 2, "2|53|female|other|94043")},
        ("u.user", 2, "gender", "female", "expected M or F"),
    ),
    "u.user empty occupation": (
        {"u_user": replace_line(USERS, 2, "2|53|F||94043")},
        ("u.user", 2, "occupation", "", "empty occupation"),
    ),
    "u.genre duplicate name": (
        {"u_genre": GENRES.replace("Drama|4", "Action|4")},
        ("u.genre", 5, "name", "Action", "duplicate name Action, first seen on line 2"),
    ),
    "u.genre index out of range": (
        {"u_genre": GENRES.replace("Drama|4", "Drama|5")},
        ("u.genre", 5, "index", "5", "expected 0 to 4 because the file lists 5 genres"),
    ),
    "u.genre duplicate index": (
        {"u_genre": GENRES.replace("Drama|4", "Drama|3")},
        ("u.genre", 5, "index", "3", "duplicate index 3, first seen on line 4"),
    ),
    "u.genre index text": (
        {"u_genre": GENRES.replace("Comedy|3", "Comedy|three")},
        ("u.genre", 4, "index", "three", "expected a whole number from 0"),
    ),
    "u.user empty": (
        {"u_user": "\n"},
        ("u.user", 1, None, None, "the file is empty"),
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_invalid_file_error(tmp_path, case):
    files, (file_name, line, column, value, phrase) = BAD_FILES[case]
    error = read_error(write_directory(tmp_path, **files))

    assert error.path == str(tmp_path / "ml-100k" / file_name)
    assert error.line == line
    assert error.column == column
    assert error.value == value
    assert phrase in str(error)
    assert str(error).startswith(f"{error.path}, line {line}")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.0", "", " 2"])
@pytest.mark.parametrize("column", ["user id", "item id"])
def test_ratings_id_not_positive_integer(tmp_path, column, value):
    fields = {"user id": "2", "item id": "3", "rating": "1", "timestamp": "888551000"}
    fields[column] = value
    error = read_error(write_directory(tmp_path, u_data=replace_line(RATINGS, 4, "\t".join(fields.values()))))

    assert error.path.endswith("u.data")
    assert (error.line, error.column, error.value) == (4, column, value)
    assert f"invalid {column} {value!r}, expected a positive integer" in str(error)


@pytest.mark.parametrize("file_name", ["u.data", "u.item", "u.user", "u.genre"])
def test_missing_file(tmp_path, file_name):
    directory = write_directory(tmp_path, **{file_name.replace(".", "_"): None})
    error = read_error(directory)

    assert error.path == str(directory / file_name)
    assert "file not found" in str(error)
    assert "u.data, u.item, u.user, u.genre" in str(error)


def test_directory_not_found(tmp_path):
    error = read_error(tmp_path / "absent")

    assert error.path == str(tmp_path / "absent")
    assert "directory not found" in str(error)


def test_error_counts_invalid_values(tmp_path):
    ratings = replace_line(replace_line(RATINGS, 2, "1\t1\t7\t874965758"), 5, "3\t2\t8\t879372434")
    error = read_error(write_directory(tmp_path, u_data=ratings))

    assert error.line == 2
    assert "the first of 2 invalid values" in str(error)


# Loads into the graph -----------------------------------------------------------------------


def test_load_writes_model(tiny_graph, tmp_path):
    summary = load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)

    assert summary.created["users"] == 3
    assert summary.created["movies"] == 4
    assert summary.created["ratings"] == 5
    assert summary.created["genres"] == 4
    assert summary.created["in_genre"] == 5
    assert summary.created["people"] == 0
    assert list(summary.seconds)[0] == "validate"
    assert list(summary.rows_written) == ["genres", "ml100k_movies", "users", "ratings"]
    assert dataset_names(tiny_graph) == ["ml-100k"]


def test_load_movie_properties(tiny_graph, tmp_path):
    load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)
    toy_story, miserables, unknown, two_friends = tiny_graph.run_text(MOVIE_PROPERTIES)

    assert toy_story == {
        "id": 1,
        "title": "Toy Story (1995)",
        "year": 1995,
        "genres": ["Children's", "Comedy"],
        "unknown_genre": False,
        "release_date": "01-Jan-1995",
        "video_release_date": None,
        "imdb_url": "http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)",
    }
    assert miserables["title"] == "Misérables, Les (1995)"
    assert unknown == {
        "id": 3,
        "title": "unknown",
        "year": None,
        "genres": [],
        "unknown_genre": True,
        "release_date": None,
        "video_release_date": None,
        "imdb_url": None,
    }
    assert two_friends["title"] == "Two Friends (1986) "
    assert two_friends["year"] == 1986
    assert two_friends["release_date"] == "4-Feb-1971"
    assert two_friends["video_release_date"] == "05-Mar-1990"


def test_load_genre_links(tiny_graph, tmp_path):
    load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)
    genres = tiny_graph.run_text("MATCH (g:Genre) RETURN g.name AS name ORDER BY name")
    links = tiny_graph.run_text(
        "MATCH (m:Movie)-[:IN_GENRE]->(g:Genre) RETURN m.movie_id AS id, g.name AS genre ORDER BY id, genre"
    )

    assert [row["name"] for row in genres] == ["Action", "Children's", "Comedy", "Drama"]
    assert [(row["id"], row["genre"]) for row in links] == [
        (1, "Children's"),
        (1, "Comedy"),
        (2, "Drama"),
        (4, "Action"),
        (4, "Drama"),
    ]


def test_load_users_and_ratings(tiny_graph, tmp_path):
    load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)
    users = tiny_graph.run_text(
        "MATCH (u:User) RETURN u.user_id AS id, u.age AS age, u.gender AS gender, u.occupation AS occupation, "
        "u.zip AS zip ORDER BY id"
    )
    rating = tiny_graph.run_text(
        "MATCH (:User {user_id: 2})-[r:RATED]->(:Movie {movie_id: 3}) "
        "RETURN r.rating AS rating, r.timestamp AS timestamp"
    )

    assert users[0] == {"id": 1, "age": 24, "gender": "M", "occupation": "technician", "zip": "85711"}
    assert users[2]["zip"] == "T8H1N"
    assert rating == [{"rating": 1.0, "timestamp": 888551000}]
    assert isinstance(rating[0]["rating"], float)


def test_unknown_items_and_users_skipped(tiny_graph, tmp_path):
    ratings = RATINGS + "1\t99\t4\t874965999\n9\t1\t4\t874966000\n9\t98\t2\t874966001\n"
    directory = write_directory(tmp_path, u_data=ratings)
    summary = load_ml100k(tiny_graph, directory, show_progress=False)

    assert summary.rows_read[str(directory / "u.data")] == 8
    assert summary.skipped[str(directory / "u.data")] == {UNKNOWN_ITEM: 2, UNKNOWN_USER: 1}
    assert summary.created["ratings"] == 5
    assert summary.created["users"] == 3
    assert tiny_graph.run_text("MATCH (u:User {user_id: 9}) RETURN count(u) AS n") == [{"n": 0}]
    assert "item id not in u.item" in summary.format()


def test_reload_changes_nothing(tiny_graph, tmp_path):
    directory = write_directory(tmp_path)
    load_ml100k(tiny_graph, directory, show_progress=False)
    first = read_counts(tiny_graph)
    summary = load_ml100k(tiny_graph, directory, batch_size=2, show_progress=False)

    assert read_counts(tiny_graph) == first
    assert all(count == 0 for count in summary.created.values())
    assert dataset_names(tiny_graph) == ["ml-100k"]


def test_batch_size_below_one_rejected(tiny_graph, tmp_path):
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        load_ml100k(tiny_graph, write_directory(tmp_path), batch_size=0)


BAD_LOADS = {
    "u.data rating out of range": {"u_data": RATINGS + "3\t4\t9\t879372434\n"},
    "u.data duplicate pair": {"u_data": RATINGS + "1\t1\t2\t876893999\n"},
    "u.item flag": {"u_item": replace_line(ITEMS, 4, "4|Two Friends (1986)|4-Feb-1971|||0|x|0|0|1")},
    "u.user missing": {"u_user": None},
    "u.genre field count": {"u_genre": GENRES.replace("Drama|4", "Drama|4|5")},
}


@pytest.mark.parametrize("case", BAD_LOADS)
def test_failed_load_leaves_graph_unchanged(tiny_graph, tmp_path, case):
    load_ml100k(tiny_graph, write_directory(tmp_path, "good"), show_progress=False)
    before = read_counts(tiny_graph)
    # The bad directory also changes a rating, which must not reach the graph.
    changed = replace_line(RATINGS, 1, "1\t1\t1\t874965758")
    bad_files = {"u_data": changed, **BAD_LOADS[case]}

    with pytest.raises(InputFileError):
        load_ml100k(tiny_graph, write_directory(tmp_path, "bad", **bad_files), show_progress=False)

    assert read_counts(tiny_graph) == before
    rating = tiny_graph.run_text(
        "MATCH (:User {user_id: 1})-[r:RATED]->(:Movie {movie_id: 1}) RETURN r.rating AS rating"
    )
    assert rating == [{"rating": 5.0}]


def test_failed_first_load_leaves_graph_empty(tiny_graph, tmp_path):
    with pytest.raises(InputFileError):
        load_ml100k(tiny_graph, write_directory(tmp_path, u_item=None), show_progress=False)

    assert all(count == 0 for count in read_counts(tiny_graph).values())
    assert dataset_names(tiny_graph) == []


# Ratings subsets ----------------------------------------------------------------------------


def test_ratings_subset_written(tiny_graph, tmp_path):
    data = read_ml100k(write_directory(tmp_path))
    training = data.ratings.iloc[[0, 2, 4]]
    summary = write_ml100k(tiny_graph, data, ratings=training, show_progress=False)

    assert rated_pairs(tiny_graph) == {(1, 1), (2, 1), (3, 2)}
    assert summary.rows_written["ratings"] == 3
    assert summary.created["movies"] == 4
    assert summary.created["users"] == 3
    assert "validate" not in summary.seconds
    assert dataset_names(tiny_graph) == ["ml-100k"]


def test_empty_ratings_subset_keeps_movies(tiny_graph, tmp_path):
    data = read_ml100k(write_directory(tmp_path))
    write_ml100k(tiny_graph, data, ratings=data.ratings.iloc[0:0], show_progress=False)
    counts = read_counts(tiny_graph)

    assert counts["ratings"] == 0
    assert counts["movies"] == 4
    assert counts["users"] == 3


def test_ratings_subset_extra_column_not_stored(tiny_graph, tmp_path):
    data = read_ml100k(write_directory(tmp_path))
    training = data.ratings.assign(fold=1).iloc[:2]
    write_ml100k(tiny_graph, data, ratings=training, show_progress=False)
    keys = tiny_graph.run_text("MATCH ()-[r:RATED]->() RETURN DISTINCT keys(r) AS keys")

    assert [sorted(row["keys"]) for row in keys] == [["rating", "timestamp"]]


def subset_changed_rating(ratings):
    changed = ratings.iloc[:2].copy()
    changed.loc[changed.index[1], "rating"] = 2.0
    return changed


BAD_SUBSETS = {
    "changed rating": (subset_changed_rating, "1 rows that are not among the validated ratings"),
    "unknown pair": (
        lambda ratings: ratings.assign(movie_id=ratings["movie_id"] + 10),
        "5 rows that are not among the validated ratings",
    ),
    "missing column": (lambda ratings: ratings.drop(columns="timestamp"), "lacks the columns ['timestamp']"),
    "repeated row": (
        lambda ratings: ratings.iloc[[0, 1, 0]],
        "contains user_id 1 and movie_id 1 more than once",
    ),
}


@pytest.mark.parametrize("case", BAD_SUBSETS)
def test_invalid_ratings_subset_rejected(tiny_graph, tmp_path, case):
    data = read_ml100k(write_directory(tmp_path))
    make_subset, phrase = BAD_SUBSETS[case]

    with pytest.raises(ValueError) as caught:
        write_ml100k(tiny_graph, data, ratings=make_subset(data.ratings), show_progress=False)

    assert phrase in str(caught.value)
    assert all(count == 0 for count in read_counts(tiny_graph).values())
    assert dataset_names(tiny_graph) == []


def test_write_movielens_ratings_subset(tiny_graph, tmp_path):
    data = read_movielens(write_movielens_directory(tmp_path))
    summary = write_movielens(tiny_graph, data, ratings=data.ratings.iloc[[0, 3]], show_progress=False)

    assert rated_pairs(tiny_graph) == {(1, 1), (2, 3)}
    assert summary.created["movies"] == 3
    assert summary.created["tags"] == 2
    assert dataset_names(tiny_graph) == ["ml-latest"]


# Data set markers ---------------------------------------------------------------------------


def test_conflict_error_is_value_error():
    assert issubclass(DatasetConflictError, ValueError)


def test_movielens_load_marks_graph(tiny_graph, tmp_path):
    load_movielens(tiny_graph, write_movielens_directory(tmp_path), show_progress=False)

    assert dataset_names(tiny_graph) == ["ml-latest"]


def test_ml100k_rejected_in_movielens_graph(tiny_graph, tmp_path):
    load_movielens(tiny_graph, write_movielens_directory(tmp_path), show_progress=False)
    before = read_counts(tiny_graph)

    with pytest.raises(DatasetConflictError) as caught:
        load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)

    message = str(caught.value)
    assert "the graph already contains the data set 'ml-latest'" in message
    assert "would add 'ml-100k'" in message
    assert "--home var/neo4j/ml100k" in message
    assert read_counts(tiny_graph) == before
    assert dataset_names(tiny_graph) == ["ml-latest"]


def test_movielens_rejected_in_ml100k_graph(tiny_graph, tmp_path):
    load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)
    before = read_counts(tiny_graph)

    with pytest.raises(DatasetConflictError) as caught:
        load_movielens(tiny_graph, write_movielens_directory(tmp_path), show_progress=False)

    message = str(caught.value)
    assert "contains the data set 'ml-100k'" in message
    assert "would add 'ml-latest'" in message
    assert "--home var/neo4j/movielens" in message
    assert read_counts(tiny_graph) == before
    assert dataset_names(tiny_graph) == ["ml-100k"]


def test_ratings_subset_rejected_in_movielens_graph(tiny_graph, tmp_path):
    load_movielens(tiny_graph, write_movielens_directory(tmp_path), show_progress=False)
    data = read_ml100k(write_directory(tmp_path))

    with pytest.raises(DatasetConflictError):
        write_ml100k(tiny_graph, data, ratings=data.ratings.iloc[:1], show_progress=False)

    assert dataset_names(tiny_graph) == ["ml-latest"]


def test_unmarked_graph_taken_as_movielens(tiny_graph, tmp_path):
    # A graph loaded before loads stored a Dataset node has movies and no marker.
    tiny_graph.run_text("CREATE (:Movie {movie_id: 1, title: 'Toy Story (1995)'})")

    with pytest.raises(DatasetConflictError) as caught:
        load_ml100k(tiny_graph, write_directory(tmp_path), show_progress=False)
    assert "'ml-latest'" in str(caught.value)
    assert read_counts(tiny_graph)["movies"] == 1

    load_movielens(tiny_graph, write_movielens_directory(tmp_path), show_progress=False)
    assert dataset_names(tiny_graph) == ["ml-latest"]


# The real ml-100k ---------------------------------------------------------------------------


def count_file_rows(path: Path) -> int:
    return sum(1 for line in path.read_bytes().split(b"\n") if line)


def count_genre_flags(path: Path) -> int:
    """Count the genre flags set in u.item, leaving out the first flag ("unknown")."""
    total = 0
    for line in path.read_text(encoding="latin-1").splitlines():
        flags = line.split("|")[6:]
        total += flags.count("1")
    return total


def test_real_ml100k_load(tiny_graph):
    started = time.perf_counter()
    summary = load_ml100k(tiny_graph, ML100K_DIR, show_progress=False)
    seconds = time.perf_counter() - started
    print(f"\nloaded ml-100k in {seconds:.1f} s")
    print(summary.format())
    logger.info("loaded ml-100k in %.1f s", seconds)
    counts = read_counts(tiny_graph)

    assert counts["users"] == 943
    assert counts["movies"] == 1682
    assert counts["ratings"] == 100000
    assert counts["genres"] == 18
    assert counts["in_genre"] == count_genre_flags(ML100K_DIR / "u.item")
    assert summary.rows_read[str(ML100K_DIR / "u.data")] == count_file_rows(ML100K_DIR / "u.data")
    assert all(reasons == {} for reasons in summary.skipped.values())
    assert tiny_graph.run_text("MATCH (g:Genre {name: 'unknown'}) RETURN count(g) AS n") == [{"n": 0}]
    assert dataset_names(tiny_graph) == ["ml-100k"]

    unknown = tiny_graph.run_text(
        "MATCH (m:Movie {movie_id: 267}) RETURN m.title AS title, m.year AS year, m.genres AS genres, "
        "m.unknown_genre AS unknown_genre, m.release_date AS release_date, "
        "m.video_release_date AS video_release_date, m.imdb_url AS imdb_url"
    )
    assert unknown == [
        {
            "title": "unknown",
            "year": None,
            "genres": [],
            "unknown_genre": True,
            "release_date": None,
            "video_release_date": None,
            "imdb_url": None,
        }
    ]
    miserables = tiny_graph.run_text("MATCH (m:Movie {movie_id: 543}) RETURN m.title AS title, m.year AS year")
    assert miserables == [{"title": "Misérables, Les (1995)", "year": 1995}]

    total = tiny_graph.run_text("MATCH ()-[r:RATED]->() RETURN sum(r.rating) AS total, min(r.timestamp) AS first")
    lines = [line.split("\t") for line in (ML100K_DIR / "u.data").read_text(encoding="ascii").splitlines()]
    assert total[0]["total"] == sum(int(fields[2]) for fields in lines)
    assert total[0]["first"] == min(int(fields[3]) for fields in lines)

    started = time.perf_counter()
    reload = load_ml100k(tiny_graph, ML100K_DIR, show_progress=False)
    seconds = time.perf_counter() - started
    print(f"reloaded ml-100k in {seconds:.1f} s")
    logger.info("reloaded ml-100k in %.1f s", seconds)

    assert read_counts(tiny_graph) == counts
    assert all(count == 0 for count in reload.created.values())
    assert dataset_names(tiny_graph) == ["ml-100k"]
