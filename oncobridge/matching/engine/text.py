"""Lexical analysis for BM25: lower-cased words, English stop words out, plurals folded onto singulars."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[a-z0-9]+")

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers herself him himself his how however i if in into is it its itself just may me
    might more most must my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they this those
    through thus to too under until up upon us very via was we were what when where whether which while who
    whom why will with within without would you your yours yourself yourselves et al ie eg study studies
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def fold(word: str) -> str:
    """Plurals meet singulars ("tumors" -> "tumor"); "-ss/-us/-is" words are not plurals."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """BM25 terms of a text in order; numbers alone are dropped (years, counts), "brca1" is kept."""
    return [
        fold(word)
        for word in _WORD.findall(text.lower())
        if word not in STOP_WORDS and not word.isdigit() and len(word) > 1
    ]


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))
