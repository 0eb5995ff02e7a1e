"""Configuration, the lowest layer: one ``Settings`` with a section per concern (config/settings.py), the
sections themselves in config/sections.py. Everything else reads ``get_settings().<section>``."""

from config.sections import (
    ApiSettings,
    AppDbSettings,
    EmbeddedSettings,
    ExposureSettings,
    IngestSettings,
    Neo4jSettings,
    RetentionSettings,
)
from config.settings import Settings, env_name, env_names, get_settings, set_settings

__all__ = [
    "ApiSettings",
    "AppDbSettings",
    "EmbeddedSettings",
    "ExposureSettings",
    "IngestSettings",
    "Neo4jSettings",
    "RetentionSettings",
    "Settings",
    "env_name",
    "env_names",
    "get_settings",
    "set_settings",
]
