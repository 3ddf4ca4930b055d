"""Each strategy's scores on the five-movie graph of tests/graphs.py, against values worked out by hand."""

import math

import pytest

from graph_rec.recommend import UnknownMovieError, UnknownUserError, recommend, similar_movies
from tests.graphs import TINY_GRAPH

# Content weights are idf^2 with idf = ln(N / df) and N = 5 movies. Crime is on 3 movies, and
# Michael Mann and Al Pacino are each on 2, so a movie sharing Crime and one of them scores:
SHARED_WEIGHT = math.log(5 / 3) ** 2 + math.log(5 / 2) ** 2
# Content scores are divided by sqrt(links): 4 for Collateral and 3 for Godfather.
COLLATERAL_TO_GODFATHER = math.sqrt(3) / math.sqrt(4)


@pytest.fixture
def graph(tiny_graph):
    tiny_graph.run_text(TINY_GRAPH)
    return tiny_graph


def scores(items):
    return [(item.movie_id, item.score) for item in items]


def test_collaborative_cosine_by_hand(graph):
    # User 1 liked only Heat, which 3 users liked. Users 2 and 3 also liked Collateral (liked by 2 users),
    # user 2 also liked Top Gun (liked by 2 users): 2 / sqrt(3 * 2) and 1 / sqrt(3 * 2).
    items = recommend(graph, 1, k=2, strategy="collaborative")
    assert [item.movie_id for item in items] == [20, 30]
    assert items[0].score == pytest.approx(2 / math.sqrt(6), abs=1e-6)
    assert items[1].score == pytest.approx(1 / math.sqrt(6), abs=1e-6)
    assert items[0].reasons == ["rated highly by people who also liked Heat (1995)"]


def test_content_idf_by_hand(graph):
    # Heat is the only seed, so tf = 1. Collateral shares Crime and Michael Mann with Heat and has
    # 4 links; Godfather shares Crime and Al Pacino and has 3 links.
    items = recommend(graph, 1, k=2, strategy="content")
    assert [item.movie_id for item in items] == [40, 20]
    assert items[0].score == pytest.approx(SHARED_WEIGHT / math.sqrt(3), abs=1e-6)
    assert items[1].score == pytest.approx(SHARED_WEIGHT / math.sqrt(4), abs=1e-6)
    assert items[0].reasons == ["stars Al Pacino, like Heat (1995)", "in the genre Crime, like Heat (1995)"]
    assert items[1].reasons == ["directed by Michael Mann, like Heat (1995)", "in the genre Crime, like Heat (1995)"]


def test_content_filled_with_popular(graph):
    # Content finds 2 movies; the third slot goes to the most rated unseen movie left, Top Gun.
    items = recommend(graph, 1, k=3, strategy="content")
    assert [item.movie_id for item in items] == [40, 20, 30]
    assert items[2].score == 0.0
    assert items[2].reasons[0].startswith("popular: rated by 2 people")
    assert items[2].reasons[1] == "added because the content strategy found only 2 movies"


def test_popular_counts_and_excludes_seen(graph):
    items = recommend(graph, 1, k=10, strategy="popular")
    assert scores(items) == [(20, 2.0), (30, 2.0), (40, 2.0)]


def test_popular_for_user_without_seen_exclusion(graph):
    items = recommend(graph, 1, k=1, strategy="popular", exclude_seen=False)
    assert scores(items) == [(10, 3.0)]


def test_hybrid_weighted_merge_by_hand(graph):
    # Max-normalised: collaborative 20 -> 1, 30 -> 0.5; content 40 -> 1, 20 -> sqrt(3)/2;
    # popular 20, 30, 40 -> 1. Weights 0.6, 0.3, 0.1 give 20 -> 0.6 + 0.3 * sqrt(3)/2 + 0.1,
    # 30 -> 0.4 and 40 -> 0.4, a tie that the lower id wins.
    items = recommend(graph, 1, k=10, strategy="hybrid")
    assert [item.movie_id for item in items] == [20, 30, 40]
    expected = [0.7 + 0.3 * COLLATERAL_TO_GODFATHER, 0.4, 0.4]
    assert [item.score for item in items] == pytest.approx(expected, abs=1e-6)
    assert items[0].title == "Collateral (2004)"
    assert items[0].year == 2004
    assert items[0].genres == ["Crime", "Drama"]
    assert items[0].reasons == [
        "rated highly by people who also liked Heat (1995)",
        "directed by Michael Mann, like Heat (1995)",
        "in the genre Crime, like Heat (1995)",
    ]
    assert items[1].reasons == ["rated highly by people who also liked Heat (1995)"]


@pytest.mark.parametrize("strategy", ["hybrid", "collaborative", "content", "popular"])
def test_seen_movies_never_recommended(graph, strategy):
    for user_id, seen in {1: {10, 50}, 2: {10, 20, 30}, 3: {10, 20, 40}, 4: {30, 40, 50}}.items():
        items = recommend(graph, user_id, k=10, strategy=strategy)
        assert not seen & {item.movie_id for item in items}


def test_candidates_restrict_result(graph):
    items = recommend(graph, 1, k=10, strategy="hybrid", candidates=[30, 40])
    assert [item.movie_id for item in items] == [30, 40]


def test_unknown_user_raises(graph):
    with pytest.raises(UnknownUserError):
        recommend(graph, 999, k=10)


@pytest.mark.parametrize("k, strategy", [(0, "hybrid"), (101, "hybrid"), (10, "random")])
def test_invalid_request_raises(graph, k, strategy):
    with pytest.raises(ValueError):
        recommend(graph, 1, k=k, strategy=strategy)


def test_similar_movies_by_hand(graph):
    # Collaborative 20 -> 2/sqrt(6), 30 -> 1/sqrt(6); content 40 -> SHARED_WEIGHT/sqrt(3),
    # 20 -> SHARED_WEIGHT/sqrt(4). Weights 0.6 and 0.3 on max-normalised scores:
    # 20 -> 0.6 + 0.3 * sqrt(3)/2, 30 -> 0.3, 40 -> 0.3.
    items = similar_movies(graph, 10, k=10)
    assert [item.movie_id for item in items] == [20, 30, 40]
    expected = [0.6 + 0.3 * COLLATERAL_TO_GODFATHER, 0.3, 0.3]
    assert [item.score for item in items] == pytest.approx(expected, abs=1e-6)


def test_similar_unknown_movie_raises(graph):
    with pytest.raises(UnknownMovieError):
        similar_movies(graph, 999)
