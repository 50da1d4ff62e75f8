"""Which goals and targets a text serves: Glokal's vocabulary classifier.

The method (docs/classifier.md has a worked example):

1. The text's language is guessed from its most common short words (sv, en, or both).
2. Every vocabulary term of that language is matched against the text's words. Where several
   terms of one goal start at the same word ("climate change" and "climate"), the goal counts
   the strongest one only (on equal weight, the more specific one).
3. A goal's evidence is the sum over its distinct terms of ``weight × (1 + ln count)``, so a
   repeated word counts less each time. It is divided by ``sqrt(max(1, words / 100))``: a long
   document needs more evidence than a short passage.
4. A goal is chosen when its evidence reaches the threshold and is at least ``ratio`` times the
   best goal's evidence (data/calibration.json). Its score, ``1 − 2^(−evidence / threshold)``,
   is 0.5 at the threshold and approaches 1 with more evidence.
5. Targets of chosen goals are scored the same way from their own terms only.

Pure: text in, results out; it reads only its own package data.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from glokal.framework import target_sort_key
from glokal.mapping.vocabulary import LANGUAGES, Term, Vocabulary, bundled_vocabulary

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*[-•*])")
_TOKEN = re.compile(r"[^\W_]+")
_FUNCTION_WORDS = {
    "sv": frozenset(
        [
            "och",
            "att",
            "det",
            "som",
            "en",
            "på",
            "är",
            "för",
            "med",
            "av",
            "till",
            "den",
            "har",
            "de",
            "inte",
            "om",
            "ett",
            "vi",
            "kan",
            "ska",
            "eller",
            "från",
            "genom",
            "också",
            "alla",
            "samt",
            "under",
            "hur",
            "även",
            "där",
            "efter",
            "vid",
            "mot",
            "detta",
            "mer",
            "kommunen",
            "vara",
            "blir",
            "inom",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "for",
            "that",
            "with",
            "on",
            "are",
            "by",
            "as",
            "be",
            "this",
            "from",
            "or",
            "an",
            "it",
            "at",
            "which",
            "have",
            "has",
            "was",
            "were",
            "their",
            "its",
            "not",
            "can",
            "will",
            "also",
            "been",
            "more",
            "such",
            "these",
        ]
    ),
}
EVIDENCE_PASSAGES = 2  # per chosen goal
PASSAGE_CHARS = 240
MAX_TERMS_SHOWN = 8  # per chosen goal
MAX_WORD = 60  # characters; longer "words" match nothing


@dataclass(frozen=True, slots=True)
class Calibration:
    """The decision parameters (data/calibration.json, chosen by bench/classify.py).

    ``threshold`` and ``target_threshold`` are in evidence units (step 3); a score is
    ``1 − 2^(−evidence / threshold)``, so a score of 0.5 is exactly the decision threshold.
    """

    threshold: float
    ratio: float
    target_threshold: float
    calibrated_on: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "ratio": self.ratio,
            "target_threshold": self.target_threshold,
            "calibrated_on": self.calibrated_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        calibration = cls(
            threshold=float(data["threshold"]),
            ratio=float(data["ratio"]),
            target_threshold=float(data["target_threshold"]),
            calibrated_on=str(data.get("calibrated_on", "")),
        )
        if calibration.threshold <= 0 or calibration.target_threshold <= 0:
            raise ValueError("calibration thresholds must be positive")
        if not 0 <= calibration.ratio <= 1:
            raise ValueError("calibration ratio must be between 0 and 1")
        return calibration


def _score(evidence: float, threshold: float) -> float:
    return 1.0 - math.pow(2.0, -evidence / threshold)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a goal (or target) was chosen: one vocabulary term, as it occurs in the text."""

    goal: int
    target: str | None
    term: str  # as written in the vocabulary, e.g. "förnybar*"
    found: str  # as it first occurs in the text, e.g. "förnybara"
    count: int
    weight: float
    passage: str  # the sentence of its first occurrence, shortened

    def to_dict(self) -> dict[str, Any]:
        return {
            "goal": self.goal,
            "target": self.target,
            "term": self.term,
            "found": self.found,
            "count": self.count,
            "weight": self.weight,
            "passage": self.passage,
        }


@dataclass(frozen=True, slots=True)
class Classification:
    """The goals (and targets) a text serves, best first, with the evidence for each.

    ``goals`` and ``targets`` hold only what passed the decision threshold; ``ranking`` holds
    every goal with any evidence, best first, for callers that want suggestions anyway.
    """

    goals: tuple[tuple[int, float], ...]
    targets: tuple[tuple[str, float], ...]
    evidence: tuple[Evidence, ...]
    ranking: tuple[tuple[int, float], ...]
    language: str
    words: int

    @property
    def top_goal(self) -> int | None:
        return self.ranking[0][0] if self.ranking else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "goals": [{"goal": g, "score": round(s, 4)} for g, s in self.goals],
            "targets": [{"target": t, "score": round(s, 4)} for t, s in self.targets],
            "evidence": [e.to_dict() for e in self.evidence],
            "language": self.language,
            "words": self.words,
        }


@dataclass
class _Hit:
    term: Term
    count: int = 0
    found: str = ""
    first_char: int = 0
    starts: set[int] = field(default_factory=set)


def _strength(term: Term) -> tuple[float, int, int]:
    """Which of several terms starting at one word a goal counts: the heaviest, and on equal
    weight the most specific (more words, longer literals), so "klimatavtryck*" counts as
    itself rather than as one more "klimat*"."""
    return (term.weight, len(term.words), sum(len(w.literal) for w in term.words))


def detect_language(words: Sequence[str]) -> str:
    """The language of a text's words: sv, en, or sv+en when neither clearly dominates."""
    counts = {lang: sum(1 for w in words if w in fw) for lang, fw in _FUNCTION_WORDS.items()}
    sv, en = counts["sv"], counts["en"]
    if sv >= 2 * en and sv > 0:
        return "sv"
    if en >= 2 * sv and en > 0:
        return "en"
    return "sv+en"


def _passage(text: str, at: int) -> str:
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, at):
        start = match.end()
    end_match = _SENTENCE_END.search(text, at)
    end = end_match.start() if end_match else len(text)
    passage = " ".join(text[start:end].split())
    if len(passage) > PASSAGE_CHARS:
        offset = max(0, min(at - start - PASSAGE_CHARS // 3, len(passage) - PASSAGE_CHARS))
        passage = ("…" if offset else "") + passage[offset : offset + PASSAGE_CHARS].strip() + "…"
    return passage


class Classifier:
    """The vocabulary classifier with its calibration; cheap to call, safe to share."""

    def __init__(self, vocabulary: Vocabulary, calibration: Calibration) -> None:
        self.vocabulary = vocabulary
        self.calibration = calibration
        self._first_word_cache: dict[str, tuple[int, ...]] = {}

    def _first(self, word: str) -> tuple[int, ...]:
        found = self._first_word_cache.get(word)
        if found is None:
            # No term is that long; matching a long run of letters (a base64 blob in a web
            # page) would cost its length squared.
            found = () if len(word) > MAX_WORD else self.vocabulary.first_word_matches(word)
            if len(self._first_word_cache) < 500_000:
                self._first_word_cache[word] = found
        return found

    def _hits(self, text: str, words: list[str], spans: list[int], langs: set[str]) -> list[_Hit]:
        terms = self.vocabulary.terms
        hits: dict[int, _Hit] = {}
        for position, word in enumerate(words):
            for number in self._first(word):
                term = terms[number]
                if term.lang not in langs:
                    continue
                length = len(term.words)
                if length > 1:
                    following = words[position + 1 : position + length]
                    if len(following) < length - 1 or not all(
                        p.matches(w) for p, w in zip(term.words[1:], following, strict=True)
                    ):
                        continue
                hit = hits.get(number)
                if hit is None:
                    end = spans[position + length - 1]
                    found = text[spans[position] : end + len(words[position + length - 1])]
                    hit = hits[number] = _Hit(term, found=found, first_char=spans[position])
                hit.count += 1
                hit.starts.add(position)
        return list(hits.values())

    def score_goals(self, hits: Iterable[_Hit], words: int) -> dict[int, float]:
        """Per goal, the evidence sum of step 3 (strongest, then most specific, term per
        starting word)."""
        strongest: dict[tuple[int, int], Term] = {}  # (goal, start word) → its strongest term
        for hit in hits:
            for start in hit.starts:
                key = (hit.term.goal, start)
                held = strongest.get(key)
                if held is None or _strength(hit.term) > _strength(held):
                    strongest[key] = hit.term
        counts: dict[tuple[int, str], tuple[float, int]] = {}
        for (goal, _start), term in strongest.items():
            weight, count = counts.get((goal, term.text), (term.weight, 0))
            counts[(goal, term.text)] = (weight, count + 1)
        length = math.sqrt(max(1.0, words / 100.0))
        raw: dict[int, float] = {}
        for (goal, _text), (weight, count) in counts.items():
            raw[goal] = raw.get(goal, 0.0) + weight * (1.0 + math.log(count))
        return {goal: value / length for goal, value in raw.items()}

    def _analyse(self, text: str) -> tuple[str, int, list[_Hit]]:
        spans: list[int] = []
        words: list[str] = []
        for match in _TOKEN.finditer(text.lower()):
            spans.append(match.start())
            words.append(match.group())
        language = detect_language(words)
        langs = set(LANGUAGES) if language == "sv+en" else {language}
        return language, len(words), self._hits(text, words, spans, langs)

    def goal_evidence(self, text: str) -> dict[int, float]:
        """Per goal with any match, the evidence of step 3 (what the thresholds compare)."""
        _language, words, hits = self._analyse(text)
        return self.score_goals(hits, words)

    def classify_one(self, text: str, *, targets: bool = False) -> Classification:
        """Classify one text; ``classify`` does many."""
        language, n_words, hits = self._analyse(text)
        cal = self.calibration
        raw = self.score_goals(hits, n_words)
        best = max(raw.values(), default=0.0)
        ordered = sorted(raw.items(), key=lambda gv: (-gv[1], gv[0]))
        ranking = tuple((g, _score(v, cal.threshold)) for g, v in ordered)
        chosen = tuple(
            (g, _score(v, cal.threshold))
            for g, v in ordered
            if v >= cal.threshold and v >= cal.ratio * best
        )
        chosen_goals = {g for g, _ in chosen}
        target_scores: tuple[tuple[str, float], ...] = ()
        if targets:
            target_scores = self._targets(hits, n_words, chosen_goals)
        evidence = self._evidence(text, hits, chosen_goals, {t for t, _ in target_scores})
        return Classification(
            goals=chosen,
            targets=target_scores,
            evidence=evidence,
            ranking=ranking,
            language=language,
            words=n_words,
        )

    def _targets(
        self, hits: list[_Hit], words: int, goals: set[int]
    ) -> tuple[tuple[str, float], ...]:
        cal = self.calibration
        raw: dict[str, float] = {}
        for hit in hits:
            target = hit.term.target
            if target is not None and hit.term.goal in goals:
                raw[target] = raw.get(target, 0.0) + hit.term.weight * (1.0 + math.log(hit.count))
        length = math.sqrt(max(1.0, words / 100.0))
        kept = [
            (t, _score(v / length, cal.target_threshold))
            for t, v in raw.items()
            if v / length >= cal.target_threshold
        ]
        return tuple(sorted(kept, key=lambda ts: (-ts[1], target_sort_key(ts[0]))))

    def _evidence(
        self, text: str, hits: list[_Hit], goals: set[int], targets: set[str]
    ) -> tuple[Evidence, ...]:
        found: list[Evidence] = []
        for goal in sorted(goals):
            mine = [h for h in hits if h.term.goal == goal]
            # One entry per place in the text: several terms may match the same words
            # (energi*, energieffektiv*); the strongest is kept, a shown target's term first.
            mine.sort(
                key=lambda h: (h.term.target not in targets, -h.term.weight, -len(h.term.words))
            )
            seen: set[int] = set()
            kept: list[_Hit] = []
            for hit in mine:
                if hit.first_char not in seen:
                    seen.add(hit.first_char)
                    kept.append(hit)
            ordered = sorted(
                kept, key=lambda h: (-h.term.weight * (1 + math.log(h.count)), h.first_char)
            )
            for hit in ordered[:MAX_TERMS_SHOWN]:
                target = hit.term.target if hit.term.target in targets else None
                found.append(
                    Evidence(
                        goal=goal,
                        target=target,
                        term=hit.term.text,
                        found=hit.found,
                        count=hit.count,
                        weight=hit.term.weight,
                        passage=_passage(text, hit.first_char),
                    )
                )
        return tuple(found)

    def classify(self, texts: Sequence[str], *, targets: bool = False) -> list[Classification]:
        return [self.classify_one(text, targets=targets) for text in texts]


def parse_calibration(text: str) -> Calibration:
    return Calibration.from_dict(json.loads(text))


@cache
def bundled_calibration() -> Calibration:
    text = files("glokal.mapping").joinpath("data", "calibration.json").read_text(encoding="utf-8")
    return parse_calibration(text)


@cache
def default_classifier() -> Classifier:
    """The classifier with the bundled vocabulary and calibration, built once per process."""
    return Classifier(bundled_vocabulary(), bundled_calibration())


def classify(texts: Sequence[str], *, targets: bool = False) -> list[Classification]:
    """Classify texts (Swedish or English) by goal, and by target when ``targets`` is set."""
    if isinstance(texts, str):
        raise TypeError("classify() takes a sequence of texts; wrap a single text in a list")
    return default_classifier().classify(texts, targets=targets)
