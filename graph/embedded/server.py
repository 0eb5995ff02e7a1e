"""Start, inspect and stop an embedded Neo4j process bound to one data folder.

State lives beside the store: ``<data-dir>/invgraph-neo4j.json`` (pid, port) and
``<data-dir>/logs/invgraph-neo4j.log``. One process per folder; Neo4j's own store lock backs that up.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.embedded.install import NEO4J_VERSION, EmbeddedError, ensure_installed

READY_MARK = "INVGRAPH-NEO4J-READY"
JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
]


@dataclass(frozen=True)
class ServerOptions:
    data_dir: Path
    port: int = 7687
    heap: str = "1g"
    pagecache: str = "512m"
    tx_timeout: str = "120s"
    tx_memory_max: str = "1g"
    start_timeout: float = 120.0


@dataclass(frozen=True)
class ServerState:
    pid: int
    port: int
    version: str
    data_dir: str
    log: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"


def _state_file(data_dir: Path) -> Path:
    return data_dir / "invgraph-neo4j.json"


def _log_file(data_dir: Path) -> Path:
    return data_dir / "logs" / "invgraph-neo4j.log"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    try:
        return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0
    except OSError:
        return True


def read_state(data_dir: Path) -> ServerState | None:
    path = _state_file(data_dir)
    try:
        state = ServerState(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return state if _alive(state.pid) else None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_config(opts: ServerOptions) -> Path:
    # Raw Neo4j setting names: strict validation refuses unknown keys, so a typo fails start-up loudly.
    lines = {
        "server.memory.pagecache.size": opts.pagecache,
        "db.transaction.timeout": opts.tx_timeout,
        # Deadlines are checked on this interval (default 2 s); tighter so a timed-out query stops promptly.
        "db.transaction.monitor.check.interval": "500ms",
        "db.memory.transaction.max": opts.tx_memory_max,
        "dbms.security.allow_csv_import_from_file_urls": "false",
        "dbms.security.procedures.unrestricted": "",
        "server.directories.import": str(opts.data_dir / "import-disabled"),
        "db.logs.query.enabled": "OFF",
        # Our ingestion issues the same few hundred generated queries on every run while the graph's
        # statistics swing (first load, cleanup, test wipes). With the default 10 s interval Neo4j re-plans
        # them again and again (~0.3 s each, 20–40× the execution time); plans stay good for these queries.
        "dbms.cypher.min_replan_interval": "1h",
    }
    path = opts.data_dir / "neo4j.properties"
    path.write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
    return path


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def _lock_holder_hint(log: Path) -> bool:
    text = _tail(log, 60).lower()
    return "lock" in text and ("store" in text or "file" in text)


def start(opts: ServerOptions) -> ServerState:
    """Start Neo4j in the background and return once the default database answers Bolt."""
    data_dir = opts.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    running = read_state(data_dir)
    if running:
        raise EmbeddedError(
            f"data folder {data_dir} is locked by a running Neo4j (pid {running.pid}, port {running.port}); "
            "stop it first or use another --data-dir"
        )
    if port_in_use(opts.port):
        raise EmbeddedError(f"port {opts.port} on 127.0.0.1 is already taken; choose another with --port")
    runtime = ensure_installed()
    opts = ServerOptions(**{**asdict(opts), "data_dir": data_dir})
    config = _write_config(opts)
    log = _log_file(data_dir)
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        runtime.java,
        f"-Xms{opts.heap}",
        f"-Xmx{opts.heap}",
        *JVM_FLAGS,
        "-cp",
        f"{runtime.classes_dir}:{runtime.lib_dir}/*",
        "InvgraphNeo4j",
        str(data_dir / "home"),
        str(opts.port),
        str(config),
    ]
    offset = log.stat().st_size if log.exists() else 0
    with open(log, "ab") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    # Record the pid at once, so `stop` can find a server that is still starting.
    state_file = _state_file(data_dir)
    state = ServerState(proc.pid, opts.port, "starting", str(data_dir), str(log), time.time())
    state_file.write_text(json.dumps(asdict(state)))
    try:
        version = _wait_ready(proc, log, offset, opts, data_dir)
    except BaseException:
        # Interrupted or failed start: never leave an unrecorded Java process holding the store.
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        state_file.unlink(missing_ok=True)
        raise
    state = ServerState(proc.pid, opts.port, version, str(data_dir), str(log), time.time())
    state_file.write_text(json.dumps(asdict(state)))
    return state


def _wait_ready(proc: subprocess.Popen, log: Path, offset: int, opts: ServerOptions, data_dir: Path) -> str:
    deadline = time.monotonic() + opts.start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            if _lock_holder_hint(log):
                raise EmbeddedError(f"data folder {data_dir} is locked by another Neo4j process (see {log})")
            raise EmbeddedError(
                f"Neo4j exited with code {proc.returncode} during start-up: {_tail(log)} (log: {log})"
            )
        with open(log, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode(errors="replace")
        if READY_MARK in text:
            return text.rsplit(READY_MARK, 1)[1].split()[0]
        time.sleep(0.2)
    raise EmbeddedError(
        f"Neo4j did not answer on port {opts.port} within {opts.start_timeout:.0f}s; it was stopped. "
        f"See the log: {log}"
    )


def stop(data_dir: Path, timeout: float = 60.0) -> ServerState | None:
    """SIGTERM (the launcher's shutdown hook closes the store cleanly); SIGKILL only after ``timeout``."""
    data_dir = data_dir.resolve()
    state = read_state(data_dir)
    if not state:
        _state_file(data_dir).unlink(missing_ok=True)
        return None
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(state.pid):
        _reap(state.pid)
        time.sleep(0.2)
    if _alive(state.pid):
        os.kill(state.pid, signal.SIGKILL)
    _state_file(data_dir).unlink(missing_ok=True)
    return state


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


__all__ = [
    "NEO4J_VERSION",
    "EmbeddedError",
    "ServerOptions",
    "ServerState",
    "free_port",
    "read_state",
    "start",
    "stop",
]
