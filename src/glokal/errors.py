"""The one exception tree of Glokal.

Every error a user can cause or meet derives from ``GlokalError`` and carries a message written
for that user, plus ``where``: the file, row and field, the option, or the setting involved.
The CLI and the web app translate these at their edge; nothing else prints them.

    GlokalError
    ├── ConfigError          a setting is wrong (names the GLOKAL_* variable)
    ├── InputError           bad input: an option, a file, a row, a field
    │   └── NotFound         a well-formed id that does not exist
    ├── NotAuthenticated     no valid login or token (HTTP 401)
    ├── PermissionDenied     logged in, but not allowed this (HTTP 403)
    ├── StoreError           the database cannot be used
    │   ├── DatabaseUnavailable   cannot connect
    │   └── SchemaNotReady        connected, but the schema is missing or out of date
    └── KoladaError          the Kolada API could not give what was asked (names the URL)
        ├── KoladaUnavailable     unreachable, or still failing after every retry
        └── KoladaResponseError   an answer retrying will not fix (a 4xx), with its status
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


class NotAuthenticated(GlokalError):
    """The request has no valid login or API token."""


class PermissionDenied(GlokalError):
    """The user is known but may not do this (another unit's data, another role's task)."""


class StoreError(GlokalError):
    """The database cannot be used."""


class DatabaseUnavailable(StoreError):
    """The database server or file cannot be reached."""


class SchemaNotReady(StoreError):
    """The database has no schema, or one older or newer than this version of Glokal."""


class KoladaError(GlokalError):
    """The Kolada API could not give what was asked; ``url`` names the request."""

    def __init__(self, message: str, *, url: str, where: str | None = None) -> None:
        super().__init__(message, where=where)
        self.url = url


class KoladaUnavailable(KoladaError):
    """Kolada could not be reached, or kept failing after every retry."""


class KoladaResponseError(KoladaError):
    """Kolada answered with an error that retrying will not fix (a 4xx)."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message, url=url)
        self.status = status


__all__ = [
    "ConfigError",
    "DatabaseUnavailable",
    "GlokalError",
    "InputError",
    "KoladaError",
    "KoladaResponseError",
    "KoladaUnavailable",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "SchemaNotReady",
    "StoreError",
]
