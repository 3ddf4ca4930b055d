"""EASE weights by hand, and the served precomputed collaborative scores against the batch formula."""

import numpy as np
import pytest

from graph_rec.recommend import recommend
from graph_rec.similarity import (
    ease_weights,
    is_up_to_date,
    interactions_from_pairs,
    precompute_similarities,
    read_interactions,
    neighbour_rows,
    popularity_scaled,
    served_weights,
    truncate,
)
from tests.graphs import TINY_GRAPH


def test_ease_two_movies_by_hand():
    # 3 users rated movie a, 3 rated b, 2 rated both. With l2 = 1, G = [[4, 2], [2, 4]] and
    # B[a, b] = -P[a, b] / P[b, b] = n_ab / (n_a + l2) = 2 / 4.
    matrix = np.array([[1, 1], [1, 0], [0, 1], [1, 1]], dtype=float)
    weights = ease_weights(matrix, l2=1.0)
    assert weights[0, 1] == pytest.approx(0.5)
    assert weights[1, 0] == pytest.approx(0.5)
    assert weights[0, 0] == 0.0
    assert weights[1, 1] == 0.0


def test_ease_rejects_non_positive_l2():
    with pytest.raises(ValueError, match="l2"):
        ease_weights(np.ones((2, 2)), l2=0.0)


def test_interactions_from_pairs_ids_sorted():
    interactions = interactions_from_pairs(np.array([7, 3, 7]), np.array([20, 10, 10]))
    assert interactions.user_ids.tolist() == [3, 7]
    assert interactions.movie_ids.tolist() == [10, 20]
    assert interactions.matrix.toarray().tolist() == [[1.0, 0.0], [1.0, 1.0]]


def test_truncate_keeps_largest_absolute_weights():
    weights = np.array([[0.0, 0.5, -0.3, 0.1], [0.3, 0.0, 0.0, 0.0]])
    kept = truncate(weights, neighbours=2)
    assert kept.tolist() == [[0.0, 0.5, -0.3, 0.0], [0.3, 0.0, 0.0, 0.0]]


def test_popularity_scaled_by_hand():
    # Column j is divided by (count + 1) ** 0.5: counts 3 and 0 give divisors 2 and 1.
    scaled = popularity_scaled(np.array([[1.0, 1.0]]), np.array([3.0, 0.0]), exponent=0.5)
    assert scaled.tolist() == [[0.5, 1.0]]


def test_neighbour_rows_largest_first_without_zeros():
    weights = np.array([[0.0, 0.5, -0.3], [0.0, 0.0, 0.0], [0.2, 0.4, 0.0]])
    rows = neighbour_rows(weights, np.array([10, 20, 30]))
    assert rows[0] == {"movie_id": 10, "neighbours": [{"movie_id": 20, "weight": 0.5}, {"movie_id": 30, "weight": -0.3}]}
    assert rows[1] == {"movie_id": 20, "neighbours": []}
    assert [n["movie_id"] for n in rows[2]["neighbours"]] == [20, 10]


@pytest.fixture
def graph(tiny_graph):
    tiny_graph.run_text(TINY_GRAPH)
    return tiny_graph


def test_precomputed_scores_match_batch_formula(graph):
    summary = precompute_similarities(graph, l2=1.0, neighbours=3, popularity_exponent=0.5)
    interactions = read_interactions(graph)
    weights = served_weights(interactions.matrix, l2=1.0, neighbours=3, popularity_exponent=0.5)

    assert summary["movies"] == 5
    for row, user_id in enumerate(interactions.user_ids):
        expected_scores = interactions.matrix.toarray()[row] @ weights
        items = recommend(graph, int(user_id), k=10, strategy="collaborative")
        for item in items:
            if item.reasons[-1].startswith("added because"):
                continue  # a popular movie that filled the list
            column = int(np.where(interactions.movie_ids == item.movie_id)[0][0])
            assert item.score == pytest.approx(expected_scores[column], abs=1e-6)
            assert interactions.matrix[row, column] == 0.0
            assert item.reasons[0].startswith("often liked by people who liked")


def test_precompute_twice_replaces_relationships(graph):
    first = precompute_similarities(graph, l2=1.0, neighbours=10)
    second = precompute_similarities(graph, l2=1.0, neighbours=10)
    stored = graph.run_text("MATCH ()-[s:SIMILAR]->() RETURN count(s) AS n")[0]["n"]
    metadata = graph.run_text("MATCH (p:Precompute {name: 'similar'}) RETURN p.l2 AS l2, p.method AS method")

    assert first["relationships"] == second["relationships"] == stored
    assert metadata == [{"l2": 1.0, "method": "ease"}]


def test_up_to_date_until_ratings_or_options_change(graph):
    assert not is_up_to_date(graph, l2=1.0, neighbours=3, popularity_exponent=0.0)

    precompute_similarities(graph, l2=1.0, neighbours=3, popularity_exponent=0.0)
    assert is_up_to_date(graph, l2=1.0, neighbours=3, popularity_exponent=0.0)
    assert not is_up_to_date(graph, l2=2.0, neighbours=3, popularity_exponent=0.0)

    graph.run_text("MATCH (u:User {user_id: 1}), (m:Movie {movie_id: 30}) CREATE (u)-[:RATED {rating: 3.0, timestamp: 12}]->(m)")
    assert not is_up_to_date(graph, l2=1.0, neighbours=3, popularity_exponent=0.0)
