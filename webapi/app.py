"""Application factory, the per-process Neo4j driver, and JSON errors of one shape."""

from __future__ import annotations

import atexit
import logging
import threading
import time

from flask import Flask, current_app, g, jsonify, request
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired
from werkzeug.exceptions import HTTPException

from graph_rec.db import ConnectionSettingsError, Graph, unavailable_hint
from graph_rec.settings import Settings

logger = logging.getLogger(__name__)

GRAPH_KEY = "graph_rec.graph"
_graph_lock = threading.Lock()


def create_app(settings: Settings | None = None, graph: Graph | None = None) -> Flask:
    """Build the app; pass ``graph`` to share a driver, else one is created on the first request."""
    app = Flask(__name__)
    app.config["GRAPH_REC_SETTINGS"] = settings or Settings.from_env()
    app.json.sort_keys = False
    if graph is not None:
        app.extensions[GRAPH_KEY] = graph

    from webapi.routes import api

    app.register_blueprint(api)
    app.before_request(_start_timer)
    app.after_request(_log_request)
    app.register_error_handler(HTTPException, _http_error)
    for error_type in (ServiceUnavailable, SessionExpired, AuthError, ConnectionSettingsError):
        app.register_error_handler(error_type, _neo4j_unavailable)
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


def error_response(status: int, message: str):
    return jsonify({"error": {"status": status, "message": message}}), status


def _http_error(error: HTTPException):
    return error_response(error.code or 500, error.description or error.name)


def _neo4j_unavailable(error: Exception):
    logger.error("%s %s failed, Neo4j unavailable: %s", request.method, request.path, error)
    hint = unavailable_hint(current_app.config["GRAPH_REC_SETTINGS"])
    return error_response(503, f"{hint} ({error})")


def _start_timer() -> None:
    g.started = time.perf_counter()


def _log_request(response):
    milliseconds = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    logger.info("%s %s %d %.1f ms", request.method, request.full_path.rstrip("?"), response.status_code, milliseconds)
    return response
