"""Glokal: localise, follow up and report on Agenda 2030 in Swedish municipalities and regions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("glokal")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
