"""Configuration, read once from GLOKAL_* environment variables and passed in where needed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from glokal.errors import ConfigError
from glokal.i18n import LANGUAGES, N_, Message

APP_NAME = "glokal"
DEFAULT_KOLADA_BASE_URL = "https://api.kolada.se/v3"
DEFAULT_SQLITE_NAME = "glokal.sqlite3"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
# The drivers Glokal installs, per backend (None: the dialect's default driver).
SUPPORTED_DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",)}

Language = Literal["sv", "en"]
DEFAULT_LANGUAGE: Language = "sv"


def default_data_dir() -> Path:
    """The per-user data directory (e.g. ~/.local/share/glokal on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class _Invalid(ValueError):
    """A setting's value refused by a validator, with the message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.msg = message


class Settings(BaseSettings):
    """Glokal's settings. Each field is read from the environment variable GLOKAL_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="GLOKAL_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Directory for the default SQLite database and other local files.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database: sqlite:///path/to/file.sqlite3 or "
            "postgresql+psycopg://user@host:5432/dbname. Default: an SQLite file in data_dir."
        ),
    )
    language: Language = Field(
        default=DEFAULT_LANGUAGE, description="Language of the interface: sv (default) or en."
    )
    kolada_base_url: str = Field(
        default=DEFAULT_KOLADA_BASE_URL, description="Base URL of the Kolada v3 API."
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            url = make_url(value)
        except ArgumentError:
            raise _Invalid(Message(N_("not a database URL: {url!r}"), url=value)) from None
        except ValueError as exc:  # e.g. a port that is not a number
            raise _Invalid(
                Message(N_("not a database URL: {url!r} ({error})"), url=value, error=str(exc))
            ) from None
        backend = url.get_backend_name()
        if backend not in SUPPORTED_BACKENDS:
            raise _Invalid(
                Message(
                    N_("unsupported database {backend!r}; use one of: {allowed}"),
                    backend=backend,
                    allowed=SUPPORTED_BACKENDS,
                )
            )
        driver = url.get_driver_name()
        if "+" in url.drivername and driver not in SUPPORTED_DRIVERS[backend]:
            raise _Invalid(
                Message(
                    N_(
                        "unsupported driver {driver!r}; use sqlite:///path or postgresql+psycopg://…"
                    ),
                    driver=driver,
                )
            )
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _default_language_when_empty(cls, value: object) -> object:
        return DEFAULT_LANGUAGE if value in ("", None) else value

    def database(self) -> URL:
        """The database URL in force: the configured one, or the default SQLite file."""
        if self.database_url:
            url = make_url(self.database_url)
            if url.get_backend_name() == "postgresql":
                # psycopg (v3) is the driver Glokal installs; plain postgresql:// means it too.
                url = url.set(drivername="postgresql+psycopg")
            elif url.database and url.database.startswith("~"):
                url = url.set(database=str(Path(url.database).expanduser()))
            return url
        return make_url(f"sqlite:///{self.data_dir.expanduser() / DEFAULT_SQLITE_NAME}")

    @property
    def database_setting(self) -> str:
        """The variable that chose the database, for messages."""
        return "GLOKAL_DATABASE_URL" if self.database_url else "GLOKAL_DATA_DIR"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation failures into a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        error = first.get("ctx", {}).get("error")
        if isinstance(error, _Invalid):
            message = error.msg
        elif first["type"] == "literal_error" and field == "language":
            message = Message(
                N_("{value!r} is not one of: {allowed}"), value=first["input"], allowed=LANGUAGES
            )
        else:  # pydantic's own words (a path that is not one, ...)
            message = Message(first["msg"].removeprefix("Value error, "))
        raise ConfigError(message, where=f"GLOKAL_{field.upper()}") from None


__all__ = ["Language", "Settings", "default_data_dir", "load_settings"]
