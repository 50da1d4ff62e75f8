"""Interface language: gettext catalogs (Babel) for Swedish, the default, and English.

Message ids are English; ``locales/sv/LC_MESSAGES/glokal.po`` holds the Swedish. The catalog is
compiled in memory when first used, so the repository keeps only the reviewable .po file.

A ``Message`` is a message id with the values of its ``{placeholders}``, said in a language only
when shown: the layers build them (errors carry one), the CLI and the web say them.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("sv", "en")
DOMAIN = "glokal"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations for ``lang``; English (the message ids themselves) needs none."""
    if lang == "en":
        return gettext.NullTranslations()
    po = files("glokal").joinpath("locales", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it; translate it when shown."""
    return message


def translator(lang: str) -> Callable[[str], str]:
    """A ``_`` function for ``lang``."""
    return translations(lang).gettext


Gettext = Callable[[str], str]


def english(message: str) -> str:
    """The ``gettext`` of English: message ids are English already."""
    return message


class Message:
    """A message id (English, marked with ``N_``) and the values of its ``{placeholders}``.

    A value that is itself a ``Message`` (the name of a choice, "a kind of activity") is said in
    the same language; a list or tuple is said item by item, joined by ", ". Other values are
    formatted as they are, so an id may use ``{text!r}`` or ``{count:,}``. An id without values
    is not formatted at all (a text given as it is may hold braces).

        >>> m = Message(N_("there is no unit {unit!r}"), unit="9999")
        >>> str(m), m.in_language("sv")
        ("there is no unit '9999'", "det finns ingen enhet '9999'")
    """

    __slots__ = ("id", "params")

    def __init__(self, id: str, /, **params: object) -> None:
        self.id = id
        self.params: Mapping[str, object] = params

    def said(self, gettext: Gettext) -> str:
        """The message in the language of ``gettext``."""
        text = gettext(self.id) if self.id else ""
        if not self.params:
            return text
        return text.format(**{name: said(value, gettext) for name, value in self.params.items()})

    def in_language(self, lang: str) -> str:
        return self.said(translator(lang))

    def __str__(self) -> str:
        return self.said(english)

    def __repr__(self) -> str:
        params = "".join(f", {name}={value!r}" for name, value in self.params.items())
        return f"Message({self.id!r}{params})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return self.id == other.id and dict(self.params) == dict(other.params)

    def __hash__(self) -> int:
        return hash(self.id)


class Joined:
    """Values said one after another with ``separator`` between them ("; ", a new line)."""

    __slots__ = ("items", "separator")

    def __init__(self, items: Sequence[object], separator: str) -> None:
        self.items = tuple(items)
        self.separator = separator

    def __repr__(self) -> str:
        return f"Joined({self.items!r}, {self.separator!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Joined):
            return NotImplemented
        return (self.items, self.separator) == (other.items, other.separator)

    def __hash__(self) -> int:
        return hash((self.items, self.separator))


def said(value: object, gettext: Gettext) -> object:
    """A message's value as a sentence uses it: messages said, lists joined, the rest as is."""
    if isinstance(value, Message):
        return value.said(gettext)
    if isinstance(value, Joined):
        return value.separator.join(str(said(item, gettext)) for item in value.items)
    if isinstance(value, list | tuple):
        return ", ".join(str(said(item, gettext)) for item in value)
    return value


__all__ = [
    "LANGUAGES",
    "N_",
    "Gettext",
    "Joined",
    "Message",
    "english",
    "said",
    "translations",
    "translator",
]
