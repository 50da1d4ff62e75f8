"""`glokal backup FILE` and `glokal restore FILE`: a consistent snapshot of the database in one
file, and back (docs/backup.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from glokal.cli.base import (
    LangOption,
    app,
    current_settings,
    language_of,
    open_store,
    stderr,
    stdout,
)
from glokal.i18n import N_, translator
from glokal.publish.format import number
from glokal.store import restore_backup, take_backup


class _RichProgress:
    """One bar per step (SQLite's pages, or a table's rows), replaced as the next begins."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.step: str | None = None
        self.task: TaskID | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.step = step
            self.task = self.progress.add_task(step, total=total or None)
        if self.task is not None:
            self.progress.update(self.task, completed=done, total=total or None)


@contextmanager
def _progress() -> Iterator[_RichProgress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,  # the summary line replaces it
        disable=not stderr.is_terminal,  # no bar in logs and pipes
    ) as progress:
        yield _RichProgress(progress)


FileArgument = Annotated[Path, typer.Argument(help="The backup file.", show_default=False)]


@app.command("backup")
def backup_command(file: FileArgument, lang: LangOption = None) -> None:
    """Write a consistent snapshot of the database to FILE (also while the server writes)."""
    settings = current_settings()
    language = language_of(settings, lang)
    gettext = translator(language)
    store = open_store(settings)
    try:
        with _progress() as progress:
            summary = take_backup(store, file, progress)
    finally:
        store.close()
    stdout.print(
        gettext(N_("{file}: {rows} rows of {tables} tables, schema revision {revision}")).format(
            file=file,
            rows=number(summary.total, language),
            tables=len(summary.rows),
            revision=summary.revision,
        ),
        soft_wrap=True,
    )


@app.command("restore")
def restore_command(
    file: FileArgument,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a database that holds data.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Restore a backup into the configured database, in one transaction."""
    settings = current_settings()
    language = language_of(settings, lang)
    gettext = translator(language)
    store = open_store(settings)
    try:
        with _progress() as progress:
            summary = restore_backup(store, file, replace=replace, progress=progress)
    finally:
        store.close()
    stdout.print(
        gettext(N_("{database}: restored {rows} rows of {tables} tables from {file}")).format(
            database=store.display_url,
            rows=number(summary.total, language),
            tables=len(summary.rows),
            file=file,
        ),
        soft_wrap=True,
    )
