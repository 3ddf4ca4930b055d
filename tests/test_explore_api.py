"""What clients need besides recommendations: title search, filters and paging, explanations and metrics."""

import urllib.request

import networkx as nx
import pytest

from graph_rec.precompute import precompute
from graph_rec.search import lucene_query
from graph_rec.settings import Settings
from loaders.writer import create_schema
from tests.graphs import TINY_GRAPH
from tests.serving import call, running_api
from webapi import create_app

ACCENTED_MOVIE = """
CREATE (:Movie {movie_id: 60, title: "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", year: 2001, genres: ['Comedy']})
"""


@pytest.fixture
def tiny(tiny_graph):
    tiny_graph.run_text(TINY_GRAPH)
    tiny_graph.run_text(ACCENTED_MOVIE)
    create_schema(tiny_graph)  # waits until the title index contains the new movies
    return tiny_graph


@pytest.fixture
def client(tiny):
    return create_app(Settings(), graph=tiny).test_client()


def movie_ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["movie_id"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    "text, query",
    [
        ("Toy Story", "toy* AND story*"),
        ("AMÉLIE", "amelie*"),
        ('heat" OR title:*', "heat* AND or* AND title*"),
        ("!!!", None),
        ("Schindler's", "schindler* AND s*"),
    ],
)
def test_lucene_query_folds_and_escapes(text, query):
    assert lucene_query(text) == query


def test_search_ignores_case_and_accents(client):
    assert movie_ids(client.get("/movies?q=amelie")) == [60]
    assert movie_ids(client.get("/movies?q=AMÉLIE poul")) == [60]
    assert movie_ids(client.get("/movies?q=toy")) == [50]
    assert movie_ids(client.get("/movies?q=top%20g")) == [30]


def test_search_returns_movie_fields(client):
    body = client.get("/movies?q=heat").get_json()
    assert body == {"query": "heat", "items": [{"movie_id": 10, "title": "Heat (1995)", "year": 1995, "genres": ["Crime", "Thriller"]}]}


@pytest.mark.parametrize("query", ["", "q=", "q=%20%20", "q=" + "a" * 201, "q=toy&limit=0", "q=toy&limit=51"])
def test_search_invalid_400(client, query):
    assert client.get(f"/movies?{query}").status_code == 400


def test_search_of_punctuation_finds_nothing(client):
    assert movie_ids(client.get("/movies?q=%21%21")) == []


def test_filters_by_genre_years_and_exclude(client):
    assert movie_ids(client.get("/users/1/recommendations?k=5&genre=Drama")) == [20, 40]
    assert movie_ids(client.get("/users/1/recommendations?k=5&genre=drama&year_min=2000")) == [20]
    assert movie_ids(client.get("/users/1/recommendations?k=5&year_max=1990")) == [30, 40]
    assert 20 not in movie_ids(client.get("/users/1/recommendations?k=5&exclude=20,40"))
    assert movie_ids(client.get("/users/1/recommendations?k=5&genre=Western")) == []
    assert movie_ids(client.get("/users/1/recommendations?k=5&year_min=2000&year_max=1990")) == []


@pytest.mark.parametrize(
    "query",
    ["year_min=1700", "exclude=1,x", "exclude=", "exclude=1,,2", "exclude=0", "offset=401", "offset=-1", "genre=" + "x" * 101],
)
def test_invalid_filters_400(client, query):
    assert client.get(f"/users/1/recommendations?{query}").status_code == 400


@pytest.mark.parametrize("strategy", ["hybrid", "content", "popular"])
def test_offset_pages_through_one_ranking(client, strategy):
    whole = movie_ids(client.get(f"/users/1/recommendations?k=4&strategy={strategy}"))
    first = movie_ids(client.get(f"/users/1/recommendations?k=2&strategy={strategy}"))
    second = movie_ids(client.get(f"/users/1/recommendations?k=2&offset=2&strategy={strategy}"))
    assert first + second == whole


@pytest.mark.parametrize("precomputed", [False, True])
def test_explanation_is_a_node_link_graph(client, tiny, precomputed):
    if precomputed:
        precompute(tiny, l2=1.0, neighbours=3, popularity_exponent=0.5)
    served = client.get("/users/1/recommendations?k=1").get_json()["items"][0]
    response = client.get(f"/users/1/recommendations/{served['movie_id']}/explain")
    assert response.status_code == 200
    body = response.get_json()
    graph = nx.node_link_graph(body, directed=True, multigraph=False)
    assert graph.has_node("user:1")
    assert graph.nodes[f"movie:{served['movie_id']}"]["role"] == "recommended"
    assert body["graph"]["score"] == pytest.approx(served["score"], abs=1e-6)
    for path in body["paths"]:
        assert path["nodes"][-1] == f"movie:{served['movie_id']}"
        for source, target in zip(path["nodes"], path["nodes"][1:]):
            assert graph.has_edge(source, target) or graph.has_edge(target, source), (source, target)


def test_explanation_paths_add_up_to_the_score(client):
    body = client.get("/users/1/recommendations/20/explain?strategy=content").get_json()
    assert body["paths"]
    assert sum(path["contribution"] for path in body["paths"]) == pytest.approx(body["graph"]["score"])
    kinds = {node["kind"] for node in body["nodes"]}
    assert kinds == {"user", "movie", "person", "genre"}


def test_explanation_of_unknown_ids_404(client):
    assert client.get("/users/999/recommendations/20/explain").status_code == 404
    assert client.get("/users/1/recommendations/999/explain").status_code == 404
    assert client.get("/users/1/recommendations/20/explain?strategy=magic").status_code == 400


def test_metrics_count_requests_over_workers(tiny, test_servers):
    with running_api(test_servers["tiny"], "--workers", "2") as base:
        for _ in range(6):
            assert call("GET", f"{base}/users/1/recommendations?k=2")[0] == 200
        assert call("GET", f"{base}/users/999/recommendations")[0] == 404
        with urllib.request.urlopen(f"{base}/metrics", timeout=30) as response:
            text = response.read().decode()
            content_type = response.headers["Content-Type"]
    assert content_type.startswith("text/plain")
    assert 'graph_rec_requests_total{method="GET",route="/users/<user_id>/recommendations",status="200"} 6.0' in text
    assert 'graph_rec_requests_total{method="GET",route="/users/<user_id>/recommendations",status="404"} 1.0' in text
    assert 'graph_rec_request_duration_seconds_count{method="GET",route="/users/<user_id>/recommendations"} 7.0' in text
