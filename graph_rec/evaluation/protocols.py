"""The evaluation protocols: ml100k-standard and cold-items.

ml100k-standard is the split behind the published MovieLens-100k table of the recommenders
project: ratings split per item, 75% training and 25% test, seed 42; every test rating is
relevant whatever its value; training movies are never recommended; k = 10.

cold-items hides every rating of a random 10% of the ml-latest-small movies that have at
least 5 ratings. Each user who rated some of them and keeps training ratings gets a ranking of
the hidden movies only, so only the content paths (genres, actors, directors) can score them.
The result is the mean over seeds 1 to 5.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from graph_rec.db import load_query
from graph_rec.evaluation.runner import (
    ProtocolResult,
    StrategyResult,
    evaluate_strategy,
    relevant_by_user,
    temporary_graph,
)
from graph_rec.evaluation.splits import stratified_split, validation_split
from graph_rec.evaluation.tuning import choose_ease, choose_hybrid_weights
from graph_rec.recommend import HYBRID_WEIGHTS, MAX_K, STRATEGIES, strategy_scores
from graph_rec.precompute import precompute
from graph_rec.similarity import DEFAULT_NEIGHBOURS

logger = logging.getLogger(__name__)

PROTOCOLS = ("ml100k-standard", "cold-items")
SPLIT_SEED = 42
VALIDATION_SEED = 43
COLD_SEEDS = (1, 2, 3, 4, 5)
COLD_SHARE = 0.1
COLD_MIN_RATINGS = 5


def run_protocol(name: str, data_dir: Path, k: int = 10, strategies=STRATEGIES) -> ProtocolResult:
    """Run one protocol by name on the data sets in ``data_dir``; raises ValueError for an invalid k or name."""
    if not 1 <= k <= MAX_K:
        raise ValueError(f"invalid k {k}: use an integer from 1 to {MAX_K}")
    if name == "ml100k-standard":
        return ml100k_standard(data_dir / "ml-100k", k, strategies)
    if name == "cold-items":
        return cold_items(data_dir / "ml-latest-small", data_dir / "movielens-cast-director" / "movies.csv", k)
    raise ValueError(f"unknown protocol {name!r}: use one of {', '.join(PROTOCOLS)}")


def ml100k_standard(directory: Path, k: int = 10, strategies=STRATEGIES) -> ProtocolResult:
    """Split ml-100k per item, tune on validation, then score each strategy on the test part."""
    from loaders.ml100k import read_ml100k, write_ml100k

    started = time.perf_counter()
    data = read_ml100k(directory)
    train, test = stratified_split(data.ratings, ratio=0.75, by="item", seed=SPLIT_SEED)
    fit, validation = validation_split(train, ratio=0.75, by="item", seed=VALIDATION_SEED)
    (l2, exponent), ease_ndcg = choose_ease(fit, validation, DEFAULT_NEIGHBOURS, k)
    catalog_size = len(data.movies)
    result = ProtocolResult("ml100k-standard", k)

    with temporary_graph("ml100k") as graph:
        write_ml100k(graph, data, ratings=fit, show_progress=False)
        precompute(graph, l2=l2, popularity_exponent=exponent)
        validation_relevant = relevant_by_user(validation)
        weights, weights_ndcg = _tune_hybrid(graph, validation_relevant, k)

        # Adding the validation rows completes the training part; the weights are recomputed on it.
        write_ml100k(graph, data, ratings=validation, show_progress=False)
        precompute(graph, l2=l2, popularity_exponent=exponent)
        relevant = relevant_by_user(test)
        for strategy in strategies:
            result.results.append(
                evaluate_strategy(graph, strategy, relevant, k, catalog_size, weights=weights)
            )
        if "hybrid" in strategies:
            # The API's built-in weights, which were not tuned on this data set, for comparison.
            untuned = evaluate_strategy(graph, "hybrid", relevant, k, catalog_size, weights=HYBRID_WEIGHTS)
            untuned.strategy = "hybrid-default"
            result.results.append(untuned)

    result.details = {
        "train_ratings": len(train),
        "test_ratings": len(test),
        "validation_ratings": len(validation),
        "test_users": len(relevant),
        "ease_l2": l2,
        "ease_popularity_exponent": exponent,
        "ease_neighbours": DEFAULT_NEIGHBOURS,
        "validation_ndcg_by_ease_parameters": ease_ndcg,
        "hybrid_weights": weights,
        "validation_hybrid_ndcg": round(weights_ndcg, 4),
    }
    result.seconds = time.perf_counter() - started
    return result


def _tune_hybrid(graph, relevant: dict[int, set[int]], k: int) -> tuple[dict[str, float], float]:
    names = ["collaborative", "content", "popular"]
    scores_by_user = {user: strategy_scores(graph, user, names) for user in sorted(relevant)}
    return choose_hybrid_weights(scores_by_user, relevant, k)


def hide_movies(ratings: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """Hide every rating of a random share of the movies with enough ratings; return train, test and the hidden ids."""
    counts = ratings.groupby("movie_id").size()
    eligible = np.sort(counts[counts >= COLD_MIN_RATINGS].index.to_numpy())
    generator = np.random.default_rng(seed)
    hidden = np.sort(generator.choice(eligible, size=round(COLD_SHARE * len(eligible)), replace=False))
    is_hidden = ratings["movie_id"].isin(hidden)
    return ratings[~is_hidden], ratings[is_hidden], [int(movie) for movie in hidden]


def cold_items(directory: Path, credits_path: Path, k: int = 10) -> ProtocolResult:
    """Score the content strategy on movies whose ratings are all hidden, averaged over seeds 1 to 5."""
    from loaders.writer import read_inputs, write_movielens

    started = time.perf_counter()
    movielens, credits = read_inputs(directory, credits_path)
    runs: list[StrategyResult] = []
    details = {"seeds": list(COLD_SEEDS), "runs": []}

    with temporary_graph("cold-items") as graph:
        for seed in COLD_SEEDS:
            train, test, hidden = hide_movies(movielens.ratings, seed)
            train_users = set(train["user_id"].tolist())
            relevant = {user: movies for user, movies in relevant_by_user(test).items() if user in train_users}
            _replace_ratings(graph)
            write_movielens(graph, movielens, credits, ratings=train, show_progress=False)
            run = evaluate_strategy(graph, "content", relevant, k, len(hidden), candidates=hidden)
            runs.append(run)
            details["runs"].append({"seed": seed, "hidden_movies": len(hidden), "users": len(relevant), **run.metrics})

    mean = {name: float(np.mean([run.metrics[name] for run in runs])) for name in runs[0].metrics}
    mean_users = round(float(np.mean([run.users for run in runs])))
    result = ProtocolResult("cold-items", k, [StrategyResult("content", mean, sum(r.seconds for r in runs), mean_users)])
    result.details = details
    result.seconds = time.perf_counter() - started
    return result


def _replace_ratings(graph) -> None:
    """Delete every rating, so the next seed's training part is the only one in the graph."""
    with graph.driver.session(database=graph.database) as session:
        session.run(load_query("load/delete_ratings")).consume()
