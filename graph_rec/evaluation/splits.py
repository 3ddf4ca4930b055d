"""Stratified random splits of a ratings table, reproducing recommenders 1.2.1 row for row.

The protocol is that of ``python_stratified_split`` in microsoft/recommenders 1.2.1
(``recommenders/datasets/python_splitters.py``, two parts, ``min_rating=1``):

1. Draw one uniform number per row, in the input's row order, from numpy's legacy Mersenne
   Twister seeded with ``seed``. The draws equal ``np.random.seed(seed); np.random.rand(n)``,
   but come from a local ``RandomState``, so the global numpy state is left alone.
2. Sort the rows by (group id, draw), where the group is the user or the movie.
3. Number the rows 1, 2, ... within each group in that order.
4. Put the rows numbered up to ``round(ratio * group size)`` in the training part and the rest
   in the test part. The rounding is numpy's round-half-to-even.

So a group of n rows puts round(ratio * n) rows in training. At ratio 0.75, a group of 1 or 2
rows goes to training whole (round(0.75) = 1, round(1.5) = 2) and adds nothing to the test part,
3 rows split 2/1, 4 rows 3/1 and 6 rows 4/2 (round(4.5) = 4). At a ratio of 0.5 or less, a group
of 1 row goes to the test part whole.
"""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["stratified_split", "validation_split"]

logger = logging.getLogger(__name__)


def stratified_split(
    ratings: pd.DataFrame,
    ratio: float = 0.75,
    by: Literal["user", "item"] = "item",
    seed: int = 42,
    user_column: str = "user_id",
    item_column: str = "movie_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ratings into (train, test) so each group keeps round(ratio * size) rows in train.

    ``by`` picks the group: ``"item"`` groups by ``item_column`` and ``"user"`` by ``user_column``.
    The result equals ``python_stratified_split(data, ratio, filter_by=by, seed=seed)`` of
    recommenders 1.2.1 row for row, including the row order (group id, then the random draw).
    Both parts keep the input's columns, dtypes and index labels, and the input is not modified.
    Unlike that function, this one adds no ``random`` column to the input and keeps columns
    named ``random``, ``rank`` or ``count``.
    Raises ValueError for a ratio outside (0, 1), an unknown ``by``, or a group column that is
    missing or has missing values.
    """
    group_column = _group_column(by, user_column, item_column)
    _check_ratio(ratio)
    _check_group_column(ratings, group_column)
    if ratings.empty:
        return ratings.iloc[0:0], ratings.iloc[0:0]

    order = _order_by_group_and_draw(ratings[group_column], seed)
    in_train = _train_mask(ratings[group_column].iloc[order], ratio)
    train = ratings.iloc[order[in_train]]
    test = ratings.iloc[order[~in_train]]

    logger.info(
        "stratified split by %s (ratio %s, seed %s): %d training rows, %d test rows, %d groups",
        by, ratio, seed, len(train), len(test), ratings[group_column].nunique(),
    )
    return train, test


def validation_split(
    train: pd.DataFrame,
    ratio: float = 0.75,
    by: Literal["user", "item"] = "item",
    seed: int = 43,
    user_column: str = "user_id",
    item_column: str = "movie_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a training part into (fit, validation) with the same protocol as ``stratified_split``.

    Use it to tune on the validation part while the test part stays untouched. The default seed
    differs from ``stratified_split``'s only so that the two calls do not reuse one random stream.
    Raises the same ValueErrors as ``stratified_split``.
    """
    return stratified_split(
        train, ratio=ratio, by=by, seed=seed, user_column=user_column, item_column=item_column
    )


def _group_column(by: str, user_column: str, item_column: str) -> str:
    if by == "user":
        return user_column
    if by == "item":
        return item_column
    raise ValueError(f"by must be 'user' or 'item', got {by!r}")


def _check_ratio(ratio: float) -> None:
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"ratio must be between 0 and 1 (exclusive), got {ratio}")


def _check_group_column(ratings: pd.DataFrame, group_column: str) -> None:
    if group_column not in ratings.columns:
        raise ValueError(
            f"column {group_column!r} not found in the ratings (columns: {list(ratings.columns)}). "
            "Pass user_column or item_column"
        )
    missing = int(ratings[group_column].isna().sum())
    if missing:
        raise ValueError(f"column {group_column!r} has {missing} missing values. Drop those rows first")


def _order_by_group_and_draw(groups: pd.Series, seed: int) -> np.ndarray:
    """Return row positions sorted by (group id, uniform draw), as recommenders 1.2.1 sorts them."""
    draws = np.random.RandomState(seed).random_sample(len(groups))
    # Sorting a two-column frame with the same key values gives the same permutation as sorting
    # the whole table, because pandas' multi-column sort depends only on the key columns.
    keys = pd.DataFrame({"group": groups.reset_index(drop=True), "draw": draws})
    return keys.sort_values(["group", "draw"]).index.to_numpy()


def _train_mask(sorted_groups: pd.Series, ratio: float) -> np.ndarray:
    """Flag the rows whose rank in their group is at most round(ratio * group size)."""
    sorted_groups = sorted_groups.reset_index(drop=True)  # index labels may repeat
    grouped = sorted_groups.groupby(sorted_groups, sort=False)
    rank = grouped.cumcount() + 1
    size = grouped.transform("size")
    # Series.round rounds half to even, as the builtin round() on a Series does in recommenders.
    train_rows = (ratio * size).round()
    return (rank <= train_rows).to_numpy()
