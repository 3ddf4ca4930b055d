"""Unit tests for score normalisation, merging and top-k cutting."""

import pytest

from graph_rec import ranking


def test_max_normalise_scales_best_to_one():
    assert ranking.max_normalise({1: 2.0, 2: 1.0, 3: 0.5}) == {1: 1.0, 2: 0.5, 3: 0.25}


def test_max_normalise_empty():
    assert ranking.max_normalise({}) == {}


def test_max_normalise_all_zero():
    assert ranking.max_normalise({1: 0.0, 2: 0.0}) == {1: 0.0, 2: 0.0}


def test_merge_weighted_sum_by_hand():
    merged = ranking.merge(
        {"collaborative": {20: 0.8, 30: 0.4}, "content": {20: 1.5, 40: 1.5}},
        {"collaborative": 0.6, "content": 0.3},
    )
    # 20: 0.6 * 1.0 + 0.3 * 1.0; 30: 0.6 * 0.5; 40: 0.3 * 1.0
    assert merged == pytest.approx({20: 0.9, 30: 0.3, 40: 0.3})


def test_merge_missing_weight_rejected():
    with pytest.raises(ValueError, match="no weight"):
        ranking.merge({"content": {1: 1.0}}, {"collaborative": 1.0})


def test_top_k_breaks_ties_by_movie_id():
    assert ranking.top_k({40: 0.3, 30: 0.3, 20: 0.9, 10: 0.1}, 3) == [(20, 0.9), (30, 0.3), (40, 0.3)]


def test_top_k_shorter_than_k():
    assert ranking.top_k({5: 1.0}, 10) == [(5, 1.0)]


def test_top_k_negative_k_rejected():
    with pytest.raises(ValueError):
        ranking.top_k({1: 1.0}, -1)
