"""Errors that name the input they come from, so an operator can find and fix the file."""

from __future__ import annotations


class InputError(ValueError):
    """An input file (or API response) that cannot be used: names the file and, when known, the field."""

    def __init__(self, path: str, message: str, field: str | None = None) -> None:
        self.path = path
        self.field = field
        where = f"{path}: field {field!r}" if field else path
        super().__init__(f"{where}: {message}")


class SourceDenied(RuntimeError):
    """The source refused us (AccessDenied, 401/403, throttled after retries, timeout): keep old data."""
