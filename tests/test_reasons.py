"""Unit tests for the readable reasons built from query evidence."""

from graph_rec import reasons


def test_collaborative_reason_names_liked_movie():
    texts = reasons.collaborative_reasons([{"title": "Heat (1995)", "similarity": 0.8}])
    assert texts == ["rated highly by people who also liked Heat (1995)"]


def test_collaborative_reasons_joined_in_one():
    evidence = [{"title": "Heat (1995)"}, {"title": "Casino (1995)"}, {"title": "Goodfellas (1990)"}]
    texts = reasons.collaborative_reasons(evidence)
    assert texts == ["rated highly by people who also liked Heat (1995), Casino (1995) and Goodfellas (1990)"]


def test_collaborative_reasons_empty():
    assert reasons.collaborative_reasons([]) == []


def test_content_reason_director():
    evidence = [{"role": "DIRECTED", "name": "Michael Mann", "seed_title": "Heat (1995)", "seed_count": 1}]
    assert reasons.content_reasons(evidence) == ["directed by Michael Mann, like Heat (1995)"]


def test_content_reason_actor_several_seeds():
    evidence = [{"role": "ACTED_IN", "name": "Al Pacino", "seed_title": "Heat (1995)", "seed_count": 3}]
    assert reasons.content_reasons(evidence) == ["stars Al Pacino, like Heat (1995) and 2 more you liked"]


def test_content_reason_genre():
    evidence = [{"role": "IN_GENRE", "name": "Crime", "seed_title": "Heat (1995)", "seed_count": 1}]
    assert reasons.content_reasons(evidence) == ["in the genre Crime, like Heat (1995)"]


def test_popular_reason_counts():
    assert reasons.popular_reasons({"rating_count": 329, "mean_rating": 4.164}) == [
        "popular: rated by 329 people, mean rating 4.2 of 5"
    ]
