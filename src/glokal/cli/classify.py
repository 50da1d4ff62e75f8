"""The `glokal classify` command: which goals and targets texts and documents serve.

Reading files happens here, at the edge; glokal.mapping gets bytes and text. A bad input (empty,
binary, encrypted, too large, missing) is reported on stderr with its name, the rest of the
batch is still classified, and the exit code is 1 when any input failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.progress import track
from rich.table import Table

from glokal.cli.base import (
    FormatOption,
    LangOption,
    OutputFormat,
    app,
    current_settings,
    language_of,
    stderr,
    stdout,
)
from glokal.errors import InputError
from glokal.framework import load_framework
from glokal.i18n import N_, Message, translator
from glokal.mapping import MAX_BYTES, SUPPORTED_SUFFIXES, Classification, classify, extract_text
from glokal.publish.format import number

EXIT_SOME_FAILED = 1

NO_SUCH_FILE = N_("no such file")
IS_DIRECTORY = N_("is a directory, not a file")
CANNOT_READ = N_("cannot read the file")
EMPTY_TEXT = N_("the text is empty")
NOT_JSON = N_("the line is not JSON")
NOT_AN_OBJECT = N_('the line must be a JSON object with a "text" string')
NO_GOAL = N_("no goal above the threshold")


@dataclass(frozen=True)
class _Input:
    source: str  # a file name, "text 2" or a JSON Lines id
    text: str | None
    error: str | Message | None = None  # a gettext id, or a message with its values


def _looks_like_a_file(argument: str) -> bool:
    return not any(c.isspace() for c in argument) and (
        Path(argument).suffix.lower() in SUPPORTED_SUFFIXES or "/" in argument
    )


def _read_file(path: Path) -> bytes:
    if path.is_dir():
        raise InputError(IS_DIRECTORY, where=str(path))
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(N_("the file is larger than 20 MB, the limit"), where=str(path))
        return path.read_bytes()
    except OSError:
        raise InputError(CANNOT_READ, where=str(path)) from None


def _argument_inputs(arguments: list[str], text_label: str) -> Iterator[_Input]:
    texts = 0
    for argument in arguments:
        path = Path(argument)
        # An empty or blank argument is an empty text (Path("") is the current directory).
        if argument.strip() and path.exists():
            try:
                yield _Input(argument, extract_text(_read_file(path), name=argument))
            except InputError as exc:
                yield _Input(argument, None, exc.msg)
        elif _looks_like_a_file(argument):
            yield _Input(argument, None, NO_SUCH_FILE)
        else:
            texts += 1
            source = text_label.format(n=texts)
            if argument.strip():
                yield _Input(source, argument)
            else:
                yield _Input(source, None, EMPTY_TEXT)


def _jsonl_inputs(handle: TextIO, name: str) -> Iterator[tuple[int, Any, _Input]]:
    for line_number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"{name}, line {line_number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            yield line_number, None, _Input(where, None, NOT_JSON)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            ident = record.get("id") if isinstance(record, dict) else None
            yield line_number, ident, _Input(where, None, NOT_AN_OBJECT)
            continue
        ident = record.get("id", line_number)
        text = record["text"]
        yield (
            line_number,
            ident,
            _Input(where, text if text.strip() else None, None if text.strip() else EMPTY_TEXT),
        )


def _report(item: _Input, gettext: Callable[[str], str]) -> None:
    assert item.error is not None
    stderr.print(
        gettext(N_("glokal: error: {message}")).format(
            message=f"{item.source}: {_said(item.error, gettext)}"
        ),
        markup=False,
        soft_wrap=True,
    )


def _said(error: str | Message, gettext: Callable[[str], str]) -> str:
    return error.said(gettext) if isinstance(error, Message) else gettext(error)


@app.command("classify")
def classify_command(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="TEXT_OR_FILE",
            help="Texts, or TXT, PDF, DOCX or HTML files (up to 20 MB each).",
            show_default=False,
        ),
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option(
            "--jsonl",
            help='Read lines {"id": …, "text": …} from this file ("-": standard input) and '
            "write one JSON line per input.",
            show_default=False,
        ),
    ] = None,
    targets: Annotated[
        bool, typer.Option("--targets", help="Also suggest targets where the evidence is strong.")
    ] = False,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Suggest the goals (and targets) that Swedish or English texts and documents serve."""
    settings = current_settings()
    language = language_of(settings, lang)
    gettext = translator(language)
    if jsonl is not None:
        if inputs:
            raise InputError(N_("give texts and files, or --jsonl FILE, not both"), where="--jsonl")
        failed = _classify_jsonl(jsonl, targets=targets, gettext=gettext)
    else:
        if not inputs:
            raise InputError(
                N_("give at least one text or file, or --jsonl FILE"), where="classify"
            )
        failed = _classify_arguments(inputs, targets=targets, output=output, lang=language)
    if failed:
        raise typer.Exit(code=EXIT_SOME_FAILED)


def _classify_arguments(
    arguments: list[str], *, targets: bool, output: OutputFormat, lang: str
) -> int:
    gettext = translator(lang)
    label = gettext(N_("text no. {n}"))
    items = list(
        track(
            _argument_inputs(arguments, label),
            total=len(arguments),
            description=gettext(N_("Reading")),
            console=stderr,
            transient=True,
            disable=not stderr.is_terminal or len(arguments) < 5,
        )
    )
    good = [item for item in items if item.text is not None]
    results = dict(
        zip(
            (id(i) for i in good),
            classify([i.text or "" for i in good], targets=targets),
            strict=True,
        )
    )
    failed = 0
    for item in items:
        if item.error is not None:
            failed += 1
            _report(item, gettext)
    if output is OutputFormat.json:
        records = []
        for item in items:
            if item.error is not None:
                records.append({"source": item.source, "error": _said(item.error, gettext)})
            else:
                records.append({"source": item.source, **_record(results[id(item)], lang)})
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        _show_table([(i.source, results[id(i)]) for i in good], targets=targets, lang=lang)
    if failed:
        message = gettext(N_("{failed} of {total} inputs could not be classified."))
        stderr.print(message.format(failed=failed, total=len(items)), markup=False)
    return failed


def _classify_jsonl(path: Path, *, targets: bool, gettext: Callable[[str], str]) -> int:
    name = "-" if str(path) == "-" else str(path)
    try:
        if name == "-":
            rows = list(_jsonl_inputs(sys.stdin, "stdin"))
        else:
            with path.open(encoding="utf-8-sig") as handle:
                rows = list(_jsonl_inputs(handle, name))
    except FileNotFoundError:
        raise InputError(NO_SUCH_FILE, where=name) from None
    except (OSError, UnicodeDecodeError):
        raise InputError(CANNOT_READ, where=name) from None
    good = [item for _n, _id, item in rows if item.text is not None]
    results = iter(classify([i.text or "" for i in good], targets=targets))
    failed = 0
    for _number, ident, item in rows:
        if item.error is not None:
            failed += 1
            _report(item, gettext)
            line: dict[str, Any] = {"id": ident, "error": _said(item.error, gettext)}
        else:
            found = next(results).to_dict()
            line = {"id": ident, "goals": found["goals"], "targets": found["targets"],
                    "evidence": found["evidence"]}  # fmt: skip
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return failed


def _record(result: Classification, lang: str) -> dict[str, Any]:
    goals = {g.number: g for g in load_framework().goals}
    data = result.to_dict()
    for entry in data["goals"]:
        entry["name"] = goals[entry["goal"]].short(lang)
    return data


def _show_table(rows: list[tuple[str, Classification]], *, targets: bool, lang: str) -> None:
    if not rows:
        return
    _ = translator(lang)
    goals = {g.number: g for g in load_framework().goals}
    names = {t.id: t for t in load_framework().targets}
    table = Table(title=_("Suggested goals (Glokal's analysis of the text)"), show_lines=True)
    table.add_column(_("Source"))
    table.add_column(_("Goals"))
    if targets:
        table.add_column(_("Targets"))
    table.add_column(_("Evidence"))
    for source, result in rows:
        goal_cell = "\n".join(
            f"{g} {goals[g].short(lang)} ({number(score, lang, 2)})" for g, score in result.goals
        ) or _(NO_GOAL)
        terms: dict[int, list[str]] = {}
        for e in result.evidence:
            terms.setdefault(e.goal, []).append(e.found + (f" ×{e.count}" if e.count > 1 else ""))
        evidence_cell = "\n".join(f"{g}: {', '.join(found)}" for g, found in terms.items())
        cells = [source, goal_cell]
        if targets:
            cells.append(
                "\n".join(
                    f"{t} {names[t].short(lang)} ({number(s, lang, 2)})" for t, s in result.targets
                )
                or "–"
            )
        cells.append(evidence_cell or "–")
        table.add_row(*cells)
    stdout.print(table)
