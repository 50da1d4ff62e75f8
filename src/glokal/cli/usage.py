"""Click's own usage errors in the interface language.

Typer's copy of Click says them in English only (it has no gettext): the common shapes (a missing
argument or option value, no such command or option, an invalid value or choice) are told by
the exception's class and values and said through our catalogue; any other shape, or a Typer
that changes them, is shown as Click says it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from glokal.i18n import LANGUAGES, N_, Gettext

_CHOICE = re.compile(r"(?s)(?:Value error, )?(.+) is not one of (.+)\.")
_NO_SUCH_COMMAND = re.compile(r"No such command (.+?)\.(?: Did you mean (.+)\?)?")
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument\(s\) \((.*)\)")


def usage_message(exc: Exception, gettext: Gettext) -> str | None:
    """A Click usage error in the language of ``gettext``, or None for one of another shape."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", ""))
    if kind == "MissingParameter":
        return _missing(exc, message, gettext)
    if kind == "NoSuchOption":
        name = str(getattr(exc, "option_name", ""))
        if not message.startswith("No such option: "):
            return None
        text = gettext(N_("No such option: {name}")).format(name=message[16:] or name)
        if possibilities := getattr(exc, "possibilities", None):
            options = ", ".join(sorted(possibilities))
            text += " " + gettext(N_("(Possible options: {options})")).format(options=options)
        return text
    if kind == "BadOptionUsage":
        name = str(getattr(exc, "option_name", ""))
        if message == f"Option {name!r} requires an argument.":
            return gettext(N_("Option {name!r} requires an argument.")).format(name=name)
        return None
    if kind == "BadParameter":
        choice = _CHOICE.fullmatch(message)
        if choice is not None:
            value, choices = choice.groups()
            message = gettext(N_("{value} is not one of {choices}.")).format(
                value=value, choices=choices
            )
        hint = _param_hint(exc)
        if hint is None:
            return gettext(N_("Invalid value: {message}")).format(message=message)
        return gettext(N_("Invalid value for {hint}: {message}")).format(hint=hint, message=message)
    if kind == "UsageError":
        if (command := _NO_SUCH_COMMAND.fullmatch(message)) is not None:
            name, suggestions = command.groups()
            text = gettext(N_("No such command {name}.")).format(name=name)
            if suggestions:
                text += " " + gettext(N_("Did you mean {suggestions}?")).format(
                    suggestions=suggestions
                )
            return text
        if (extra := _EXTRA_ARGUMENTS.fullmatch(message)) is not None:
            return gettext(N_("Got unexpected extra argument(s) ({arguments})")).format(
                arguments=extra.group(1)
            )
    return None


def _param_hint(exc: Exception) -> str | None:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


def _missing(exc: Exception, message: str, gettext: Gettext) -> str | None:
    if message:  # a message of the command's own
        return None
    param = getattr(exc, "param", None)
    kind = getattr(exc, "param_type", None) or getattr(param, "param_type_name", None)
    said = {"option": N_("Missing option {name}."), "argument": N_("Missing argument {name}.")}
    hint = _param_hint(exc)
    if kind not in said or hint is None:
        return None
    text = gettext(said[kind]).format(name=hint)
    extra = param.get_missing_message(ctx=getattr(exc, "ctx", None)) if param is not None else ""
    if extra:
        text += " " + str(extra).replace("Choose from:", gettext(N_("Choose from:")), 1)
    return text


def language_in(args: Sequence[str]) -> str | None:
    """The --lang of the command line, for a usage error met before --lang was parsed."""
    for i, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value is not None and value.strip().lower() in LANGUAGES:
            return value.strip().lower()
    return None
