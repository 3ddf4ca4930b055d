"""Application factory, the per-process Neo4j driver, API keys, request ids and JSON errors of one shape."""

from __future__ import annotations

import atexit
import contextvars
import hmac
import logging
import re
import threading
import time
import uuid

from flask import Flask, current_app, g, jsonify, request
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from werkzeug.exceptions import HTTPException

from graph_rec.db import ConnectionSettingsError, Graph, unavailable_hint
from graph_rec.settings import Settings
from webapi import metrics

logger = logging.getLogger(__name__)

GRAPH_KEY = "graph_rec.graph"
REQUEST_ID_HEADER = "X-Request-Id"
WRITE_METHODS = frozenset({"PUT", "POST", "DELETE", "PATCH"})
# Endpoints that need no key, even when reads do: the page and its files ask for the key themselves.
OPEN_ENDPOINTS = frozenset({"api.health", "api.openapi", "page.index", "page.static", "static"})
# A request id the client sends is kept when it is short and plain, else replaced.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_graph_lock = threading.Lock()

# The id of the request this thread works for. graph_rec's query threads copy it (see
# graph_rec.recommend), so every log line of a request carries the same id.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def create_app(settings: Settings | None = None, graph: Graph | None = None) -> Flask:
    """Build the app; pass ``graph`` to share a driver, else one is created on the first request."""
    app = Flask(__name__)
    settings = settings or Settings.from_env()
    app.config["GRAPH_REC_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False
    if graph is not None:
        app.extensions[GRAPH_KEY] = graph

    from webapi.page import page
    from webapi.routes import api

    app.register_blueprint(api)
    app.register_blueprint(page)
    app.before_request(_start_request)
    app.before_request(_check_body_size)
    app.before_request(_check_api_key)
    app.after_request(_finish_request)
    app.register_error_handler(HTTPException, _http_error)
    for error_type in (ServiceUnavailable, SessionExpired, AuthError, ConnectionSettingsError, DatabaseUnavailable):
        app.register_error_handler(error_type, _neo4j_unavailable)
    app.register_error_handler(TransientError, _neo4j_busy)
    app.register_error_handler(ClientError, _neo4j_client_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def get_graph() -> Graph:
    """Return the app's one Graph, creating it on first use so that each forked worker makes its own."""
    graph = current_app.extensions.get(GRAPH_KEY)
    if graph is None:
        with _graph_lock:
            graph = current_app.extensions.get(GRAPH_KEY)
            if graph is None:
                graph = Graph.from_settings(current_app.config["GRAPH_REC_SETTINGS"])
                current_app.extensions[GRAPH_KEY] = graph
                atexit.register(graph.close)
    return graph


def discard_inherited_graph(app: Flask) -> Graph | None:
    """Remove a Graph that a forked worker inherited, so that its first request creates the worker's own.

    The inherited driver is left open because closing it would send on sockets that the parent
    process still owns. Returns the removed Graph, or None when there was none.
    """
    return app.extensions.pop(GRAPH_KEY, None)


class RequestIdFilter(logging.Filter):
    """Give every log record a ``request_id`` attribute, "-" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def log_request_ids() -> None:
    """Add the request id to every line that the root logger's handlers write."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))


def error_response(status: int, message: str, headers: dict | None = None):
    body = {"error": {"status": status, "message": message, "request_id": request_id_var.get()}}
    return jsonify(body), status, headers or {}


def _start_request() -> None:
    g.started = time.perf_counter()
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = sent if _CLIENT_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
    g.request_id_token = request_id_var.set(g.request_id)


def _check_body_size() -> None:
    """Refuse a declared body over the limit before any route reads it (werkzeug checks streamed ones)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        return error_response(413, f"request body of {request.content_length} bytes is over the limit of {limit} bytes")
    return None


def _check_api_key():
    """Return a 401 or 403 response unless the request may proceed: writes always need the key, reads when configured."""
    if request.url_rule is None:
        return None  # routing returns the 404 or 405
    settings: Settings = current_app.config["GRAPH_REC_SETTINGS"]
    is_write = request.method in WRITE_METHODS
    if not is_write and (not settings.reads_need_key or request.endpoint in OPEN_ENDPOINTS):
        return None
    if settings.api_key is None:
        return error_response(403, "writes are disabled on this server: start it with GRAPH_REC_API_KEY set")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="graph_rec"'}
    if not scheme:
        return error_response(401, "missing API key: send the header 'Authorization: Bearer <key>'", challenge)
    if scheme.lower() != "bearer" or not token.strip():
        return error_response(401, "invalid Authorization header: use the Bearer scheme, 'Authorization: Bearer <key>'", challenge)
    if not hmac.compare_digest(token.strip().encode("utf-8"), settings.api_key.encode("utf-8")):
        logger.warning("%s %s rejected: wrong API key", request.method, request.path)
        return error_response(401, "wrong API key: send the key that GRAPH_REC_API_KEY sets on the server", challenge)
    return None


def _finish_request(response):
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "-")
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    metrics.observe(request.method, route, response.status_code, seconds)
    logger.info("%s %s %d %.1f ms", request.method, request.full_path.rstrip("?"), response.status_code, seconds * 1000)
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id_var.reset(token)
    return response


def _http_error(error: HTTPException):
    # Keep headers such as Allow on a 405, but not werkzeug's HTML content type.
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    return error_response(error.code or 500, _error_message(error, headers), headers)


def _error_message(error: HTTPException, headers: dict) -> str:
    """Name the method or path in werkzeug's generic 404 and 405 texts; keep the messages the routes wrote."""
    if error.code == 405:
        return f"method {request.method} is not allowed on {request.path}: use {headers.get('Allow', 'another method')}"
    if error.code == 404 and request.url_rule is None:
        return f"no such path {request.path}: see /openapi.json for the paths of this API"
    return error.description or error.name


def _neo4j_unavailable(error: Exception):
    logger.error("%s %s failed, Neo4j unavailable: %s", request.method, request.path, error)
    hint = unavailable_hint(current_app.config["GRAPH_REC_SETTINGS"])
    return error_response(503, f"{hint} ({error})", {"Retry-After": "5"})


def _neo4j_busy(error: TransientError):
    logger.error("%s %s failed after the driver's retries: %s", request.method, request.path, error)
    return error_response(503, f"Neo4j is busy and the retries ran out: try again ({error.code})", {"Retry-After": "1"})


def _neo4j_client_error(error: ClientError):
    if error.code and "TransactionTimedOut" in error.code:
        logger.error("%s %s timed out in Neo4j: %s", request.method, request.path, error)
        return error_response(503, "the query took longer than GRAPH_REC_QUERY_TIMEOUT allows: try again later")
    if error.code and "Bookmark" in error.code:
        # A signed token from before a database reset carries bookmarks that Neo4j no longer knows.
        logger.warning("%s %s rejected bookmarks: %s", request.method, request.path, error)
        return error_response(400, f"invalid X-Graph-Bookmarks header: send back the value a write returned ({error.code})")
    return _unexpected_error(error)


def _unexpected_error(error: Exception):
    # Flask sends HTTPException to _http_error, its more specific handler, so only other errors arrive here.
    logger.exception("%s %s failed", request.method, request.path)
    return error_response(500, f"internal error: report request id {request_id_var.get()} to the operator")
