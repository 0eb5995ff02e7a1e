"""invgraph's one ``Settings``: every section read from the environment once and validated together.

The environment keeps its flat names (``NEO4J_URI``, ``INVGRAPH_CYPHER_MAX_ROWS``, …): each section's
fields are read with that section's ``ENV_PREFIX`` (config/sections.py), so the nesting is ours and
invisible to operators. Values passed to ``Settings(...)`` win over the environment, section by section
and field by field: that is how the CLI applies its options (``Settings(neo4j={"uri": …})``) without
writing them into ``os.environ``.

The process's settings are built on first use (nothing is read at import time) and kept; the CLI installs
the ones it built from its options with ``set_settings``; tests that change the environment call
``set_settings(None)`` so the next use reads it again.
"""

from __future__ import annotations

import threading
from typing import Any

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from config.sections import (
    ApiSettings,
    AppDbSettings,
    EmbeddedSettings,
    ExposureSettings,
    IngestSettings,
    Neo4jSettings,
    RetentionSettings,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="forbid")

    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    appdb: AppDbSettings = Field(default_factory=AppDbSettings)
    exposure: ExposureSettings = Field(default_factory=ExposureSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    embedded: EmbeddedSettings = Field(default_factory=EmbeddedSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Values given in code first, then the flat environment; no .env file and no secrets folder
        # (neither was ever read: compose passes the environment).
        return init_settings, _SectionedEnv(settings_cls)


def sections() -> dict[str, type[BaseModel]]:
    """Section name → its model, in declaration order."""
    return {name: field.annotation for name, field in Settings.model_fields.items()}  # type: ignore[misc]


def env_name(section: str, field: str) -> str:
    """The environment variable of one setting: ``env_name("neo4j", "uri") == "NEO4J_URI"``."""
    return sections()[section].ENV_PREFIX + field.upper()  # type: ignore[attr-defined]


def env_names() -> dict[str, tuple[str, str]]:
    """Every environment variable we read → (section, field); docs and tests check it is complete."""
    return {env_name(s, f): (s, f) for s, model in sections().items() for f in model.model_fields}


class _SectionedEnv(PydanticBaseSettingsSource):
    """Reads each section's fields under that section's prefix with pydantic-settings' own environment
    source, so parsing (case, booleans, paths) is exactly what a flat BaseSettings would do."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads whole sections

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, model in sections().items():
            values = EnvSettingsSource(
                model,  # type: ignore[arg-type]
                env_prefix=model.ENV_PREFIX,  # type: ignore[attr-defined]
                case_sensitive=False,
            )()
            if values:
                found[name] = values
        return found


_lock = threading.Lock()
_current: Settings | None = None


def get_settings() -> Settings:
    """The process's settings: built and validated on first use, then the same object every time."""
    global _current
    with _lock:
        if _current is None:
            _current = Settings()
        return _current


def set_settings(settings: Settings | None) -> None:
    """Install settings built by the caller (the CLI, from its options); ``None`` reads the environment
    again on next use."""
    global _current
    with _lock:
        _current = settings
