"""One recommendation path for the API, the command line and the evaluation.

Each strategy runs its query from ``queries/`` and returns candidates with raw scores, and a
second query per strategy explains only the k movies returned. The hybrid strategy max-normalises each strategy's scores and adds them
with fixed weights. Every list is cut to k with ties broken by movie id, and when a strategy
finds fewer than k candidates the list is filled with popular movies.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from graph_rec import ranking, reasons
from graph_rec.db import Graph

logger = logging.getLogger(__name__)

STRATEGIES = ("hybrid", "collaborative", "content", "popular")

# NOTE: fixed defaults, not yet tuned on a validation split.
HYBRID_WEIGHTS = {"collaborative": 0.6, "content": 0.3, "popular": 0.1}
MIN_RATING = 4.0  # a rating at or above this counts as "liked"
MAX_SEEDS = 50  # liked movies a request starts from, which bounds the paths it expands
MIN_CANDIDATES = 100  # candidates each strategy returns before merging, or k if larger
MAX_K = 100
MAX_OFFSET = 400  # the deepest page starts here, so a request never ranks more than 500 movies
EVIDENCE_LIMIT = 3  # reasons per strategy and movie

# Threads for the independent queries of one request, which share the thread-safe driver.
_POOL = ThreadPoolExecutor(max_workers=6, thread_name_prefix="graph-rec-query")


def _submit(function, *args) -> Future:
    """Run ``function`` on the pool in a copy of this thread's context, so its log lines keep the caller's request id."""
    return _POOL.submit(contextvars.copy_context().run, function, *args)


class UnknownUserError(LookupError):
    """The user id is not in the graph."""


class UnknownMovieError(LookupError):
    """The movie id is not in the graph."""


@dataclass
class Recommendation:
    """One recommended movie with its score and the reasons behind it."""

    movie_id: int
    title: str
    year: int | None
    genres: list[str]
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MovieFilter:
    """Conditions on the recommended movies: a genre, a range of years, and ids to leave out."""

    genre: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    exclude: frozenset[int] = frozenset()

    def limits_catalogue(self) -> bool:
        return self.genre is not None or self.year_min is not None or self.year_max is not None


def recommend(
    graph: Graph,
    user_id: int,
    k: int = 10,
    strategy: str = "hybrid",
    exclude_seen: bool = True,
    candidates: Sequence[int] | None = None,
    weights: Mapping[str, float] | None = None,
    movie_filter: MovieFilter | None = None,
    offset: int = 0,
) -> list[Recommendation]:
    """Recommend up to k movies for a user, best first, starting at rank ``offset``.

    ``candidates`` restricts the result to those movie ids, ``movie_filter`` to a genre and
    years and without some ids, and ``weights`` replaces HYBRID_WEIGHTS for the hybrid
    strategy. Raises UnknownUserError for a user who is not in the graph, and ValueError for an
    invalid k, offset or strategy.
    """
    _check_request(k, strategy)
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise ValueError(f"offset must be an integer from 0 to {MAX_OFFSET}, got {offset!r}")
    movie_filter = movie_filter or MovieFilter()
    if movie_filter.limits_catalogue():
        # NOTE: a restricted catalogue skips the stored lists, so these requests run the live queries.
        candidates = _matching_movies(graph, movie_filter, candidates)
    weights = dict(weights or HYBRID_WEIGHTS)
    total = k + offset
    parameters = _request_parameters(graph, user_id, total, exclude_seen, candidates, movie_filter.exclude)
    if strategy == "hybrid":
        found = _run_strategies(graph, list(weights), parameters)
        ranked = ranking.top_k(ranking.merge(found, weights), total)
    else:
        found = {strategy: _run_strategy(graph, strategy, parameters)}
        ranked = ranking.top_k(found[strategy], total)
    own_count = len(ranked)
    if own_count < total and strategy not in ("popular", "hybrid"):
        found["popular"] = _run_strategy(graph, "popular", {**parameters, "limit": total + own_count})
        ranked = _fill_with_popular(ranked, found["popular"], total)
    filled = {movie_id for movie_id, _ in ranked[own_count:]}
    ranked = ranked[offset:]

    details = _submit(_details, graph, [movie_id for movie_id, _ in ranked] + _evidence_ids(parameters, ranked))
    reason_lists = _reasons(graph, parameters, found, ranked, details)
    for movie_id, _ in ranked:
        if movie_id in filled:
            reason_lists[movie_id].append(f"added because the {strategy} strategy found only {own_count} movies")
    return _with_details(details.result(), ranked, reason_lists)


def _matching_movies(graph: Graph, movie_filter: MovieFilter, candidates: Sequence[int] | None) -> list[int]:
    """Ids of the movies that pass the filter's genre and years, within ``candidates`` when given."""
    rows = graph.read(
        "movies_matching", genre=movie_filter.genre, year_min=movie_filter.year_min, year_max=movie_filter.year_max
    )
    matching = [row["movie_id"] for row in rows]
    if candidates is None:
        return matching
    allowed = set(candidates)
    return [movie_id for movie_id in matching if movie_id in allowed]


def strategy_scores(
    graph: Graph,
    user_id: int,
    strategies: Sequence[str],
    limit: int = MIN_CANDIDATES,
    candidates: Sequence[int] | None = None,
) -> dict[str, dict[int, float]]:
    """Return each strategy's raw candidate scores for a user, the input of the hybrid merge.

    The evaluation uses this to try hybrid weights without running the queries again.
    """
    parameters = _request_parameters(graph, user_id, limit, True, candidates)
    return _run_strategies(graph, strategies, parameters)


def similar_movies(graph: Graph, movie_id: int, k: int = 10) -> list[Recommendation]:
    """Movies most like one movie: collaborative and content similarity merged as in the hybrid."""
    _check_request(k, "hybrid")
    if not graph.read("movie_exists", movie_id=movie_id):
        raise UnknownMovieError(f"movie {movie_id} not found")

    limit = max(k, MIN_CANDIDATES)
    collaborative = graph.read(
        "similar_collaborative", movie_id=movie_id, min_rating=MIN_RATING, limit=limit
    )
    content = graph.read("similar_content", movie_id=movie_id, limit=limit, evidence_limit=EVIDENCE_LIMIT)
    found = {"collaborative": _scores(collaborative), "content": _scores(content)}
    weights = {name: HYBRID_WEIGHTS[name] for name in found}
    ranked = ranking.top_k(ranking.merge(found, weights), k)

    explained = {
        "collaborative": _explain(collaborative, reasons.collaborative_reasons),
        "content": _explain(content, reasons.content_reasons),
    }
    reason_lists = {
        movie_id: [text for texts in explained.values() for text in texts.get(movie_id, [])] for movie_id, _ in ranked
    }
    return _with_details(_details(graph, [movie_id for movie_id, _ in ranked]), ranked, reason_lists)


def _check_request(k: int, strategy: str) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be an integer from 1 to {MAX_K}, got {k!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")


def _request_parameters(
    graph: Graph,
    user_id: int,
    limit: int,
    exclude_seen: bool,
    candidates: Sequence[int] | None,
    excluded: frozenset[int] = frozenset(),
) -> dict:
    profile = graph.read("user_profile", user_id=user_id)
    if not profile:
        raise UnknownUserError(f"user {user_id} not found")
    return {
        "user_id": user_id,
        "min_rating": MIN_RATING,
        "max_seeds": MAX_SEEDS,
        "limit": max(limit, MIN_CANDIDATES),
        "exclude_seen": exclude_seen,
        "candidate_ids": list(candidates) if candidates is not None else None,
        # Precomputed SIMILAR weights replace the live co-rater paths once a batch wrote them.
        "precomputed": profile[0]["has_similarities"],
        # The user's precomputed lists contain each strategy's top MIN_CANDIDATES unseen movies
        # over the whole catalogue, so they serve only requests of that shape.
        "stored": profile[0]["candidates"] if exclude_seen and candidates is None else None,
        # Movies the user marked "not interested", which the live queries skip too, and the
        # request's excluded movies, which are dropped from every strategy's scores.
        "hidden": frozenset(profile[0]["hidden_ids"]) | excluded,
    }


def _run_strategies(graph: Graph, strategies: Sequence[str], parameters: dict) -> dict[str, dict[int, float]]:
    """Take each strategy's stored scores, and run the queries of the others side by side on the driver's pool."""
    found = {}
    for name in strategies:
        stored = _stored_scores(parameters, name)
        if stored is not None:
            found[name] = stored
    futures = {name: _submit(_run_strategy, graph, name, parameters) for name in strategies if name not in found}
    found |= {name: future.result() for name, future in futures.items()}
    return {name: found[name] for name in strategies}


def _run_strategy(graph: Graph, strategy: str, parameters: dict) -> dict[int, float]:
    """Return one strategy's candidates' raw scores by movie id, from the stored lists or its query."""
    stored = _stored_scores(parameters, strategy)
    if stored is not None:
        return stored
    names = ["user_id", "limit", "exclude_seen", "candidate_ids"]
    query = strategy
    if strategy == "collaborative" and parameters["precomputed"]:
        query = "collaborative_precomputed"
    elif strategy != "popular":
        names += ["min_rating", "max_seeds"]
    scores = _scores(graph.read(query, **{name: parameters[name] for name in names}))
    return {movie_id: score for movie_id, score in scores.items() if movie_id not in parameters["hidden"]}


def _stored_scores(parameters: dict, strategy: str) -> dict[int, float] | None:
    """Return the strategy's precomputed scores, or None when the request needs more than the list contains."""
    stored = parameters["stored"]
    if stored is None or parameters["limit"] > MIN_CANDIDATES:
        return None
    lists = stored[strategy]
    hidden = parameters["hidden"]
    return {movie_id: score for movie_id, score in zip(lists["ids"], lists["scores"]) if movie_id not in hidden}


def _scores(rows: list[dict]) -> dict[int, float]:
    return {row["movie_id"]: float(row["score"]) for row in rows}


def _fill_with_popular(ranked: list[tuple[int, float]], popular: dict[int, float], k: int) -> list[tuple[int, float]]:
    """Append popular movies with score 0 after a strategy's own candidates, until k items."""
    chosen = {movie_id for movie_id, _ in ranked}
    filled = list(ranked)
    for movie_id, _ in ranking.top_k(popular, len(popular)):
        if len(filled) >= k:
            break
        if movie_id not in chosen:
            filled.append((movie_id, 0.0))
    return filled


def _reasons(
    graph: Graph, parameters: dict, found: dict, ranked: list[tuple[int, float]], details: Future
) -> dict[int, list[str]]:
    """Readable reasons for the final list from each strategy that scored the movie, in weight order.

    The popular reason is kept only for a movie that no other strategy explains. With stored
    lists, the collaborative and popular reasons come from ``details`` (movie rows that
    include the evidence movies and the stored rating statistics), so only content runs a query.
    """
    futures, local = {}, {}
    for strategy, scores in found.items():
        movie_ids = [movie_id for movie_id, _ in ranked if movie_id in scores]
        if movie_ids and parameters["stored"] is not None and strategy in ("collaborative", "popular"):
            local[strategy] = movie_ids
        elif movie_ids:
            futures[strategy] = _submit(_strategy_reasons, graph, strategy, parameters, movie_ids)
    explained = {
        strategy: _stored_reasons(parameters["stored"], strategy, movie_ids, details.result())
        for strategy, movie_ids in local.items()
    }
    explained |= {strategy: future.result() for strategy, future in futures.items()}
    personal = [name for name in HYBRID_WEIGHTS if name in explained and name != "popular"]
    reason_lists = {}
    for movie_id, _ in ranked:
        texts = [text for name in personal for text in explained[name].get(movie_id, [])]
        if not texts and "popular" in explained:
            texts = list(explained["popular"].get(movie_id, []))
        reason_lists[movie_id] = texts
    return reason_lists


def _stored_reasons(stored: dict, strategy: str, movie_ids: list[int], details: dict[int, dict]) -> dict[int, list[str]]:
    """Collaborative or popular reasons from the stored lists and the movie rows, without a query."""
    if strategy == "popular":
        return {
            movie_id: reasons.popular_reasons(details[movie_id])
            for movie_id in movie_ids
            if details[movie_id]["rating_count"]
        }
    return {
        movie_id: reasons.precomputed_reasons([{"title": details[seed]["title"]} for seed in seeds])
        for movie_id, seeds in _stored_evidence(stored["collaborative"], movie_ids).items()
    }


def _strategy_reasons(graph: Graph, strategy: str, parameters: dict, movie_ids: list[int]) -> dict[int, list[str]]:
    if strategy == "popular":
        rows = graph.read("popular_reasons", movie_ids=movie_ids)
        return _explain(rows, reasons.popular_reasons)
    if strategy == "collaborative" and parameters["precomputed"]:
        rows = graph.read(
            "collaborative_precomputed_reasons",
            user_id=parameters["user_id"],
            movie_ids=movie_ids,
            evidence_limit=EVIDENCE_LIMIT,
        )
        return _explain(rows, reasons.precomputed_reasons)
    rows = graph.read(
        f"{strategy}_reasons",
        user_id=parameters["user_id"],
        movie_ids=movie_ids,
        min_rating=parameters["min_rating"],
        max_seeds=parameters["max_seeds"],
        evidence_limit=EVIDENCE_LIMIT,
    )
    explain = reasons.collaborative_reasons if strategy == "collaborative" else reasons.content_reasons
    return _explain(rows, explain)


def _evidence_ids(parameters: dict, ranked: list[tuple[int, float]]) -> list[int]:
    """Ids of the rated movies that the stored collaborative evidence names for the ranked movies."""
    if parameters["stored"] is None:
        return []
    behind = _stored_evidence(parameters["stored"]["collaborative"], [movie_id for movie_id, _ in ranked])
    return sorted({seed for seeds in behind.values() for seed in seeds})


def _stored_evidence(stored: dict, movie_ids: list[int]) -> dict[int, list[int]]:
    """Map each of ``movie_ids`` in the user's collaborative list to its stored evidence ids."""
    position = {movie_id: index for index, movie_id in enumerate(stored["ids"])}
    evidence = stored["evidence"]
    return {
        movie_id: [seed for seed in evidence[position[movie_id] * EVIDENCE_LIMIT :][:EVIDENCE_LIMIT] if seed >= 0]
        for movie_id in movie_ids
        if movie_id in position
    }


def _explain(rows: list[dict], explain) -> dict[int, list[str]]:
    return {row["movie_id"]: explain(row["evidence"]) for row in rows}


def _details(graph: Graph, movie_ids: list[int]) -> dict[int, dict]:
    """Title, year, genres and stored rating statistics of the movies, by movie id."""
    if not movie_ids:
        return {}
    return {row["movie_id"]: row for row in graph.read("movie_details", movie_ids=movie_ids)}


def _with_details(
    details: dict[int, dict], ranked: list[tuple[int, float]], reason_lists: dict[int, list[str]]
) -> list[Recommendation]:
    return [
        Recommendation(
            movie_id=movie_id,
            title=details[movie_id]["title"],
            year=details[movie_id]["year"],
            genres=list(details[movie_id]["genres"] or []),
            score=round(score, 6),
            reasons=reason_lists.get(movie_id, []),
        )
        for movie_id, score in ranked
    ]
