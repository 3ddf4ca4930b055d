"""HTTP routes: check the request, call graph_rec, shape the JSON response."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, abort, current_app, jsonify, request
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from graph_rec import STRATEGIES, feedback, recommend, similar_movies
from graph_rec.explain import explain
from graph_rec.search import MAX_QUERY_LENGTH, SearchIndexMissingError, search_movies
from graph_rec.db import ConnectionSettingsError, Graph, unavailable_hint
from graph_rec.precompute import freshness
from graph_rec.recommend import MAX_K, MovieFilter, UnknownMovieError, UnknownUserError
from graph_rec.settings import Settings
from webapi import bookmarks as bookmark_tokens
from webapi.app import WRITE_METHODS, get_graph
from webapi.metrics import metrics_text
from webapi.openapi import (
    EXCLUDED_ID_PATTERN,
    MAX_EXCLUDED,
    MAX_ID,
    MAX_OFFSET,
    MAX_OFFSET_RANK,
    MAX_SEARCH_RESULTS,
    MAX_YEAR,
    MIN_YEAR,
    openapi_document,
)

logger = logging.getLogger(__name__)

api = Blueprint("api", __name__)

DEFAULT_K = 10
DEFAULT_PAGE_SIZE = 20
# Decimal integers without sign or leading zeros, as the OpenAPI description states.
MAX_GENRE_LENGTH = 100
_NATURAL = re.compile(r"0|[1-9][0-9]{0,18}")
# A movie id in the exclude list: up to 18 digits, so always below the largest Neo4j INTEGER.
_EXCLUDED_ID = re.compile(EXCLUDED_ID_PATTERN)


@api.get("/users/<user_id>/recommendations")
def user_recommendations(user_id: str):
    """Return the top-k movies for a user: 400 for invalid input, 404 for an unknown user."""
    user = _id_parameter("user_id", user_id)
    k = _int_query("k", DEFAULT_K, 1, MAX_K)
    offset = _int_query("offset", 0, 0, MAX_OFFSET_RANK)
    strategy = _strategy_parameter()
    movie_filter = _movie_filter()
    try:
        items = recommend(
            _graph(), user, k=k, strategy=strategy, weights=_settings().hybrid_weights, movie_filter=movie_filter, offset=offset
        )
    except UnknownUserError:
        abort(404, f"user {user} not found: use the userId of a user in the loaded data set")
    body = {"user_id": user, "strategy": strategy, "offset": offset, "items": [item.to_dict() for item in items]}
    return jsonify(body)


@api.get("/users/<user_id>/recommendations/<movie_id>/explain")
def explain_recommendation(user_id: str, movie_id: str):
    """Return the paths behind a movie's score for a user, as a node-link graph."""
    user = _id_parameter("user_id", user_id)
    movie = _id_parameter("movie_id", movie_id)
    strategy = _strategy_parameter()
    try:
        return jsonify(explain(_graph(), user, movie, strategy=strategy, weights=_settings().hybrid_weights))
    except UnknownUserError:
        abort(404, f"user {user} not found")
    except UnknownMovieError:
        abort(404, f"movie {movie} not found")


@api.get("/movies")
def movie_search():
    """Return the movies whose titles match the words in ``q``, best match first."""
    text = request.args.get("q", "")
    if not text.strip() or len(text) > MAX_QUERY_LENGTH:
        abort(400, f"invalid q {text[:40]!r}: send 1 to {MAX_QUERY_LENGTH} characters of a title")
    limit = _int_query("limit", DEFAULT_K, 1, MAX_SEARCH_RESULTS)
    try:
        items = search_movies(_graph(), text, limit=limit)
    except SearchIndexMissingError as error:
        logger.error("title search failed: %s", error)
        abort(503, str(error))
    return jsonify({"query": text, "items": items})


@api.get("/users/<user_id>/ratings")
def user_ratings(user_id: str):
    """Return one page of a user's ratings, newest first."""
    user = _id_parameter("user_id", user_id)
    offset = _int_query("offset", 0, 0, MAX_OFFSET)
    limit = _int_query("limit", DEFAULT_PAGE_SIZE, 1, feedback.MAX_PAGE_SIZE)
    try:
        page = feedback.user_ratings(_graph(), user, offset=offset, limit=limit)
    except UnknownUserError:
        abort(404, f"user {user} not found")
    following = offset + len(page.ratings)
    return jsonify(
        {
            "user_id": user,
            "total": page.total,
            "offset": offset,
            "limit": limit,
            "next_offset": following if following < page.total else None,
            "items": page.ratings,
        }
    )


@api.put("/users/<user_id>/ratings/<movie_id>")
def put_rating(user_id: str, movie_id: str):
    """Create (201) or replace (200) a rating, creating the user when new."""
    user = _id_parameter("user_id", user_id)
    movie = _id_parameter("movie_id", movie_id)
    rating = _rating_body()
    graph = _graph()
    try:
        created = feedback.put_rating(graph, user, movie, rating)
    except UnknownMovieError:
        abort(404, f"movie {movie} not found: rate a movieId of the loaded data set")
    body = {"user_id": user, "movie_id": movie, "rating": rating, "created": created}
    return _with_bookmarks(jsonify(body), graph), 201 if created else 200


@api.delete("/users/<user_id>/ratings/<movie_id>")
def delete_rating(user_id: str, movie_id: str):
    """Remove a rating: 204, or 404 when the user has no rating for the movie."""
    user = _id_parameter("user_id", user_id)
    movie = _id_parameter("movie_id", movie_id)
    graph = _graph()
    if not feedback.delete_rating(graph, user, movie):
        abort(404, f"user {user} has no rating for movie {movie}")
    return _with_bookmarks(current_app.response_class(status=204), graph)


@api.post("/users/<user_id>/not-interested/<movie_id>")
def not_interested(user_id: str, movie_id: str):
    """Hide a movie from the user's recommendations, creating the user when new."""
    user = _id_parameter("user_id", user_id)
    movie = _id_parameter("movie_id", movie_id)
    graph = _graph()
    try:
        feedback.hide_movie(graph, user, movie)
    except UnknownMovieError:
        abort(404, f"movie {movie} not found")
    return _with_bookmarks(jsonify({"user_id": user, "movie_id": movie, "hidden": True}), graph)


@api.delete("/users/<user_id>")
def delete_user(user_id: str):
    """Remove a user with their ratings, tags and hidden movies."""
    user = _id_parameter("user_id", user_id)
    graph = _graph()
    try:
        removed = feedback.delete_user(graph, user)
    except UnknownUserError:
        abort(404, f"user {user} not found")
    return _with_bookmarks(jsonify({"user_id": user, "deleted_ratings": removed}), graph)


@api.get("/movies/<movie_id>/similar")
def movie_similar(movie_id: str):
    """Top-k movies like one movie: 400 for invalid input, 404 for an unknown movie."""
    movie = _id_parameter("movie_id", movie_id)
    k = _int_query("k", DEFAULT_K, 1, MAX_K)

    try:
        items = similar_movies(_graph(), movie, k=k)
    except UnknownMovieError:
        abort(404, f"movie {movie} not found: use the movieId of a movie in the loaded data set")
    return jsonify({"movie_id": movie, "items": [item.to_dict() for item in items]})


@api.get("/health")
def health():
    """Return 200 when Neo4j completes a read, else 503 with the reason, each with the age of the precompute."""
    try:
        graph = get_graph()
        # verify_connectivity does not retry, so a stopped server is reported at once.
        graph.driver.verify_connectivity()
        precompute = freshness(graph)
    except (ServiceUnavailable, SessionExpired, AuthError, ConnectionSettingsError, Neo4jError) as error:
        logger.warning("health check failed: %s", error)
        hint = unavailable_hint(_settings())
        body = {"status": "unavailable", "neo4j": {"reachable": False, "error": f"{hint} ({error})"}, "precompute": None}
        return jsonify(body), 503
    return jsonify({"status": "ok", "neo4j": {"reachable": True}, "precompute": precompute})


@api.get("/metrics")
def metrics():
    """Return request counts and latencies in Prometheus' text format, summed over all worker processes."""
    body, content_type = metrics_text()
    return current_app.response_class(body, content_type=content_type)


@api.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def _graph() -> Graph:
    """Return the graph for this request, which waits for the client's bookmarks and collects a write's own."""
    bookmarks = _bookmarks_header()
    graph = get_graph()
    if bookmarks or request.method in WRITE_METHODS:
        return graph.after(bookmarks)
    return graph


def _bookmarks_header() -> list[str]:
    token = request.headers.get(bookmark_tokens.HEADER)
    if token is None:
        return []
    try:
        return bookmark_tokens.decode(token, _settings().api_key)
    except bookmark_tokens.InvalidBookmarksError:
        abort(400, f"invalid {bookmark_tokens.HEADER} header: send back the value of that header from a write response")


def _with_bookmarks(response, graph: Graph):
    """Add the write's bookmarks, which a client sends with its next request to read what it wrote."""
    response.headers[bookmark_tokens.HEADER] = bookmark_tokens.encode(graph.bookmarks(), _settings().api_key)
    return response


def _settings() -> Settings:
    return current_app.config["GRAPH_REC_SETTINGS"]


def _strategy_parameter() -> str:
    strategy = request.args.get("strategy", "hybrid")
    if strategy not in STRATEGIES:
        abort(400, f"invalid strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
    return strategy


def _movie_filter() -> MovieFilter:
    """Read the genre, year_min, year_max and exclude parameters of a recommendation request."""
    genre = request.args.get("genre")
    if genre is not None and len(genre) > MAX_GENRE_LENGTH:
        abort(400, f"invalid genre {genre[:40]!r}...: use a genre name of up to {MAX_GENRE_LENGTH} characters")
    year_min = _optional_int_query("year_min", MIN_YEAR, MAX_YEAR)
    year_max = _optional_int_query("year_max", MIN_YEAR, MAX_YEAR)
    raw = request.args.get("exclude")
    parts = [] if raw is None else raw.split(",")
    if len(parts) > MAX_EXCLUDED or not all(_EXCLUDED_ID.fullmatch(part) for part in parts):
        abort(400, f"invalid exclude {raw[:60]!r}: use up to {MAX_EXCLUDED} comma-separated movie ids, such as 1,2")
    return MovieFilter(genre=genre, year_min=year_min, year_max=year_max, exclude=frozenset(int(part) for part in parts))


def _optional_int_query(name: str, low: int, high: int) -> int | None:
    if request.args.get(name) is None:
        return None
    return _int_query(name, low, low, high)


def _rating_body() -> float:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"rating"}:
        abort(400, 'invalid body: send the JSON object {"rating": 4.5} with Content-Type: application/json')
    try:
        return feedback.check_rating(body["rating"])
    except feedback.InvalidRatingError as error:
        abort(400, str(error))


def _id_parameter(name: str, raw: str) -> int:
    if not _NATURAL.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
        abort(400, f"invalid {name} {raw!r}: use a positive integer without sign or leading zeros")
    return int(raw)


def _int_query(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _NATURAL.fullmatch(raw) or not low <= int(raw) <= high:
        abort(400, f"invalid {name} {raw!r}: use an integer from {low} to {high}")
    return int(raw)
