"""Text → SDG mapping: which goals and targets a Swedish or English text serves, and why.

Pure: text (or a file's bytes) in, goals, targets, scores and evidence out. The vocabulary and
its calibration ship as package data; nothing is downloaded. docs/classifier.md explains the
method.
"""

from glokal.mapping.classifier import (
    Calibration,
    Classification,
    Classifier,
    Evidence,
    classify,
    default_classifier,
    detect_language,
)
from glokal.mapping.extract import (
    MAX_BYTES,
    SUPPORTED_SUFFIXES,
    DocumentKind,
    document_kind,
    extract_text,
)
from glokal.mapping.vocabulary import Term, Vocabulary, bundled_vocabulary, parse_vocabulary

__all__ = [
    "MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "Calibration",
    "Classification",
    "Classifier",
    "DocumentKind",
    "Evidence",
    "Term",
    "Vocabulary",
    "bundled_vocabulary",
    "classify",
    "default_classifier",
    "detect_language",
    "document_kind",
    "extract_text",
    "parse_vocabulary",
]
