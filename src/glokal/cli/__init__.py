"""The `glokal` command. Thin: parse options, load settings, call one package function, print.

Errors from the packages below (GlokalError) and usage errors become one line on stderr and
exit code 2 here, at the edge; nothing below prints. A GlokalError is said in the interface
language: the command's --lang, else settings.language (GLOKAL_LANGUAGE), Swedish by default.
Each area's commands live in a module of their own and register on the one Typer app of
`glokal.cli.base`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click
import typer

from glokal.cli import (
    activities,
    agenda,
    analysis,
    backup,
    classify,
    exports,
    kolada,
    opensdg,
    publish,
    reference,
    users,
)
from glokal.cli.base import (
    EXIT_INTERRUPTED,
    EXIT_USER_ERROR,
    app,
    chosen_language,
    interface_language,
    stderr,
)
from glokal.cli.usage import language_in, usage_message
from glokal.errors import GlokalError
from glokal.i18n import N_, translator

_COMMANDS = (
    activities,
    agenda,
    analysis,
    backup,
    classify,
    exports,
    kolada,
    opensdg,
    publish,
    reference,
    users,
)  # imported for their commands, which register on app

__all__ = ["app", "main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    token = chosen_language.set(None)
    try:
        return _main(argv)
    finally:
        chosen_language.reset(token)


def _main(argv: Sequence[str] | None) -> int:
    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="glokal", standalone_mode=False
        )
    except typer.TyperException as exc:  # usage errors: unknown command, bad option value
        format_message = getattr(exc, "format_message", None)
        message = format_message() if callable(format_message) else str(exc)
        if message:  # empty after `glokal` alone, which has printed the help
            args = list(argv) if argv is not None else sys.argv[1:]
            _ = translator(chosen_language.get() or language_in(args) or interface_language())
            said = usage_message(exc, _) or message
            stderr.print(
                _(N_("glokal: error: {message}")).format(message=said),
                markup=False,
                soft_wrap=True,
            )
        return int(getattr(exc, "exit_code", EXIT_USER_ERROR))
    except GlokalError as exc:
        _ = translator(interface_language())
        stderr.print(
            _(N_("glokal: error: {message}")).format(message=exc.translated(_)),
            markup=False,
            soft_wrap=True,
        )
        return EXIT_USER_ERROR
    except (typer.Abort, click.exceptions.Abort, KeyboardInterrupt):
        result = EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (`glokal values | head`): what it wanted it has.
        _quiet_stdout()
        return 0
    except SystemExit as exc:
        if isinstance(exc.__context__, BrokenPipeError):  # Click's exit(1) on a closed pipe
            _quiet_stdout()
            return 0
        raise
    if result == EXIT_INTERRUPTED:  # Ctrl-C: Typer turns it into exit code 130
        _ = translator(interface_language())
        stderr.print(_(N_("glokal: interrupted; run the command again to go on")), markup=False)
    return result if isinstance(result, int) else 0


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush of it at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open until the process ends)


def run() -> None:
    """Console-script wrapper: exit with main()'s code."""
    code = main()
    try:
        sys.stdout.flush()  # what is still buffered: the reader may have gone (`| head`)
    except (BrokenPipeError, ValueError):  # ValueError: Click closed it on a broken pipe
        _quiet_stdout()
    sys.exit(code)
