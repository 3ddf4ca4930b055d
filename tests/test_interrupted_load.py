"""A load killed partway through its ratings, then run again, ends with the graph of an uninterrupted load.

The load runs as a child process of the command line and receives SIGKILL, so it has no chance
to clean up. The expected counts come from the generated files themselves.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from graph_rec.settings import PROJECT_ROOT
from tests.test_cli import run_cli

# About 8 s of rating writes at the 50,000 ratings/s that docs/benchmarks.md measured, so the
# poll below finds the ratings partly written.
USERS = 3000
MOVIES = 3000
RATINGS = 400_000
POLL_SECONDS = 0.1
LOAD_TIMEOUT_SECONDS = 300

LABEL_COUNTS = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count"
TYPE_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count"
RATED_COUNT = "MATCH ()-[r:RATED]->() RETURN count(r) AS count"
REPEATED_PAIRS = """
MATCH (u:User)-[r:RATED]->(m:Movie)
WITH u, m, count(r) AS ratings WHERE ratings > 1
RETURN count(*) AS pairs
"""
# The conftest clears a graph in one transaction, which runs out of transaction memory on a
# 1 GB heap for a graph this size, so the test deletes its graph in batches when it ends.
DELETE_IN_BATCHES = """
MATCH (n) WHERE NOT n:GraphRecTestMarker
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
"""
RATING_TOTALS = """
MATCH ()-[r:RATED]->()
RETURN sum(r.rating) AS rating_sum, sum(r.timestamp) AS timestamp_sum
"""


@pytest.fixture
def tiny_settings(tiny_graph, test_servers):
    return test_servers["tiny"]


def delete_in_batches(graph) -> None:
    """Delete every node but the test marker, committing every few thousand nodes."""
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, which session.run opens.
    with graph.driver.session(database=graph.database) as session:
        session.run(DELETE_IN_BATCHES).consume()


@pytest.fixture
def large_tiny_graph(tiny_graph):
    """The tiny server's empty graph, deleted in batches after the test fills it with a large graph."""
    yield tiny_graph
    delete_in_batches(tiny_graph)


def cli_environment(settings) -> dict[str, str]:
    return dict(
        os.environ,
        NEO4J_URI=settings.neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password or "",
    )


def load_arguments(directory: Path) -> list[str]:
    return [
        "load", "--movielens", str(directory), "--credits", str(directory / "credits.csv"), "--no-precompute",
    ]


def start_load(settings, directory: Path, log_path: Path) -> subprocess.Popen:
    """Start a load whose output goes to ``log_path``."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "graph_rec", *load_arguments(directory)],
            cwd=PROJECT_ROOT,
            env=cli_environment(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def rated_count(graph) -> int:
    return graph.run_text(RATED_COUNT)[0]["count"]


def kill_when_partly_rated(graph, process: subprocess.Popen, total: int, log_path: Path) -> float:
    """Poll the RATED count and SIGKILL ``process`` once a third of ``total`` exists. Return the seconds it ran."""
    started = time.perf_counter()
    while time.perf_counter() - started < LOAD_TIMEOUT_SECONDS:
        if process.poll() is not None:
            output = log_path.read_text()[-3000:]
            pytest.fail(f"the load ended (exit {process.returncode}) before it was killed; its output:\n{output}")
        if rated_count(graph) >= total // 3:
            process.kill()
            process.wait()
            return time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    process.kill()
    process.wait()
    pytest.fail(f"the load wrote fewer than {total // 3} ratings in {LOAD_TIMEOUT_SECONDS} s")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def split_names(field: str) -> list[str]:
    """Names of a '|'-separated list, trimmed, without empty or repeated ones, in their order."""
    return list(dict.fromkeys(name.strip() for name in field.split("|") if name.strip()))


def expected_counts(directory: Path) -> tuple[Counter, Counter, dict]:
    """Count the nodes per label, relationships per type and rating totals that the files describe."""
    movies = read_rows(directory / "movies.csv")
    ratings = read_rows(directory / "ratings.csv")
    credits = read_rows(directory / "credits.csv")
    assert not read_rows(directory / "tags.csv"), "the generator writes no tags"

    genres_per_movie = [[name for name in row["genres"].split("|") if name] for row in movies]
    actors_per_movie = [split_names(row["actors"]) for row in credits]
    directors_per_movie = [split_names(row["director"]) for row in credits]
    actors = {name for names in actors_per_movie for name in names}
    directors = {name for names in directors_per_movie for name in names}

    labels = Counter(
        User=len({row["userId"] for row in ratings}),
        Movie=len(movies),
        Genre=len({name for names in genres_per_movie for name in names}),
        Person=len(actors | directors),
        Actor=len(actors),
        Director=len(directors),
        Dataset=1,
        GraphRecTestMarker=1,
    )
    types = Counter(
        RATED=len(ratings),
        IN_GENRE=sum(len(names) for names in genres_per_movie),
        ACTED_IN=sum(len(names) for names in actors_per_movie),
        DIRECTED=sum(len(names) for names in directors_per_movie),
    )
    totals = {
        "rating_sum": sum(float(row["rating"]) for row in ratings),
        "timestamp_sum": sum(int(row["timestamp"]) for row in ratings),
    }
    return labels, types, totals


def graph_counts(graph) -> tuple[Counter, Counter]:
    labels = Counter({row["label"]: row["count"] for row in graph.run_text(LABEL_COUNTS)})
    types = Counter({row["type"]: row["count"] for row in graph.run_text(TYPE_COUNTS)})
    return labels, types


def test_rerun_after_kill_matches_files(large_tiny_graph, tiny_settings, tmp_path):
    directory = tmp_path / "synthetic"
    generated = run_cli(
        tiny_settings, "generate", "--users", str(USERS), "--movies", str(MOVIES), "--ratings", str(RATINGS),
        "--output", str(directory),
    )
    assert generated.returncode == 0, generated.stderr
    expected_labels, expected_types, expected_totals = expected_counts(directory)
    total = expected_types["RATED"]

    log_path = tmp_path / "killed-load.log"
    process = start_load(tiny_settings, directory, log_path)
    seconds_to_kill = kill_when_partly_rated(large_tiny_graph, process, total, log_path)
    # A commit that the server received before the kill may still land, so count after a pause.
    time.sleep(1.0)
    at_kill = rated_count(large_tiny_graph)
    print(f"\nkilled the load after {seconds_to_kill:.1f} s with {at_kill:,} of {total:,} ratings written")
    assert 0 < at_kill < total

    started = time.perf_counter()
    rerun = run_cli(tiny_settings, *load_arguments(directory))
    print(f"the second load took {time.perf_counter() - started:.1f} s")
    assert rerun.returncode == 0, rerun.stderr

    labels, types = graph_counts(large_tiny_graph)
    print(f"after the second load: {dict(labels)}, {dict(types)}")
    assert labels == expected_labels
    assert types == expected_types
    assert large_tiny_graph.run_text(REPEATED_PAIRS)[0]["pairs"] == 0
    totals = large_tiny_graph.run_text(RATING_TOTALS)[0]
    assert totals["rating_sum"] == pytest.approx(expected_totals["rating_sum"])
    assert totals["timestamp_sum"] == expected_totals["timestamp_sum"]
