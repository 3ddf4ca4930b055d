"""Load of the real ml-latest-small and the cast-and-crew file into the movielens test server.

The expected counts are computed here from the CSV files with the csv module, independently
of the loader. The session loads both sources once (see conftest.py); ``pytest -s`` shows the
measured load times.
"""

from __future__ import annotations

import csv
import logging
import time
from pathlib import Path

import pytest

from loaders.credits import REPEATED_ACTOR, REPEATED_DIRECTOR
from loaders.movielens import UNKNOWN_MOVIE
from loaders.writer import load_movielens, read_counts
from tests.conftest import CAST_FILE, MOVIELENS_DIR

logger = logging.getLogger(__name__)

NO_GENRES = "(no genres listed)"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def repeated_names(rows: list[dict[str, str]], column: str) -> int:
    """Count the names that appear again, after trimming, in the same row of a names column."""
    total = 0
    for row in rows:
        names = [name.strip() for name in row[column].split("|") if name.strip()]
        total += len(names) - len(set(names))
    return total


def trimmed_credits(rows: list[dict[str, str]], column: str) -> set[tuple[str, int]]:
    """Return the distinct (trimmed name, movieId) pairs of a '|'-separated names column."""
    return {
        (name.strip(), int(row["movieId"]))
        for row in rows
        for name in row[column].split("|")
        if name.strip()
    }


@pytest.fixture(scope="module")
def expected() -> dict[str, int]:
    """Counts that the graph must have, computed from the files."""
    movies = read_rows(MOVIELENS_DIR / "movies.csv")
    ratings = read_rows(MOVIELENS_DIR / "ratings.csv")
    tags = read_rows(MOVIELENS_DIR / "tags.csv")
    cast = read_rows(CAST_FILE)
    movie_ids = {int(row["movieId"]) for row in movies}

    known_tags = [row for row in tags if int(row["movieId"]) in movie_ids]
    distinct_tags = {(row["userId"], row["movieId"], row["tag"]) for row in known_tags}
    genres_per_movie = [set(row["genres"].split("|")) - {NO_GENRES} for row in movies]
    known_cast = [row for row in cast if int(row["movieId"]) in movie_ids]
    acted = trimmed_credits(known_cast, "actors")
    directed = trimmed_credits(known_cast, "director")

    return {
        "users": len({row["userId"] for row in ratings} | {row["userId"] for row in known_tags}),
        "movies": len(movie_ids),
        "ratings": len({(row["userId"], row["movieId"]) for row in ratings if int(row["movieId"]) in movie_ids}),
        "tags": len(distinct_tags),
        "tag_rows": len(tags),
        "genres": len(set().union(*genres_per_movie)),
        "in_genre": sum(len(genres) for genres in genres_per_movie),
        "acted_in": len(acted),
        "directed": len(directed),
        "people": len({name for name, _ in acted} | {name for name, _ in directed}),
        "cast_rows": len(cast),
        "cast_unknown_movies": len(cast) - len(known_cast),
        "repeated_actors": repeated_names(known_cast, "actors"),
        "repeated_directors": repeated_names(known_cast, "director"),
    }


@pytest.fixture(scope="module")
def loaded(movielens_load):
    """The movielens graph after one load of ml-latest-small and the cast file, with its summary."""
    return movielens_load


def test_tags_file_has_no_repeated_tags(expected):
    # The expected TAGGED count is the number of distinct (user, movie, tag) triples. The 2018
    # file has no repeated triples, so it equals the row count of 3,683.
    assert expected["tag_rows"] == 3683
    assert expected["tags"] == 3683


def test_node_counts(loaded, expected):
    counts = read_counts(loaded[0])

    assert counts["users"] == 610
    assert counts["users"] == expected["users"]
    assert counts["movies"] == 9742
    assert counts["genres"] == expected["genres"]
    assert counts["genres"] == 19
    assert counts["people"] == expected["people"]


def test_relationship_counts(loaded, expected):
    counts = read_counts(loaded[0])

    assert counts["ratings"] == 100836
    assert counts["ratings"] == expected["ratings"]
    assert counts["tags"] == expected["tags"]
    assert counts["in_genre"] == expected["in_genre"]
    assert counts["acted_in"] == expected["acted_in"]
    assert counts["directed"] == expected["directed"]


def test_summary_created_everything(loaded):
    graph, summary = loaded

    assert all(count == 0 for count in summary.counts_before.values())
    assert summary.created == read_counts(graph)


def test_summary_rows_read(loaded, expected):
    summary = loaded[1]

    assert summary.rows_read[str(MOVIELENS_DIR / "movies.csv")] == 9742
    assert summary.rows_read[str(MOVIELENS_DIR / "ratings.csv")] == 100836
    assert summary.rows_read[str(MOVIELENS_DIR / "links.csv")] == 9742
    assert summary.rows_read[str(MOVIELENS_DIR / "tags.csv")] == 3683
    assert summary.rows_read[str(CAST_FILE)] == expected["cast_rows"]


def test_summary_skips_unknown_cast_movies(loaded, expected):
    summary = loaded[1]

    assert summary.skipped[str(CAST_FILE)][UNKNOWN_MOVIE] == 1968
    assert expected["cast_unknown_movies"] == 1968
    assert "1,968 × movieId not in MovieLens movies.csv" in summary.format()
    assert summary.skipped[str(MOVIELENS_DIR / "ratings.csv")] == {}


def test_summary_reports_repeated_names(loaded, expected):
    dropped = loaded[1].dropped_values[str(CAST_FILE)]

    assert dropped[REPEATED_ACTOR] == expected["repeated_actors"]
    assert dropped[REPEATED_DIRECTOR] == expected["repeated_directors"]


def test_movie_properties(loaded):
    rows = loaded[0].run_text(
        "MATCH (m:Movie) WHERE m.movie_id IN [1, 791, 40697] "
        "RETURN m.movie_id AS id, m.title AS title, m.year AS year, m.genres AS genres, m.imdb_id AS imdb_id, "
        "m.tmdb_id AS tmdb_id, m.released AS released, m.imdb_rating AS imdb_rating ORDER BY id"
    )
    toy_story, last_klezmer, babylon = rows

    assert toy_story == {
        "id": 1,
        "title": "Toy Story (1995)",
        "year": 1995,
        "genres": ["Adventure", "Animation", "Children", "Comedy", "Fantasy"],
        "imdb_id": "0114709",
        "tmdb_id": "862",
        "released": "1995-11-22",
        "imdb_rating": 8.3,
    }
    assert last_klezmer["tmdb_id"] is None
    assert babylon["title"] == "Babylon 5"
    assert babylon["year"] is None


def test_year_range_takes_first_year(loaded):
    rows = loaded[0].run_text("MATCH (m:Movie) WHERE m.title STARTS WITH 'Death Note: Desu n' RETURN m.year AS year")

    assert rows == [{"year": 2006}]


def test_no_genres_listed_is_not_a_genre(loaded):
    graph = loaded[0]
    genre = graph.run_text("MATCH (g:Genre {name: $name}) RETURN count(g) AS n", name=NO_GENRES)
    movies = graph.run_text(
        "MATCH (m:Movie) WHERE m.genres = [] RETURN count(m) AS n, sum(COUNT { (m)-[:IN_GENRE]->() }) AS links"
    )

    assert genre == [{"n": 0}]
    assert movies == [{"n": 34, "links": 0}]


def test_person_names_trimmed(loaded):
    graph = loaded[0]
    untrimmed = graph.run_text("MATCH (p:Person) WHERE p.name <> trim(p.name) OR p.name = '' RETURN count(p) AS n")
    hughes = graph.run_text(
        "MATCH (p:Person {person_id: 'name:Allen Hughes'}) RETURN p.name AS name, labels(p) AS labels"
    )

    assert untrimmed == [{"n": 0}]
    assert hughes[0]["name"] == "Allen Hughes"
    assert "Director" in hughes[0]["labels"]


def test_rating_values_match_file(loaded):
    ratings = read_rows(MOVIELENS_DIR / "ratings.csv")
    stored = loaded[0].run_text("MATCH ()-[r:RATED]->() RETURN sum(r.rating) AS total, min(r.timestamp) AS first")

    assert stored[0]["total"] == pytest.approx(sum(float(row["rating"]) for row in ratings))
    assert stored[0]["first"] == min(int(row["timestamp"]) for row in ratings)


def test_reload_keeps_every_count(loaded):
    # This test runs last in the module, and the reload must leave the graph as the other tests saw it.
    graph = loaded[0]
    before = read_counts(graph)

    started = time.perf_counter()
    summary = load_movielens(graph, MOVIELENS_DIR, CAST_FILE)
    seconds = time.perf_counter() - started
    print(f"\nreloaded ml-latest-small and the cast file in {seconds:.1f} s")
    logger.info("reloaded ml-latest-small and the cast file in %.1f s", seconds)

    assert read_counts(graph) == before
    assert all(count == 0 for count in summary.created.values())
