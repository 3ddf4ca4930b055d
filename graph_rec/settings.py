"""Settings read from the environment, with the defaults a local install uses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Each data set lives in a Neo4j home of its own, because Neo4j Community has one user database
# and ml-100k item ids are not MovieLens movieIds.
DATASETS = ("movielens", "ml100k")
NEO4J_HOMES = PROJECT_ROOT / "var" / "neo4j"
DEFAULT_NEO4J_HOME = NEO4J_HOMES / "movielens"
DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class Settings:
    """Settings for reaching the graph and finding the data sets.

    With ``neo4j_uri`` set, every command uses that server and starts nothing. Without it,
    commands use the local instance in ``neo4j_home`` and read its password from there.
    """

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    neo4j_home: Path = DEFAULT_NEO4J_HOME
    data_dir: Path = DEFAULT_DATA_DIR
    # Seconds: a connection attempt, the retries of one transaction, one query, and a whole
    # API request. check_timeouts keeps the first three below the last, so a request with the
    # database down returns 503 before its timeout.
    # NOTE: nothing stops a request whose queries are each slow but under query_timeout: a
    # recommendation runs three rounds of queries one after another.
    connection_timeout: float = 2.0
    retry_time: float = 3.0
    query_timeout: float = 10.0
    request_timeout: float = 15.0
    # The key that write requests must send as "Authorization: Bearer <key>"; without one the
    # API refuses writes. With reads_need_key, reads need it too.
    api_key: str | None = field(default=None, repr=False)
    reads_need_key: bool = False
    max_body_bytes: int = 4096
    # Weights of the hybrid merge; None means the built-in HYBRID_WEIGHTS of graph_rec.recommend.
    hybrid_weights: dict[str, float] | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dataset: str | None = None, **overrides) -> "Settings":
        """Build settings from ``NEO4J_*`` and ``GRAPH_REC_*`` variables, then apply overrides.

        The local home is GRAPH_REC_NEO4J_HOME if set, else ``var/neo4j/<dataset>``, where the
        data set comes from the argument, then GRAPH_REC_DATASET, then "movielens".
        """
        env = os.environ if environ is None else environ
        dataset = dataset or env.get("GRAPH_REC_DATASET") or "movielens"
        if dataset not in DATASETS:
            raise ValueError(f"invalid data set {dataset!r}: use one of {', '.join(DATASETS)}")
        values = {
            "neo4j_uri": env.get("NEO4J_URI") or None,
            "neo4j_user": env.get("NEO4J_USER") or "neo4j",
            "neo4j_password": env.get("NEO4J_PASSWORD") or None,
            "neo4j_database": env.get("NEO4J_DATABASE") or None,
            "neo4j_home": Path(env.get("GRAPH_REC_NEO4J_HOME") or NEO4J_HOMES / dataset),
            "data_dir": Path(env.get("GRAPH_REC_DATA_DIR") or DEFAULT_DATA_DIR),
        }
        if env.get("GRAPH_REC_HYBRID_WEIGHTS"):
            values["hybrid_weights"] = parse_weights(env["GRAPH_REC_HYBRID_WEIGHTS"])
        for name in ("connection_timeout", "retry_time", "query_timeout", "request_timeout"):
            raw = env.get("GRAPH_REC_" + name.upper())
            if raw:
                values[name] = _positive_float(name, raw)
        if env.get("GRAPH_REC_API_KEY"):
            values["api_key"] = check_api_key(env["GRAPH_REC_API_KEY"])
        if env.get("GRAPH_REC_READS_NEED_KEY"):
            values["reads_need_key"] = _boolean("GRAPH_REC_READS_NEED_KEY", env["GRAPH_REC_READS_NEED_KEY"])
        if env.get("GRAPH_REC_MAX_BODY_BYTES"):
            values["max_body_bytes"] = int(_positive_float("max_body_bytes", env["GRAPH_REC_MAX_BODY_BYTES"]))
        values.update({key: value for key, value in overrides.items() if value is not None})
        settings = cls(**values)
        settings.check_timeouts()
        if settings.reads_need_key and settings.api_key is None:
            raise ValueError("GRAPH_REC_READS_NEED_KEY needs GRAPH_REC_API_KEY: set the key, or let reads stay open")
        return settings

    def check_timeouts(self) -> None:
        """Raise ValueError unless a failed connection, its retries and a query all end before the request timeout."""
        waits = {
            "GRAPH_REC_CONNECTION_TIMEOUT + GRAPH_REC_RETRY_TIME": self.connection_timeout + self.retry_time,
            "GRAPH_REC_QUERY_TIMEOUT": self.query_timeout,
        }
        for names, seconds in waits.items():
            if seconds >= self.request_timeout:
                raise ValueError(
                    f"{names} is {seconds:g} s, not below GRAPH_REC_REQUEST_TIMEOUT ({self.request_timeout:g} s): "
                    "lower it or raise the request timeout, so that requests return 503 instead of hanging"
                )


def parse_weights(raw: str) -> dict[str, float]:
    """Parse ``collaborative=1,content=0.2,popular=0`` into hybrid weights; raise ValueError naming the problem."""
    weights = {}
    for part in raw.split(","):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in ("collaborative", "content", "popular"):
            raise ValueError(f"GRAPH_REC_HYBRID_WEIGHTS: invalid strategy {name!r}: use collaborative, content and popular")
        try:
            weights[name] = float(value)
        except ValueError:
            raise ValueError(f"GRAPH_REC_HYBRID_WEIGHTS: invalid weight {value!r} for {name}: use a number") from None
        if weights[name] < 0:
            raise ValueError(f"GRAPH_REC_HYBRID_WEIGHTS: weight {value} for {name} is negative: use 0 or more")
    if sum(weights.values()) <= 0:
        raise ValueError(f"GRAPH_REC_HYBRID_WEIGHTS={raw!r}: at least one weight must be above 0")
    return weights


MIN_API_KEY_LENGTH = 16


def check_api_key(key: str) -> str:
    """Return the key, or raise ValueError when it is too short to resist guessing."""
    if len(key) < MIN_API_KEY_LENGTH:
        raise ValueError(
            f"GRAPH_REC_API_KEY has {len(key)} characters: use at least {MIN_API_KEY_LENGTH}, "
            "for example the output of `python -c 'import secrets; print(secrets.token_hex(16))'`"
        )
    return key


def _boolean(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"{name}={raw!r} is invalid: set it to true or false")
    return value in ("true", "1", "yes")


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ValueError(f"GRAPH_REC_{name.upper()}={raw!r} is invalid: set it to a number of seconds above 0")
    return value
