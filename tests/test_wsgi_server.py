"""The gunicorn server: no driver before the fork, requests served by several workers, clean stop on SIGTERM."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from graph_rec import neo4j_server
from graph_rec.cli import EXIT_INVALID, main
from graph_rec.settings import PROJECT_ROOT, Settings
from tests.graphs import TINY_GRAPH
from webapi.app import GRAPH_KEY
from webapi.server import WORKER_PID_HEADER, GunicornServer, ServerOptions, default_workers, post_fork

START_SECONDS = 30
STOP_SECONDS = 30


class RecordingGraph:
    def __init__(self):
        self.closed = False

    def close(self):
        self.closed = True


@pytest.fixture
def no_driver_allowed(monkeypatch):
    """Make any attempt to create a Graph fail, so a test shows that none is created."""

    def reject(settings):
        raise AssertionError("a Graph was created before any request")

    monkeypatch.setattr("webapi.app.Graph.from_settings", reject)


def test_load_creates_no_driver(no_driver_allowed):
    server = GunicornServer(Settings(neo4j_uri="neo4j://127.0.0.1:1"), ServerOptions(workers=2))

    server.wsgi()

    assert server.flask_app is not None
    assert GRAPH_KEY not in server.flask_app.extensions


def test_post_fork_discards_inherited_graph(no_driver_allowed):
    server = GunicornServer(Settings(neo4j_uri="neo4j://127.0.0.1:1"), ServerOptions(workers=2))
    server.wsgi()
    inherited = RecordingGraph()
    server.flask_app.extensions[GRAPH_KEY] = inherited

    post_fork(SimpleNamespace(app=server), worker=None)

    assert GRAPH_KEY not in server.flask_app.extensions
    assert not inherited.closed, "closing would send on the parent's sockets"


def test_config_values():
    server = GunicornServer(Settings(), ServerOptions(host="127.0.0.1", port=5123, workers=0, threads=4))

    assert server.cfg.bind == ["127.0.0.1:5123"]
    assert server.cfg.workers == default_workers()
    assert server.cfg.threads == 4
    assert server.cfg.preload_app
    assert server.cfg.accesslog == "-"
    assert server.cfg.control_socket_disable


def test_bind_address_of_ipv6_host():
    assert ServerOptions(host="::1", port=5000).bind_address() == "[::1]:5000"


def test_waitress_rejects_workers():
    assert main(["serve", "--server", "waitress", "--workers", "2"]) == EXIT_INVALID


def test_serve_rejects_zero_workers():
    assert main(["serve", "--workers", "0"]) == EXIT_INVALID


def _get(url):
    """Return status, headers and JSON body of a GET, for error statuses too."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def _wait_until_healthy(base, server):
    deadline = time.monotonic() + START_SECONDS
    while True:
        assert server.poll() is None, f"the server exited with code {server.returncode} before /health returned"
        try:
            return _get(f"{base}/health")
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, f"the API did not start within {START_SECONDS} s"
            time.sleep(0.2)


def _collect_worker_pids(base, expected_workers, batches=20, batch_size=16):
    """Send batches of concurrent requests until ``expected_workers`` distinct workers have served one."""
    pids = set()
    with ThreadPoolExecutor(max_workers=batch_size) as pool:
        for _ in range(batches):
            responses = pool.map(lambda _: _get(f"{base}/users/2/recommendations?k=3"), range(batch_size))
            for status, headers, body in responses:
                assert status == 200
                assert len(body["items"]) == 2
                pids.add(int(headers[WORKER_PID_HEADER]))
            if len(pids) >= expected_workers:
                break
    return pids


@pytest.fixture
def gunicorn_server(tiny_graph, test_servers, tmp_path):
    """A `serve` subprocess with 2 gunicorn workers on the tiny graph: (base URL, process, log path)."""
    tiny_graph.run_text(TINY_GRAPH)
    settings = test_servers["tiny"]
    port = neo4j_server.free_port()
    # The connection settings go to this child only: it is the test's own server.
    environment = dict(
        os.environ,
        NEO4J_URI=settings.neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password or "",
    )
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "graph_rec", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--refresh-every", "0"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}", server, log_path
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=STOP_SECONDS)


def test_gunicorn_serves_from_two_workers(gunicorn_server):
    base, server, log_path = gunicorn_server

    status, headers, body = _wait_until_healthy(base, server)
    assert status == 200
    assert body["status"] == "ok"

    status, headers, body = _get(f"{base}/users/1/recommendations?k=2")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert [item["movie_id"] for item in body["items"]] == [20, 30]

    status, headers, body = _get(f"{base}/users/999/recommendations")
    assert status == 404
    assert body["error"]["status"] == 404

    status, headers, body = _get(f"{base}/users/1/recommendations?strategy=magic")
    assert status == 400

    pids = _collect_worker_pids(base, expected_workers=2)
    assert len(pids) == 2, f"only workers {sorted(pids)} served requests"
    assert server.pid not in pids, "the master process served a request"

    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=STOP_SECONDS) == 0

    log = log_path.read_text()
    assert "Shutting down: Master" in log
    assert "Traceback" not in log
    # graph_rec.db logs one "connecting to" line per driver: one per worker that served requests, none in the master.
    assert sum(1 for line in log.splitlines() if "graph_rec.db [" in line and "connecting to" in line) == len(pids)
    for pid in pids:
        assert f"worker <{pid}>" in log, f"no access log line from worker {pid}"
