"""API settings (env prefix INVGRAPH_), validated and created lazily."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A bootstrap admin key shorter than this is guessable enough to refuse it in production.
MIN_BOOTSTRAP_KEY_LENGTH = 24


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVGRAPH_", extra="ignore")

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
            raise ValueError("INVGRAPH_METRICS_PUBLIC=true is refused in production: "
                             "scrape with a viewer key")
        return self


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    return ApiSettings()
