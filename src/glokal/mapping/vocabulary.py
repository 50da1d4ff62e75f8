"""Glokal's SDG vocabulary: Swedish and English terms per goal and target (package data).

The vocabulary is written by the project in ``data/vocabulary.txt``; its header explains the
format. Here it is parsed into terms and indexed for matching: a term is a sequence of word
patterns, each an exact word, a prefix (``poverty*``), a suffix (``*fattigdom``, for Swedish
compounds) or an infix (``*jämställdhet*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib.resources import files

from glokal.errors import InputError
from glokal.framework import GOAL_COUNT, load_framework, parse_goal_number, parse_target_id
from glokal.i18n import N_

LANGUAGES = ("sv", "en")
# Letters and digits; everything else separates words (see the vocabulary's header).
WORD = re.compile(r"[^\W_]+")
_LINE = re.compile(r"^(?P<lang>[a-z]{2})\s+(?P<weight>[0-9]+(?:\.[0-9]+)?)\s*:\s*(?P<terms>.*)$")


class Kind(Enum):
    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    INFIX = "infix"


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One word of a term: a literal and how it may sit inside a word of the text."""

    literal: str
    kind: Kind

    def matches(self, word: str) -> bool:
        if self.kind is Kind.EXACT:
            return word == self.literal
        if self.kind is Kind.PREFIX:
            return word.startswith(self.literal)
        if self.kind is Kind.SUFFIX:
            return word.endswith(self.literal)
        return self.literal in word


@dataclass(frozen=True, slots=True)
class Term:
    """A vocabulary entry: the words it matches, for which goal (and target), how strongly."""

    text: str
    lang: str
    weight: float
    goal: int
    target: str | None
    words: tuple[WordPattern, ...]


@dataclass(frozen=True)
class Vocabulary:
    """All terms, and an index from a word's literal to the terms whose first word it is."""

    terms: tuple[Term, ...]
    exact: dict[str, tuple[int, ...]]
    prefix: dict[str, tuple[int, ...]]
    suffix: dict[str, tuple[int, ...]]
    infix: dict[str, tuple[int, ...]]
    infix_lengths: tuple[int, ...]

    def first_word_matches(self, word: str) -> tuple[int, ...]:
        """Indexes of the terms whose first word pattern matches ``word``."""
        found: list[int] = []
        found.extend(self.exact.get(word, ()))
        for end in range(1, len(word) + 1):
            found.extend(self.prefix.get(word[:end], ()))
        for start in range(len(word)):
            found.extend(self.suffix.get(word[start:], ()))
        for length in self.infix_lengths:
            for start in range(len(word) - length + 1):
                found.extend(self.infix.get(word[start : start + length], ()))
        return tuple(sorted(set(found)))


def words_of(text: str) -> list[str]:
    """The words of a text as the vocabulary compares them: lower case, split on non-letters."""
    return WORD.findall(text.lower())


def _pattern(word: str) -> WordPattern:
    starts, ends = word.startswith("*"), word.endswith("*")
    literal = word.strip("*")
    if starts and ends:
        return WordPattern(literal, Kind.INFIX)
    if starts:
        return WordPattern(literal, Kind.SUFFIX)
    if ends:
        return WordPattern(literal, Kind.PREFIX)
    return WordPattern(literal, Kind.EXACT)


def _term_words(text: str, *, where: str) -> tuple[WordPattern, ...]:
    patterns: list[WordPattern] = []
    for raw in text.lower().split():
        # A word may hold separators ("low-income", "r&d"): each part is a word of the text.
        parts = WORD.findall(raw)
        if not parts:
            raise InputError(
                N_("the term {text!r} has no letters or digits"), text=text, where=where
            )
        for index, part in enumerate(parts):
            star_before = index == 0 and raw.startswith("*")
            star_after = index == len(parts) - 1 and raw.endswith("*")
            patterns.append(
                _pattern(("*" if star_before else "") + part + ("*" if star_after else ""))
            )
    return tuple(patterns)


def parse_vocabulary(text: str, *, name: str = "vocabulary.txt") -> tuple[Term, ...]:
    """Parse the vocabulary format; errors name the line."""
    terms: list[Term] = []
    goal: int | None = None
    target: str | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        where = f"{name}, line {number}"
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(" ")
        if head == "goal":
            goal, target = parse_goal_number(rest, where=where), None
            continue
        if head == "target":
            target = parse_target_id(rest, where=where)
            goal = int(target.split(".")[0])
            continue
        match = _LINE.match(line)
        if match is None or goal is None:
            raise InputError(
                N_("expected 'goal N', 'target N.x' or 'LANG WEIGHT: terms'"), where=where
            )
        lang = match["lang"]
        if lang not in LANGUAGES:
            raise InputError(N_("unknown language {lang!r}; use sv or en"), lang=lang, where=where)
        for entry in match["terms"].split(","):
            term = entry.strip()
            if term:
                terms.append(
                    Term(
                        term,
                        lang,
                        float(match["weight"]),
                        goal,
                        target,
                        _term_words(term, where=where),
                    )
                )
    return tuple(terms)


def index_vocabulary(terms: tuple[Term, ...]) -> Vocabulary:
    tables: dict[Kind, dict[str, list[int]]] = {kind: {} for kind in Kind}
    for number, term in enumerate(terms):
        first = term.words[0]
        tables[first.kind].setdefault(first.literal, []).append(number)

    def frozen(kind: Kind) -> dict[str, tuple[int, ...]]:
        return {literal: tuple(ids) for literal, ids in tables[kind].items()}

    infix = frozen(Kind.INFIX)
    return Vocabulary(
        terms=terms,
        exact=frozen(Kind.EXACT),
        prefix=frozen(Kind.PREFIX),
        suffix=frozen(Kind.SUFFIX),
        infix=infix,
        infix_lengths=tuple(sorted({len(literal) for literal in infix})),
    )


@cache
def bundled_vocabulary() -> Vocabulary:
    """The vocabulary that ships with Glokal (read once per process)."""
    text = files("glokal.mapping").joinpath("data", "vocabulary.txt").read_text(encoding="utf-8")
    terms = parse_vocabulary(text)
    known_targets = {t.id for t in load_framework().targets}
    for term in terms:
        if term.target is not None and term.target not in known_targets:
            raise InputError(N_("no target {target}"), target=term.target, where="vocabulary.txt")
    assert {t.goal for t in terms} == set(range(1, GOAL_COUNT + 1))
    return index_vocabulary(terms)
