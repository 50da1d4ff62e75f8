"""Interface language: gettext catalogs (Babel) for Swedish, the default, and English.

Message ids are English; ``locales/sv/LC_MESSAGES/glokal.po`` holds the Swedish. The catalog is
compiled in memory when first used, so the repository keeps only the reviewable .po file.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
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


__all__ = ["LANGUAGES", "N_", "translations", "translator"]
