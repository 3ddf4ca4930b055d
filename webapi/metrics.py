"""Request counts and latencies for GET /metrics, in Prometheus' text format.

Under gunicorn every worker process counts its own requests. ``serve`` sets
PROMETHEUS_MULTIPROC_DIR before this module is imported, so the workers write their counts
to files in that folder and /metrics adds up all of them, whichever worker serves it. Without
that variable (waitress, tests) the counts live in this process.
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "graph_rec_requests", "HTTP requests by method, route and status code", ["method", "route", "status"]
)
LATENCY = Histogram(
    "graph_rec_request_duration_seconds",
    "Time from the start of a request to its response, by method and route",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one finished request. ``route`` is the URL rule, such as /users/<user_id>/ratings, never the raw path."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def metrics_text() -> tuple[bytes, str]:
    """Return the exposition text and its content type."""
    if os.environ.get(MULTIPROCESS_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
