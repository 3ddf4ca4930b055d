"""Throughput and latency of the API under gunicorn, at several numbers of concurrent clients.

Usage:
    .venv/bin/python -m benchmarks.throughput [--data-dir DIR] [--clients 1,8,32] [--duration 20] [--workers N[,M]]
    .venv/bin/python -m benchmarks.throughput --url http://127.0.0.1:5000 [--clients ...]

Without --url, the script starts its own Neo4j in a temporary folder, loads ml-latest-small with
cast and crew, runs `precompute`, and starts `python -m graph_rec serve` (gunicorn) on a free
loopback port, once per worker count. With --url, it sends load to a server that already runs
and starts nothing. Either way, the user ids come from ml-latest-small/ratings.csv.

The load generator runs in this process: one thread per client, each with its own HTTP
connection, kept alive unless the server closes it (gunicorn's sync worker closes it after every
response), sending GET /users/<id>/recommendations?k=10&strategy=hybrid for users drawn
with a fixed seed. Each level runs for a fixed duration or until a cap on requests, whichever
comes first. Percentiles exclude failed requests, which are counted. The generator, the gunicorn workers and Neo4j share the machine's CPUs, so the
numbers are lower than a server would reach with the clients on another machine.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.latency import percentiles
from graph_rec import neo4j_server
from graph_rec.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

DEFAULT_MAX_REQUESTS = 100_000
REQUEST_TIMEOUT_SECONDS = 30.0
SERVER_START_SECONDS = 60.0
SERVER_STOP_SECONDS = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class LoadResult:
    """Outcome of one load level: successful request durations and counted errors."""

    clients: int
    seconds: float = 0.0
    milliseconds: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    # CPU seconds each process group used during the run, keyed by name, and empty when not measured.
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.milliseconds) + sum(self.errors.values())

    @property
    def throughput(self) -> float:
        """Successful requests per second of wall time."""
        return len(self.milliseconds) / self.seconds if self.seconds else 0.0

    def format_row(self) -> str:
        if self.milliseconds:
            result = percentiles(self.milliseconds)
            times = f"{result['p50']:>9.1f}{result['p95']:>9.1f}{result['p99']:>9.1f}{max(self.milliseconds):>9.1f}"
        else:
            times = f"{'-':>9}" * 4
        errors = sum(self.errors.values())
        row = f"{self.clients:>8}{self.requests:>10}{errors:>8}{self.throughput:>10.1f}{times}"
        if self.cpu_seconds and self.requests:
            row += "   CPU ms per request: " + ", ".join(
                f"{name} {seconds * 1000 / self.requests:.0f}" for name, seconds in self.cpu_seconds.items()
            )
        if self.errors:
            row += "   errors: " + ", ".join(f"{name} {count}" for name, count in self.errors.most_common())
        return row


HEADER = f"{'clients':>8}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"


def read_user_ids(ratings_csv: Path) -> list[int]:
    """Return every userId in a MovieLens ratings.csv, sorted."""
    with open(ratings_csv, newline="", encoding="utf-8") as handle:
        return sorted({int(row["userId"]) for row in csv.DictReader(handle)})


def run_load(
    base_url: str,
    user_ids: Sequence[int],
    clients: int,
    duration: float,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    k: int = 10,
    strategy: str = "hybrid",
    seed: int = 42,
) -> LoadResult:
    """Send recommendation requests to ``base_url`` from ``clients`` threads and time them.

    The run stops after ``duration`` seconds or ``max_requests`` requests, whichever comes first.
    Requests in flight at the deadline finish and count. Users are drawn from ``user_ids`` with
    ``seed``, so two runs ask for the same users in the same order. Any status other than 200,
    and any connection failure, counts as an error and is left out of the latencies.
    """
    if clients < 1 or duration <= 0 or max_requests < 1:
        raise ValueError(f"invalid load of {clients} clients, {duration} s and {max_requests} requests: each must be above 0")
    address = urllib.parse.urlsplit(base_url)
    if address.scheme != "http" or not address.hostname:
        raise ValueError(f"invalid URL {base_url!r}: use http://HOST:PORT")
    users = random.Random(seed).choices(list(user_ids), k=max_requests)
    paths = [f"{address.path.rstrip('/')}/users/{user}/recommendations?k={k}&strategy={strategy}" for user in users]

    result = LoadResult(clients)
    next_index = iter(range(max_requests))
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def take_path() -> str | None:
        if time.monotonic() >= deadline:
            return None
        with lock:
            index = next(next_index, None)
        return None if index is None else paths[index]

    def client() -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port or 80, timeout=REQUEST_TIMEOUT_SECONDS)
        try:
            while (path := take_path()) is not None:
                outcome = _send(connection, path)
                with lock:
                    if isinstance(outcome, float):
                        result.milliseconds.append(outcome)
                    else:
                        result.errors[outcome] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, name=f"load-client-{number}") for number in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def _send(connection: http.client.HTTPConnection, path: str) -> float | str:
    """Send one GET; return its duration in milliseconds, or the name of the error."""
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        # The next request on this connection object opens a new socket.
        connection.close()
        return type(error).__name__
    if response.status != 200:
        return f"HTTP {response.status}"
    return (time.perf_counter() - started) * 1000


def process_cpu_seconds(pid: int) -> float:
    """Return the user plus system CPU seconds a Linux process has used, from /proc/PID/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    # Fields after the parenthesised command name start at field 3 (state), so utime and stime,
    # fields 14 and 15 in proc(5), are at positions 11 and 12 here.
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child_pids(parent: int) -> list[int]:
    """Return the process ids whose parent is ``parent``, by reading /proc."""
    children = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat_path.read_text()
        except OSError:  # the process exited during the scan
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == parent:
            children.append(int(stat_path.parent.name))
    return children


def cpu_sampler(server_pid: int, neo4j_pid: int) -> Callable[[], dict[str, float]]:
    """Return a function that reads the CPU seconds used so far by the server, Neo4j and this process."""

    def sample() -> dict[str, float]:
        server = sum(process_cpu_seconds(pid) for pid in [server_pid, *child_pids(server_pid)])
        client = sum(os.times()[:2])
        return {"server": server, "neo4j": process_cpu_seconds(neo4j_pid), "load generator": client}

    return sample


@contextmanager
def temporary_neo4j() -> Iterator[tuple[Settings, int]]:
    """Start a Neo4j in a new temporary home on free ports, yield its settings and pid, then stop and delete it."""
    home = Path(tempfile.mkdtemp(prefix="graph-rec-throughput-"))
    try:
        instance = neo4j_server.start(
            home, bolt_port=neo4j_server.free_port(), http_port=neo4j_server.free_port(), heap="1g", pagecache="512m"
        )
        settings = Settings(neo4j_uri=instance.uri, neo4j_user=instance.user, neo4j_password=instance.password, query_timeout=120.0)
        yield settings, neo4j_server.running_pid(home)
    finally:
        try:
            neo4j_server.stop(home)
        finally:
            shutil.rmtree(home, ignore_errors=True)


def prepare_graph(settings: Settings, data_dir: Path, log_path: Path) -> None:
    """Load ml-latest-small with cast and crew, then precompute, through the same commands a user runs.

    Running `python -m graph_rec load` and `precompute` keeps the benchmark on whatever offline data
    the served path reads.
    """
    load = ["load", "--movielens", str(data_dir / "ml-latest-small"), "--credits", str(data_dir / "movielens-cast-director" / "movies.csv")]
    for command in (load, ["precompute"]):
        started = time.perf_counter()
        with open(log_path, "ab") as log:
            finished = subprocess.run(
                [sys.executable, "-m", "graph_rec", *command],
                cwd=PROJECT_ROOT, env=_child_environment(settings), stdout=log, stderr=subprocess.STDOUT,
            )
        if finished.returncode != 0:
            raise RuntimeError(f"`python -m graph_rec {command[0]}` failed with exit code {finished.returncode}:\n{_log_tail(log_path)}")
        print(f"{command[0]}: {time.perf_counter() - started:.1f} s", flush=True)


def _child_environment(settings: Settings) -> dict[str, str]:
    """Return this process's environment with the connection settings of the benchmark's own Neo4j."""
    return dict(
        os.environ, NEO4J_URI=settings.neo4j_uri, NEO4J_USER=settings.neo4j_user, NEO4J_PASSWORD=settings.neo4j_password or ""
    )


@contextmanager
def gunicorn_server(settings: Settings, workers: int, threads: int, log_path: Path) -> Iterator[tuple[str, int]]:
    """Run `python -m graph_rec serve` on a free loopback port, yield its base URL and pid, then stop it with SIGTERM."""
    port = neo4j_server.free_port()
    command = [
        sys.executable, "-m", "graph_rec", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--threads", str(threads), "--refresh-every", "0",
    ]
    with open(log_path, "ab") as log:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=_child_environment(settings), stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, server, log_path)
        yield base_url, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=SERVER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            logger.error("the server (pid %d) did not stop within %.0f s of SIGTERM; killing it", server.pid, SERVER_STOP_SECONDS)
            server.kill()
            server.wait()


def _wait_until_healthy(base_url: str, server: subprocess.Popen, log_path: Path) -> None:
    address = urllib.parse.urlsplit(base_url)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode} while starting:\n{_log_tail(log_path)}")
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
        try:
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"the server at {base_url} was not healthy within {SERVER_START_SECONDS:.0f} s:\n{_log_tail(log_path)}")


def _log_tail(log_path: Path, lines: int = 20) -> str:
    """Return the last lines of the server log, which lives in a folder deleted at exit."""
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def measure(
    base_url: str, user_ids: Sequence[int], levels: Sequence[int], args, sample_cpu: Callable[[], dict[str, float]] | None = None
) -> None:
    """Warm the server up, then run and print one load level per number of clients, with CPU use if ``sample_cpu`` is given."""
    if args.warmup > 0:
        run_load(base_url, user_ids, clients=max(levels), duration=args.warmup, max_requests=args.max_requests, seed=args.seed + 1)
    print(HEADER, flush=True)
    for clients in levels:
        before = sample_cpu() if sample_cpu else {}
        result = run_load(base_url, user_ids, clients, args.duration, max_requests=args.max_requests, seed=args.seed)
        if sample_cpu:
            after = sample_cpu()
            result.cpu_seconds = {name: after[name] - before[name] for name in after}
        print(result.format_row(), flush=True)


def _integer_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid list {text!r}: use integers separated by commas, such as 1,8,32") from None
    if any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(f"invalid list {text!r}: every value must be 1 or more")
    return values


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder with ml-latest-small/ and movielens-cast-director/ (default ../shared/data or GRAPH_REC_DATA_DIR)")
    parser.add_argument("--url", help="base URL of a running server to load; nothing is started (default: start Neo4j and gunicorn here)")
    parser.add_argument("--clients", type=_integer_list, default=[1, 8, 32], help="concurrent clients per level (default 1,8,32)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level (default 20)")
    parser.add_argument("--max-requests", type=int, default=DEFAULT_MAX_REQUESTS, help=f"cap on requests per level (default {DEFAULT_MAX_REQUESTS})")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of untimed load before the levels, at the largest client count (default 5)")
    parser.add_argument("--workers", type=_integer_list, help="gunicorn worker counts to compare, such as 2,5 (default 2 * CPUs + 1)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--seed", type=int, default=42, help="seed for drawing users (default 42)")
    return parser.parse_args()


def main() -> None:
    args = _parse_args()
    logging.basicConfig(level=logging.WARNING)
    # Turn SIGTERM into SystemExit, so that the servers this script started are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    data_dir = Settings.from_env(data_dir=Path(args.data_dir) if args.data_dir else None).data_dir
    user_ids = read_user_ids(data_dir / "ml-latest-small" / "ratings.csv")
    print(f"{len(user_ids)} users from ml-latest-small; GET /users/<id>/recommendations?k=10&strategy=hybrid")
    print(f"machine: {os.cpu_count()} CPUs, shared by this load generator, the server and (unless --url) Neo4j")

    if args.url:
        print(f"server: {args.url}")
        measure(args.url, user_ids, args.clients, args)
        return

    from webapi.server import default_workers

    with temporary_neo4j() as (settings, neo4j_pid), tempfile.TemporaryDirectory(prefix="graph-rec-serve-") as log_dir:
        prepare_graph(settings, data_dir, Path(log_dir) / "prepare.log")
        for workers in args.workers or [default_workers()]:
            print(f"\ngunicorn: {workers} workers, {args.threads} threads each; {args.duration:g} s per level", flush=True)
            log_path = Path(log_dir) / f"serve-{workers}-workers.log"
            with gunicorn_server(settings, workers, args.threads, log_path) as (base_url, server_pid):
                measure(base_url, user_ids, args.clients, args, cpu_sampler(server_pid, neo4j_pid))


if __name__ == "__main__":
    main()
