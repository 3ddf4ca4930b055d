"""Synthetic MovieLens-format data: sizes, shape, and that the real loaders accept it."""

import numpy as np
import pandas as pd
import pytest

from graph_rec.synthetic import MIN_USER_RATINGS, generate, sample_movies, user_rating_counts
from loaders.writer import load_movielens, read_counts


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("synthetic"), users=50, movies=200, ratings=5000, seed=7)


def test_rating_counts_add_up_and_respect_bounds():
    counts = user_rating_counts(100, 300, 10_000, np.random.default_rng(1))
    assert counts.sum() == 10_000
    assert counts.min() >= MIN_USER_RATINGS
    assert counts.max() <= 300


@pytest.mark.parametrize("users, movies, ratings", [(10, 100, 199), (10, 100, 1001), (10, 19, 200), (0, 100, 0)])
def test_rating_counts_reject_impossible_sizes(users, movies, ratings):
    with pytest.raises(ValueError):
        user_rating_counts(users, movies, ratings, np.random.default_rng(1))


def test_sample_movies_distinct():
    drawn = sample_movies(50, np.zeros(60), np.random.default_rng(2))
    assert len(set(drawn.tolist())) == 50


def test_files_have_requested_sizes(files):
    ratings = pd.read_csv(files.directory / "ratings.csv")
    movies = pd.read_csv(files.directory / "movies.csv")

    assert len(ratings) == 5000
    assert ratings["userId"].nunique() == 50
    assert len(movies) == 200
    assert not ratings.duplicated(["userId", "movieId"]).any()
    assert ratings.groupby("userId").size().min() >= MIN_USER_RATINGS
    assert set(ratings["rating"]) <= {value / 2 for value in range(1, 11)}


def test_popularity_long_tailed(tmp_path):
    # Big enough that no movie is rated by every user, which would flatten the head.
    larger = generate(tmp_path / "larger", users=500, movies=2000, ratings=30_000, seed=3)
    per_movie = pd.read_csv(larger.directory / "ratings.csv").groupby("movieId").size().sort_values(ascending=False)
    top_tenth = per_movie.head(len(per_movie) // 10).sum()
    # A uniform draw would give the top 10% of movies about 10% of ratings.
    assert top_tenth / per_movie.sum() > 0.25


def test_same_seed_same_files(tmp_path, files):
    again = generate(tmp_path / "again", users=50, movies=200, ratings=5000, seed=7)
    assert (again.directory / "ratings.csv").read_bytes() == (files.directory / "ratings.csv").read_bytes()
    assert (again.credits_path).read_bytes() == files.credits_path.read_bytes()


def test_loaders_accept_generated_files(tiny_graph, files):
    summary = load_movielens(tiny_graph, files.directory, files.credits_path, show_progress=False)
    counts = read_counts(tiny_graph)

    assert counts["users"] == 50
    assert counts["movies"] == 200
    assert counts["ratings"] == 5000
    assert counts["directed"] == 200
    assert all(not reasons for reasons in summary.skipped.values())
