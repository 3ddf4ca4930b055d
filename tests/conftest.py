"""Test fixtures: real Neo4j servers that the test session starts and stops itself.

The session starts its own instances in temporary homes on free ports and never reads
``NEO4J_URI``. ``NEO4J_TEST_URI`` (with ``NEO4J_TEST_USER`` and ``NEO4J_TEST_PASSWORD``) names a
disposable server to use instead. The tests clear that server only if it was empty when they
first saw it.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from graph_rec import neo4j_server
from graph_rec.db import Graph
from graph_rec.settings import Settings

logger = logging.getLogger(__name__)

MARKER_QUERY = "MERGE (:GraphRecTestMarker {name: 'graph_rec tests may clear this database'})"


def data_dir() -> Path:
    """Folder with the MovieLens data sets; GRAPH_REC_DATA_DIR overrides the default."""
    return Settings.from_env().data_dir


MOVIELENS_DIR = data_dir() / "ml-latest-small"
CAST_FILE = data_dir() / "movielens-cast-director" / "movies.csv"


def _start_instance(tmp_path_factory, name: str):
    home = tmp_path_factory.mktemp(name)
    instance = neo4j_server.start(
        home, bolt_port=neo4j_server.free_port(), http_port=neo4j_server.free_port(), heap="1g", pagecache="256m"
    )
    return instance


def _settings_for(uri: str, user: str, password: str | None) -> Settings:
    return Settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password, query_timeout=120.0)


@pytest.fixture(scope="session")
def test_servers(tmp_path_factory):
    """Settings for the 'tiny' server (small graphs built per test) and the 'movielens' server."""
    external = os.environ.get("NEO4J_TEST_URI")
    if external:
        settings = _settings_for(external, os.environ.get("NEO4J_TEST_USER", "neo4j"), os.environ.get("NEO4J_TEST_PASSWORD"))
        yield {"tiny": settings, "movielens": settings, "started": False}
        return

    started = []
    try:
        for name in ("tiny", "movielens"):
            started.append(_start_instance(tmp_path_factory, name))
        yield {
            "tiny": _settings_for(started[0].uri, started[0].user, started[0].password),
            "movielens": _settings_for(started[1].uri, started[1].user, started[1].password),
            "started": True,
        }
    finally:
        for instance in started:
            neo4j_server.stop(Path(instance.home))


def _open_graph(settings: Settings) -> Graph:
    graph = Graph.from_settings(settings)
    graph.driver.verify_connectivity()
    return graph


def clear_graph(graph: Graph) -> None:
    """Delete every node, but only from a database that the tests marked as theirs when it was empty."""
    marked = graph.run_text("MATCH (m:GraphRecTestMarker) RETURN count(m) AS n")[0]["n"]
    if not marked:
        total = graph.run_text("MATCH (n) RETURN count(n) AS n")[0]["n"]
        if total:
            pytest.exit(
                f"the test server holds {total} nodes that the tests did not create; "
                "point NEO4J_TEST_URI at an empty, disposable database",
                returncode=3,
            )
    graph.run_text("MATCH (n) DETACH DELETE n")
    graph.run_text(MARKER_QUERY)


@pytest.fixture(scope="session")
def tiny_graph_session(test_servers):
    graph = _open_graph(test_servers["tiny"])
    yield graph
    graph.close()


@pytest.fixture
def tiny_graph(tiny_graph_session) -> Graph:
    """An empty graph with the schema in place, for one test to fill."""
    from loaders.writer import create_schema

    clear_graph(tiny_graph_session)
    create_schema(tiny_graph_session)
    return tiny_graph_session


@pytest.fixture(scope="session")
def movielens_settings(test_servers) -> Settings:
    return test_servers["movielens"]


@pytest.fixture(scope="session")
def movielens_load(movielens_settings):
    """The movielens server after one load of ml-latest-small and the cast file: (graph, summary)."""
    from loaders.writer import load_movielens

    graph = _open_graph(movielens_settings)
    clear_graph(graph)
    started = time.perf_counter()
    summary = load_movielens(graph, MOVIELENS_DIR, CAST_FILE)
    seconds = time.perf_counter() - started
    print(f"\nloaded ml-latest-small and the cast file in {seconds:.1f} s")
    print(summary.format())
    logger.info("loaded ml-latest-small and the cast file in %.1f s", seconds)
    yield graph, summary
    graph.close()
