"""ratings.csv read in chunks: the same rows and errors as a whole-file read, and memory bounded by the chunk."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import InputFileError
from loaders.movielens import iter_csv_tables, read_ratings, scan_ratings, RATINGS_COLUMNS
from loaders.writer import load_movielens, read_counts
from tests.test_loaders_validation import write_directory

MOVIE_IDS = {1, 2, 3}
# Six ratings by three users, grouped by user; movie 9 is not in movies.csv.
RATINGS = (
    "userId,movieId,rating,timestamp\n"
    "1,1,4.0,964982703\n"
    "1,2,3.5,964981247\n"
    "2,1,5.0,964982224\n"
    "2,3,0.5,964983815\n"
    "2,9,2.0,964983816\n"
    "3,2,1.0,964983817\n"
)


def write_ratings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def synthetic_ratings(path: Path, users: int, movies: int) -> Path:
    """Write ``users`` users who each rate movies 1 to ``movies``, grouped by user."""
    with path.open("w", encoding="utf-8") as file:
        file.write("userId,movieId,rating,timestamp\n")
        for user in range(1, users + 1):
            file.writelines(f"{user},{movie},{(movie % 10 + 1) / 2},{964982703 + movie}\n" for movie in range(1, movies + 1))
    return path


@pytest.mark.parametrize("chunk_rows", [1, 2, 4, 100])
def test_chunks_equal_whole_file(tmp_path, chunk_rows):
    path = write_ratings(tmp_path, RATINGS)
    whole, whole_report = read_ratings(path, MOVIE_IDS)
    ratings_file, report = scan_ratings(path, MOVIE_IDS, chunk_rows)
    chunked = pd.concat(list(ratings_file.chunks()))

    assert chunked.to_dict("records") == whole.to_dict("records")
    assert ratings_file.rows == 5
    assert ratings_file.user_ids.tolist() == [1, 2, 3]
    assert report.rows_read == whole_report.rows_read == 6
    assert report.skipped == whole_report.skipped


def test_chunk_sizes_and_lines(tmp_path):
    path = write_ratings(tmp_path, RATINGS)
    tables = list(iter_csv_tables(path, RATINGS_COLUMNS, 4))

    assert [len(table.frame) for table in tables] == [4, 2]
    assert tables[1].lines.tolist() == [6, 7]
    assert not tables[1].whole_file


def test_repeat_across_chunk_boundary(tmp_path):
    path = write_ratings(tmp_path, RATINGS + "3,1,2.0,964983818\n3,2,2.5,964983819\n")
    with pytest.raises(InputFileError) as caught:
        scan_ratings(path, MOVIE_IDS, 7)

    assert caught.value.line == 9
    assert caught.value.column == "movieId"
    assert "duplicate userId 3 and movieId 2, first seen on line 7" in str(caught.value)


def test_repeat_in_file_not_grouped_by_user(tmp_path):
    path = write_ratings(tmp_path, RATINGS + "1,3,2.0,964983818\n2,1,2.5,964983819\n")
    with pytest.raises(InputFileError) as caught:
        scan_ratings(path, MOVIE_IDS, 2)

    assert caught.value.line == 9
    assert "duplicate userId 2 and movieId 1, first seen on line 4" in str(caught.value)


def test_user_returning_without_repeat_accepted(tmp_path):
    path = write_ratings(tmp_path, RATINGS + "1,3,2.0,964983818\n")
    ratings_file, _ = scan_ratings(path, MOVIE_IDS, 2)

    assert ratings_file.rows == 6


def test_invalid_value_in_later_chunk(tmp_path):
    path = write_ratings(tmp_path, RATINGS + "4,1,x,964983818\n4,2,y,964983819\n")
    with pytest.raises(InputFileError) as caught:
        scan_ratings(path, MOVIE_IDS, 3)

    assert (caught.value.line, caught.value.column, caught.value.value) == (8, "rating", "x")
    assert "the first of 2 invalid values in this column on lines 8 to 9" in str(caught.value)


def test_changed_file_rejected_before_write(tmp_path):
    path = write_ratings(tmp_path, RATINGS)
    ratings_file, _ = scan_ratings(path, MOVIE_IDS, 2)
    path.write_text(RATINGS + "3,3,1.0,964983818\n", encoding="utf-8")

    with pytest.raises(InputFileError, match="changed after it was validated"):
        next(ratings_file.chunks())


def test_memory_bounded_by_chunk(tmp_path):
    movie_ids = set(range(1, 501))
    peaks = []
    for users in (20, 80):
        path = synthetic_ratings(tmp_path / f"ratings-{users}.csv", users, 500)
        tracemalloc.start()
        scan_ratings(path, movie_ids, 1000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

    # Four times the rows, but the same chunk size: the peak stays about the same.
    assert peaks[1] < 1.5 * peaks[0]


def test_tiny_chunks_load_equals_one_chunk(tiny_graph, tmp_path, monkeypatch):
    directory = write_directory(tmp_path)
    load_movielens(tiny_graph, directory, show_progress=False)
    one_chunk = tiny_graph.run_text(RATED_ROWS)
    counts = read_counts(tiny_graph)

    tiny_graph.run_text("MATCH ()-[r:RATED]->() DELETE r")
    monkeypatch.setattr("loaders.movielens.DEFAULT_CHUNK_ROWS", 1)
    load_movielens(tiny_graph, directory, batch_size=1, show_progress=False)

    assert tiny_graph.run_text(RATED_ROWS) == one_chunk
    assert read_counts(tiny_graph) == counts


def test_interrupted_load_completed_by_reload(tiny_graph, tmp_path):
    directory = write_directory(tmp_path)
    load_movielens(tiny_graph, directory, show_progress=False)
    counts = read_counts(tiny_graph)

    # A load that stopped after its first batch leaves some ratings; the next load merges the rest.
    tiny_graph.run_text("MATCH (:User {user_id: 2})-[r:RATED]->() DELETE r")
    summary = load_movielens(tiny_graph, directory, show_progress=False)

    assert read_counts(tiny_graph) == counts
    assert summary.created["ratings"] == 2
    assert tiny_graph.run_text(REPEATED_RATED) == []


RATED_ROWS = (
    "MATCH (u:User)-[r:RATED]->(m:Movie) RETURN u.user_id AS user, m.movie_id AS movie, "
    "r.rating AS rating, r.timestamp AS timestamp ORDER BY user, movie"
)
REPEATED_RATED = (
    "MATCH (u:User)-[r:RATED]->(m:Movie) WITH u, m, count(r) AS n WHERE n > 1 RETURN u.user_id AS user, m.movie_id AS movie"
)
