"""The sections of invgraph's one ``Settings`` (config/settings.py): one model per concern.

Each section names the prefix of its environment variables (``ENV_PREFIX``); a field's variable is the
prefix plus its name in capitals (``neo4j.uri`` ← ``NEO4J_URI``, ``api.cypher_max_rows`` ←
``INVGRAPH_CYPHER_MAX_ROWS``). Validators here are the only place a setting is checked; their messages
name the variable and fit on one line, because the CLI prints them as its error line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode


def data_home() -> Path:
    """Where invgraph keeps data by default (the embedded Neo4j's store, the SQLite application database).

    ``XDG_DATA_HOME`` is the desktop convention every tool shares, not one of our settings, so it is read
    here, when the folder is needed."""
    return Path(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")) / "invgraph"


class Neo4jSettings(BaseModel):
    """Where the graph lives. The default is the embedded instance started by `invgraph neo4j start`."""

    ENV_PREFIX: ClassVar[str] = "NEO4J_"

    uri: str = "bolt://127.0.0.1:7687"
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


# A bootstrap admin key shorter than this is guessable enough to refuse it in production.
MIN_BOOTSTRAP_KEY_LENGTH = 24


class ApiSettings(BaseModel):
    """The HTTP API: binding, ad-hoc Cypher limits, key cache, rate limits (docs/api.md lists them all)."""

    ENV_PREFIX: ClassVar[str] = "INVGRAPH_"

    environment: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)

    # Ad-hoc Cypher (POST /api/v1/cypher).
    cypher_timeout_s: float = Field(default=10.0, gt=0, le=600)
    cypher_default_rows: int = Field(default=1000, ge=1)
    cypher_max_rows: int = Field(default=10000, ge=1, le=1_000_000)
    # JSON bytes of rows returned; past it the answer is cut (truncated_by "bytes").
    cypher_max_result_bytes: int = Field(default=16 * 1024 * 1024, ge=1024, le=1 << 30)
    # Cost budget: refused before it runs when any plan operator is estimated to produce more rows.
    cypher_max_estimated_rows: float = Field(default=100_000_000, gt=0)
    # Variable-length patterns need an upper bound of at most this many hops.
    cypher_max_path_hops: int = Field(default=10, ge=1, le=1000)
    max_query_length: int = Field(default=20_000, ge=16)
    max_parameters_bytes: int = Field(default=65_536, ge=0)
    # Whole request body; FastAPI answers 413 before the JSON is even parsed.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    # Valid API keys are cached in-process this long: a revoked key keeps working for at most this
    # many seconds in *other* worker processes (the process that revokes drops it at once).
    key_cache_ttl_s: float = Field(default=30.0, ge=0, le=3600)
    # Optional admin key accepted without a graph lookup, for first start-up in containers before any
    # key exists. Leave unset once real keys are created.
    bootstrap_admin_key: SecretStr | None = None
    # Per-key token buckets (api/ratelimit.py): sustained requests per minute and burst size.
    rate_limits_enabled: bool = True
    rate_widgets_per_min: float = Field(default=600, gt=0)
    rate_widgets_burst: int = Field(default=120, ge=1)
    rate_cypher_per_min: float = Field(default=30, gt=0)
    rate_cypher_burst: int = Field(default=10, ge=1)
    rate_paths_per_min: float = Field(default=30, gt=0)
    rate_paths_burst: int = Field(default=10, ge=1)
    rate_default_per_min: float = Field(default=300, gt=0)
    rate_default_burst: int = Field(default=60, ge=1)

    # Serve /metrics without an API key (only for scrapers that cannot send a bearer token).
    metrics_public: bool = False
    # A JSON file a loader rewrites while it ingests ({"day": 2, "days": 3, "phase": "ingest"}); /health
    # reports it so the dashboard can say "loading day 2 of 3". `make demo` sets it; unset elsewhere.
    load_progress_file: Path | None = None

    @model_validator(mode="after")
    def _secure_in_production(self) -> ApiSettings:
        if self.cypher_default_rows > self.cypher_max_rows:
            raise ValueError("INVGRAPH_CYPHER_DEFAULT_ROWS must not exceed INVGRAPH_CYPHER_MAX_ROWS")
        if self.environment != "production":
            return self
        key = self.bootstrap_admin_key.get_secret_value() if self.bootstrap_admin_key else None
        if key is not None and len(key) < MIN_BOOTSTRAP_KEY_LENGTH:
            raise ValueError(
                f"INVGRAPH_BOOTSTRAP_ADMIN_KEY must be at least {MIN_BOOTSTRAP_KEY_LENGTH} characters "
                "in production"
            )
        if self.metrics_public:
            raise ValueError(
                "INVGRAPH_METRICS_PUBLIC=true is refused in production: scrape with a viewer key"
            )
        return self


class AppDbSettings(BaseModel):
    """The application database (API keys, audit log): ``INVGRAPH_APP_DB_URL``, else SQLite in the data
    folder."""

    ENV_PREFIX: ClassVar[str] = "INVGRAPH_"

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
            raise ValueError(
                "INVGRAPH_APP_DB_URL must start with sqlite:/// or postgresql:// "
                f"(or postgresql+psycopg://); got {value.split(':', 1)[0]!r}"
            )
        return value

    def url(self) -> str:
        if self.app_db_url:
            return self.app_db_url
        return f"sqlite:///{data_home() / 'app.db'}"


# Lists arrive from the environment as text, comma-separated ("A,B") or as a JSON list; NoDecode hands the
# text to the validator below instead of insisting on JSON.
_TextList = Annotated[tuple[str, ...], NoDecode]


class ExposureSettings(BaseModel):
    """Exposure paths: what counts as a crown jewel, path limits, how many exposure runs are kept."""

    ENV_PREFIX: ClassVar[str] = "INVGRAPH_"

    # None = the default: every data store the schemas declare, and "AdminRole" (resolved by
    # analysis/exposure/scoring.py, which may read the schemas; this layer may not).
    crown_jewel_labels: Annotated[tuple[str, ...] | None, NoDecode] = None
    crown_jewel_ids: _TextList = ()
    # key=value; matched against a node's `tags` (JSON map or list of "k=v") and Kubernetes `labels`.
    crown_jewel_tag: str = "crown-jewel=true"
    # Server bound for GET /exposure/paths?max_hops= (requests asking for more are capped).
    exposure_max_hops: int = Field(default=8, ge=1, le=16)
    exposure_default_hops: int = Field(default=6, ge=1, le=16)
    # Wall-clock limit of one path request (database time + path enumeration); 504 when hit.
    exposure_request_timeout_s: float = Field(default=5.0, gt=0, le=300)
    # Wall-clock limit of one exposure change between two runs (two attack graphs read and compared).
    exposure_drift_timeout_s: float = Field(default=30.0, gt=0, le=600)
    # Paths enumerated per target before ranking; bounds CPU on dense attack graphs.
    exposure_paths_per_target: int = Field(default=5, ge=1, le=100)
    # Completed exposure runs kept in the graph (older runs' nodes are deleted in batches).
    exposure_keep_runs: int = Field(default=3, ge=1, le=100)

    @field_validator("crown_jewel_labels", "crown_jewel_ids", mode="before")
    @classmethod
    def _text_list(cls, value: object) -> object:
        if not isinstance(value, str):  # lists given in code pass through
            return value
        if value.lstrip().startswith("["):
            return json.loads(value)
        return tuple(v.strip() for v in value.split(",") if v.strip())


class RetentionSettings(BaseModel):
    """How many daily / weekly / monthly runs retention keeps (docs/history-and-drift.md)."""

    ENV_PREFIX: ClassVar[str] = "INVGRAPH_RETENTION_"

    daily: int = 14
    weekly: int = 8
    monthly: int = 12


class IngestSettings(BaseModel):
    """Reading snapshot folders."""

    ENV_PREFIX: ClassVar[str] = "INVGRAPH_"

    # Bytes; a larger snapshot file is refused with an error naming it (the rest of the snapshot loads).
    max_input_bytes: int = Field(default=512 * 1024 * 1024, ge=1)
    # Write only new and changed rows; unchanged ones are marked seen (docs/operations.md). False forces
    # the full load (every row MERGEd again); both leave the same graph.
    incremental_load: bool = True
    # Scopes (AWS account x region, Kubernetes cluster, GCP project) synced at once; `--workers` overrides.
    ingest_workers: int = Field(default=1, ge=1, le=32)


class EmbeddedSettings(BaseModel):
    """The embedded Neo4j: where its jars are cached and where its store lives by default."""

    ENV_PREFIX: ClassVar[str] = "INVGRAPH_"

    # Unset: $XDG_DATA_HOME/invgraph/neo4j (~/.local/share/invgraph/neo4j); `--data-dir` overrides it.
    neo4j_data: Path | None = None
    # Unset: $XDG_CACHE_HOME/invgraph (~/.cache/invgraph); the jars go into neo4j-<version>/ inside.
    cache_dir: Path | None = None

    @field_validator("neo4j_data", "cache_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    def data_dir(self) -> Path:
        """The store folder when `--data-dir` is not given."""
        return self.neo4j_data or data_home() / "neo4j"

    def cache_root(self) -> Path:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        return self.cache_dir or Path(xdg) / "invgraph"
