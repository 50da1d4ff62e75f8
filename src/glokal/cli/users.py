"""Commands for the people who use the editor and the API: user add, user list, token add."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from glokal.cli.base import (
    LangOption,
    app,
    current_settings,
    interface_language,
    language_of,
    reading,
    ready_store,
    stdout,
)
from glokal.errors import GlokalError, InputError
from glokal.i18n import N_, translator
from glokal.places import parse_place_id
from glokal.store.audit import record_change
from glokal.store.users import add_api_token, add_user, check_password, get_user, list_users

user_app = typer.Typer(help="People who log in to the editor.", no_args_is_help=True)
app.add_typer(user_app, name="user")
token_app = typer.Typer(help="Bearer tokens for the JSON API's writes.", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice (never echoed).

    Typing needs a terminal; without one (a script, ``</dev/null``) getpass would warn that the
    password may be echoed and then read nothing, so the user is told how to give it instead.
    """
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        raise InputError(
            N_(
                "a password is needed: type it in a terminal, or pass --password-stdin and give "
                "it on standard input"
            )
        )
    else:
        try:
            gettext = translator(interface_language())
            password = getpass.getpass(gettext(N_("Password: ")))
            again = getpass.getpass(gettext(N_("Repeat the password: ")))
        except EOFError:
            raise InputError(N_("no password given"), where="password") from None
        if password != again:
            raise InputError(N_("the two passwords differ"), where="password")
    check_password(password, where="password")
    return password


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The e-mail address the user logs in with.")],
    role: Annotated[
        str,
        typer.Option(
            help="admin (everything), editor (its units) or reviewer (moderates comments)."
        ),
    ],
    unit: Annotated[
        list[str] | None,
        typer.Option("--unit", help="A unit an editor may change (repeat for more), e.g. 0180."),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Create a user; the password is asked for (not echoed) or read from standard input."""
    units = [parse_place_id(u, where="--unit") for u in unit or []]
    password = _password(password_stdin)
    now = datetime.now(UTC)
    with ready_store(current_settings()) as store, store.session() as session, session.begin():
        user = add_user(session, email, password, role, units, now=now)
        record_change(
            session, actor=_who(), action="create", entity="user", entity_id=user.email,
            unit=None, before=None, after={"email": user.email, "role": user.role,
                                           "units": list(user.units)}, at=now,
        )  # fmt: skip
    scope = f" ({', '.join(user.units)})" if user.units else ""
    stdout.print(f"{user.email}: {user.role}{scope}", markup=False)


@user_app.command("list")
def user_list(lang: LangOption = None) -> None:
    """The users, their roles and units."""
    settings = current_settings()
    gettext = translator(language_of(settings, lang))
    with reading(settings) as session:
        users = list_users(session)
    for user in users:
        scope = f" ({', '.join(user.units)})" if user.units else ""
        state = "" if user.active else f" [{gettext(N_('inactive'))}]"
        stdout.print(f"{user.email}: {user.role}{scope}{state}", markup=False)


@token_app.command("add")
def token_add(
    email: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'import script'.")],
    lang: LangOption = None,
) -> None:
    """Make an API bearer token for a user and print it once (only its hash is stored)."""
    now = datetime.now(UTC)
    with ready_store(current_settings()) as store, store.session() as session, session.begin():
        try:
            user = get_user(session, email)
        except GlokalError as exc:
            raise InputError(exc.msg, where="EMAIL") from None
        token = add_api_token(session, user.email, name, now=now)
        record_change(
            session, actor=_who(), action="create", entity="api_token", entity_id=user.email,
            unit=None, before=None, after={"user": user.email, "name": name.strip()}, at=now,
        )  # fmt: skip
    sys.stdout.write(token + "\n")
    said = N_(
        "A token for {user} ({name}); it is shown only now. Send it as "
        "'Authorization: Bearer <token>'."
    )
    gettext = translator(language_of(current_settings(), lang))
    print(gettext(said).format(user=user.email, name=name.strip()), file=sys.stderr)
