"""Recommendations on the real ml-latest-small graph: seen movies excluded, reasons given, full lists."""

import time

import pytest

from graph_rec.recommend import STRATEGIES, recommend, similar_movies
from webapi import create_app


@pytest.fixture(scope="module")
def graph(movielens_load):
    return movielens_load[0]


def rated_movies(graph, user_id: int) -> set[int]:
    rows = graph.run_text("MATCH (:User {user_id: $user_id})-[:RATED]->(m:Movie) RETURN m.movie_id AS id", user_id=user_id)
    return {row["id"] for row in rows}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_user_1_excludes_rated_with_reasons(graph, strategy):
    seen = rated_movies(graph, 1)
    items = recommend(graph, 1, k=10, strategy=strategy)

    assert len(seen) == 232
    assert len(items) == 10
    assert not seen & {item.movie_id for item in items}
    for item in items:
        assert item.reasons, f"{item.title} has no reason"
        assert item.title
        assert item.genres is not None


def test_user_1_hybrid_through_api(graph):
    client = create_app(graph=graph).test_client()
    seen = rated_movies(graph, 1)

    started = time.perf_counter()
    response = client.get("/users/1/recommendations?k=10&strategy=hybrid")
    seconds = time.perf_counter() - started
    print(f"\nhybrid request for user 1 took {seconds * 1000:.0f} ms")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == 10
    assert not seen & {item["movie_id"] for item in items}
    assert all(item["reasons"] for item in items)
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_same_request_same_list(graph):
    first = recommend(graph, 414, k=20, strategy="hybrid")
    second = recommend(graph, 414, k=20, strategy="hybrid")

    assert [item.movie_id for item in first] == [item.movie_id for item in second]


def test_popular_answers_every_user(graph):
    user_ids = [row["id"] for row in graph.run_text("MATCH (u:User) RETURN u.user_id AS id ORDER BY id")]
    seen_by_user = {
        row["id"]: set(row["seen"])
        for row in graph.run_text("MATCH (u:User)-[:RATED]->(m) RETURN u.user_id AS id, collect(m.movie_id) AS seen")
    }

    assert len(user_ids) == 610
    for user_id in user_ids:
        items = recommend(graph, user_id, k=10, strategy="popular")
        assert len(items) == 10, f"user {user_id} got {len(items)} popular movies"
        assert not seen_by_user[user_id] & {item.movie_id for item in items}


def test_user_without_liked_movies_gets_popular_fill(graph):
    # User 442 rated no movie 4.0 or more, so collaborative and content find no seed.
    liked = graph.run_text(
        "MATCH (:User {user_id: 442})-[r:RATED]->() WHERE r.rating >= 4.0 RETURN count(r) AS n"
    )
    assert liked == [{"n": 0}]

    for strategy in ("collaborative", "content", "hybrid"):
        items = recommend(graph, 442, k=10, strategy=strategy)
        assert len(items) == 10, strategy
        assert all(item.reasons[0].startswith("popular:") for item in items), strategy


def test_user_with_one_liked_movie_gets_full_list(graph):
    # User 214 rated exactly one movie 4.0 or more: a short collaborative list is filled to k.
    items = recommend(graph, 214, k=100, strategy="collaborative")

    assert len(items) == 100
    assert not rated_movies(graph, 214) & {item.movie_id for item in items}


def test_similar_to_heat(graph):
    items = similar_movies(graph, 6, k=10)
    titles = [item.title for item in items]

    assert len(items) == 10
    assert 6 not in {item.movie_id for item in items}
    assert "Godfather: Part II, The (1974)" in titles
    assert any("directed by Michael Mann" in reason for item in items for reason in item.reasons)
