"""Run ``python -m graph_rec`` commands for tests: one-off commands, and ``serve`` on a free loopback port with calls over HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from graph_rec import neo4j_server
from graph_rec.settings import PROJECT_ROOT, Settings

START_SECONDS = 30
STOP_SECONDS = 30


def server_environment(settings: Settings, **extra: str) -> dict:
    """The environment that points a served API at the test's Neo4j, plus ``extra`` variables."""
    return dict(
        os.environ,
        NEO4J_URI=settings.neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password or "",
        **extra,
    )


def run_cli(settings: Settings | None, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m graph_rec ARGS`` and return its exit code and output.

    With ``settings`` the command uses that server; with None it runs without any NEO4J_ variable, so it
    uses the local instance of its --home.
    """
    environment = {name: value for name, value in os.environ.items() if not name.startswith("NEO4J_")}
    if settings is not None:
        environment = server_environment(settings)
    return subprocess.run(
        [sys.executable, "-m", "graph_rec", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def call(method: str, url: str, body=None, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, object]:
    """Send one request; return the status, the response headers and the decoded JSON body (None when empty)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, response_headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, raw = error.code, dict(error.headers), error.read()
    return status, response_headers, json.loads(raw) if raw else None


@contextlib.contextmanager
def running_api(settings: Settings, *serve_arguments: str, log_path: Path | None = None, **environment: str):
    """Serve the API for the ``with`` block and yield its base URL; stop it with SIGTERM afterwards."""
    port = neo4j_server.free_port()
    if "--refresh-every" not in serve_arguments:
        serve_arguments = ("--refresh-every", "0", *serve_arguments)  # no background precompute
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "graph_rec", "serve", "--port", str(port), *serve_arguments],
        cwd=PROJECT_ROOT,
        env=server_environment(settings, **environment),
        stdout=log,
        stderr=subprocess.STDOUT if log_path else subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=STOP_SECONDS)
        if log_path:
            log.close()


def _wait_until_listening(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        assert server.poll() is None, f"the API exited with code {server.returncode} before it listened"
        try:
            urllib.request.urlopen(f"{base}/openapi.json", timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, f"the API did not listen within {START_SECONDS} s"
            time.sleep(0.2)
