"""Application factory, the per-process Neo4j driver, and JSON errors of one shape."""

from __future__ import annotations

import atexit
import logging
import threading

from flask import Flask, current_app, jsonify
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired
from werkzeug.exceptions import HTTPException

from graph_rec.db import ConnectionSettingsError, Graph
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


def error_response(status: int, message: str):
    return jsonify({"error": {"status": status, "message": message}}), status


def _http_error(error: HTTPException):
    return error_response(error.code or 500, error.description or error.name)


def _neo4j_unavailable(error: Exception):
    logger.error("Neo4j unavailable: %s", error)
    return error_response(503, f"Neo4j is unavailable: {error}")
