"""Invalid input files: each case raises InputFileError that locates the problem, before any write.

The files are small MovieLens-style directories written into tmp_path. The graph tests use the
``tiny_graph`` server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.credits import person_id_for_name, split_names
from loaders.errors import InputFileError
from loaders.movielens import UNKNOWN_MOVIE, parse_year, read_movielens, split_genres
from loaders.writer import load_movielens, read_counts, read_inputs
from tests.files import write_data_directory

MOVIES = (
    "movieId,title,genres\r\n"
    "1,Toy Story (1995),Adventure|Animation|Children\r\n"
    '2,"American President, The (1995)",Comedy|Drama|Romance\r\n'
    "3,Babylon 5,(no genres listed)\r\n"
)
RATINGS = (
    "userId,movieId,rating,timestamp\r\n"
    "1,1,4.0,964982703\r\n"
    "1,2,3.5,964981247\r\n"
    "2,1,5.0,964982224\r\n"
    "2,3,0.5,964983815\r\n"
)
LINKS = "movieId,imdbId,tmdbId\r\n1,0114709,862\r\n2,0112346,9087\r\n3,0105946,\r\n"
TAGS = "userId,movieId,tag,timestamp\r\n2,1,pixar,1445714994\r\n2,1,funny,1445714996\r\n"
CAST = (
    "movieId,released,title,actors,director,genres,imdbRating\n"
    "1,1995-11-22,Toy Story,Tom Hanks| Tim Allen,John Lasseter,Adventure,8.3\n"
    "2,1995-11-17,The American President,Michael Douglas|Annette Bening,Rob Reiner,Comedy,\n"
)
GOOD_FILES = {"movies.csv": MOVIES, "ratings.csv": RATINGS, "links.csv": LINKS, "tags.csv": TAGS}


def write_directory(parent: Path, name: str = "movielens", **files: str | bytes | None) -> Path:
    """Write the good MovieLens files into parent/name, with ``files`` replacing or (None) omitting some."""
    return write_data_directory(parent, name, GOOD_FILES, "utf-8", files)


def write_cast(parent: Path, content: str = CAST) -> Path:
    path = parent / "cast.csv"
    path.write_text(content, encoding="utf-8")
    return path


def replace_line(text: str, line: int, new: str) -> str:
    """Replace the 1-based line ``line`` of CRLF or LF text."""
    ending = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(ending)
    lines[line - 1] = new
    return ending.join(lines)


def read_error(directory: Path) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_movielens(directory)
    return caught.value


# Error messages -----------------------------------------------------------------------------


def test_error_is_value_error():
    assert issubclass(InputFileError, ValueError)


def test_missing_column_names_found_columns(tmp_path):
    ratings = "userId,movieId,timestamp\r\n1,1,964982703\r\n"
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 1" in message
    assert "missing column 'rating'" in message
    assert "'userId', 'movieId', 'timestamp'" in message
    assert error.line == 1
    assert error.column == "rating"


def test_non_numeric_rating(tmp_path):
    ratings = replace_line(RATINGS, 3, "1,2,four,964981247")
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 3" in message
    assert "'four'" in message
    assert "expected a number" in message
    assert (error.line, error.column, error.value) == (3, "rating", "four")


@pytest.mark.parametrize("rating", ["0", "0.0", "5.5", "4.25", "-1", "10", "inf"])
def test_rating_out_of_range(tmp_path, rating):
    ratings = replace_line(RATINGS, 4, f"2,1,{rating},964982224")
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 4" in message
    assert f"'{rating}'" in message
    assert "out of range" in message
    assert "0.5 to 5.0 in steps of 0.5" in message


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", "", " 2"])
@pytest.mark.parametrize("column", ["userId", "movieId"])
def test_ratings_id_not_positive_integer(tmp_path, column, value):
    fields = {"userId": "2", "movieId": "3", "rating": "0.5", "timestamp": "964983815"}
    fields[column] = value
    ratings = replace_line(RATINGS, 5, ",".join(fields.values()))
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 5" in message
    assert f"column '{column}'" in message
    assert f"{value!r}" in message
    assert "expected a positive integer" in message
    assert error.value == value


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5"])
def test_movies_id_not_positive_integer(tmp_path, value):
    movies = replace_line(MOVIES, 4, f"{value},Babylon 5,(no genres listed)")
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    assert "movies.csv" in str(error)
    assert "line 4" in str(error)
    assert f"{value!r}" in str(error)
    assert error.column == "movieId"


def test_invalid_value_count_in_message(tmp_path):
    ratings = replace_line(replace_line(RATINGS, 3, "x,2,3.5,964981247"), 5, "y,3,0.5,964983815")
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    assert error.line == 3
    assert "the first of 2 invalid values" in str(error)


def test_latin1_file_reports_byte_line(tmp_path):
    movies = MOVIES.encode("utf-8") + "4,Misérables, Les (1995),Drama\r\n".encode("latin-1")
    movies = movies.replace(b"4,Mis\xe9rables, Les (1995)", b'4,"Mis\xe9rables, Les (1995)"')
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    message = str(error)
    assert "movies.csv" in message
    assert "line 5" in message
    assert "column 'title'" in message
    assert "0xE9" in message
    assert "not valid UTF-8" in message
    assert "iconv -f latin1 -t utf-8" in message
    assert error.value == "Mis\\xe9rables, Les (1995)"


def test_bad_byte_in_header(tmp_path):
    ratings = b"userId,movieId,r\xe4ting,timestamp\r\n1,1,4.0,964982703\r\n"
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    assert error.line == 1
    assert "not valid UTF-8" in str(error)


def test_bad_byte_after_byte_order_mark(tmp_path):
    movies = b"\xef\xbb\xbf" + MOVIES.encode("utf-8") + b"4,Caf\xe9 (2001),Drama\r\n"
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    assert error.line == 5
    assert error.column == "title"
    assert error.value == "Caf\\xe9 (2001)"


def test_utf8_byte_order_mark_accepted(tmp_path):
    movies = b"\xef\xbb\xbf" + MOVIES.encode("utf-8")
    data = read_movielens(write_directory(tmp_path, movies_csv=movies))

    assert data.movies["movie_id"].tolist() == [1, 2, 3]


def test_truncated_line(tmp_path):
    ratings = replace_line(RATINGS, 3, "1,2,3.5")
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 3" in message
    assert "column 'timestamp'" in message
    assert "'1,2,3.5'" in message
    assert "truncated" in message


def test_extra_fields_suggest_quoting(tmp_path):
    movies = replace_line(MOVIES, 3, "2,American President, The (1995),Comedy|Drama|Romance")
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    assert error.line == 3
    assert "4 fields but the header has 3" in str(error)
    assert "Quote values that contain commas" in str(error)


def test_unterminated_quote(tmp_path):
    movies = MOVIES + '4,"Heat (1995),Crime\r\n'
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    assert error.line == 5
    assert "invalid CSV" in str(error)


@pytest.mark.parametrize("timestamp", ["964982703.5", "yesterday", "", "1e9"])
def test_non_integer_timestamp(tmp_path, timestamp):
    ratings = replace_line(RATINGS, 2, f"1,1,4.0,{timestamp}")
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 2" in message
    assert f"'{timestamp}'" in message
    assert "expected an integer" in message
    assert error.column == "timestamp"


def test_non_integer_tag_timestamp(tmp_path):
    tags = replace_line(TAGS, 3, "2,1,funny,soon")
    error = read_error(write_directory(tmp_path, tags_csv=tags))

    assert "tags.csv" in str(error)
    assert (error.line, error.column, error.value) == (3, "timestamp", "soon")


def test_duplicate_movie_id(tmp_path):
    movies = MOVIES + "2,Heat (1995),Crime|Thriller\r\n"
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    message = str(error)
    assert "movies.csv" in message
    assert "line 5" in message
    assert "duplicate movieId 2" in message
    assert "first seen on line 3" in message
    assert error.value == "2"


def test_duplicate_user_movie_rating(tmp_path):
    ratings = RATINGS + "1,2,1.0,964999999\r\n"
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    message = str(error)
    assert "ratings.csv" in message
    assert "line 6" in message
    assert "duplicate userId 1 and movieId 2" in message
    assert "first seen on line 3" in message


def test_same_movie_by_two_users_accepted(tmp_path):
    data = read_movielens(write_directory(tmp_path))

    assert len(data.ratings) == 4


def test_ratings_file_not_found(tmp_path):
    directory = write_directory(tmp_path, ratings_csv=None)
    error = read_error(directory)

    message = str(error)
    assert str(directory / "ratings.csv") in message
    assert "file not found" in message
    assert "movies.csv, ratings.csv, links.csv" in message


def test_directory_not_found(tmp_path):
    error = read_error(tmp_path / "absent")

    assert "absent" in str(error)
    assert "directory not found" in str(error)


def test_tags_file_optional(tmp_path):
    data = read_movielens(write_directory(tmp_path, tags_csv=None))

    assert data.tags.empty
    assert [report.path.name for report in data.reports] == ["movies.csv", "links.csv", "ratings.csv"]


def test_line_numbers_count_quoted_line_breaks(tmp_path):
    movies = MOVIES + '4,"Heat\r\n(1995)",Crime\r\nfive,Casino (1995),Crime\r\n'
    error = read_error(write_directory(tmp_path, movies_csv=movies))

    assert error.line == 7
    assert error.value == "five"


def test_empty_lines_skipped_but_counted(tmp_path):
    ratings = RATINGS.replace("1,2,3.5,964981247\r\n", "\r\n1,2,3.5,964981247\r\n") + "\r\n2,2,9,964983815\r\n"
    error = read_error(write_directory(tmp_path, ratings_csv=ratings))

    assert error.line == 8


def test_empty_file(tmp_path):
    error = read_error(write_directory(tmp_path, links_csv=""))

    assert "links.csv" in str(error)
    assert "the file is empty" in str(error)


def test_invalid_imdb_id(tmp_path):
    links = replace_line(LINKS, 2, "1,tt0114709,862")
    error = read_error(write_directory(tmp_path, links_csv=links))

    assert "links.csv" in str(error)
    assert (error.line, error.column, error.value) == (2, "imdbId", "tt0114709")


def test_cast_invalid_imdb_rating(tmp_path):
    directory = write_directory(tmp_path)
    cast = write_cast(tmp_path, replace_line(CAST, 3, "2,1995-11-17,The American President,A|B,Rob Reiner,Comedy,high"))
    with pytest.raises(InputFileError) as caught:
        read_inputs(directory, cast)

    assert "cast.csv" in str(caught.value)
    assert (caught.value.line, caught.value.column, caught.value.value) == (3, "imdbRating", "high")


def test_cast_duplicate_movie_id(tmp_path):
    directory = write_directory(tmp_path)
    cast = write_cast(tmp_path, CAST + "1,1995-11-22,Toy Story,Tom Hanks,John Lasseter,Adventure,8.3\n")
    with pytest.raises(InputFileError) as caught:
        read_inputs(directory, cast)

    assert "cast.csv" in str(caught.value)
    assert "line 4" in str(caught.value)
    assert "first seen on line 2" in str(caught.value)


def test_cast_file_not_found(tmp_path):
    with pytest.raises(InputFileError) as caught:
        read_inputs(write_directory(tmp_path), tmp_path / "no-cast.csv")

    assert "no-cast.csv" in str(caught.value)
    assert "file not found" in str(caught.value)


# Parsing helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Toy Story (1995)", 1995),
        ("Babylon 5", None),
        ("Death Note: Desu nôto (2006–2007)", 2006),
        ("Some Series (2010-2012)", 2010),
        ("From Dusk Till Dawn 2: Texas Blood Money (1999) ", 1999),
        ("Assembly (Ji jie hao) (2007)  ", 2007),
        ("City of Lost Children, The (Cité des enfants perdus, La) (1995)", 1995),
        ("1984 (1956)", 1956),
        ("2001: A Space Odyssey", None),
        ("Movie (1995) Extended", None),
        ("", None),
    ],
)
def test_parse_year(title, year):
    assert parse_year(title) == year


def test_split_genres_keeps_order():
    assert split_genres("Adventure|Animation|Children") == ["Adventure", "Animation", "Children"]


def test_split_genres_no_genres_listed():
    assert split_genres("(no genres listed)") == []
    assert split_genres("") == []


def test_split_names_trims_each_name():
    assert split_names("Albert Hughes| Allen Hughes") == ["Albert Hughes", "Allen Hughes"]
    assert split_names("  Tom Hanks |Tim Allen  ") == ["Tom Hanks", "Tim Allen"]


def test_split_names_drops_empty_names():
    assert split_names("Tom Hanks|| |Tim Allen|") == ["Tom Hanks", "Tim Allen"]
    assert split_names("") == []


def test_person_id_uses_trimmed_name():
    assert person_id_for_name(" Allen Hughes ") == "name:Allen Hughes"


# Loads into the graph -----------------------------------------------------------------------


def test_small_load_writes_model(tiny_graph, tmp_path):
    summary = load_movielens(tiny_graph, write_directory(tmp_path), write_cast(tmp_path), show_progress=False)

    assert summary.created["users"] == 2
    assert summary.created["movies"] == 3
    assert summary.created["ratings"] == 4
    assert summary.created["tags"] == 2
    assert summary.created["genres"] == 6
    assert summary.created["people"] == 6
    assert summary.created["acted_in"] == 4
    assert summary.created["directed"] == 2

    movies = tiny_graph.run_text(
        "MATCH (m:Movie) RETURN m.movie_id AS id, m.title AS title, m.year AS year, m.genres AS genres, "
        "m.imdb_id AS imdb_id, m.tmdb_id AS tmdb_id, m.released AS released, m.imdb_rating AS imdb_rating "
        "ORDER BY id"
    )
    assert movies[0] == {
        "id": 1,
        "title": "Toy Story (1995)",
        "year": 1995,
        "genres": ["Adventure", "Animation", "Children"],
        "imdb_id": "0114709",
        "tmdb_id": "862",
        "released": "1995-11-22",
        "imdb_rating": 8.3,
    }
    assert movies[1]["title"] == "American President, The (1995)"
    assert movies[1]["imdb_rating"] is None
    assert movies[2]["year"] is None
    assert movies[2]["genres"] == []
    assert movies[2]["tmdb_id"] is None


def test_small_load_trims_actor_names(tiny_graph, tmp_path):
    load_movielens(tiny_graph, write_directory(tmp_path), write_cast(tmp_path), show_progress=False)

    credits = tiny_graph.run_text(
        "MATCH (p:Actor)-[r:ACTED_IN]->(:Movie {movie_id: 1}) RETURN p.person_id AS id, p.name AS name, r.order AS order "
        "ORDER BY r.order"
    )
    assert credits == [
        {"id": "name:Tom Hanks", "name": "Tom Hanks", "order": 0},
        {"id": "name:Tim Allen", "name": "Tim Allen", "order": 1},
    ]


def test_person_both_actor_and_director(tiny_graph, tmp_path):
    cast = CAST + "3,1994-01-26,Babylon 5,Rob Reiner|Rob Reiner,Rob Reiner,Sci-Fi,8.0\n"
    summary = load_movielens(tiny_graph, write_directory(tmp_path), write_cast(tmp_path, cast), show_progress=False)

    labels = tiny_graph.run_text("MATCH (p:Person {person_id: 'name:Rob Reiner'}) RETURN labels(p) AS labels")
    assert len(labels) == 1
    assert sorted(labels[0]["labels"]) == ["Actor", "Director", "Person"]
    acted = tiny_graph.run_text("MATCH (:Person {name: 'Rob Reiner'})-[r:ACTED_IN]->(:Movie {movie_id: 3}) RETURN r.order AS order")
    assert acted == [{"order": 0}]
    assert summary.skipped[str(tmp_path / "cast.csv")] == {}
    assert sum(summary.dropped_values[str(tmp_path / "cast.csv")].values()) == 1


def test_unknown_movie_rows_skipped_and_counted(tiny_graph, tmp_path):
    ratings = RATINGS + "3,99,4.0,964983815\r\n3,98,4.0,964983815\r\n"
    tags = TAGS + "2,99,lost,1445714999\r\n"
    links = LINKS + "99,0000099,99\r\n"
    cast = CAST + "99,2000-01-01,Lost Movie,Nobody,No Director,Drama,5.0\n"
    directory = write_directory(tmp_path, ratings_csv=ratings, tags_csv=tags, links_csv=links)
    summary = load_movielens(tiny_graph, directory, write_cast(tmp_path, cast), show_progress=False)

    assert summary.skipped[str(directory / "ratings.csv")] == {UNKNOWN_MOVIE: 2}
    assert summary.skipped[str(directory / "tags.csv")] == {UNKNOWN_MOVIE: 1}
    assert summary.skipped[str(directory / "links.csv")] == {UNKNOWN_MOVIE: 1}
    assert summary.skipped[str(tmp_path / "cast.csv")] == {UNKNOWN_MOVIE: 1}
    assert summary.rows_read[str(directory / "ratings.csv")] == 6
    assert summary.created["ratings"] == 4
    assert summary.created["users"] == 2
    assert summary.created["movies"] == 3
    assert tiny_graph.run_text("MATCH (p:Person {name: 'Nobody'}) RETURN count(p) AS n")[0]["n"] == 0
    assert "movieId not in MovieLens movies.csv" in summary.format()


def test_repeated_tags_skipped(tiny_graph, tmp_path):
    tags = TAGS + "2,1,pixar,1445715000\r\n2,1,,1445715001\r\n"
    directory = write_directory(tmp_path, tags_csv=tags)
    summary = load_movielens(tiny_graph, directory, show_progress=False)

    assert summary.created["tags"] == 2
    assert sum(summary.skipped[str(directory / "tags.csv")].values()) == 2


def test_reload_changes_nothing(tiny_graph, tmp_path):
    directory, cast = write_directory(tmp_path), write_cast(tmp_path)
    load_movielens(tiny_graph, directory, cast, show_progress=False)
    first = read_counts(tiny_graph)
    summary = load_movielens(tiny_graph, directory, cast, show_progress=False)

    assert read_counts(tiny_graph) == first
    assert all(count == 0 for count in summary.created.values())


def test_summary_format_and_dict(tiny_graph, tmp_path):
    directory = write_directory(tmp_path)
    summary = load_movielens(tiny_graph, directory, batch_size=2, show_progress=False)

    text = summary.format()
    assert str(directory / "ratings.csv") in text
    assert "ratings" in text
    as_dict = summary.to_dict()
    assert as_dict["created"]["ratings"] == 4
    assert as_dict["rows_written"]["ratings"] == 4
    assert set(as_dict["seconds"]) >= {"validate", "schema", "movies", "ratings", "tags", "total"}


def test_batch_size_below_one_rejected(tiny_graph, tmp_path):
    with pytest.raises(ValueError, match="batch_size"):
        load_movielens(tiny_graph, write_directory(tmp_path), batch_size=0)


BAD_DIRECTORIES = {
    "movies duplicate id": {"movies_csv": MOVIES + "3,Heat (1995),Crime\r\n"},
    "ratings bad last line": {"ratings_csv": replace_line(RATINGS, 2, "1,1,1.0,964982703") + "2,2,4.0,abc\r\n"},
    "ratings missing column": {"ratings_csv": "userId,movieId,rating\r\n1,1,1.0\r\n"},
    "links truncated": {"links_csv": LINKS + "4\r\n"},
    "tags latin1": {"tags_csv": TAGS.encode() + "2,2,caf\xe9,1445714999\r\n".encode("latin-1")},
    "ratings missing": {"ratings_csv": None},
}


@pytest.mark.parametrize("case", BAD_DIRECTORIES)
def test_bad_directory_leaves_graph_unchanged(tiny_graph, tmp_path, case):
    load_movielens(tiny_graph, write_directory(tmp_path, "good"), write_cast(tmp_path), show_progress=False)
    before = read_counts(tiny_graph)
    bad = write_directory(tmp_path, "bad", **BAD_DIRECTORIES[case])

    with pytest.raises(InputFileError):
        load_movielens(tiny_graph, bad, write_cast(tmp_path), show_progress=False)

    assert read_counts(tiny_graph) == before
    rating = tiny_graph.run_text("MATCH (:User {user_id: 1})-[r:RATED]->(:Movie {movie_id: 1}) RETURN r.rating AS rating")
    assert rating == [{"rating": 4.0}]


def test_bad_cast_file_leaves_graph_unchanged(tiny_graph, tmp_path):
    directory = write_directory(tmp_path)
    load_movielens(tiny_graph, directory, show_progress=False)
    before = read_counts(tiny_graph)
    cast = write_cast(tmp_path, CAST + "3,1994-01-26,Babylon 5,Bruce Boxleitner,J. Michael Straczynski,Sci-Fi,11\n")

    with pytest.raises(InputFileError) as caught:
        load_movielens(tiny_graph, directory, cast, show_progress=False)

    assert caught.value.line == 4
    assert read_counts(tiny_graph) == before
