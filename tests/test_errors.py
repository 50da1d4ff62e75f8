"""glokal/errors.py: errors carry a message id and its values, said in a language at the edge."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from glokal.errors import GlokalError, InputError, NotFound
from glokal.framework import parse_goal_number
from glokal.i18n import N_, Joined, Message, translations
from glokal.register import parse_kind

SRC = Path(__file__).resolve().parents[1] / "src" / "glokal"
PLACEHOLDER = re.compile(r"\{(\w+)")
ERRORS = {
    "GlokalError", "ConfigError", "InputError", "NotFound", "NotAuthenticated",
    "PermissionDenied", "StoreError", "DatabaseUnavailable", "SchemaNotReady",
}  # fmt: skip
# Packages whose raise sites all give message ids (kolada/ is another engineer's; cli/ still
# raises some English f-strings).
CONVERTED = (
    "framework",
    "places",
    "kolada",
    "analysis",
    "mapping",
    "store",
    "register/tables.py",
    "register/fields.py",
    "register/activities.py",
    "register/agenda.py",
    "register/programmes.py",
    "register/countries.py",
    "register/opensdg.py",
    "publish",
    "web",
    "settings.py",
)


def test_str_is_english_and_a_language_is_asked_for() -> None:
    error = NotFound(N_("there is no unit {unit!r}"), unit="9999", where="--unit",
                     hint=N_("`glokal places` lists them"))  # fmt: skip
    assert str(error) == "--unit: there is no unit '9999'; `glokal places` lists them"
    assert error.message == "there is no unit '9999'; `glokal places` lists them"
    assert (
        error.in_language("sv")
        == "--unit: det finns ingen enhet '9999'; `glokal places` listar dem"
    )
    assert error.in_language("en", hint=False) == "--unit: there is no unit '9999'"
    assert (
        error.message_in(translations("sv").gettext, hint=False) == "det finns ingen enhet '9999'"
    )


def test_a_choice_named_in_a_message_is_said_in_its_language() -> None:
    with pytest.raises(InputError) as caught:
        parse_kind("nope")
    assert str(caught.value).startswith("'nope' is not a kind of activity; use one of: project")
    assert caught.value.in_language("sv").startswith(
        "'nope' är inte en sorts aktivitet; välj en av: project"
    )


def test_raised_again_elsewhere_the_message_id_is_kept() -> None:
    with pytest.raises(InputError) as caught:
        parse_goal_number("abc", where="--goal")
    again = NotFound(caught.value.msg, where="goal")
    assert again.in_language("sv") == "goal: 'abc' är inte ett målnummer; målen är numrerade 1–17"


def test_a_text_without_values_is_not_formatted() -> None:
    error = GlokalError("a {brace} as the text gave it")
    assert str(error) == "a {brace} as the text gave it" == error.in_language("sv")


def test_lists_and_joined_values() -> None:
    message = Message(N_("{problems}"), problems=Joined([Message(N_("must not be empty")),
                                                        "x"], "; "))  # fmt: skip
    assert message.in_language("sv") == "får inte vara tomt; x"
    assert str(Message(N_("no target {target}"), target=["1.1", "1.2"])) == "no target 1.1, 1.2"


def _messages() -> set[str]:
    keywords = {"_": None, "N_": None, "gettext": None}
    return {
        message
        for _f, _l, message, _c, _x in extract_from_dir(
            str(SRC), [("**.py", "python")], keywords=keywords
        )
        if isinstance(message, str)
    }


def test_every_message_id_has_a_swedish_translation_with_the_same_placeholders() -> None:
    swedish = translations("sv")
    wrong = []
    for message in _messages():
        said = swedish.gettext(message)
        if set(PLACEHOLDER.findall(said)) != set(PLACEHOLDER.findall(message)):
            wrong.append((message, said))
    assert wrong == []


def _error_messages_as_fstrings(path: Path) -> list[str]:
    """Errors raised in ``path`` whose message is an f-string or a concatenation (not an id)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ERRORS
            and node.args
            and isinstance(node.args[0], ast.JoinedStr | ast.BinOp)
        ):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_errors_are_raised_with_message_ids() -> None:
    paths = [p for name in CONVERTED for p in ([SRC / name] if name.endswith(".py")
             else sorted((SRC / name).rglob("*.py")))]  # fmt: skip
    assert [site for path in paths for site in _error_messages_as_fstrings(path)] == []


def test_every_message_id_raised_is_in_the_catalogue() -> None:
    """Each N_ id given to an error in the converted packages has its Swedish."""
    swedish = translations("sv")
    same = {"{where}: {problem}", "{field}: {problem}", "{problems}"}
    missing = sorted(
        m for m in _messages() if swedish.gettext(m) == m and "{" in m and m not in same
    )
    assert missing == []
