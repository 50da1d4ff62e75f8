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

from collections.abc import Mapping

from glokal.i18n import Gettext, Message, english, translator


def as_message(message: str | Message, params: Mapping[str, object]) -> Message:
    """``message`` with ``params`` (added to a Message's own)."""
    if isinstance(message, Message):
        return Message(message.id, **{**message.params, **params}) if params else message
    return Message(message, **params)


class GlokalError(Exception):
    """Base of every error Glokal reports to a user.

    The message is an English message id marked with ``N_`` and the values of its
    placeholders, said in the user's language at the edge::

        raise NotFound(N_("there is no unit {unit!r}"), unit="9999", where="--unit",
                       hint=N_("`glokal places` lists them"))

    ``str(exc)`` and ``exc.message`` are the English text (for logs); ``exc.translated(gettext)``
    and ``exc.in_language(lang)`` say it in a language. A ``hint`` says what to do in the CLI
    (a command to run); the web leaves it out. ``exc.msg`` is the ``Message`` itself, to raise
    again with another ``where``.
    """

    def __init__(
        self,
        message: str | Message,
        /,
        *,
        where: str | None = None,
        hint: str | Message | None = None,
        **params: object,
    ) -> None:
        self.msg = as_message(message, params)
        self.hint = Message(hint) if isinstance(hint, str) else hint
        self.where = where
        self.message = self.message_in(english)
        super().__init__(self.message)

    def message_in(self, gettext: Gettext, *, hint: bool = True) -> str:
        """The message (without ``where``) in the language of ``gettext``."""
        text = self.msg.said(gettext)
        if hint and self.hint is not None:
            text = f"{text}; {self.hint.said(gettext)}"
        return text

    def translated(self, gettext: Gettext, *, hint: bool = True) -> str:
        """``where: message`` in the language of ``gettext``, as ``str()`` says it in English."""
        text = self.message_in(gettext, hint=hint)
        return f"{self.where}: {text}" if self.where else text

    def in_language(self, lang: str, *, hint: bool = True) -> str:
        return self.translated(translator(lang), hint=hint)

    def __str__(self) -> str:
        return self.translated(english)


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

    def __init__(
        self, message: str | Message, /, *, url: str, where: str | None = None, **params: object
    ) -> None:
        # The url (and a response's status) are the message's values too: "{url}" may say it.
        super().__init__(as_message(message, {"url": url, **params}), where=where)
        self.url = url


class KoladaUnavailable(KoladaError):
    """Kolada could not be reached, or kept failing after every retry."""


class KoladaResponseError(KoladaError):
    """Kolada answered with an error that retrying will not fix (a 4xx)."""

    def __init__(
        self, message: str | Message, /, *, url: str, status: int, **params: object
    ) -> None:
        super().__init__(as_message(message, {"status": status, **params}), url=url)
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
