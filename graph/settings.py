"""Connection settings for Neo4j, validated once per process.

Read from the environment (``NEO4J_URI`` …) and overridable by CLI options. Kept apart from the API
settings so that ingestion jobs and tests need nothing from the web layer.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_URI = "bolt://127.0.0.1:7687"


class Neo4jSettings(BaseSettings):
    """Where the graph lives. The default is the embedded instance started by `invgraph neo4j start`."""

    model_config = SettingsConfigDict(env_prefix="NEO4J_", extra="ignore")

    uri: str = DEFAULT_URI
    user: str = "neo4j"
    password: str = Field(default="", repr=False)
    database: str = "neo4j"
    # Seconds; applied client side to every transaction so a runaway query cannot hold a worker.
    transaction_timeout: float = 120.0
    max_connection_pool_size: int = 50
    # Seconds the driver keeps retrying a transaction on transient errors (server restarting, leader
    # switch); also how long a command waits before reporting that Neo4j is unreachable.
    max_retry_time: float = Field(default=30.0, ge=0)
    # Seconds to open one connection; a host that drops packets is reported after this, not after 30 s.
    connection_timeout: float = Field(default=5.0, gt=0)
    # Seconds to keep trying to reach an unreachable Neo4j when the driver is first built (CLI --wait);
    # 0 reports it at once, for people at a terminal; schedulers starting with the database set more.
    connect_wait: float = Field(default=0.0, ge=0)

    @field_validator("uri")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"NEO4J_URI must start with one of {', '.join(schemes)}; got {value!r}")
        return value


@lru_cache(maxsize=1)
def get_neo4j_settings() -> Neo4jSettings:
    return Neo4jSettings()
