"""Tests for the stratified splits: group sizes, ratios, invariants and recommenders 1.2.1 parity."""

import importlib
import numpy as np
import pandas as pd
import pytest

from graph_rec.evaluation.splits import stratified_split, validation_split
from tests.conftest import data_dir

# Movie 1 has 1 rating, movie 2 has 2, movie 3 has 3, movie 4 has 4 and movie 6 has 6.
GROUP_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 6: 6}


def _ratings_with_group_sizes() -> pd.DataFrame:
    movies = [movie for movie, size in GROUP_SIZES.items() for _ in range(size)]
    return pd.DataFrame(
        {
            "user_id": range(100, 100 + len(movies)),
            "movie_id": movies,
            "rating": [float(1 + i % 5) for i in range(len(movies))],
        }
    )


def _row_keys(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(frame["user_id"], frame["movie_id"]))


# --- group sizes and ratios -------------------------------------------------------------------


@pytest.mark.parametrize(
    "ratio, expected_train",
    [
        # round-half-to-even of ratio * size for sizes 1, 2, 3, 4, 6
        (0.75, {1: 1, 2: 2, 3: 2, 4: 3, 6: 4}),  # 0.75 -> 1, 1.5 -> 2, 2.25 -> 2, 3 -> 3, 4.5 -> 4
        (0.5, {1: 0, 2: 1, 3: 2, 4: 2, 6: 3}),  # 0.5 -> 0, 1 -> 1, 1.5 -> 2, 2 -> 2, 3 -> 3
        (0.25, {1: 0, 2: 0, 3: 1, 4: 1, 6: 2}),  # 0.25 -> 0, 0.5 -> 0, 0.75 -> 1, 1 -> 1, 1.5 -> 2
    ],
)
def test_rows_per_group(ratio, expected_train):
    train, test = stratified_split(_ratings_with_group_sizes(), ratio=ratio)

    train_counts = train["movie_id"].value_counts().to_dict()
    test_counts = test["movie_id"].value_counts().to_dict()
    for movie, size in GROUP_SIZES.items():
        assert train_counts.get(movie, 0) == expected_train[movie], f"movie {movie} in train"
        assert test_counts.get(movie, 0) == size - expected_train[movie], f"movie {movie} in test"


def test_groups_of_one_and_two_stay_in_train():
    train, test = stratified_split(_ratings_with_group_sizes(), ratio=0.75)
    assert set(train["movie_id"]) == {1, 2, 3, 4, 6}
    assert set(test["movie_id"]) == {3, 4, 6}


def test_rows_chosen_by_draw_order():
    # RandomState(42).random_sample(6) = [0.3745, 0.9507, 0.7320, 0.5987, 0.15602, 0.15599].
    # Movie 10 has rows b, d, f with draws 0.9507, 0.5987, 0.15599, so its order is f, d, b.
    # Movie 20 has rows a, c, e with draws 0.3745, 0.7320, 0.15602, so its order is e, a, c.
    # round(0.75 * 3) = 2 rows per movie go to train, and the output is sorted by movie first.
    ratings = pd.DataFrame(
        {"user_id": [1, 2, 3, 4, 5, 6], "movie_id": [20, 10, 20, 10, 20, 10]},
        index=["a", "b", "c", "d", "e", "f"],
    )
    train, test = stratified_split(ratings, ratio=0.75, seed=42)
    assert list(train.index) == ["f", "d", "e", "a"]
    assert list(test.index) == ["b", "c"]


def test_split_by_user():
    ratings = _ratings_with_group_sizes().rename(columns={"user_id": "movie_id", "movie_id": "user_id"})
    train, test = stratified_split(ratings, ratio=0.75, by="user")
    assert train["user_id"].value_counts().to_dict() == {1: 1, 2: 2, 3: 2, 4: 3, 6: 4}
    assert test["user_id"].value_counts().to_dict() == {3: 1, 4: 1, 6: 2}


def test_custom_column_names():
    ratings = pd.DataFrame({"viewer": [1, 1, 2, 2], "film": [7, 7, 7, 7]})
    train, test = stratified_split(ratings, by="item", user_column="viewer", item_column="film")
    assert len(train) == 3
    assert len(test) == 1


def test_seed_changes_rows_not_counts():
    ratings = _ratings_with_group_sizes()
    first_train, _ = stratified_split(ratings, seed=1)
    second_train, _ = stratified_split(ratings, seed=2)
    assert len(first_train) == len(second_train)
    assert set(first_train.index) != set(second_train.index)


def test_same_seed_same_split():
    ratings = _ratings_with_group_sizes()
    first_train, first_test = stratified_split(ratings, seed=5)
    second_train, second_test = stratified_split(ratings, seed=5)
    pd.testing.assert_frame_equal(first_train, second_train)
    pd.testing.assert_frame_equal(first_test, second_test)


# --- invariants -------------------------------------------------------------------------------


def test_parts_share_no_rows():
    train, test = stratified_split(_ratings_with_group_sizes())
    assert not set(train.index) & set(test.index)


def test_union_equals_input():
    ratings = _ratings_with_group_sizes()
    train, test = stratified_split(ratings)
    union = pd.concat([train, test]).sort_index()
    pd.testing.assert_frame_equal(union, ratings)


def test_input_unchanged():
    ratings = _ratings_with_group_sizes()
    before = ratings.copy()
    stratified_split(ratings)
    pd.testing.assert_frame_equal(ratings, before)
    assert list(ratings.columns) == ["user_id", "movie_id", "rating"]


def test_columns_dtypes_and_index_kept():
    ratings = _ratings_with_group_sizes()
    ratings.index = ratings.index * 10 + 7
    train, test = stratified_split(ratings)
    for part in (train, test):
        assert list(part.columns) == list(ratings.columns)
        assert part.dtypes.to_dict() == ratings.dtypes.to_dict()
        assert set(part.index) <= set(ratings.index)


def test_helper_column_names_survive():
    ratings = pd.DataFrame({"user_id": [1, 2, 3, 4], "movie_id": [5, 5, 5, 5], "rank": [9, 8, 7, 6], "count": 1})
    train, test = stratified_split(ratings)
    union = pd.concat([train, test]).sort_index()
    pd.testing.assert_frame_equal(union, ratings)


def test_repeated_index_labels():
    ratings = _ratings_with_group_sizes()
    ratings.index = [0] * len(ratings)
    train, test = stratified_split(ratings)
    assert len(train) + len(test) == len(ratings)
    assert _row_keys(train) | _row_keys(test) == _row_keys(ratings)
    assert not _row_keys(train) & _row_keys(test)


def test_global_random_state_untouched():
    np.random.seed(123)
    state_before = np.random.get_state()
    stratified_split(_ratings_with_group_sizes())
    state_after = np.random.get_state()
    assert state_before[0] == state_after[0]
    assert np.array_equal(state_before[1], state_after[1])
    assert state_before[2:] == state_after[2:]


def test_empty_input():
    ratings = _ratings_with_group_sizes().iloc[0:0]
    train, test = stratified_split(ratings)
    assert train.empty
    assert test.empty
    assert list(train.columns) == list(ratings.columns)


# --- input errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("ratio", [0.0, 1.0, 1.5, -0.25, float("nan")])
def test_ratio_outside_open_interval_rejected(ratio):
    with pytest.raises(ValueError, match="ratio must be between 0 and 1"):
        stratified_split(_ratings_with_group_sizes(), ratio=ratio)


def test_unknown_by_rejected():
    with pytest.raises(ValueError, match="by must be 'user' or 'item', got 'movie'"):
        stratified_split(_ratings_with_group_sizes(), by="movie")


def test_missing_group_column_rejected():
    ratings = _ratings_with_group_sizes().rename(columns={"movie_id": "movieId"})
    with pytest.raises(ValueError, match="column 'movie_id' not found"):
        stratified_split(ratings)


def test_missing_group_values_rejected():
    ratings = pd.DataFrame({"user_id": [1, 2, 3], "movie_id": [5.0, None, 5.0]})
    with pytest.raises(ValueError, match="'movie_id' has 1 missing values"):
        stratified_split(ratings)


# --- validation split -------------------------------------------------------------------------


def test_validation_split_partitions_train():
    ratings = _ratings_with_group_sizes()
    train, test = stratified_split(ratings)
    fit, validation = validation_split(train)

    assert not set(fit.index) & set(validation.index)
    assert set(fit.index) | set(validation.index) == set(train.index)
    assert not set(validation.index) & set(test.index)


def test_validation_split_counts():
    # train contains 1, 2, 2, 3, 4 rows of movies 1, 2, 3, 4, 6, and round(0.75 * n) of those stay
    # in the fit part: 1 (0.75), 2 (1.5), 2 (1.5), 2 (2.25), 3 (3.0)
    train, _ = stratified_split(_ratings_with_group_sizes())
    fit, validation = validation_split(train)
    assert fit["movie_id"].value_counts().to_dict() == {1: 1, 2: 2, 3: 2, 4: 2, 6: 3}
    assert validation["movie_id"].value_counts().to_dict() == {4: 1, 6: 1}


def test_validation_split_equals_stratified_split_of_train():
    train, _ = stratified_split(_ratings_with_group_sizes())
    fit, validation = validation_split(train, ratio=0.5, seed=9)
    expected_fit, expected_validation = stratified_split(train, ratio=0.5, seed=9)
    pd.testing.assert_frame_equal(fit, expected_fit)
    pd.testing.assert_frame_equal(validation, expected_validation)


def test_validation_split_leaves_train_unchanged():
    train, _ = stratified_split(_ratings_with_group_sizes())
    before = train.copy()
    validation_split(train)
    pd.testing.assert_frame_equal(train, before)


# --- agreement with recommenders 1.2.1 on ml-100k ---------------------------------------------


def _read_ml_100k() -> pd.DataFrame:
    return pd.read_csv(
        data_dir() / "ml-100k" / "u.data",
        sep="\t",
        header=None,
        names=["user_id", "movie_id", "rating", "timestamp"],
    )


def test_matches_recommenders_on_ml_100k():
    splitters = importlib.import_module("recommenders.datasets.python_splitters")
    ratings = _read_ml_100k()
    package_input = ratings.rename(columns={"user_id": "userID", "movie_id": "itemID"})

    train, test = stratified_split(ratings, ratio=0.75, by="item", seed=42)
    package_train, package_test = splitters.python_stratified_split(
        package_input, ratio=0.75, filter_by="item", seed=42
    )
    print(f"\nml-100k by item, ratio 0.75, seed 42: ours {len(train)} train / {len(test)} test, "
          f"recommenders {len(package_train)} train / {len(package_test)} test")

    assert _row_keys(train) == set(zip(package_train["userID"], package_train["itemID"]))
    assert _row_keys(test) == set(zip(package_test["userID"], package_test["itemID"]))
    assert (len(train), len(test)) == (75_066, 24_934)
    # Row for row, including order and index labels.
    renamed = {"userID": "user_id", "itemID": "movie_id"}
    pd.testing.assert_frame_equal(train, package_train.rename(columns=renamed))
    pd.testing.assert_frame_equal(test, package_test.rename(columns=renamed))


@pytest.mark.parametrize("ratio, by, seed", [(0.8, "user", 7), (0.5, "item", 0)])
def test_matches_recommenders_other_settings(ratio, by, seed):
    splitters = importlib.import_module("recommenders.datasets.python_splitters")
    ratings = _read_ml_100k()
    package_input = ratings.rename(columns={"user_id": "userID", "movie_id": "itemID"})

    train, test = stratified_split(ratings, ratio=ratio, by=by, seed=seed)
    package_train, package_test = splitters.python_stratified_split(
        package_input, ratio=ratio, filter_by=by, seed=seed
    )
    renamed = {"userID": "user_id", "itemID": "movie_id"}
    pd.testing.assert_frame_equal(train, package_train.rename(columns=renamed))
    pd.testing.assert_frame_equal(test, package_test.rename(columns=renamed))
