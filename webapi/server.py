"""Serve the API with gunicorn: a master process that forks workers, each with its own Neo4j driver.

The Flask app is built once in the master before the fork (gunicorn's ``preload_app``), which
creates no driver. Each worker creates its driver on its first request (see
``webapi.app.get_graph``), and the ``post_fork`` hook drops any Graph a worker inherited, so no
driver's sockets are shared between processes. Gunicorn runs on Unix only.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from graph_rec.settings import Settings
from webapi.app import create_app, discard_inherited_graph

logger = logging.getLogger(__name__)

WORKER_PID_HEADER = "X-Worker-Pid"
# Client, request line, status, body bytes, duration in ms, and the pid of the worker that served the request.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s bytes %(M)s ms worker %(p)s'


def default_workers() -> int:
    """Return the worker count that gunicorn's documentation suggests: 2 * CPUs + 1."""
    return 2 * (os.cpu_count() or 1) + 1


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0  # 0 means default_workers()
    # Threads per worker. With more than 1, gunicorn uses its gthread worker, which keeps
    # connections alive between requests; the sync worker closes each connection.
    threads: int = 1
    # Seconds a worker may spend on one request before the master kills and replaces it.
    timeout: int = 30
    access_log: bool = True

    def bind_address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


class StandardLogging(glogging.Logger):
    """Gunicorn logger that hands its error and access records to the root logger's handlers.

    Gunicorn normally writes through handlers of its own. Here its ``gunicorn.error`` and
    ``gunicorn.access`` loggers propagate instead, so the process has one log format and stream.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                if getattr(handler, "_gunicorn", False):
                    log.removeHandler(handler)
            log.propagate = True


class WorkerPidHeader:
    """WSGI middleware that adds the pid of the serving worker process as an ``X-Worker-Pid`` response header."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start_with_pid(status, headers, exc_info=None):
            headers.append((WORKER_PID_HEADER, str(os.getpid())))
            return start_response(status, headers, exc_info)

        return self.app(environ, start_with_pid)


class GunicornServer(BaseApplication):
    """Gunicorn application that serves ``create_app(settings)`` with the given options."""

    def __init__(self, settings: Settings, options: ServerOptions):
        self.settings = settings
        self.options = options
        self.flask_app = None
        super().__init__(prog="python -m graph_rec serve")

    def load_config(self) -> None:
        for name, value in self.config_values().items():
            self.cfg.set(name, value)

    def config_values(self) -> dict:
        options = self.options
        values = {
            "bind": [options.bind_address()],
            "workers": options.workers or default_workers(),
            "threads": options.threads,
            "timeout": options.timeout,
            "preload_app": True,
            "proc_name": "graph-rec",
            "logger_class": StandardLogging,
            "loglevel": logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower(),
            "post_fork": post_fork,
            # Gunicorn 25.1 and later open a control socket at one fixed path ($XDG_RUNTIME_DIR
            # or ~/.gunicorn), which two servers on one machine would share. Nothing here uses it.
            "control_socket_disable": True,
        }
        if options.access_log:
            # "-" only switches the access log on: StandardLogging removes the stdout handler it adds.
            values["accesslog"] = "-"
            values["access_log_format"] = ACCESS_LOG_FORMAT
        return values

    def load(self):
        self.flask_app = create_app(self.settings)
        return WorkerPidHeader(self.flask_app)


def post_fork(server, worker) -> None:
    """Drop any Graph the new worker inherited, so that it creates its own driver (gunicorn hook run after each fork)."""
    flask_app = getattr(server.app, "flask_app", None)
    if flask_app is not None and discard_inherited_graph(flask_app) is not None:
        logger.warning("worker %d dropped a Neo4j driver created before the fork and will create its own", os.getpid())


def serve(settings: Settings, options: ServerOptions) -> None:
    """Run gunicorn in the foreground until SIGTERM or SIGINT, then stop the workers gracefully."""
    workers = options.workers or default_workers()
    logger.info(
        "serving the API with gunicorn on http://%s (%d workers, %d threads each, master pid %d)",
        options.bind_address(), workers, options.threads, os.getpid(),
    )
    GunicornServer(settings, options).run()
