"""The layers' messages in the page's language.

The register, the store and the framework say what is wrong in English, as the CLI prints it
("'nope' is not a kind of activity; use one of: …", "there is no unit '9999'"). A web page in
Swedish shows them in Swedish: each message the editor's forms and the error page can show is
matched here by its shape and said again through the catalogue, with the parts that vary
(the text entered, the allowed choices) as they were. Hints meant for the CLI ("`glokal places`
lists them") are left out on the web. A message of no known shape is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from glokal.i18n import N_

Gettext = Callable[[str], str]

# The register's names of its choices (register/fields.py), as a sentence uses them.
CHOICES = {
    "kind of activity": N_("kind of activity"),
    "funding source": N_("funding source"),
    "partner type": N_("partner type"),
    "ICLD phase": N_("ICLD phase"),
    "ICLD variant": N_("ICLD variant"),
    "report kind": N_("report kind"),
    # The filters of /mal/{n} (publish/pages.py).
    "unit type": N_("unit type"),
    "municipality group": N_("municipality group"),
    "county": N_("county"),
    "status": N_("status"),
    "sort order": N_("sort order"),
}
_QUOTED = r"(?P<text>'.*'|\".*\")"

# (the English message's shape, the message id to show); the first shape that fits is used.
MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(shape), message)
    for shape, message in (
        # Fields of the activity and local goal forms (register/activities.py, fields.py).
        (r"must not be empty", N_("must not be empty")),
        (
            _QUOTED
            + r" is not a (?P<what>"
            + "|".join(CHOICES)
            + r"); use one of: (?P<allowed>.+)",
            N_("{text} is not a {what}; use one of: {allowed}"),
        ),
        (_QUOTED + r" is not a date like 2025-01-31", N_("{text} is not a date like 2025-01-31")),
        (_QUOTED + r" is not a year like 2024", N_("{text} is not a year like 2024")),
        (
            _QUOTED + r" is not an amount in SEK like 250000",
            N_("{text} is not an amount in SEK like 250000"),
        ),
        (
            _QUOTED + r": an amount must be zero or more",
            N_("{text}: an amount must be zero or more"),
        ),
        (_QUOTED + r" is not yes or no \(ja/nej\)", N_("{text} is not yes or no")),
        (
            r"ends \((?P<end>[^)]*)\) before it starts \((?P<start>[^)]*)\)",
            N_("ends ({end}) before it starts ({start})"),
        ),
        (
            r"there is no programme " + _QUOTED + r" \(stored: none yet\)",
            N_("there is no programme {text}; none is stored yet"),
        ),
        (
            r"there is no programme " + _QUOTED + r" \(stored: (?P<known>.+)\)",
            N_("there is no programme {text} (stored: {known})"),
        ),
        (
            _QUOTED + r" is not a goal number; goals are numbered 1–(?P<count>\d+)",
            N_("{text} is not a goal number; goals are numbered 1–{count}"),
        ),
        (
            r"there is no goal (?P<number>\d+); goals are numbered 1–(?P<count>\d+)",
            N_("there is no goal {number}; goals are numbered 1–{count}"),
        ),
        (_QUOTED + r" is not one goal number", N_("{text} is not one goal number")),
        (
            _QUOTED + r" is not a target id like '1\.1' or '1\.a'",
            N_("{text} is not a target id like '1.1' or '1.a'"),
        ),
        (r"there is no target " + _QUOTED + r"; .*", N_("there is no target {text}")),
        (
            _QUOTED + r": the score after ':' must be a number",
            N_("{text}: the score after ':' must be a number"),
        ),
        (
            r"(?P<given>\d+) entries for (?P<partners>\d+) partners; give one per partner, in the "
            r"same order, separated by ';'",
            N_(
                "{given} entries for {partners} partners; give one per partner, in the same "
                "order, separated by ';'"
            ),
        ),
        (
            _QUOTED + r" is not a country: give an ISO 3166-1 alpha-2 code such as KE, or the "
            r"country's name in Swedish or English",
            N_(
                "{text} is not a country: give a two-letter code such as KE, or the country's "
                "name in Swedish or English"
            ),
        ),
        (
            r"give either funding or funding_source with budget_sek, not both",
            N_("give either the funding per year or a funding source with a budget, not both"),
        ),
        (r"a budget_sek needs its funding_source", N_("a budget needs its funding source")),
        (
            _QUOTED + r" is not YEAR:SOURCE:AMOUNT like 2024:icld:250000",
            N_("{text} is not YEAR:SOURCE:AMOUNT like 2024:icld:250000"),
        ),
        (
            _QUOTED + r" is not YEAR:KIND:DUE\[:SUBMITTED\] like 1:partial:2026-01-31",
            N_("{text} is not YEAR:KIND:DUE[:SUBMITTED] like 1:partial:2026-01-31"),
        ),
        (
            _QUOTED + r" is not a code: 1–32 characters, no ';'",
            N_("{text} is not a code: 1–32 characters, no ';'"),
        ),
        (
            _QUOTED + r" is not a code: no line breaks, tabs or control characters",
            N_("{text} is not a code: no line breaks, tabs or control characters"),
        ),
        # What is not there (the error page).
        (r"there is no unit " + _QUOTED + r"(; .*)?", N_("there is no unit {text}")),
        (
            _QUOTED + r" is not a unit id: four digits such as .*",
            N_("{text} is not a unit id: four digits such as '0180' (Stockholm)"),
        ),
        (r"there is no page " + _QUOTED, N_("there is no page {text}")),
        (r"there is no activity (?P<text>.+)", N_("there is no activity {text}")),
        (
            r"activity (?P<text>\S+) is not one of (?P<unit>\S+)'s",
            N_("activity {text} is not one of {unit}'s"),
        ),
        (r"there is no comment (?P<text>.+)", N_("there is no comment {text}")),
        (r"Not Found", N_("There is no page at this address.")),
        (r"Method Not Allowed", N_("This address does not take that kind of request.")),
        (
            r"String should have at most (?P<count>\d+) characters?",
            N_("at most {count} characters"),
        ),
    )
)


def translated(message: str, gettext: Gettext) -> str:
    """``message`` in the language of ``gettext``; as it is when its shape is not known."""
    for shape, wanted in MESSAGES:
        found = shape.fullmatch(message)
        if found is not None:
            parts = found.groupdict()
            if "what" in parts:
                parts["what"] = gettext(CHOICES[parts["what"]])
            return gettext(wanted).format(**parts)
    return message


__all__ = ["MESSAGES", "translated"]
