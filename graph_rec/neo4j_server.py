"""Start, stop and inspect a local Neo4j 5.26 Community server run from the jars in ``neo4j/lib``.

The jars come from Maven Central (``make install`` runs ``mvn dependency:copy-dependencies`` on
``neo4j/pom.xml``). Each instance has a home folder of its own with ``conf/``, ``data/``, ``logs/``
and a ``graph_rec-instance.json`` file that stores its ports and the generated password.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shlex
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graph_rec.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

JAR_DIR = Path(os.environ.get("GRAPH_REC_NEO4J_LIB") or PROJECT_ROOT / "neo4j" / "lib")
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
INSTANCE_FILE = "graph_rec-instance.json"
PID_FILE = "run/graph_rec.pid"
USER = "neo4j"

# Flags that Neo4j's own start script passes; without them the server fails with a LinkageError.
JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
]


class Neo4jServerError(RuntimeError):
    """A local Neo4j instance could not be started, stopped or found."""


@dataclass(frozen=True)
class Instance:
    """Connection details of a local instance, as stored in its home."""

    home: str
    bolt_port: int
    http_port: int
    user: str
    password: str

    @property
    def uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    def shell_lines(self) -> str:
        """Format ``export NAME=value`` lines that a shell can ``eval``, so child processes see them too."""
        values = {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}
        return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in values.items())


def read_instance(home: Path) -> Instance | None:
    """Read the instance file of ``home``, or return None if the home was never started."""
    path = Path(home) / INSTANCE_FILE
    if not path.exists():
        return None
    return Instance(**json.loads(path.read_text()))


def running_pid(home: Path) -> int | None:
    """Return the process id of the server running from ``home``, or None."""
    pid_path = Path(home) / PID_FILE
    try:
        pid = int(pid_path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    # A reused process id belongs to another program: check that it is this home's server.
    if MAIN_CLASS not in cmdline or f"--home-dir={Path(home).resolve()}" not in cmdline:
        return None
    return pid


def start(
    home: Path,
    bolt_port: int = 7687,
    http_port: int = 7474,
    heap: str = "1g",
    pagecache: str = "512m",
    timeout: float = 120.0,
    import_dir: Path | None = None,
) -> Instance:
    """Start the server in ``home`` and wait until Bolt accepts the stored password.

    ``import_dir``, when given, is the folder that ``LOAD CSV FROM 'file:///name.csv'`` reads;
    by default Neo4j uses ``home/import``. Calling it while the server runs returns the running
    instance unchanged.
    """
    home = Path(home).resolve()
    pid = running_pid(home)
    instance = read_instance(home)
    if pid is not None and instance is not None:
        logger.info("Neo4j already runs from %s (pid %d, Bolt port %d)", home, pid, instance.bolt_port)
        if instance.bolt_port != bolt_port or instance.http_port != http_port:
            logger.warning("it keeps its ports %d and %d until it is stopped", instance.bolt_port, instance.http_port)
        _wait_for_bolt(instance, pid, timeout)
        return instance

    _check_jars()
    for port in (bolt_port, http_port):
        _check_port_free(port)
    for folder in ("conf", "data", "logs", "run", "plugins"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    _write_config(home, bolt_port, http_port, pagecache, import_dir)
    password = _initial_password(home, instance)
    instance = Instance(str(home), bolt_port, http_port, USER, password)
    _write_instance(home, instance)

    pid = _launch(home, heap)
    logger.info("started Neo4j from %s (pid %d), waiting for Bolt on port %d", home, pid, bolt_port)
    deadline = time.monotonic() + timeout
    _wait_for_bolt(instance, pid, timeout)
    # The HTTP connector (and Neo4j Browser) opens a moment after Bolt.
    _wait_for_port(http_port, pid, deadline - time.monotonic())
    return instance


def stop(home: Path, timeout: float = 60.0) -> bool:
    """Stop the server in ``home`` with SIGTERM so it shuts down cleanly; return False if none ran."""
    home = Path(home).resolve()
    pid = running_pid(home)
    if pid is None:
        (home / PID_FILE).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.2)
    else:
        logger.warning("Neo4j (pid %d) did not stop within %.0f s; killing it, so the next start runs recovery", pid, timeout)
        os.kill(pid, signal.SIGKILL)
    (home / PID_FILE).unlink(missing_ok=True)
    logger.info("stopped Neo4j from %s (pid %d)", home, pid)
    return True


def status(home: Path) -> dict:
    """Describe the instance in ``home``: whether it runs, its process id, URI and ports."""
    home = Path(home).resolve()
    instance = read_instance(home)
    pid = running_pid(home)
    result = {"home": str(home), "running": pid is not None, "pid": pid}
    if instance is not None:
        result.update(uri=instance.uri, bolt_port=instance.bolt_port, http_port=instance.http_port)
    return result


_handed_out_ports: set[int] = set()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now.

    A port is never returned twice by one process, so two calls in a row give two ports even
    before a server binds the first.
    """
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _handed_out_ports:
            _handed_out_ports.add(port)
            return port


def _check_jars() -> None:
    if not any(JAR_DIR.glob("neo4j-5.26*.jar")):
        raise Neo4jServerError(f"Neo4j jars not found in {JAR_DIR}: run `make install` to download them from Maven Central")


def _check_port_free(port: int) -> None:
    with socket.socket() as sock:
        # Connections of a server that just stopped linger in TIME_WAIT; Neo4j binds over them
        # with SO_REUSEADDR, so the check does too and fails only when something listens.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise Neo4jServerError(
                f"port {port} on 127.0.0.1 is already in use: stop what listens there, "
                "or choose other ports with --bolt-port and --http-port"
            ) from None


def _write_config(home: Path, bolt_port: int, http_port: int, pagecache: str, import_dir: Path | None = None) -> None:
    lines = [
        "# Written by `python -m graph_rec neo4j start` on every start; edits are overwritten.",
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
        # Routing (neo4j:// URIs) hands clients this address, so it must name this instance's port.
        f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.https.enabled=false",
        f"server.memory.pagecache.size={pagecache}",
        "db.tx_log.rotation.retention_policy=256M size",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.directories.plugins={home / 'plugins'}",
    ]
    if import_dir is not None:
        lines.append(f"server.directories.import={Path(import_dir).resolve()}")
    (home / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n")


def _initial_password(home: Path, instance: Instance | None) -> str:
    """Return the stored password, or generate one and set it before the first start."""
    auth_file = home / "data" / "dbms" / "auth.ini"
    if instance is not None and auth_file.exists():
        return instance.password
    if auth_file.exists():
        raise Neo4jServerError(
            f"{auth_file} exists but {home / INSTANCE_FILE} is missing, so the password is unknown: "
            f"restore that file, or remove {auth_file} to reset the password"
        )
    # Hex digits only: a password that starts with "-" would be read by
    # neo4j-admin as an option.
    password = secrets.token_hex(16)
    command = ["java", "-cp", f"{JAR_DIR}/*", ADMIN_CLASS, "dbms", "set-initial-password", password]
    environment = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise Neo4jServerError(f"setting the initial password failed:\n{result.stdout}{result.stderr}")
    return password


def _write_instance(home: Path, instance: Instance) -> None:
    path = home / INSTANCE_FILE
    path.write_text(json.dumps(asdict(instance), indent=2) + "\n")
    path.chmod(0o600)


def _launch(home: Path, heap: str) -> int:
    command = [
        "java",
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *JVM_FLAGS,
        "-cp",
        f"{JAR_DIR}/*",
        MAIN_CLASS,
        f"--home-dir={home}",
        f"--config-dir={home / 'conf'}",
    ]
    console = open(home / "logs" / "console.log", "ab")
    with console:
        process = subprocess.Popen(
            command, cwd=home, stdin=subprocess.DEVNULL, stdout=console, stderr=console, start_new_session=True
        )
    (home / PID_FILE).write_text(f"{process.pid}\n")
    return process.pid


def _wait_for_bolt(instance: Instance, pid: int, timeout: float) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable

    deadline = time.monotonic() + timeout
    uri = f"bolt://127.0.0.1:{instance.bolt_port}"
    while True:
        if not _alive(pid):
            raise Neo4jServerError(f"Neo4j exited during start-up; see {instance.home}/logs/console.log and neo4j.log")
        try:
            with GraphDatabase.driver(uri, auth=(instance.user, instance.password), connection_timeout=2) as driver:
                driver.verify_connectivity()
            return
        except ServiceUnavailable:
            pass
        except AuthError as error:
            raise Neo4jServerError(f"Neo4j in {instance.home} rejected the stored password: {error}") from error
        if time.monotonic() > deadline:
            raise Neo4jServerError(
                f"Neo4j did not respond on Bolt port {instance.bolt_port} within {timeout:.0f} s: "
                f"see {instance.home}/logs/neo4j.log"
            )
        time.sleep(0.5)


def _wait_for_port(port: int, pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if not _alive(pid):
            raise Neo4jServerError(f"Neo4j exited before it opened port {port}; see its logs/neo4j.log")
        if time.monotonic() > deadline:
            raise Neo4jServerError(f"Neo4j did not open HTTP port {port} within the start timeout")
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited but was not reaped is a zombie: treat it as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
