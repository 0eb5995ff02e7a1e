"""Where the application database lives: ``INVGRAPH_APP_DB_URL``, else a SQLite file in the data folder."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The same folder `invgraph neo4j start` keeps its data under by default."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "invgraph"


class AppDbSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVGRAPH_", extra="ignore")

    # SQLAlchemy URL, e.g. postgresql+psycopg://invgraph:secret@postgres:5432/invgraph. Unset: a SQLite
    # file `app.db` in the data folder, created on first use.
    app_db_url: str | None = None

    @field_validator("app_db_url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.startswith("postgresql://"):  # the plain form people copy from psql: use psycopg 3
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite:///", "postgresql+psycopg://")):
            raise ValueError("INVGRAPH_APP_DB_URL must start with sqlite:/// or postgresql:// "
                             f"(or postgresql+psycopg://); got {value.split(':', 1)[0]!r}")
        return value

    def url(self) -> str:
        if self.app_db_url:
            return self.app_db_url
        return f"sqlite:///{default_data_dir() / 'app.db'}"


@lru_cache(maxsize=1)
def get_app_db_settings() -> AppDbSettings:
    return AppDbSettings()
