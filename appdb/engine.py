"""One SQLAlchemy engine per process and URL, migrated to the newest Alembic revision on first use.

Migrating on first use (rather than by a separate command) is what lets `make demo` and a fresh
container start with nothing to run: the SQLite file, or the PostgreSQL tables, appear when first needed.
Alembic takes no lock of its own; PostgreSQL serialises concurrent upgrades through its transactional
DDL, and the SQLite file is opened by one host only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from config import get_settings

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_lock = threading.Lock()
_engines: dict[str, tuple[Engine, sessionmaker[Session]]] = {}


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def _sqlite_pragmas(dbapi_connection: object, _: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL: API workers and the CLI read while one writes; busy_timeout waits for a writer instead of
    # failing at once with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _build(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    command.upgrade(alembic_config(engine), "head")
    return engine


def get_sessionmaker() -> sessionmaker[Session]:
    url = get_settings().appdb.url()
    with _lock:
        found = _engines.get(url)
        if found is None:
            engine = _build(url)
            found = (engine, sessionmaker(engine, expire_on_commit=False))
            _engines[url] = found
        return found[1]


@contextmanager
def session() -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with get_sessionmaker().begin() as s:
        yield s


def dispose_all() -> None:
    """Close every pooled connection (tests switching databases, process shutdown)."""
    with _lock:
        for engine, _ in _engines.values():
            engine.dispose()
        _engines.clear()
