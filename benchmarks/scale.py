"""How load, precompute, memory and request latency grow with the number of ratings.

Usage: .venv/bin/python -m benchmarks.scale [--sizes 100k,1m,10m] [--repeats 30] [--skip-load-csv] [--work-dir DIR]

For each size the script generates synthetic MovieLens files: 10,000 movies, and users in
proportion to the ratings, about 143 ratings a user as in ml-latest-small. It starts a Neo4j
of its own, warmed up with one untimed LOAD CSV up to 1M ratings, and runs the product's own
commands as a user would: ``load`` and ``precompute`` in child processes whose peak memory
is read from the kernel. It then times the hybrid request in this process for the lightest
user, the median user, and the heaviest user with at least 100 movies left to recommend. Last, it empties the database
and loads the same ratings file with Neo4j's LOAD CSV (benchmarks.loading), so the ratings
step of both loaders is compared on the same server and files. It prints one table row per
size. Everything lives in a temporary folder that is deleted at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.latency import RATING_COUNTS, percentiles, time_strategy
from benchmarks.loading import LOAD_CSV_VARIANTS, compare_load_csv, empty_database, time_load_csv
from graph_rec import neo4j_server
from graph_rec.db import Graph
from graph_rec.recommend import MIN_CANDIDATES
from graph_rec.settings import PROJECT_ROOT, Settings
from graph_rec.synthetic import generate
from loaders.writer import create_schema

logger = logging.getLogger(__name__)

MOVIES = 10_000
RATINGS_PER_USER = 143  # the mean of ml-latest-small
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
LOAD_CSV_ROWS = 10_000  # rows per transaction of LOAD CSV
# Up to this size a warm-up load runs before the timed one. Above it the cold start is a
# small share of the load, and a warm-up would add minutes.
WARM_UP_LIMIT = 1_000_000


@dataclass
class StepResult:
    """Wall time and peak resident memory of one command run in a child process."""

    seconds: float
    peak_mb: float
    output: str


def step_seconds(output: str, step: str) -> float:
    """Read one step's seconds from the "Seconds per step:" line that ``load`` prints."""
    match = re.search(rf"Seconds per step:.*\b{step} ([0-9.]+)", output)
    if match is None:
        raise ValueError(f"no {step!r} step in the load output:\n{output}")
    return float(match.group(1))


def run_step(arguments: list[str], environment: dict[str, str]) -> StepResult:
    """Run ``python -m graph_rec ARGUMENTS`` and measure it; raise with its output if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph_rec", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"graph_rec {' '.join(arguments)} failed with exit code {process.returncode}:\n{output}")
    logger.info("graph_rec %s took %.1f s", " ".join(arguments), seconds)
    return StepResult(seconds, usage.ru_maxrss / 1024, output)


def _warm_up(instance: neo4j_server.Instance, files: Path, work_dir: Path) -> None:
    """Load the ratings once with LOAD CSV and delete them, so the timed load finds a warm server."""
    settings = Settings(neo4j_uri=instance.uri, neo4j_user=instance.user, neo4j_password=instance.password)
    graph = Graph.from_settings(settings)
    try:
        create_schema(graph)
        time_load_csv(graph, files, work_dir, LOAD_CSV_ROWS, "create")
        empty_database(graph)
    finally:
        graph.close()


def store_size_mb(home: Path) -> float:
    """Size of the store files on disk, without the transaction logs that Neo4j preallocates."""
    stores = home / "data" / "databases"
    return sum(path.stat().st_size for path in stores.rglob("*") if path.is_file()) / 2**20


def pick_users(graph: Graph) -> dict[str, tuple[int, int]]:
    """Choose the lightest and the median user, and the heaviest with MIN_CANDIDATES movies left to recommend.

    The synthetic tail of user activity reaches the whole catalogue at 10 million ratings,
    and a user who rated every movie gets an empty list, which times nothing.
    """
    rows = graph.run_text(RATING_COUNTS)
    heavy = [row for row in rows if row["ratings"] <= MOVIES - MIN_CANDIDATES][-1]
    chosen = {"light": rows[0], "median": rows[len(rows) // 2], "heavy": heavy}
    return {label: (row["user_id"], row["ratings"]) for label, row in chosen.items()}


def measure_size(name: str, ratings: int, work_dir: Path, repeats: int, seed: int, with_load_csv: bool = True) -> dict:
    """Generate, load, precompute and time requests for one size; return one row of the table."""
    users = max(ratings // RATINGS_PER_USER, 1)
    files = work_dir / f"data-{name}"
    started = time.perf_counter()
    generate(files, users, MOVIES, ratings, seed=seed)
    generate_seconds = time.perf_counter() - started

    home = work_dir / f"neo4j-{name}"
    instance = neo4j_server.start(
        home,
        bolt_port=neo4j_server.free_port(),
        http_port=neo4j_server.free_port(),
        heap="2g",
        pagecache="3g",
        import_dir=work_dir,
    )
    try:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
        environment |= {"NEO4J_URI": instance.uri, "NEO4J_USER": instance.user, "NEO4J_PASSWORD": instance.password}
        if ratings <= WARM_UP_LIMIT:
            _warm_up(instance, files, work_dir)
        load = run_step(["load", "--movielens", str(files), "--credits", str(files / "credits.csv")], environment)
        precompute = run_step(["precompute"], environment)
        size_mb = store_size_mb(home)
        settings = Settings(
            neo4j_uri=instance.uri, neo4j_user=instance.user, neo4j_password=instance.password, query_timeout=3600.0
        )
        graph = Graph.from_settings(settings)
        try:
            latency = {
                label: percentiles(time_strategy(graph, user_id, "hybrid", repeats)) | {"ratings": count}
                for label, (user_id, count) in pick_users(graph).items()
            }
            load_csv = compare_load_csv(graph, files, work_dir, LOAD_CSV_ROWS, ratings) if with_load_csv else None
        finally:
            graph.close()
    finally:
        neo4j_server.stop(home)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(files, ignore_errors=True)
    return {
        "size": name,
        "ratings": ratings,
        "users": users,
        "generate_seconds": generate_seconds,
        "load": load,
        "ratings_step_seconds": step_seconds(load.output, "validate") + step_seconds(load.output, "ratings"),
        "load_csv_seconds": load_csv,
        "precompute": precompute,
        "store_mb": size_mb,
        "latency": latency,
    }


def format_load_rows(rows: list[dict]) -> str:
    """Format the ratings step of our loader beside each LOAD CSV variant, in ratings per second."""
    lines = [
        "| ratings | ours s | ours ratings/s | " + " | ".join(f"LOAD CSV {v} s | ratings/s" for v in LOAD_CSV_VARIANTS) + " |",
        "| --- " * (3 + 2 * len(LOAD_CSV_VARIANTS)) + "|",
    ]
    for row in rows:
        if row["load_csv_seconds"] is None:
            continue
        ours = row["ratings_step_seconds"]
        cells = [f"{row['ratings']:,}", f"{ours:.1f}", f"{row['ratings'] / ours:,.0f}"]
        for variant in LOAD_CSV_VARIANTS:
            seconds = row["load_csv_seconds"][variant]
            cells += [f"{seconds:.1f}", f"{row['ratings'] / seconds:,.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_latency(row: dict) -> str:
    """Format p50, p95 and p99 of the hybrid request for each user of one size."""
    lines = [f"hybrid latency at {row['ratings']:,} ratings:"]
    for label, result in row["latency"].items():
        lines.append(
            f"  {label:<7}({result['ratings']:,} ratings)  p50 {result['p50']:.1f} ms  "
            f"p95 {result['p95']:.1f} ms  p99 {result['p99']:.1f} ms"
        )
    return "\n".join(lines)


def format_rows(rows: list[dict]) -> str:
    """Format the measured rows as a Markdown table."""
    lines = [
        "| ratings | users | load s | ratings/s | load peak MB | precompute s | precompute peak MB | store MB "
        "| hybrid p99 ms light / median / heavy (ratings of heavy) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        latency = row["latency"]
        p99 = " / ".join(f"{latency[label]['p99']:.1f}" for label in ("light", "median", "heavy"))
        lines.append(
            f"| {row['ratings']:,} | {row['users']:,} | {row['load'].seconds:.1f} "
            f"| {row['ratings'] / row['load'].seconds:,.0f} | {row['load'].peak_mb:,.0f} "
            f"| {row['precompute'].seconds:.1f} | {row['precompute'].peak_mb:,.0f} | {row['store_mb']:,.0f} "
            f"| {p99} ({latency['heavy']['ratings']:,}) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m,10m", help=f"comma-separated sizes out of {', '.join(SIZES)}")
    parser.add_argument("--repeats", type=int, default=30, help="timed hybrid requests per user (default 30)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the synthetic data (default 42)")
    parser.add_argument("--skip-load-csv", action="store_true", help="leave out the LOAD CSV comparison, which takes about 10 minutes at 10m")
    parser.add_argument("--work-dir", type=Path, help="folder for generated files and Neo4j homes (default: a new temporary folder)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    names = [name.strip() for name in args.sizes.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}: use {', '.join(SIZES)}")

    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="graph-rec-scale-"))
    rows = []
    try:
        for name in names:
            rows.append(measure_size(name, SIZES[name], work_dir, args.repeats, args.seed, not args.skip_load_csv))
            print(format_rows(rows[-1:]), flush=True)
            print(format_latency(rows[-1]), flush=True)
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    print("\nHow cost grows with the number of ratings:")
    print(format_rows(rows))
    print("\nRatings step (validation included) beside LOAD CSV, same server and files:")
    print(format_load_rows(rows))


if __name__ == "__main__":
    main()
