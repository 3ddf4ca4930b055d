"""The export command: a round trip through its files, how they match the original files, and its errors."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pytest

from graph_rec.export import ExportError, export_graph, pages
from loaders.errors import InputFileError
from loaders.movielens import read_movielens
from loaders.writer import load_movielens
from tests.conftest import CAST_FILE, MOVIELENS_DIR
from tests.graphs import TINY_GRAPH
from tests.test_cli import run_cli
from tests.test_interrupted_load import large_tiny_graph  # noqa: F401 (a fixture)

MOVIELENS_FILES = ("movies.csv", "links.csv", "ratings.csv", "tags.csv")

# Movies whose title in the cast file is not the MovieLens title without its year: the cast
# file cut two of them short and names the third by another title. The export derives the
# cast file's title from MovieLens, because the loader does not store the cast file's own.
CAST_TITLES_OF_OTHER_MOVIES = {
    "94494": "96 Minutes (",
    "135569": "Star Trek 3",
    "143410": "Hyen",
}
# The one movie whose cast-file genres are not the MovieLens genres in another order.
CAST_GENRES_OF_OTHER_MOVIES = {"128620": "(no genres listed)"}


@pytest.fixture
def tiny_settings(tiny_graph, test_servers):
    return test_servers["tiny"]


@pytest.fixture(scope="module")
def movielens_export(movielens_load, movielens_settings, tmp_path_factory) -> Path:
    """The export of the session's ml-latest-small load, written by the command line."""
    directory = tmp_path_factory.mktemp("export") / "first"
    started = time.perf_counter()
    result = run_cli(movielens_settings, "export", "--out", str(directory))
    assert result.returncode == 0, result.stderr
    print(f"\nthe export command ran {time.perf_counter() - started:.1f} s and printed:\n{result.stdout}")
    return directory


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def split_names(field: str) -> list[str]:
    """Names of a '|'-separated list, trimmed, without empty or repeated ones, in their order."""
    return list(dict.fromkeys(name.strip() for name in field.split("|") if name.strip()))


def file_names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_round_trip_files_identical(movielens_export, movielens_load, large_tiny_graph, tiny_settings, tmp_path):
    first = movielens_export
    loaded = run_cli(
        tiny_settings, "load", "--movielens", str(first), "--credits", str(first / "credits.csv"), "--no-precompute"
    )
    assert loaded.returncode == 0, loaded.stderr
    assert large_tiny_graph.read("graph_counts")[0] == movielens_load[0].read("graph_counts")[0]

    second = tmp_path / "second"
    exported = run_cli(tiny_settings, "export", "--out", str(second))
    assert exported.returncode == 0, exported.stderr

    assert file_names(first) == ["credits.csv", "links.csv", "movies.csv", "ratings.csv", "tags.csv"]
    assert file_names(second) == file_names(first)
    for name in file_names(first):
        assert (second / name).read_bytes() == (first / name).read_bytes(), f"{name} differs after the round trip"


@pytest.mark.parametrize("name", MOVIELENS_FILES)
def test_movielens_files_match_originals(movielens_export, name):
    assert (movielens_export / name).read_bytes() == (MOVIELENS_DIR / name).read_bytes()


def test_no_users_file_when_every_user_rated(movielens_export):
    assert not (movielens_export / "users.csv").exists()


def test_cast_file_matches_original(movielens_export):
    """Compare the cast file column by column with the original rows of MovieLens movies.

    Rows of movies that ml-latest-small lacks are skipped by the loader, so the export has none.
    Names are compared as the loader reads them: trimmed, with a repeated name kept once.
    """
    movies = {row["movieId"]: row for row in read_rows(MOVIELENS_DIR / "movies.csv")}
    original = [row for row in read_rows(CAST_FILE) if row["movieId"] in movies]
    exported = read_rows(movielens_export / "credits.csv")

    header = CAST_FILE.read_bytes().split(b"\n")[0] + b"\n"
    assert (movielens_export / "credits.csv").read_bytes().startswith(header)
    assert [row["movieId"] for row in exported] == [row["movieId"] for row in original]
    for before, after in zip(original, exported):
        movie = before["movieId"]
        assert after["released"] == before["released"], movie
        assert after["imdbRating"] == before["imdbRating"], movie
        assert after["actors"].split("|") == split_names(before["actors"]), movie
        assert after["director"].split("|") == split_names(before["director"]), movie
        # The cast file lists the same genres as MovieLens, often in another order; the export
        # writes the MovieLens order.
        assert after["genres"] == movies[movie]["genres"], movie
        if movie in CAST_GENRES_OF_OTHER_MOVIES:
            assert before["genres"] == CAST_GENRES_OF_OTHER_MOVIES[movie]
        else:
            assert sorted(after["genres"].split("|")) == sorted(before["genres"].split("|")), movie
        if movie in CAST_TITLES_OF_OTHER_MOVIES:
            assert before["title"] == CAST_TITLES_OF_OTHER_MOVIES[movie]
        else:
            assert after["title"] == before["title"], movie


def test_users_without_ratings_survive_round_trip(tiny_graph, tmp_path):
    tiny_graph.run_text(TINY_GRAPH)
    tiny_graph.run_text("CREATE (:User {user_id: 99})")
    first = tmp_path / "first"
    summary = export_graph(tiny_graph, first)

    assert summary.rows["users.csv"] == 5
    assert (first / "users.csv").read_text() == "userId\n1\n2\n3\n4\n99\n"
    assert summary.load_command().endswith(f"--credits {first / 'credits.csv'}")

    second = tmp_path / "second"
    tiny_graph.run_text("MATCH (n) WHERE NOT n:GraphRecTestMarker DETACH DELETE n")
    load_movielens(tiny_graph, first, first / "credits.csv", show_progress=False)
    assert tiny_graph.run_text("MATCH (u:User {user_id: 99}) RETURN count(u) AS n")[0]["n"] == 1
    export_graph(tiny_graph, second)
    assert file_names(second) == file_names(first)
    for name in file_names(first):
        assert (second / name).read_bytes() == (first / name).read_bytes(), f"{name} differs after the round trip"


def test_existing_files_rejected_without_force(tiny_graph, tiny_settings, tmp_path):
    tiny_graph.run_text(TINY_GRAPH)
    (tmp_path / "movies.csv").write_text("left by an earlier export\n")
    result = run_cli(tiny_settings, "export", "--out", str(tmp_path))

    assert result.returncode == 2
    assert "already contains movies.csv" in result.stderr
    assert "--force" in result.stderr
    assert (tmp_path / "movies.csv").read_text() == "left by an earlier export\n"
    assert file_names(tmp_path) == ["movies.csv"]


def test_force_replaces_and_deletes_stale(tiny_graph, tiny_settings, tmp_path):
    tiny_graph.run_text(TINY_GRAPH)
    (tmp_path / "movies.csv").write_text("left by an earlier export\n")
    (tmp_path / "tags.csv").write_text("userId,movieId,tag,timestamp\n1,10,stale,1\n")
    (tmp_path / "notes.txt").write_text("not an export file\n")
    result = run_cli(tiny_settings, "export", "--out", str(tmp_path), "--force")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "movies.csv").read_bytes().startswith(b"movieId,title,genres\r\n10,Heat (1995),Crime|Thriller\r\n")
    assert file_names(tmp_path) == ["credits.csv", "links.csv", "movies.csv", "notes.txt", "ratings.csv"]
    assert "load with: python -m graph_rec load --movielens" in result.stdout


def test_output_path_is_file_rejected(tiny_graph, tiny_settings, tmp_path):
    tiny_graph.run_text(TINY_GRAPH)
    target = tmp_path / "export.csv"
    target.write_text("")
    result = run_cli(tiny_settings, "export", "--out", str(target))

    assert result.returncode == 2
    assert "is a file, not a directory" in result.stderr


def test_empty_graph_rejected(tiny_graph, tiny_settings, tmp_path):
    result = run_cli(tiny_settings, "export", "--out", str(tmp_path / "out"))

    assert result.returncode == 2
    assert "the graph has no movies" in result.stderr
    assert not (tmp_path / "out").exists()


def test_ml100k_graph_rejected(tiny_graph, tmp_path):
    tiny_graph.run_text("CREATE (:Dataset {name: 'ml-100k'}), (:Movie {movie_id: 1, title: 'Toy Story (1995)'})")

    with pytest.raises(ExportError, match="'ml-100k'"):
        export_graph(tiny_graph, tmp_path / "out")


def test_missing_timestamp_leaves_no_files(tiny_graph, tmp_path):
    tiny_graph.run_text(TINY_GRAPH)
    tiny_graph.run_text("MATCH (u:User {user_id: 4}), (m:Movie {movie_id: 10}) CREATE (u)-[:RATED {rating: 3.0}]->(m)")

    with pytest.raises(ExportError, match="the rating of user 4 for movie 10 has no timestamp"):
        export_graph(tiny_graph, tmp_path)
    assert file_names(tmp_path) == []


def test_users_file_invalid_id_rejected(tmp_path):
    (tmp_path / "movies.csv").write_text("movieId,title,genres\n1,Toy Story (1995),Animation\n")
    (tmp_path / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n")
    (tmp_path / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    (tmp_path / "users.csv").write_text("userId\n1\nabc\n")

    with pytest.raises(InputFileError, match="invalid userId 'abc'"):
        read_movielens(tmp_path)


def test_pages_bounded_by_rows():
    ids = np.array([1, 2, 3, 4, 5, 6])
    sizes = np.array([3, 3, 3, 10, 1, 1])

    assert list(pages(ids, sizes, max_rows=6)) == [[1, 2], [3], [4], [5, 6]]
