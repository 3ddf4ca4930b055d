"""Neo4j goes away under a running API: 503 JSON within the request timeout, then recovery without a restart."""

import time

import pytest

from graph_rec import neo4j_server
from graph_rec.db import Graph
from graph_rec.precompute import precompute
from graph_rec.settings import Settings
from loaders.writer import create_schema
from tests.graphs import TINY_GRAPH
from tests.serving import call, running_api

KEY = "outage-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
TIMEOUTS = {
    "GRAPH_REC_CONNECTION_TIMEOUT": "1",
    "GRAPH_REC_RETRY_TIME": "2",
    "GRAPH_REC_QUERY_TIMEOUT": "4",
    "GRAPH_REC_REQUEST_TIMEOUT": "6",
}
REQUEST_TIMEOUT = float(TIMEOUTS["GRAPH_REC_REQUEST_TIMEOUT"])
RECOVERY_SECONDS = 60


@pytest.fixture
def own_neo4j(tmp_path_factory):
    """A Neo4j of this test's own, which the test may stop and start: (home, settings)."""
    home = tmp_path_factory.mktemp("outage")
    instance = neo4j_server.start(
        home, bolt_port=neo4j_server.free_port(), http_port=neo4j_server.free_port(), heap="512m", pagecache="128m"
    )
    settings = Settings(neo4j_uri=instance.uri, neo4j_user=instance.user, neo4j_password=instance.password)
    graph = Graph.from_settings(settings)
    try:
        create_schema(graph)
        graph.run_text(TINY_GRAPH)
        precompute(graph, l2=1.0, neighbours=3, popularity_exponent=0.5)
    finally:
        graph.close()
    yield instance, settings
    neo4j_server.stop(home)


def timed(method, url, body=None, headers=None):
    started = time.monotonic()
    status, response_headers, answer = call(method, url, body, headers, timeout=REQUEST_TIMEOUT * 3)
    return status, response_headers, answer, time.monotonic() - started


def test_outage_answers_503_then_recovers(own_neo4j, tmp_path):
    instance, settings = own_neo4j
    log_path = tmp_path / "api.log"
    with running_api(settings, "--workers", "2", log_path=log_path, GRAPH_REC_API_KEY=KEY, **TIMEOUTS) as base:
        assert call("GET", f"{base}/users/1/recommendations")[0] == 200

        neo4j_server.stop(instance.home)
        requests = [
            ("GET", "/users/1/recommendations", None),
            ("GET", "/users/1/ratings", None),
            ("GET", "/movies/10/similar", None),
            ("PUT", "/users/1/ratings/20", {"rating": 4.0}),
            ("DELETE", "/users/1/ratings/10", None),
        ]
        for method, path, body in requests:
            status, headers, answer, seconds = timed(method, base + path, body, AUTH)
            assert status == 503, (method, path, status, answer)
            assert answer["error"]["request_id"] == headers["X-Request-Id"]
            assert "unavailable" in answer["error"]["message"]
            assert seconds < REQUEST_TIMEOUT, (method, path, seconds)
            print(f"\n{method} {path} with Neo4j stopped: 503 in {seconds:.2f} s")
        status, _, health, seconds = timed("GET", f"{base}/health")
        assert status == 503
        assert health["neo4j"]["reachable"] is False
        assert "check that the server runs" in health["neo4j"]["error"]
        assert seconds < REQUEST_TIMEOUT

        neo4j_server.start(instance.home, bolt_port=instance.bolt_port, http_port=instance.http_port, heap="512m", pagecache="128m")
        started = time.monotonic()
        while True:
            status, _, _ = call("GET", f"{base}/users/1/recommendations", timeout=REQUEST_TIMEOUT * 3)
            if status == 200:
                break
            assert time.monotonic() - started < RECOVERY_SECONDS, f"no 200 within {RECOVERY_SECONDS} s of the restart"
            time.sleep(0.2)
        recovered = time.monotonic() - started
        print(f"first 200 {recovered:.2f} s after Neo4j accepted connections again")
        assert call("GET", f"{base}/health")[0] == 200
        assert call("PUT", f"{base}/users/1/ratings/20", {"rating": 4.0}, AUTH)[0] == 201  # the outage wrote nothing

    logged = log_path.read_text()
    assert "Neo4j unavailable" in logged
    assert "Transaction failed and will be retried" in logged
