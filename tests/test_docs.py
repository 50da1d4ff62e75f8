"""The documentation against the code: every `glokal` command and option the docs mention exists,
and every GLOKAL_* setting is in the README's settings table.

Commands are read from code only: inline code spans and the lines of fenced code blocks. In a
fenced line, the part before `#` is an invocation and the comment after it may name options of
that invocation. A code span that starts with `--` (such as `--kpi N00401` in a table) names an
option of the command mentioned last before it in the same section; with no command before it
in the section, some command must have the option. A lowercase `glokal <word>` in prose fails,
so that no command escapes the check.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from glokal.cli import app
from glokal.publish import CSV_COLUMNS
from glokal.settings import Settings

REPO = Path(__file__).resolve().parents[1]

# The files checked. Add a new docs page here once every command it mentions exists.
DOCUMENTED = (
    "README.md",
    "docs/kolada-sync.md",
    "docs/data-sources.md",
    "docs/status-method.md",
    "docs/classifier.md",
    "docs/register.md",
    "docs/web.md",
    "docs/opensdg.md",
    "docs/backup.md",
)

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^#{1,6}\s")
SPAN = re.compile(r"(?<!`)`(?!`)((?:[^`\n]|\n(?![ \t]*\n))+?)`(?!`)")
# `glokal` or `.venv/bin/glokal` as a word, then its arguments up to a shell separator.
INVOCATION = re.compile(r"(?:^|(?<=[\s(]))(?:[\w.~-]*/)*glokal(?=\s|$)(?P<rest>[^#|;&<>\n]*)")
PROSE_COMMAND = re.compile(r"(?<![\w/.`-])glokal\s+[a-z]")
NAME = re.compile(r"[a-z][a-z0-9-]*")
OPTION = re.compile(r"^(--?[A-Za-z][\w-]*)")


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


@dataclass
class Command:
    """A node of the CLI tree: its path, its options and its subcommands."""

    path: tuple[str, ...]
    options: frozenset[str]
    subcommands: dict[str, Command] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(("glokal", *self.path))


def _tree(command: Any, path: tuple[str, ...] = ()) -> Command:
    options = {"--help"}
    for param in command.params:
        if _is_option(param):
            options.update(param.opts, param.secondary_opts)
    node = Command(path, frozenset(options))
    for name, sub in (getattr(command, "commands", None) or {}).items():
        node.subcommands[name] = _tree(sub, (*path, name))
    return node


def cli_tree() -> Command:
    return _tree(typer.main.get_command(app))


def _all_commands(node: Command) -> Iterator[Command]:
    yield node
    for sub in node.subcommands.values():
        yield from _all_commands(sub)


@dataclass(frozen=True)
class Mention:
    """A piece of a document: an invocation, a code span, a comment, a heading or prose."""

    kind: str  # "fence", "span", "heading", "prose"
    line: int
    column: int
    text: str


def mentions(markdown: str) -> list[Mention]:
    """The document's code, headings and prose, in reading order."""
    found: list[Mention] = []
    masked: list[str] = []
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            masked.append("")
        elif in_fence:
            found.append(Mention("fence", number, 0, line))
            masked.append("")
        else:
            if HEADING.match(line):
                found.append(Mention("heading", number, 0, line))
            masked.append(line)
    text = "\n".join(masked)
    starts = [0]
    for line in masked:
        starts.append(starts[-1] + len(line) + 1)

    def where(offset: int) -> tuple[int, int]:
        line = text.count("\n", 0, offset)
        return line + 1, offset - starts[line]

    for match in SPAN.finditer(text):
        line, column = where(match.start())
        found.append(Mention("span", line, column, match[1].replace("\n", " ")))
    prose = SPAN.sub(lambda m: " " * len(m[0]), text)
    for match in PROSE_COMMAND.finditer(prose):
        line, column = where(match.start())
        found.append(Mention("prose", line, column, match[0]))
    return sorted(found, key=lambda m: (m.line, m.column))


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote in an example: words are enough here
        return text.split()


def resolve(tokens: list[str], root: Command) -> tuple[Command, list[str], list[str]]:
    """The command the tokens name, the rest of the tokens, and problems with the names."""
    node, index = root, 0
    while node.subcommands and index < len(tokens):
        word = tokens[index]
        if not NAME.fullmatch(word):  # an option, or a placeholder such as COMMAND
            break
        if word not in node.subcommands:
            known = ", ".join(sorted(node.subcommands))
            return node, [], [f"`{node.name} {word}` is not a command (known: {known})"]
        node, index = node.subcommands[word], index + 1
    return node, tokens[index:], []


def _unknown_options(tokens: list[str], command: Command) -> list[str]:
    problems = []
    for token in tokens:
        match = OPTION.match(token)
        if match and match[1] not in command.options:
            known = ", ".join(sorted(command.options))
            problems.append(f"`{match[1]}` is not an option of `{command.name}` (known: {known})")
    return problems


def _standalone_options(text: str, context: Command | None, root: Command) -> list[str]:
    options = [m[1] for t in _tokens(text) if (m := OPTION.match(t)) and t.startswith("--")]
    if context is not None:
        return _unknown_options(options, context)
    everywhere = {o for c in _all_commands(root) for o in c.options}
    return [f"`{o}` is not an option of any glokal command" for o in options if o not in everywhere]


def check(markdown: str, root: Command) -> tuple[list[str], set[tuple[str, ...]]]:
    """Problems in a Markdown text (as "line N: …") and the command paths it mentions."""
    problems: list[str] = []
    commands: set[tuple[str, ...]] = set()
    context: Command | None = None
    for mention in mentions(markdown):
        found: list[str] = []
        if mention.kind == "heading":
            context = None
        elif mention.kind == "prose":
            found.append(f"`{mention.text}…` in prose: write commands as code so they are checked")
        elif (invocation := INVOCATION.search(mention.text)) is not None:
            command, rest, found = resolve(_tokens(invocation["rest"]), root)
            if not found:
                commands.add(command.path)
                found = _unknown_options(rest, command)
                context = command
                comment = mention.text[invocation.end() :].partition("#")[2]
                if mention.kind == "fence" and comment:
                    found += _standalone_options(comment, command, root)
        elif mention.kind == "span" and mention.text.startswith("--"):
            found = _standalone_options(mention.text, context, root)
        problems += [f"line {mention.line}: {p}" for p in found]
    return problems, commands


# -- the documents --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def root() -> Command:
    return cli_tree()


@pytest.mark.parametrize("name", DOCUMENTED)
def test_every_command_and_option_in_the_docs_exists(name: str, root: Command) -> None:
    path = REPO / name
    assert path.is_file(), f"{name} is listed in DOCUMENTED but missing"
    problems, commands = check(path.read_text(encoding="utf-8"), root)
    assert not problems, f"{name}:\n" + "\n".join(problems)
    assert commands, f"{name} mentions no glokal command: is the parser still reading it?"


def test_documented_commands_answer_help(root: Command) -> None:
    """Each command the docs name runs `--help` through Typer, the way a reader would."""
    paths: set[tuple[str, ...]] = set()
    for name in DOCUMENTED:
        paths |= check((REPO / name).read_text(encoding="utf-8"), root)[1]
    runner = CliRunner()
    for path in sorted(paths):
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, f"glokal {' '.join(path)} --help: {result.output}"
        assert " ".join(("glokal", *path)) in " ".join(result.output.split())


def test_the_readme_documents_the_kolada_commands(root: Command) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = check(readme, root)[1]
    for path in [("sync", "kolada"), ("kpis",), ("values",), ("polarity", "set")]:
        assert path in commands, f"README.md does not mention `glokal {' '.join(path)}`"
    sync = root.subcommands["sync"].subcommands["kolada"]
    spans = {m.text.split()[0] for m in mentions(readme) if m.kind == "span" and m.text[:2] == "--"}
    missing = sorted(sync.options - {"--help"} - spans)
    assert not missing, f"README.md does not explain these options of glokal sync kolada: {missing}"
    assert f"`{','.join(CSV_COLUMNS)}`" in readme, "README.md must give the CSV columns exactly"


def test_every_setting_is_in_the_readme_settings_table() -> None:
    prefix = str(Settings.model_config.get("env_prefix", "")).upper()
    settings = {prefix + name.upper() for name in Settings.model_fields}
    assert len(settings) >= 4 and all(s.startswith("GLOKAL_") for s in settings)
    rows = iter((REPO / "README.md").read_text(encoding="utf-8").splitlines())
    for line in rows:
        if re.match(r"^\|\s*Setting\s*\|", line):
            break
    else:
        pytest.fail("README.md has no table with a 'Setting' column")
    documented = set()
    for line in rows:
        if not line.startswith("|"):
            break
        documented.update(re.findall(r"`(GLOKAL_[A-Z0-9_]+)`", line.split("|")[1]))
    assert sorted(settings - documented) == [], "settings missing from the README table"
    assert sorted(documented - settings) == [], "README table lists settings that do not exist"


# -- the checker itself: it must catch what it is for ----------------------------------------


@pytest.mark.parametrize(
    ("markdown", "problem"),
    [
        ("Run `glokal sync kolda`.", "`glokal sync kolda` is not a command"),
        ("```sh\n.venv/bin/glokal nonsense --x\n```", "`glokal nonsense` is not a command"),
        ("`glokal sync kolada --kpi-groups G1`", "`--kpi-groups` is not an option"),
        ("```\nglokal goals # --fromat\n```", "`--fromat` is not an option of `glokal goals`"),
        ("See `glokal values`:\n| `--rate` |", "`--rate` is not an option of `glokal values`"),
        ("Use `--no-such-option`.", "`--no-such-option` is not an option of any glokal command"),
        ("Then run glokal init.", "in prose"),
    ],
)  # fmt: skip
def test_the_checker_finds_mistakes(markdown: str, problem: str, root: Command) -> None:
    problems, _ = check(markdown, root)
    assert any(problem in p for p in problems), problems


def test_the_checker_accepts_real_usage(root: Command) -> None:
    markdown = (
        "# Title\n\nOptions of `glokal sync kolada`:\n\n| `--kpi N00401,…` | x |\n\n"
        "## Next\n\nUse `--lang en`; `src/glokal/places/data/` and Glokal in prose are fine.\n\n"
        "```sh\nGLOKAL_DATABASE_URL=sqlite:////tmp/x.db .venv/bin/glokal init\n"
        '.venv/bin/glokal polarity set N00401 lower --note "less is better" | cat\n'
        ".venv/bin/glokal goals -f json   # --lang en for English\npip install --upgrade pip\n```\n"
    )
    problems, commands = check(markdown, root)
    assert problems == []
    assert commands == {("sync", "kolada"), ("init",), ("polarity", "set"), ("goals",)}
