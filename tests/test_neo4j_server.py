"""The local Neo4j commands, run as a user runs them: start, status, restart with data kept, stop."""

import json
import os
import socket
import subprocess
import sys
import urllib.request

import pytest
from neo4j import GraphDatabase

from graph_rec import neo4j_server
from graph_rec.settings import PROJECT_ROOT
from tests.serving import run_cli


def parse_shell_lines(text: str) -> dict[str, str]:
    """Read ``export NAME=value`` lines; generated passwords need no shell quoting."""
    lines = [line.removeprefix("export ") for line in text.splitlines() if line.startswith("export ")]
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def home(tmp_path):
    yield tmp_path / "instance"
    neo4j_server.stop(tmp_path / "instance")


def test_start_status_restart_stop(home):
    bolt_port, http_port = neo4j_server.free_port(), neo4j_server.free_port()
    ports = ["--bolt-port", str(bolt_port), "--http-port", str(http_port)]

    started = run_cli(None, "neo4j", "start", "--home", str(home), "--heap", "512m", "--pagecache", "64m", *ports)
    assert started.returncode == 0, started.stderr
    lines = parse_shell_lines(started.stdout)
    assert lines["NEO4J_URI"] == f"neo4j://127.0.0.1:{bolt_port}"
    assert lines["NEO4J_USER"] == "neo4j"
    assert len(lines["NEO4J_PASSWORD"]) >= 8
    assert oct((home / "graph_rec-instance.json").stat().st_mode & 0o777) == "0o600"

    # A routing URI works because the instance advertises its own Bolt port.
    auth = (lines["NEO4J_USER"], lines["NEO4J_PASSWORD"])
    with GraphDatabase.driver(lines["NEO4J_URI"], auth=auth) as driver:
        driver.execute_query("CREATE (:Probe {name: 'kept'})")

    again = run_cli(None, "neo4j", "start", "--home", str(home), *ports)
    assert again.returncode == 0, again.stderr
    assert parse_shell_lines(again.stdout) == lines

    status = json.loads(run_cli(None, "neo4j", "status", "--home", str(home)).stdout)
    assert status["running"] is True
    assert status["bolt_port"] == bolt_port

    stopped = run_cli(None, "neo4j", "stop", "--home", str(home))
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(run_cli(None, "neo4j", "status", "--home", str(home)).stdout)["running"] is False
    # A clean shutdown ends the server's log with "Stopped."; a killed server never writes it.
    assert (home / "logs" / "neo4j.log").read_text().splitlines()[-1].endswith("Stopped.")

    # Without --bolt-port and --http-port, a restart keeps the ports the home used before.
    restarted = run_cli(None, "neo4j", "start", "--home", str(home))
    assert restarted.returncode == 0, restarted.stderr
    assert parse_shell_lines(restarted.stdout) == lines
    with GraphDatabase.driver(lines["NEO4J_URI"], auth=auth) as driver:
        records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.name AS name")
    assert [record["name"] for record in records] == ["kept"]


def test_http_serves_browser(home):
    bolt_port, http_port = neo4j_server.free_port(), neo4j_server.free_port()
    neo4j_server.start(home, bolt_port=bolt_port, http_port=http_port, heap="512m", pagecache="64m")

    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/", timeout=10) as response:
        discovery = json.loads(response.read())
    assert discovery["neo4j_version"].startswith("5.26")
    assert discovery["neo4j_edition"] == "community"
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/browser/", timeout=10) as response:
        assert response.status == 200


def test_start_rejects_busy_port(home):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(None, "neo4j", "start", "--home", str(home), "--bolt-port", str(port), "--http-port", str(neo4j_server.free_port()))
    assert result.returncode == 3
    assert f"port {port}" in result.stderr


def test_commands_use_neo4j_uri_and_start_nothing(tmp_path):
    environment = dict(os.environ, NEO4J_URI="neo4j://127.0.0.1:1", NEO4J_PASSWORD="x")
    result = subprocess.run(
        [sys.executable, "-m", "graph_rec", "neo4j", "start", "--home", str(tmp_path / "unused")],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "NEO4J_URI is set" in result.stderr
    assert not (tmp_path / "unused").exists()


def test_free_port_never_repeats():
    ports = [neo4j_server.free_port() for _ in range(50)]
    assert len(set(ports)) == 50
