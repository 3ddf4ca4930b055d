"""Live ratings through the API: writes, keys, validation, bookmarks and request ids, on the tiny graph."""

import logging

import pytest

from graph_rec.precompute import freshness, precompute, refresh
from graph_rec.settings import Settings
from tests.graphs import TINY_GRAPH
from webapi import create_app

KEY = "test-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def tiny(tiny_graph):
    tiny_graph.run_text(TINY_GRAPH)
    return tiny_graph


@pytest.fixture
def client(tiny):
    return create_app(Settings(api_key=KEY), graph=tiny).test_client()


def rate(client, user, movie, rating, headers=AUTH):
    return client.put(f"/users/{user}/ratings/{movie}", json={"rating": rating}, headers=headers)


def movie_ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["movie_id"] for item in response.get_json()["items"]]


def rating_count(graph, user, movie):
    rows = graph.run_text(
        "MATCH (:User {user_id: $user})-[r:RATED]->(:Movie {movie_id: $movie}) RETURN count(r) AS n", user=user, movie=movie
    )
    return rows[0]["n"]


def test_put_creates_then_replaces_one_rating(client, tiny):
    created = rate(client, 1, 20, 4.5)
    assert created.status_code == 201
    assert created.get_json() == {"user_id": 1, "movie_id": 20, "rating": 4.5, "created": True}
    replaced = rate(client, 1, 20, 3)
    assert replaced.status_code == 200
    assert replaced.get_json()["created"] is False
    assert rating_count(tiny, 1, 20) == 1
    assert tiny.run_text("MATCH (:User {user_id: 1})-[r:RATED]->(:Movie {movie_id: 20}) RETURN r.rating AS r")[0]["r"] == 3.0


def test_put_for_new_user_creates_the_user(client, tiny):
    assert rate(client, 77, 10, 5.0).status_code == 201
    page = client.get("/users/77/ratings").get_json()
    assert page["total"] == 1
    assert page["items"][0]["movie_id"] == 10
    assert page["items"][0]["title"] == "Heat (1995)"


def test_put_unknown_movie_404_writes_nothing(client, tiny):
    response = rate(client, 78, 999, 4.0)
    assert response.status_code == 404
    assert "movie 999 not found" in response.get_json()["error"]["message"]
    assert tiny.run_text("MATCH (u:User {user_id: 78}) RETURN count(u) AS n")[0]["n"] == 0


@pytest.mark.parametrize("rating", [0, 0.25, 4.25, 5.5, -1, "4", True, None, [4], 1e400, 10**30])
def test_put_invalid_rating_400(client, tiny, rating):
    response = rate(client, 1, 20, rating)
    assert response.status_code == 400
    assert "from 0.5 to 5.0 in steps of 0.5" in response.get_json()["error"]["message"]
    assert rating_count(tiny, 1, 20) == 0


@pytest.mark.parametrize(
    "body, content_type",
    [(b'{"rating": 4, "extra": 1}', "application/json"), (b"[4]", "application/json"), (b"rating=4", "text/plain"), (b"{", "application/json")],
)
def test_put_invalid_body_400(client, body, content_type):
    response = client.put("/users/1/ratings/20", data=body, content_type=content_type, headers=AUTH)
    assert response.status_code == 400
    assert '{"rating": 4.5}' in response.get_json()["error"]["message"]


@pytest.mark.parametrize("path", ["/users/0/ratings/20", "/users/01/ratings/20", "/users/1/ratings/-2", "/users/x/ratings/20", f"/users/{2**63}/ratings/20"])
def test_put_invalid_ids_400(client, path):
    response = client.put(path, json={"rating": 4.0}, headers=AUTH)
    assert response.status_code == 400
    assert "positive integer" in response.get_json()["error"]["message"]


def test_body_over_limit_413(tiny):
    client = create_app(Settings(api_key=KEY, max_body_bytes=64), graph=tiny).test_client()
    response = client.put("/users/1/ratings/20", data=b'{"rating": 4.0' + b" " * 100 + b"}", content_type="application/json", headers=AUTH)
    assert response.status_code == 413
    assert "over the limit of 64 bytes" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "headers, message",
    [({}, "missing API key"), ({"Authorization": "Bearer wrong-key-0123456789"}, "wrong API key"), ({"Authorization": KEY}, "use the Bearer scheme")],
)
def test_write_without_the_key_401(client, tiny, caplog, headers, message):
    caplog.set_level(logging.DEBUG)
    response = rate(client, 1, 20, 4.0, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert message in response.get_json()["error"]["message"]
    assert rating_count(tiny, 1, 20) == 0
    assert client.delete("/users/1", headers=headers).status_code == 401
    assert client.post("/users/1/not-interested/20", headers=headers).status_code == 401


def test_api_key_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    rate(client, 1, 20, 4.0)
    rate(client, 1, 20, 4.0, headers={"Authorization": "Bearer wrong-key-0123456789"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "PUT /users/1/ratings/20 201" in logged
    assert KEY not in logged
    assert "wrong-key-0123456789" not in logged


def test_writes_disabled_without_a_configured_key(tiny):
    client = create_app(Settings(), graph=tiny).test_client()
    response = rate(client, 1, 20, 4.0)
    assert response.status_code == 403
    assert "GRAPH_REC_API_KEY" in response.get_json()["error"]["message"]
    assert client.get("/users/1/recommendations").status_code == 200


def test_reads_can_need_the_key(tiny):
    client = create_app(Settings(api_key=KEY, reads_need_key=True), graph=tiny).test_client()
    assert client.get("/users/1/recommendations").status_code == 401
    assert client.get("/users/1/recommendations", headers=AUTH).status_code == 200
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/static/js/api.js").status_code == 200


def test_settings_reject_short_key():
    with pytest.raises(ValueError, match="at least 16"):
        Settings.from_env({"GRAPH_REC_API_KEY": "short"})
    with pytest.raises(ValueError, match="GRAPH_REC_READS_NEED_KEY needs GRAPH_REC_API_KEY"):
        Settings.from_env({"GRAPH_REC_READS_NEED_KEY": "true"})
    assert Settings.from_env({"GRAPH_REC_API_KEY": KEY}).api_key == KEY
    assert KEY not in repr(Settings.from_env({"GRAPH_REC_API_KEY": KEY}))


def test_delete_rating_then_404(client, tiny):
    rate(client, 1, 20, 4.0)
    assert client.delete("/users/1/ratings/20", headers=AUTH).status_code == 204
    assert rating_count(tiny, 1, 20) == 0
    response = client.delete("/users/1/ratings/20", headers=AUTH)
    assert response.status_code == 404
    assert "user 1 has no rating for movie 20" in response.get_json()["error"]["message"]


def test_ratings_pages_newest_first(client):
    for movie in (20, 30, 40):
        rate(client, 90, movie, 4.0)
    first = client.get("/users/90/ratings?limit=2").get_json()
    second = client.get(f"/users/90/ratings?limit=2&offset={first['next_offset']}").get_json()
    assert first["total"] == 3
    assert len(first["items"]) == 2
    assert second["next_offset"] is None
    listed = [item["movie_id"] for item in first["items"] + second["items"]]
    assert sorted(listed) == [20, 30, 40]
    assert client.get("/users/999/ratings").status_code == 404
    assert client.get("/users/90/ratings?limit=0").status_code == 400
    assert client.get("/users/90/ratings?limit=101").status_code == 400


def test_new_rating_is_excluded_and_becomes_evidence(client, tiny):
    precompute(tiny, l2=1.0, neighbours=3, popularity_exponent=0.5)
    before = movie_ids(client.get("/users/1/recommendations?k=3"))
    assert 20 in before
    rate(client, 1, 20, 5.0)
    response = client.get("/users/1/recommendations?k=3&strategy=content")
    assert 20 not in movie_ids(response)
    reasons = " ".join(" ".join(item["reasons"]) for item in response.get_json()["items"])
    assert "Collateral" in reasons


def test_brand_new_user_gets_a_full_list(client):
    rate(client, 500, 10, 5.0)
    for strategy in ("hybrid", "content"):
        response = client.get(f"/users/500/recommendations?k=4&strategy={strategy}")
        assert sorted(movie_ids(response)) == [20, 30, 40, 50]
    items = response.get_json()["items"]
    assert any("Heat" in reason for reason in items[0]["reasons"])  # content from the one rating
    assert any("added because" in reason for item in items for reason in item["reasons"])  # filled with popular


@pytest.mark.parametrize("precomputed", [False, True])
def test_not_interested_hides_a_movie(client, tiny, precomputed):
    if precomputed:
        precompute(tiny, l2=1.0, neighbours=3, popularity_exponent=0.5)
    assert 20 in movie_ids(client.get("/users/1/recommendations?k=3"))
    response = client.post("/users/1/not-interested/20", headers=AUTH)
    assert response.status_code == 200
    assert response.get_json() == {"user_id": 1, "movie_id": 20, "hidden": True}
    for strategy in ("hybrid", "collaborative", "content", "popular"):
        assert 20 not in movie_ids(client.get(f"/users/1/recommendations?k=3&strategy={strategy}"))
    assert client.post("/users/1/not-interested/999", headers=AUTH).status_code == 404


def test_delete_user_removes_everything(client, tiny):
    client.post("/users/2/not-interested/50", headers=AUTH)
    response = client.delete("/users/2", headers=AUTH)
    assert response.status_code == 200
    assert response.get_json() == {"user_id": 2, "deleted_ratings": 3}
    assert tiny.run_text("MATCH (u:User {user_id: 2}) RETURN count(u) AS n")[0]["n"] == 0
    assert client.get("/users/2/recommendations").status_code == 404
    assert client.delete("/users/2", headers=AUTH).status_code == 404


def test_health_reports_stale_precompute_and_refresh_renews_it(client, tiny):
    precompute(tiny, l2=1.0, neighbours=3, popularity_exponent=0.5)
    fresh = client.get("/health").get_json()["precompute"]
    assert fresh["stale"] is False
    assert fresh["age_seconds"] >= 0
    rate(client, 1, 20, 3.0)
    stale = client.get("/health").get_json()["precompute"]
    assert stale["stale"] is True
    assert stale["users_changed_since"] == 1
    assert refresh(tiny) is not None
    assert freshness(tiny)["stale"] is False
    assert refresh(tiny) is None


def test_replacing_a_rating_makes_precompute_stale(client, tiny):
    precompute(tiny, l2=1.0, neighbours=3, popularity_exponent=0.5)
    rate(client, 1, 10, 1.0)  # replaces 5.0: same rating count
    assert freshness(tiny)["stale"] is True


def test_write_returns_bookmarks_that_a_read_accepts(client):
    response = rate(client, 1, 20, 4.0)
    bookmarks = response.headers["X-Graph-Bookmarks"]
    assert bookmarks
    page = client.get("/users/1/ratings", headers={"X-Graph-Bookmarks": bookmarks})
    assert page.status_code == 200
    assert 20 in [item["movie_id"] for item in page.get_json()["items"]]
    invalid = client.get("/users/1/ratings", headers={"X-Graph-Bookmarks": "not a bookmark"})
    assert invalid.status_code == 400


def test_request_ids_on_responses_and_errors(client):
    response = client.get("/users/1/recommendations")
    assert len(response.headers["X-Request-Id"]) == 32
    mine = client.get("/users/999/recommendations", headers={"X-Request-Id": "client-id-42"})
    assert mine.headers["X-Request-Id"] == "client-id-42"
    assert mine.get_json()["error"]["request_id"] == "client-id-42"
    odd = client.get("/users/1/recommendations", headers={"X-Request-Id": "has spaces"})
    assert odd.headers["X-Request-Id"] != "has spaces"
