"""The one exception tree of Glokal.

Every error a user can cause or meet derives from ``GlokalError`` and carries a message written
for that user, plus ``where``: the file, row and field, the option, or the setting involved.
The CLI and the web app translate these at their edge; nothing else prints them.

    GlokalError
    ├── ConfigError          a setting is wrong (names the GLOKAL_* variable)
    ├── InputError           bad input: an option, a file, a row, a field
    │   └── NotFound         a well-formed id that does not exist
    └── StoreError           the database cannot be used
        ├── DatabaseUnavailable   cannot connect
        └── SchemaNotReady        connected, but the schema is missing or out of date
"""

from __future__ import annotations


class GlokalError(Exception):
    """Base of every error Glokal reports to a user."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ConfigError(GlokalError):
    """A configuration value is missing or invalid."""


class InputError(GlokalError):
    """Input given by the user (an option, a file, a row, a field) is invalid."""


class NotFound(InputError):
    """A well-formed identifier names nothing that exists."""


class StoreError(GlokalError):
    """The database cannot be used."""


class DatabaseUnavailable(StoreError):
    """The database server or file cannot be reached."""


class SchemaNotReady(StoreError):
    """The database has no schema, or one older or newer than this version of Glokal."""


__all__ = [
    "ConfigError",
    "DatabaseUnavailable",
    "GlokalError",
    "InputError",
    "NotFound",
    "SchemaNotReady",
    "StoreError",
]
