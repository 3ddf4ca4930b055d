"""The command line, ``python -m graph_rec``: the one place that ties loaders, core and API together."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graph_rec import neo4j_server
from graph_rec.db import Graph, unavailable_hint
from graph_rec.settings import Settings

logger = logging.getLogger(__name__)

# Commands that write or read in bulk, and the transaction timeout they use unless
# GRAPH_REC_QUERY_TIMEOUT sets one.
BATCH_COMMANDS = frozenset({"load", "precompute", "refresh", "export", "evaluate"})
BATCH_QUERY_TIMEOUT = 3600.0

DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_UNAVAILABLE = 3
EXIT_NOT_FOUND = 4

EPILOG = """exit codes: 0 success, 1 failure, 2 invalid arguments or input file,
3 Neo4j unavailable (or not running, for `neo4j status`), 4 user or movie not found.

Without NEO4J_URI, commands use the local instance in --home (default var/neo4j/DATASET,
where DATASET is --dataset, GRAPH_REC_DATASET or movielens; GRAPH_REC_NEO4J_HOME overrides). With NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD set, they use that
server and start nothing."""


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    dataset = args.dataset or ("ml100k" if getattr(args, "ml100k", None) else None)
    settings = Settings.from_env(dataset=dataset, neo4j_home=Path(args.home).resolve() if args.home else None)
    if args.command in BATCH_COMMANDS and not os.environ.get("GRAPH_REC_QUERY_TIMEOUT"):
        # The query timeout guards API requests; one batch transaction may take much longer.
        settings = dataclasses.replace(settings, query_timeout=BATCH_QUERY_TIMEOUT)
    try:
        return args.handler(args, settings)
    except Exception as error:  # one place that turns every failure into a message and an exit code
        return _report(error, settings)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m graph_rec",
        description="Graph-based movie recommendations served from Neo4j.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", help="Neo4j home folder of the local instance (default: var/neo4j/DATASET)")
    common.add_argument(
        "--dataset", choices=["movielens", "ml100k"], help="data set whose local home to use (default movielens, or GRAPH_REC_DATASET)"
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    server = commands.add_parser("neo4j", parents=[common], help="start, stop or inspect the local Neo4j server")
    server.add_argument("action", choices=["start", "stop", "status"], help="start (prints export lines for eval), stop, or status as JSON")
    server.add_argument(
        "--bolt-port", type=int, metavar="PORT", help="Bolt port on 127.0.0.1 (default: the home's last port, else 7687)"
    )
    server.add_argument(
        "--http-port", type=int, metavar="PORT",
        help="HTTP and Neo4j Browser port on 127.0.0.1 (default: the home's last port, else 7474)",
    )
    server.add_argument("--heap", default="1g", metavar="SIZE", help="JVM heap size, for example 1g or 512m (default 1g)")
    server.add_argument("--pagecache", default="512m", metavar="SIZE", help="Neo4j page cache size, for example 512m (default 512m)")
    server.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS", help="seconds to wait for start or stop (default 120)")
    server.set_defaults(handler=_neo4j_command)

    load = commands.add_parser("load", parents=[common], help="load MovieLens files into the graph")
    source = load.add_mutually_exclusive_group(required=True)
    source.add_argument("--movielens", type=Path, help="folder with movies.csv, ratings.csv, links.csv, and optional tags.csv and users.csv (a userId column, as export writes it)")
    source.add_argument("--ml100k", type=Path, help="MovieLens-100k folder with u.data, u.item, u.user and u.genre (home var/neo4j/ml100k)")
    load.add_argument("--credits", type=Path, help="cast-and-crew CSV keyed by MovieLens movieId (with --movielens only)")
    load.add_argument(
        "--imdb",
        type=Path,
        metavar="DIR",
        help="folder with IMDb's title.principals, title.crew, name.basics and optional title.basics (.tsv.gz or .tsv), "
        "joined to the movies through links.csv (with --movielens only)",
    )
    load.add_argument("--batch-size", type=int, default=5000, metavar="ROWS", help="rows per write transaction (default 5000)")
    load.add_argument(
        "--no-precompute",
        action="store_true",
        help="leave precomputed data as it is; by default a load that changes the ratings reruns precompute with its stored options",
    )
    load.set_defaults(handler=_load_command)

    precompute = commands.add_parser(
        "precompute",
        parents=[common],
        help="compute item-to-item weights (EASE) into SIMILAR relationships and each user's candidate lists",
    )
    precompute.add_argument("--l2", type=float, default=800.0, metavar="PENALTY", help="EASE l2 penalty, above 0 (default 800)")
    precompute.add_argument("--neighbours", type=int, default=400, metavar="COUNT", help="weights kept per movie, largest absolute value first (default 400)")
    precompute.add_argument("--popularity-exponent", type=float, default=0.1, metavar="EXPONENT", help="divide weights into movie j by (ratings of j + 1) to this power (default 0.1)")
    precompute.add_argument("--force", action="store_true", help="recompute even when the stored weights match the ratings and options")
    precompute.set_defaults(handler=_precompute_command)

    evaluate = commands.add_parser(
        "evaluate", parents=[common], help="measure recommendation quality on held-out ratings, in a Neo4j it starts"
    )
    evaluate.add_argument("--protocol", required=True, choices=["ml100k-standard", "cold-items"], help="split and data set")
    evaluate.add_argument("--data-dir", type=Path, help="folder with ml-100k/, ml-latest-small/ and movielens-cast-director/ (default ../shared/data or GRAPH_REC_DATA_DIR)")
    evaluate.add_argument("--k", type=int, default=10, help="list length scored (default 10)")
    evaluate.add_argument("--output", type=Path, metavar="FILE", help="JSON file for the results (default var/evaluation/PROTOCOL.json)")
    evaluate.set_defaults(handler=_evaluate_command)

    generate = commands.add_parser("generate", parents=[common], help="write synthetic data in the MovieLens format")
    generate.add_argument("--users", type=int, required=True, metavar="COUNT", help="number of users")
    generate.add_argument("--movies", type=int, required=True, metavar="COUNT", help="number of movies, at least 20")
    generate.add_argument("--ratings", type=int, required=True, metavar="COUNT", help="number of ratings, at least 20 per user")
    generate.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    generate.add_argument("--output", type=Path, required=True, metavar="DIR", help="folder for movies.csv, ratings.csv, links.csv, tags.csv and credits.csv")
    generate.set_defaults(handler=_generate_command)

    export = commands.add_parser(
        "export", parents=[common], help="write the graph's movies, users, ratings, tags and cast to CSV files that `load` reads"
    )
    export.add_argument("--out", type=Path, required=True, help="directory for the CSV files, created if missing")
    export.add_argument("--force", action="store_true", help="replace the files of an earlier export in --out")
    export.set_defaults(handler=_export_command)

    rec = commands.add_parser("recommend", parents=[common], help="print recommendations for a user")
    rec.add_argument("user_id", type=int, help="MovieLens userId")
    rec.add_argument("--k", type=int, default=10, help="number of movies (1 to 100, default 10)")
    rec.add_argument("--strategy", default="hybrid", choices=["hybrid", "collaborative", "content", "popular"], help="how candidates are found and scored (default hybrid)")
    rec.add_argument("--json", action="store_true", help="print JSON instead of text")
    rec.set_defaults(handler=_recommend_command)

    similar = commands.add_parser("similar", parents=[common], help="print movies similar to a movie")
    similar.add_argument("movie_id", type=int, help="MovieLens movieId")
    similar.add_argument("--k", type=int, default=10, help="number of movies (1 to 100, default 10)")
    similar.add_argument("--json", action="store_true", help="print JSON instead of text")
    similar.set_defaults(handler=_similar_command)

    serve = commands.add_parser(
        "serve", parents=[common], help="serve the JSON API with gunicorn worker processes, or with waitress in one process"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5000, metavar="PORT", help="TCP port (default 5000)")
    serve.add_argument(
        "--server", choices=["gunicorn", "waitress"], default="gunicorn",
        help="gunicorn forks worker processes and runs on Unix only; waitress serves from threads of one process (default gunicorn)",
    )
    serve.add_argument("--workers", type=int, metavar="COUNT", help="gunicorn worker processes (default 2 * CPUs + 1)")
    serve.add_argument("--threads", type=int, metavar="COUNT", help="threads per gunicorn worker (default 1) or waitress threads (default 8)")
    serve.add_argument("--timeout", type=int, default=30, metavar="SECONDS", help="seconds a gunicorn worker may spend on one request before it is restarted (default 30)")
    serve.add_argument("--no-access-log", action="store_true", help="turn off gunicorn's access log line per request")
    serve.add_argument(
        "--refresh-every", type=float, default=600.0, metavar="SECONDS",
        help="check every SECONDS whether ratings changed since the last precompute and rerun it in a background "
        "process; 0 turns this off (default 600)",
    )
    serve.set_defaults(handler=_serve_command)

    refresh = commands.add_parser(
        "refresh", parents=[common], help="rerun precompute with its stored options whenever ratings changed since it ran"
    )
    refresh.add_argument("--every", type=float, default=0.0, metavar="SECONDS", help="check again every SECONDS; 0 checks once (default 0)")
    refresh.set_defaults(handler=_refresh_command)
    return parser


def _neo4j_command(args, settings: Settings) -> int:
    if settings.neo4j_uri:
        print(f"NEO4J_URI is set to {settings.neo4j_uri}: using that server, nothing to {args.action} here", file=sys.stderr)
        return EXIT_OK
    home = settings.neo4j_home
    if args.action == "start":
        # A home started before keeps its ports, so the hint "start it with neo4j start" brings it back where the API looks.
        previous = neo4j_server.read_instance(home)
        bolt_port = args.bolt_port or (previous.bolt_port if previous else DEFAULT_BOLT_PORT)
        http_port = args.http_port or (previous.http_port if previous else DEFAULT_HTTP_PORT)
        instance = neo4j_server.start(
            home, bolt_port=bolt_port, http_port=http_port, heap=args.heap, pagecache=args.pagecache, timeout=args.timeout
        )
        print(f"# Neo4j runs from {instance.home}; Browser: {instance.browser_url}", file=sys.stderr)
        print(instance.shell_lines())
    elif args.action == "stop":
        stopped = neo4j_server.stop(home, timeout=args.timeout)
        print(f"stopped Neo4j in {home}" if stopped else f"no Neo4j runs from {home}", file=sys.stderr)
    else:
        status = neo4j_server.status(home)
        print(json.dumps(status, indent=2))
        return EXIT_OK if status["running"] else EXIT_UNAVAILABLE
    return EXIT_OK


def _load_command(args, settings: Settings) -> int:
    from loaders.ml100k import load_ml100k
    from loaders.writer import load_movielens

    if args.ml100k and args.credits:
        raise ValueError("--credits is keyed by MovieLens movieId and cannot be used with --ml100k")
    if args.ml100k and args.imdb:
        raise ValueError("--imdb needs the links.csv of --movielens to find each movie's IMDb title, and cannot be used with --ml100k")
    graph = _open_graph(settings)
    try:
        started = time.perf_counter()
        if args.ml100k:
            summary = load_ml100k(graph, args.ml100k, batch_size=args.batch_size)
        elif args.imdb:
            from loaders.imdb import load_movielens_with_imdb

            summary = load_movielens_with_imdb(graph, args.movielens, args.imdb, args.credits, batch_size=args.batch_size)
        else:
            summary = load_movielens(graph, args.movielens, args.credits, batch_size=args.batch_size)
        print(summary.format())
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        if not args.no_precompute:
            _refresh_precompute(graph)
    finally:
        graph.close()
    return EXIT_OK


def _refresh_precompute(graph) -> None:
    """Rerun precompute with its stored options when the graph has precomputed data that the load made stale."""
    from graph_rec.precompute import refresh

    summary = refresh(graph)
    if summary is not None:
        print(f"the ratings changed, so precompute ran again in {summary['seconds']['total']:.1f} s")


def _precompute_command(args, settings: Settings) -> int:
    from graph_rec.precompute import precompute
    from graph_rec.similarity import is_up_to_date

    graph = _open_graph(settings)
    try:
        if not args.force and is_up_to_date(graph, args.l2, args.neighbours, args.popularity_exponent):
            print("precomputed data is up to date with the ratings and options; --force recomputes it", file=sys.stderr)
            return EXIT_OK
        summary = precompute(
            graph, l2=args.l2, neighbours=args.neighbours, popularity_exponent=args.popularity_exponent
        )
    finally:
        graph.close()
    print(json.dumps(summary, indent=2))
    return EXIT_OK


def _evaluate_command(args, settings: Settings) -> int:
    from graph_rec.evaluation.protocols import run_protocol
    from graph_rec.settings import PROJECT_ROOT

    result = run_protocol(args.protocol, args.data_dir or settings.data_dir, k=args.k)
    output = args.output or PROJECT_ROOT / "var" / "evaluation" / f"{args.protocol}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result.to_dict(), indent=2) + "\n")
    print(result.format())
    print(f"details: {json.dumps(result.details)}")
    if "ease_l2" in result.details:
        weights = ",".join(f"{name}={value:g}" for name, value in result.details["hybrid_weights"].items())
        print(
            f"to serve these settings: precompute --force --l2 {result.details['ease_l2']:g} "
            f"--popularity-exponent {result.details['ease_popularity_exponent']:g}, "
            f"and GRAPH_REC_HYBRID_WEIGHTS={weights}"
        )
    print(f"took {result.seconds:.0f} s; results written to {output}")
    return EXIT_OK


def _generate_command(args, settings: Settings) -> int:
    from graph_rec.synthetic import generate

    started = time.perf_counter()
    files = generate(args.output, args.users, args.movies, args.ratings, seed=args.seed)
    print(f"wrote {files.users:,} users, {files.movies:,} movies and {files.ratings:,} ratings to {files.directory} "
          f"in {time.perf_counter() - started:.1f} s")
    print(f"load with: python -m graph_rec load --movielens {files.directory} --credits {files.credits_path}")
    return EXIT_OK


def _export_command(args, settings: Settings) -> int:
    from graph_rec.export import export_graph

    graph = _open_graph(settings)
    try:
        summary = export_graph(graph, args.out, force=args.force)
    finally:
        graph.close()
    print(summary.format())
    print(f"load with: {summary.load_command()}")
    return EXIT_OK


def _recommend_command(args, settings: Settings) -> int:
    from graph_rec.recommend import recommend

    graph = _open_graph(settings)
    try:
        items = recommend(graph, args.user_id, k=args.k, strategy=args.strategy, weights=settings.hybrid_weights)
    finally:
        graph.close()
    _print_items(items, args.json, {"user_id": args.user_id, "strategy": args.strategy})
    return EXIT_OK


def _similar_command(args, settings: Settings) -> int:
    from graph_rec.recommend import similar_movies

    graph = _open_graph(settings)
    try:
        items = similar_movies(graph, args.movie_id, k=args.k)
    finally:
        graph.close()
    _print_items(items, args.json, {"movie_id": args.movie_id})
    return EXIT_OK


def _open_graph(settings: Settings) -> Graph:
    """Connect and check the server once, so a stopped server fails at once instead of after retries."""
    graph = Graph.from_settings(settings)
    try:
        graph.driver.verify_connectivity()
    except Exception:
        graph.close()
        raise
    return graph


def _print_items(items, as_json: bool, header: dict) -> None:
    if as_json:
        print(json.dumps({**header, "items": [item.to_dict() for item in items]}, indent=2, ensure_ascii=False))
        return
    for rank, item in enumerate(items, start=1):
        print(f"{rank:2d}. {item.title}  [{', '.join(item.genres)}]  score {item.score:.3f}")
        for reason in item.reasons:
            print(f"      - {reason}")


def _refresh_command(args, settings: Settings) -> int:
    from graph_rec.precompute import refresh

    if args.every < 0:
        raise ValueError(f"--every {args.every:g} is negative: use 0 to check once, or a number of seconds")
    graph = _open_graph(settings)
    try:
        while True:
            summary = refresh(graph)
            if summary is not None:
                print(f"precomputed again in {summary['seconds']['total']:.1f} s", flush=True)
            if not args.every:
                return EXIT_OK
            time.sleep(args.every)
    except KeyboardInterrupt:  # Ctrl-C on `serve` reaches this child process too
        return EXIT_OK
    finally:
        graph.close()


def _start_refresher(args) -> subprocess.Popen | None:
    """Start ``refresh --every`` as a child process that keeps the precompute fresh while the API serves."""
    if args.refresh_every <= 0:
        return None
    command = [sys.executable, "-m", "graph_rec", "refresh", "--every", str(args.refresh_every)]
    if args.home:
        command += ["--home", args.home]
    if args.dataset:
        command += ["--dataset", args.dataset]
    refresher = subprocess.Popen(command)
    logger.info("background refresh every %g s in process %d", args.refresh_every, refresher.pid)
    return refresher


def _serve_command(args, settings: Settings) -> int:
    _check_serve_options(args)
    # gunicorn workers share their request metrics through files. The folder must be set before
    # prometheus_client is first imported (by webapi), and lives as long as this server.
    metrics_dir = None
    if args.server == "gunicorn" and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="graph-rec-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    from webapi.app import log_request_ids

    log_request_ids()
    refresher = _start_refresher(args)
    try:
        return _serve(args, settings)
    finally:
        if refresher is not None:
            refresher.terminate()
            refresher.wait(timeout=30)
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _check_serve_options(args) -> None:
    for name in ("workers", "threads", "timeout"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ValueError(f"invalid --{name} {value}: use 1 or more")
    if args.server == "waitress" and args.workers is not None:
        raise ValueError("--workers applies to gunicorn only: waitress serves from one process")


def _serve(args, settings: Settings) -> int:
    if args.server == "waitress":
        return _serve_with_waitress(args, settings)

    from webapi.server import ServerOptions, serve

    options = ServerOptions(
        host=args.host,
        port=args.port,
        workers=args.workers or 0,
        threads=args.threads or 1,
        timeout=args.timeout,
        access_log=not args.no_access_log,
    )
    serve(settings, options)
    return EXIT_OK


def _serve_with_waitress(args, settings: Settings) -> int:
    import waitress

    from webapi import create_app

    app = create_app(settings)
    logger.info("serving the API with waitress on http://%s:%d (pid %d)", args.host, args.port, os.getpid())
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads or 8)
    return EXIT_OK


def _report(error: Exception, settings: Settings) -> int:
    from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

    from graph_rec.db import ConnectionSettingsError
    from graph_rec.recommend import UnknownMovieError, UnknownUserError

    if isinstance(error, (ServiceUnavailable, SessionExpired)):
        print(f"error: {unavailable_hint(settings)} ({error})", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if isinstance(error, (AuthError, ConnectionSettingsError, neo4j_server.Neo4jServerError)):
        code = EXIT_UNAVAILABLE
    elif isinstance(error, (UnknownUserError, UnknownMovieError)):
        code = EXIT_NOT_FOUND
    elif isinstance(error, (ValueError, FileNotFoundError)):
        code = EXIT_INVALID
    else:
        logger.exception("unexpected failure")
        code = EXIT_FAILED
    print(f"error: {error}", file=sys.stderr)
    return code
