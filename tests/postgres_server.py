"""A real, throw-away PostgreSQL server for the test suite and the benchmarks.

It runs the binaries of Debian's `postgresql` package (`make test` installs it when missing), in a private
data folder, listening on a Unix socket in that folder only (no TCP port). PostgreSQL refuses to run as
root, so when the suite runs as root (CI does) the server runs as the package's `postgres` user.
`INVGRAPH_PG_BINDIR` points at another installation's `bin/` folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def bindir() -> Path:
    if configured := os.environ.get("INVGRAPH_PG_BINDIR"):
        return Path(configured)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): "
            "apt-get install postgresql, or set INVGRAPH_PG_BINDIR"
        )
    return found[-1].parent


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def postgres_url(database: str = "invgraph_test", prefix: str = "invgraph-test-pg-") -> Iterator[str]:
    """Start PostgreSQL, create ``database`` and yield its SQLAlchemy URL; stop and remove it afterwards."""
    bin_ = bindir()
    home = Path(tempfile.mkdtemp(prefix=prefix))
    data, sock = home / "data", home / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(sock, "postgres")
    run = _as_server_user()

    def call(*args: str) -> None:
        subprocess.run([*run, *args], check=True, capture_output=True, text=True)

    started = False
    try:
        call(
            str(bin_ / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"
        )
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        call(str(bin_ / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(home / "server.log"), "-w", "start")
        started = True
        subprocess.run(
            [
                str(bin_ / "psql"),
                "-h",
                str(sock),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-q",
                "-c",
                f'CREATE DATABASE "{database}"',
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        yield f"postgresql+psycopg://postgres@/{database}?host={sock}"
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"PostgreSQL did not start: {' '.join(exc.cmd)}: {exc.stderr.strip()}") from exc
    finally:
        if started:
            subprocess.run(
                [*run, str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
            )
        shutil.rmtree(home, ignore_errors=True)
