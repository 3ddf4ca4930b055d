"""Top-k ranking metrics with binary relevance, one call shape for all of them.

Each accuracy metric takes ``recommended``, ``relevant`` and ``k``. ``recommended`` maps a user id
to a ranked list of movie ids, best first, and ``relevant`` maps a user id to the held-out movie
ids that count as hits. The result is the mean of a per-user score over every user in
``relevant``. A user in ``relevant`` without a list scores 0, and users that appear only in
``recommended`` are ignored. An empty ``relevant`` gives 0.0.

Precision, recall, NDCG and MAP match the functions of the same names in the ``recommenders``
package (microsoft/recommenders 1.2.1, ``recommenders/evaluation/python_evaluation.py``, with
``relevancy_method="top_k"``) when every user in ``relevant`` has a list. When some do not,
that package averages precision, recall and ``map`` over the users present in both its inputs
only, so its values are higher than the ones here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Mapping, Sequence

__all__ = [
    "catalog_coverage",
    "mean_average_precision",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "short_list_share",
]

logger = logging.getLogger(__name__)

# A per-user score from the hit flags of the top-k list (True where the movie is relevant),
# the number of relevant movies and k.
UserScore = Callable[[list[bool], int, int], float]


def precision_at_k(recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int) -> float:
    """Compute mean precision@k: hits in the top k / k, averaged over every user in ``relevant``.

    The denominator is k even when a list is shorter than k, as in recommenders 1.2.1.
    A user in ``relevant`` without a list scores 0. Range 0 to 1.
    Raises ValueError for k < 1, a user with no relevant movies or a repeated movie in a top k.
    """
    return _mean_over_users(recommended, relevant, k, _precision)


def recall_at_k(recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int) -> float:
    """Compute mean recall@k: hits in the top k / |relevant|, averaged over every user in ``relevant``.

    A user with more than k relevant movies cannot reach 1. A user in ``relevant`` without a list
    scores 0. Range 0 to 1.
    Raises ValueError for k < 1, a user with no relevant movies or a repeated movie in a top k.
    """
    return _mean_over_users(recommended, relevant, k, _recall)


def ndcg_at_k(recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int) -> float:
    """Compute mean NDCG@k with binary gains, averaged over every user in ``relevant``.

    DCG = sum over ranks r = 1..k of rel_r / log2(r + 1), with rel_r = 1 for a hit and 0 otherwise.
    IDCG is the DCG of min(k, |relevant|) hits in a row. This is ``ndcg_at_k`` of recommenders
    1.2.1 with ``score_type="binary"``, whose natural log gives the same ratio as log2.
    A user in ``relevant`` without a list scores 0. Range 0 to 1.
    Raises ValueError for k < 1, a user with no relevant movies or a repeated movie in a top k.
    """
    return _mean_over_users(recommended, relevant, k, _ndcg)


def mean_average_precision(
    recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int
) -> float:
    """Compute MAP over the top k, averaged over every user in ``relevant``.

    Per user: the sum, over hit ranks r in the top k, of (hits at ranks 1..r) / r, divided by
    |relevant|. The denominator is |relevant| and not min(k, |relevant|), as in the ``map``
    function of recommenders 1.2.1 (its ``map_at_k`` divides by the minimum instead), so a user
    with more than k relevant movies cannot reach 1. A user in ``relevant`` without a list
    scores 0. Range 0 to 1.
    Raises ValueError for k < 1, a user with no relevant movies or a repeated movie in a top k.
    """
    return _mean_over_users(recommended, relevant, k, _average_precision)


def catalog_coverage(recommended: Mapping[int, Sequence[int]], catalog_size: int, k: int) -> float:
    """Compute catalog coverage: distinct movies in all top-k lists / ``catalog_size``.

    Every user in ``recommended`` counts, and an empty ``recommended`` gives 0.0. Range 0 to 1.
    Raises ValueError for k < 1, ``catalog_size`` < 1, a repeated movie in a top k, or more
    distinct movies than ``catalog_size``.
    """
    _check_k(k)
    if catalog_size < 1:
        raise ValueError(f"catalog_size must be at least 1, got {catalog_size}")
    if not recommended:
        return 0.0

    distinct: set[int] = set()
    for user, ranked in recommended.items():
        distinct.update(_top_k(user, ranked, k))

    if len(distinct) > catalog_size:
        raise ValueError(
            f"the top-{k} lists contain {len(distinct)} distinct movies but catalog_size is {catalog_size}. "
            "Pass the number of movies in the catalog"
        )
    return len(distinct) / catalog_size


def short_list_share(recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int) -> float:
    """Compute the share of users in ``relevant`` whose list has fewer than k movies.

    The denominator is the number of users in ``relevant``. A user without a list counts as
    short, and users only in ``recommended`` are ignored. An empty ``relevant`` gives 0.0.
    Raises ValueError for k < 1.
    """
    _check_k(k)
    if not relevant:
        logger.warning("no users to evaluate: relevant is empty, returning 0.0")
        return 0.0

    short = sum(1 for user in relevant if len(recommended.get(user, ())) < k)
    return short / len(relevant)


def _mean_over_users(
    recommended: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int, score: UserScore
) -> float:
    _check_k(k)
    if not relevant:
        logger.warning("no users to evaluate: relevant is empty, returning 0.0")
        return 0.0

    total = 0.0
    for user, items in relevant.items():
        relevant_set = set(items)
        if not relevant_set:
            raise ValueError(f"user {user} has no relevant movies. Drop users without held-out movies first")
        ranked = recommended.get(user)
        if ranked is None:
            continue
        hits = [movie in relevant_set for movie in _top_k(user, ranked, k)]
        total += score(hits, len(relevant_set), k)
    return total / len(relevant)


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def _top_k(user: int, ranked: Sequence[int], k: int) -> list[int]:
    top = list(ranked[:k])
    if len(set(top)) < len(top):
        raise ValueError(f"the top-{k} list of user {user} repeats a movie: {top}")
    return top


def _precision(hits: list[bool], n_relevant: int, k: int) -> float:
    return sum(hits) / k


def _recall(hits: list[bool], n_relevant: int, k: int) -> float:
    return sum(hits) / n_relevant


def _ndcg(hits: list[bool], n_relevant: int, k: int) -> float:
    dcg = sum(1.0 / math.log2(rank + 1) for rank, hit in enumerate(hits, start=1) if hit)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, n_relevant) + 1))
    return dcg / ideal


def _average_precision(hits: list[bool], n_relevant: int, k: int) -> float:
    hits_so_far = 0
    total = 0.0
    for rank, hit in enumerate(hits, start=1):
        if hit:
            hits_so_far += 1
            total += hits_so_far / rank
    return total / n_relevant
