"""API status codes and JSON shapes, through Flask's test client and through the real WSGI server."""

import time

import pytest

from graph_rec import neo4j_server
from graph_rec.settings import Settings
from tests.graphs import TINY_GRAPH
from tests.serving import call, running_api
from webapi import create_app


@pytest.fixture
def client(tiny_graph):
    tiny_graph.run_text(TINY_GRAPH)
    app = create_app(Settings(), graph=tiny_graph)
    return app.test_client()


@pytest.fixture
def unreachable_client():
    """A client whose app points at a port where no Neo4j listens."""
    settings = Settings(
        neo4j_uri=f"neo4j://127.0.0.1:{neo4j_server.free_port()}",
        neo4j_password="unused-password",
        connection_timeout=1.0,
        query_timeout=2.0,
    )
    return create_app(settings).test_client()


def assert_error(response, status):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]


def test_recommendations_shape(client):
    response = client.get("/users/1/recommendations?k=2&strategy=hybrid")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["user_id", "strategy", "offset", "items"]
    assert body["user_id"] == 1
    assert body["strategy"] == "hybrid"
    assert len(body["items"]) == 2
    first = body["items"][0]
    assert list(first) == ["movie_id", "title", "year", "genres", "score", "reasons"]
    assert first["movie_id"] == 20
    assert first["title"] == "Collateral (2004)"
    assert first["year"] == 2004
    assert first["genres"] == ["Crime", "Drama"]
    assert first["score"] == pytest.approx(0.7 + 0.3 * 3**0.5 / 2, abs=1e-6)
    assert first["reasons"]


def test_recommendations_default_k_and_strategy(client):
    body = client.get("/users/1/recommendations").get_json()
    assert body["strategy"] == "hybrid"
    assert [item["movie_id"] for item in body["items"]] == [20, 30, 40]


@pytest.mark.parametrize("strategy", ["collaborative", "content", "popular"])
def test_recommendations_each_strategy(client, strategy):
    response = client.get(f"/users/1/recommendations?k=3&strategy={strategy}")
    assert response.status_code == 200
    assert response.get_json()["strategy"] == strategy
    assert len(response.get_json()["items"]) == 3


def test_hybrid_weights_from_settings(tiny_graph):
    tiny_graph.run_text(TINY_GRAPH)
    settings = Settings(hybrid_weights={"collaborative": 1.0, "content": 0.0, "popular": 0.0})
    client = create_app(settings, graph=tiny_graph).test_client()

    items = client.get("/users/1/recommendations?k=3").get_json()["items"]
    assert [item["movie_id"] for item in items] == [20, 30, 40]
    assert [item["score"] for item in items] == pytest.approx([1.0, 0.5, 0.0])


def test_unknown_user_404(client):
    assert_error(client.get("/users/999/recommendations"), 404)


@pytest.mark.parametrize("user_id", ["abc", "0", "-1", "1.5", "99999999999999999999"])
def test_invalid_user_id_400(client, user_id):
    assert_error(client.get(f"/users/{user_id}/recommendations"), 400)


@pytest.mark.parametrize("k", ["0", "101", "abc", "", "2.5", "-3"])
def test_invalid_k_400(client, k):
    assert_error(client.get(f"/users/1/recommendations?k={k}"), 400)


def test_invalid_strategy_400(client):
    response = client.get("/users/1/recommendations?strategy=random")
    assert_error(response, 400)
    assert "hybrid" in response.get_json()["error"]["message"]


def test_similar_shape(client):
    response = client.get("/movies/10/similar?k=2")
    assert response.status_code == 200
    body = response.get_json()
    assert body["movie_id"] == 10
    assert [item["movie_id"] for item in body["items"]] == [20, 30]


def test_similar_unknown_movie_404(client):
    assert_error(client.get("/movies/999/similar"), 404)


def test_similar_invalid_k_400(client):
    assert_error(client.get("/movies/10/similar?k=x"), 400)


def test_unknown_route_404_json(client):
    response = client.get("/no/such/route")
    assert_error(response, 404)
    assert "no such path /no/such/route" in response.get_json()["error"]["message"]


def test_wrong_method_405_json(client):
    response = client.post("/users/1/recommendations")
    assert_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json()["error"]["message"].startswith("method POST is not allowed on /users/1/recommendations: use ")


def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["neo4j"] == {"reachable": True}
    assert body["precompute"] == {
        "computed_at": None, "age_seconds": None, "stale": True, "reason": "precompute has not run"
    }


def test_health_neo4j_unreachable_503(unreachable_client):
    response = unreachable_client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["neo4j"]["reachable"] is False
    assert "NEO4J_URI" in body["neo4j"]["error"]


def test_recommendations_neo4j_unreachable_503(unreachable_client):
    started = time.monotonic()
    response = unreachable_client.get("/users/1/recommendations")
    assert_error(response, 503)
    assert "check that the server runs" in response.get_json()["error"]["message"]
    assert time.monotonic() - started < 30


def test_served_by_waitress_end_to_end(tiny_graph, test_servers):
    tiny_graph.run_text(TINY_GRAPH)
    with running_api(test_servers["tiny"], "--server", "waitress") as base:
        status, _, body = call("GET", f"{base}/health")
        assert status == 200
        status, _, body = call("GET", f"{base}/users/1/recommendations?k=2")
        assert status == 200
        assert [item["movie_id"] for item in body["items"]] == [20, 30]
        status, _, body = call("GET", f"{base}/users/999/recommendations")
        assert status == 404
        assert body["error"]["status"] == 404
