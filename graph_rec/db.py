"""Neo4j access: one driver per process, reads in read transactions, batched writes in write transactions."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

from neo4j import Bookmarks, Driver, GraphDatabase, Query, RoutingControl, unit_of_work
from neo4j.api import BookmarkManager

from graph_rec import neo4j_server
from graph_rec.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

QUERY_DIR = PROJECT_ROOT / "queries"


class ConnectionSettingsError(RuntimeError):
    """No server to connect to: neither ``NEO4J_URI`` nor a started local instance."""


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str | None


def resolve_connection(settings: Settings) -> Connection:
    """Return the server named by ``NEO4J_URI``, or else the local instance in ``settings.neo4j_home``."""
    if settings.neo4j_uri:
        return Connection(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password)
    instance = neo4j_server.read_instance(settings.neo4j_home)
    if instance is None:
        raise ConnectionSettingsError(
            f"no Neo4j instance in {settings.neo4j_home}: start one with `python -m graph_rec neo4j start`, "
            "or set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD to use your own server"
        )
    return Connection(instance.uri, instance.user, instance.password)


def unavailable_hint(settings: Settings) -> str:
    """Describe which server did not respond and how to bring it up, for error messages."""
    if settings.neo4j_uri:
        return f"Neo4j at {settings.neo4j_uri} (NEO4J_URI) is unavailable: check that the server runs and the URI is right"
    return (
        f"the local Neo4j in {settings.neo4j_home} is unavailable: "
        "start it with `python -m graph_rec neo4j start`"
    )


def create_driver(settings: Settings) -> Driver:
    """Create a driver; it is thread-safe and pooled, so make one per process and close it at exit."""
    connection = resolve_connection(settings)
    auth = (connection.user, connection.password) if connection.password is not None else None
    logger.info("connecting to %s as %s", connection.uri, connection.user)
    return GraphDatabase.driver(
        connection.uri,
        auth=auth,
        connection_timeout=settings.connection_timeout,
        connection_acquisition_timeout=settings.connection_timeout,
        max_transaction_retry_time=settings.retry_time,
        # Server notifications (such as "label does not exist yet" on an empty graph) are
        # advice for query authors, not errors, so the driver does not request them.
        notifications_min_severity="OFF",
    )


@cache
def load_query(name: str) -> str:
    """Read ``queries/<name>.cypher``; values always go in as parameters, never into this text."""
    path = QUERY_DIR / f"{name}.cypher"
    if not path.exists():
        raise FileNotFoundError(f"query file not found: {path}")
    # A trailing semicolon helps in Neo4j Browser; the driver takes one statement without it.
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def read_statements(name: str) -> list[str]:
    """Split ``queries/<name>.cypher`` into statements at semicolons that end a line."""
    text = load_query(name)
    statements = [_strip_comments(part) for part in text.split(";\n")]
    return [statement for statement in statements if statement]


def _strip_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines).strip().rstrip(";")


class Graph:
    """The graph behind one driver and database, with named queries from ``queries/``."""

    def __init__(
        self,
        driver: Driver,
        database: str | None = None,
        timeout: float | None = None,
        bookmark_manager: BookmarkManager | None = None,
    ):
        self.driver = driver
        self.database = database
        self.timeout = timeout
        # Queries wait for the transactions these bookmarks name, so a client reads its own
        # writes on a cluster. By default, the driver's manager orders this process's queries.
        self.bookmark_manager = bookmark_manager or driver.execute_query_bookmark_manager

    @classmethod
    def from_settings(cls, settings: Settings) -> "Graph":
        return cls(create_driver(settings), settings.neo4j_database, settings.query_timeout)

    def close(self) -> None:
        self.driver.close()

    def after(self, bookmarks: Iterable[str]) -> "Graph":
        """Return a view of this graph, on the same driver, whose queries see the transactions
        that ``bookmarks`` name and whose writes add their own to ``bookmarks()``."""
        manager = GraphDatabase.bookmark_manager(initial_bookmarks=Bookmarks.from_raw_values(bookmarks))
        return Graph(self.driver, self.database, self.timeout, manager)

    def bookmarks(self) -> list[str]:
        """Return the bookmarks of the latest transactions through this graph, for a client to send back."""
        return sorted(self.bookmark_manager.get_bookmarks())

    def read(self, name: str, /, **parameters) -> list[dict]:
        """Run the named query in a read transaction, so a cluster may serve it from a secondary."""
        return self._execute(load_query(name), parameters, RoutingControl.READ)

    def read_columns(self, name: str, /, columns: dict[str, str], **parameters) -> dict[str, np.ndarray]:
        """Run the named read query and return each listed column as a numpy array of the given dtype.

        Records are streamed into compact arrays, so a batch job can read millions of rows
        without a Python dict per row.
        """
        text = load_query(name)
        with self._session() as session:
            return session.execute_read(_read_columns, text, parameters, columns)

    def write(self, name: str, /, **parameters) -> list[dict]:
        """Run the named query in one write transaction, which the driver retries on transient errors.

        Each retry is logged with the query name and the parameters that are not lists or maps,
        so a log line names the user and movie of a live rating that met a deadlock.
        """
        text = load_query(name)
        attempts = 0

        @unit_of_work(timeout=self.timeout)
        def work(tx) -> list[dict]:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                logger.warning("retrying %s (attempt %d) with %s", name, attempts, _scalars(parameters))
            return [dict(record) for record in tx.run(text, parameters)]

        with self._session() as session:
            return session.execute_write(work)

    def run_text(self, text: str, /, routing: RoutingControl = RoutingControl.WRITE, **parameters) -> list[dict]:
        """Run a statement given as text (schema statements and test fixtures)."""
        return self._execute(text, parameters, routing)

    def write_batches(self, name: str, batches: Iterable[list[dict]], **parameters) -> int:
        """Send each batch as ``$rows``, with the same ``parameters`` each time, to the named query,
        one write transaction per batch; return the row count."""
        text = load_query(name)
        count = 0
        with self._session() as session:
            for rows in batches:
                session.execute_write(_run_rows, text, {**parameters, "rows": rows})
                count += len(rows)
        return count

    def _session(self):
        return self.driver.session(database=self.database, bookmark_manager=self.bookmark_manager)

    def _execute(self, text: str, parameters: dict, routing: RoutingControl) -> list[dict]:
        query = Query(text, timeout=self.timeout)
        records, _, _ = self.driver.execute_query(
            query,
            parameters_=parameters,
            database_=self.database,
            routing_=routing,
            bookmark_manager_=self.bookmark_manager,
        )
        # dict(record) keeps the values as the driver built them; Record.data() would walk every
        # list again, which costs milliseconds for the candidate lists of user_profile.
        return [dict(record) for record in records]


def _read_columns(tx, text: str, parameters: dict, columns: dict[str, str]) -> dict[str, np.ndarray]:
    # array.array keeps 8 bytes a number where a list keeps a Python object per value; text
    # columns (dtype "object") fall back to a list.
    buffers = {name: [] if dtype == "object" else array(np.dtype(dtype).char) for name, dtype in columns.items()}
    for record in tx.run(text, parameters):
        for name, values in buffers.items():
            values.append(record[name])
    return {name: np.asarray(values, dtype=columns[name]) for name, values in buffers.items()}


def _scalars(parameters: dict) -> dict:
    return {name: value for name, value in parameters.items() if not isinstance(value, (list, dict))}


def _run_rows(tx, text: str, parameters: dict) -> None:
    tx.run(text, parameters).consume()
