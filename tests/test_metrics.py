"""Tests for the top-k ranking metrics: perfect lists, no hits, hand-computed values, denominators."""

import importlib
import math

import numpy as np
import pandas as pd
import pytest

from graph_rec.evaluation.metrics import (
    catalog_coverage,
    mean_average_precision,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    short_list_share,
)

ACCURACY_METRICS = [precision_at_k, recall_at_k, ndcg_at_k, mean_average_precision]

# Two users and k = 3. User 1's top 3 is [10, 20, 30] with hits at ranks 1 and 3 out of
# 3 relevant movies, and user 2's top 3 is [50, 60, 70] with a hit at rank 3 out of 1.
HAND_RECOMMENDED = {1: [10, 20, 30, 40], 2: [50, 60, 70]}
HAND_RELEVANT = {1: {10, 30, 99}, 2: {70}}


# --- k and input checks ---------------------------------------------------------------------


@pytest.mark.parametrize("metric", ACCURACY_METRICS + [short_list_share])
@pytest.mark.parametrize("k", [0, -2])
def test_k_below_one_rejected(metric, k):
    with pytest.raises(ValueError, match=f"k must be at least 1, got {k}"):
        metric({1: [1]}, {1: {1}}, k)


@pytest.mark.parametrize("k", [0, -2])
def test_catalog_coverage_k_below_one_rejected(k):
    with pytest.raises(ValueError, match=f"got {k}"):
        catalog_coverage({1: [1]}, 10, k)


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_user_without_relevant_movies_rejected(metric):
    with pytest.raises(ValueError, match="user 2 has no relevant movies"):
        metric({1: [1], 2: [2]}, {1: {1}, 2: set()}, 1)


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_repeated_movie_in_top_k_rejected(metric):
    with pytest.raises(ValueError, match="user 1 repeats a movie"):
        metric({1: [5, 5]}, {1: {5}}, 2)


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_repeat_after_k_ignored(metric):
    assert metric({1: [5, 6, 6]}, {1: {5, 6}}, 2) == 1.0


@pytest.mark.parametrize("metric", ACCURACY_METRICS + [short_list_share])
def test_no_users_gives_zero(metric):
    assert metric({1: [1]}, {}, 3) == 0.0


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_relevant_duplicates_count_once(metric):
    # The relevant list [1, 1] is the set {1}, so one hit at rank 1 is a perfect score at k = 1.
    assert metric({1: [1]}, {1: [1, 1]}, 1) == 1.0


# --- perfect lists and lists with no hits -----------------------------------------------------


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_perfect_lists_score_one(metric):
    recommended = {1: [1, 2, 3], 2: [4, 5, 6]}
    relevant = {1: {1, 2, 3}, 2: {4, 5, 6}}
    assert metric(recommended, relevant, 3) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_no_hits_score_zero(metric):
    recommended = {1: [7, 8, 9], 2: [7, 8, 9]}
    relevant = {1: {1, 2}, 2: {3}}
    assert metric(recommended, relevant, 3) == 0.0


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_hits_after_k_not_counted(metric):
    assert metric({1: [5, 6, 1]}, {1: {1}}, 2) == 0.0


def test_catalog_coverage_whole_catalog():
    assert catalog_coverage({1: [1, 2], 2: [3, 4]}, 4, 2) == 1.0


def test_catalog_coverage_empty_lists():
    assert catalog_coverage({1: [], 2: []}, 4, 2) == 0.0


def test_catalog_coverage_no_users():
    assert catalog_coverage({}, 4, 2) == 0.0


def test_short_list_share_all_full():
    assert short_list_share({1: [1, 2], 2: [3, 4, 5]}, {1: {1}, 2: {3}}, 2) == 0.0


def test_short_list_share_all_short():
    assert short_list_share({1: [1], 2: []}, {1: {1}, 2: {3}}, 2) == 1.0


# --- hand-computed values ---------------------------------------------------------------------


def test_precision_by_hand():
    # user 1: 2 hits / k = 2/3
    # user 2: 1 hit / k = 1/3
    # mean (2/3 + 1/3) / 2 = 0.5
    assert precision_at_k(HAND_RECOMMENDED, HAND_RELEVANT, 3) == pytest.approx(0.5)


def test_recall_by_hand():
    # user 1: 2 hits / 3 relevant = 2/3
    # user 2: 1 hit / 1 relevant = 1
    # mean (2/3 + 1) / 2 = 5/6
    assert recall_at_k(HAND_RECOMMENDED, HAND_RELEVANT, 3) == pytest.approx(5 / 6)


def test_ndcg_by_hand():
    # user 1: DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5 = 1.5, and IDCG for min(3, 3) = 3 hits is
    #   1 + 1/log2(3) + 0.5 = 2.1309, so NDCG = 1.5 / 2.1309 = 0.7039.
    # user 2: DCG = 1/log2(4) = 0.5, and IDCG for min(3, 1) = 1 hit is 1, so NDCG = 0.5.
    # mean (0.7039 + 0.5) / 2 = 0.6020
    user_1 = 1.5 / (1.5 + 1 / math.log2(3))
    expected = (user_1 + 0.5) / 2
    assert ndcg_at_k(HAND_RECOMMENDED, HAND_RELEVANT, 3) == pytest.approx(expected)
    assert expected == pytest.approx(0.6020, abs=1e-4)


def test_mean_average_precision_by_hand():
    # user 1: hits at ranks 1 and 3 give precisions 1/1 and 2/3, so (1 + 2/3) / 3 relevant = 5/9.
    # user 2: a hit at rank 3 gives 1/3, divided by 1 relevant = 1/3.
    # mean (5/9 + 3/9) / 2 = 4/9
    assert mean_average_precision(HAND_RECOMMENDED, HAND_RELEVANT, 3) == pytest.approx(4 / 9)


def test_catalog_coverage_by_hand():
    # distinct movies in the top 3 lists: {10, 20, 30, 50, 60, 70}, so 6 / 20 = 0.3
    assert catalog_coverage(HAND_RECOMMENDED, 20, 3) == pytest.approx(0.3)


def test_catalog_coverage_ignores_movies_after_k():
    # The top 2 lists are {10, 20} and {50, 60}. Movies 30, 40 and 70 are past k, so 4 / 20 = 0.2.
    assert catalog_coverage(HAND_RECOMMENDED, 20, 2) == pytest.approx(0.2)


def test_short_list_share_by_hand():
    # k = 4: user 1 has 4 movies (full), user 2 has 3 (short), user 3 has no list (short): 2 / 3
    relevant = {**HAND_RELEVANT, 3: {1}}
    assert short_list_share(HAND_RECOMMENDED, relevant, 4) == pytest.approx(2 / 3)


# --- denominators -----------------------------------------------------------------------------


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_user_without_list_counts_zero(metric):
    # user 1 scores 1 and user 2 has no list, so the mean over both users is 0.5
    assert metric({1: [1]}, {1: {1}, 2: {2}}, 1) == pytest.approx(0.5)


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_user_with_empty_list_counts_zero(metric):
    assert metric({1: [1], 2: []}, {1: {1}, 2: {2}}, 1) == pytest.approx(0.5)


@pytest.mark.parametrize("metric", ACCURACY_METRICS)
def test_user_only_in_recommended_ignored(metric):
    assert metric({1: [1], 3: [7]}, {1: {1}}, 1) == 1.0


def test_precision_divides_by_k_for_short_list():
    # one hit in a list of 1, but the denominator is k = 5
    assert precision_at_k({1: [1]}, {1: {1}}, 5) == pytest.approx(0.2)


def test_recall_divides_by_relevant_count():
    # 2 hits out of 4 relevant movies. k = 2 does not cap the denominator.
    assert recall_at_k({1: [1, 2]}, {1: {1, 2, 3, 4}}, 2) == pytest.approx(0.5)


def test_ndcg_ideal_uses_min_k_relevant():
    # One relevant movie at rank 2 gives DCG = 1/log2(3), and IDCG for min(2, 1) = 1 hit is 1.
    assert ndcg_at_k({1: [9, 1]}, {1: {1}}, 2) == pytest.approx(1 / math.log2(3))


def test_ndcg_ideal_capped_at_k():
    # 2 hits in a top 2 out of 4 relevant: IDCG counts min(2, 4) = 2 hits, so NDCG = 1
    assert ndcg_at_k({1: [1, 2]}, {1: {1, 2, 3, 4}}, 2) == pytest.approx(1.0)


def test_map_divides_by_relevant_count():
    # Hits at ranks 1 and 2 give 1/1 + 2/2 = 2, and 2 / 4 relevant = 0.5.
    # Dividing by min(k, |relevant|) = 2 would give 1.0.
    assert mean_average_precision({1: [1, 2]}, {1: {1, 2, 3, 4}}, 2) == pytest.approx(0.5)


def test_short_list_share_missing_user_short():
    assert short_list_share({1: [1, 2]}, {1: {1}, 2: {2}}, 2) == pytest.approx(0.5)


def test_short_list_share_ignores_extra_users():
    assert short_list_share({1: [1, 2], 3: []}, {1: {1}}, 2) == 0.0


def test_catalog_coverage_size_below_one_rejected():
    with pytest.raises(ValueError, match="catalog_size must be at least 1, got 0"):
        catalog_coverage({1: [1]}, 0, 1)


def test_catalog_coverage_catalog_too_small_rejected():
    with pytest.raises(ValueError, match="3 distinct movies but catalog_size is 2"):
        catalog_coverage({1: [1, 2], 2: [3]}, 2, 2)


def test_metrics_leave_inputs_unchanged():
    recommended = {1: [10, 20, 30, 40], 2: [50, 60, 70]}
    relevant = {1: {10, 30, 99}, 2: {70}}
    for metric in ACCURACY_METRICS + [short_list_share]:
        metric(recommended, relevant, 3)
    catalog_coverage(recommended, 20, 3)
    assert recommended == HAND_RECOMMENDED
    assert relevant == HAND_RELEVANT


# --- agreement with recommenders 1.2.1 --------------------------------------------------------


def _random_example(seed: int = 2024, n_users: int = 30, n_items: int = 50):
    """Build recommendation lists of 1 to 20 movies and 1 to 15 relevant movies per user."""
    rng = np.random.default_rng(seed)
    recommended, relevant = {}, {}
    for user in range(1, n_users + 1):
        relevant[user] = set(rng.choice(n_items, size=int(rng.integers(1, 16)), replace=False).tolist())
        recommended[user] = rng.permutation(n_items)[: int(rng.integers(1, 21))].tolist()
    # Users with a list but no held-out movies, which both implementations ignore.
    for user in range(n_users + 1, n_users + 4):
        recommended[user] = rng.permutation(n_items)[:10].tolist()
    return recommended, relevant


def _package_frames(recommended, relevant) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build recommenders' rating_true and rating_pred, with predictions falling along each list."""
    true_rows = [(user, item, 1.0) for user, items in relevant.items() for item in sorted(items)]
    pred_rows = [
        (user, item, float(len(ranked) - position))
        for user, ranked in recommended.items()
        for position, item in enumerate(ranked)
    ]
    rating_true = pd.DataFrame(true_rows, columns=["userID", "itemID", "rating"])
    rating_pred = pd.DataFrame(pred_rows, columns=["userID", "itemID", "prediction"])
    return rating_true, rating_pred


@pytest.mark.parametrize("k", [1, 5, 10])
def test_agrees_with_recommenders_package(k):
    evaluation = importlib.import_module("recommenders.evaluation.python_evaluation")
    recommended, relevant = _random_example()
    rating_true, rating_pred = _package_frames(recommended, relevant)
    options = {"relevancy_method": "top_k", "k": k}

    expected = {
        "precision": evaluation.precision_at_k(rating_true, rating_pred, **options),
        "recall": evaluation.recall_at_k(rating_true, rating_pred, **options),
        "ndcg": evaluation.ndcg_at_k(rating_true, rating_pred, **options),
        "map": evaluation.map(rating_true, rating_pred, **options),
    }
    actual = {
        "precision": precision_at_k(recommended, relevant, k),
        "recall": recall_at_k(recommended, relevant, k),
        "ndcg": ndcg_at_k(recommended, relevant, k),
        "map": mean_average_precision(recommended, relevant, k),
    }
    print(f"\nk={k} ours {actual}\nk={k} recommenders {expected}")

    for name in expected:
        assert actual[name] == pytest.approx(expected[name], abs=1e-9), name
    assert 0.0 < actual["map"] < 1.0


def test_map_differs_from_package_map_at_k():
    """Check that the MAP denominator is |relevant|, which the package's map_at_k does not use."""
    evaluation = importlib.import_module("recommenders.evaluation.python_evaluation")
    recommended, relevant = _random_example()
    k = 5
    assert any(len(items) > k for items in relevant.values())
    rating_true, rating_pred = _package_frames(recommended, relevant)

    map_at_k = evaluation.map_at_k(rating_true, rating_pred, relevancy_method="top_k", k=k)
    assert mean_average_precision(recommended, relevant, k) < map_at_k - 1e-6

