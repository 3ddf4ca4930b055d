"""HTTP routes: check the request, call graph_rec, shape the JSON response."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, jsonify, request
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from graph_rec import STRATEGIES, recommend, similar_movies
from graph_rec.db import ConnectionSettingsError, unavailable_hint
from graph_rec.recommend import MAX_K, UnknownMovieError, UnknownUserError
from webapi.app import get_graph

logger = logging.getLogger(__name__)

api = Blueprint("api", __name__)

DEFAULT_K = 10
MAX_ID = 2**63 - 1  # the largest Neo4j INTEGER


@api.get("/users/<user_id>/recommendations")
def user_recommendations(user_id: str):
    """Top-k movies for a user: 400 for invalid input, 404 for an unknown user."""
    user = _positive_int("user_id", user_id)
    k = _k_parameter()
    strategy = request.args.get("strategy", "hybrid")
    if strategy not in STRATEGIES:
        abort(400, f"invalid strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")

    try:
        weights = current_app.config["GRAPH_REC_SETTINGS"].hybrid_weights
        items = recommend(get_graph(), user, k=k, strategy=strategy, weights=weights)
    except UnknownUserError:
        abort(404, f"user {user} not found: use the userId of a user in the loaded data set")
    return jsonify({"user_id": user, "strategy": strategy, "items": [item.to_dict() for item in items]})


@api.get("/movies/<movie_id>/similar")
def movie_similar(movie_id: str):
    """Top-k movies like one movie: 400 for invalid input, 404 for an unknown movie."""
    movie = _positive_int("movie_id", movie_id)
    k = _k_parameter()

    try:
        items = similar_movies(get_graph(), movie, k=k)
    except UnknownMovieError:
        abort(404, f"movie {movie} not found: use the movieId of a movie in the loaded data set")
    return jsonify({"movie_id": movie, "items": [item.to_dict() for item in items]})


@api.get("/health")
def health():
    """Return 200 when Neo4j completes a read, else 503 with the reason."""
    try:
        graph = get_graph()
        # verify_connectivity does not retry, so a stopped server is reported at once.
        graph.driver.verify_connectivity()
        graph.read("health")
    except (ServiceUnavailable, SessionExpired, AuthError, ConnectionSettingsError, Neo4jError) as error:
        logger.warning("health check failed: %s", error)
        hint = unavailable_hint(current_app.config["GRAPH_REC_SETTINGS"])
        return jsonify({"status": "unavailable", "neo4j": {"reachable": False, "error": f"{hint} ({error})"}}), 503
    return jsonify({"status": "ok", "neo4j": {"reachable": True}})


def _positive_int(name: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        abort(400, f"invalid {name} {raw!r}: use a positive integer")
    return int(raw)


def _k_parameter() -> int:
    raw = request.args.get("k", str(DEFAULT_K))
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_K:
        abort(400, f"invalid k {raw!r}: use an integer from 1 to {MAX_K}")
    return int(raw)
