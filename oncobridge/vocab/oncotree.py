"""OncoTree: the tumour-type hierarchy that cancer types are coded in across the platform.

Matching, cohort discovery and portfolio search all reason over the hierarchy, so every lookup here is
hierarchy-aware: a question about NSCLC also concerns LUAD, and an expert in LUAD is relevant to NSCLC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncobridge.vocab.errors import VocabularyError

ROOT_CODE = "TISSUE"


@dataclass(frozen=True, slots=True)
class TumourType:
    code: str
    name: str
    main_type: str
    tissue: str
    level: int
    parent: str | None
    ncit: tuple[str, ...] = ()
    # Codes this type replaced (OncoTree's history, precursors and revocations: GBM for GB).
    former: tuple[str, ...] = ()


# --- text normalisation shared by search, expand_query and codes_in_text -------------------------------

# British spellings are common in our users' text; OncoTree is written in American English.
_SPELLING_PREFIXES: tuple[tuple[str, str], ...] = (
    ("leukaem", "leukem"),
    ("tumour", "tumor"),
    ("oesophag", "esophag"),
    ("haemat", "hemat"),
    ("haemangio", "hemangio"),
    ("anaem", "anem"),
    ("oestr", "estr"),
    ("paediatr", "pediatr"),
    ("gynaec", "gynec"),
    ("foet", "fet"),
)

# Adjective and noun forms of the same organ must meet: "pancreatic cancer" is the Pancreas tissue.
_CANONICAL_WORDS: dict[str, str] = {
    "ovarian": "ovary",
    "pancreatic": "pancreas",
    "gastric": "stomach",
    "renal": "kidney",
    "hepatic": "liver",
    "pulmonary": "lung",
    "colonic": "colon",
    "prostatic": "prostate",
    "mammary": "breast",
    "uterine": "uterus",
    "cervical": "cervix",
    "testicular": "testis",
    "esophageal": "esophagus",
    "myelogenous": "myeloid",
}

# Words that say "a malignancy" without saying which; they rank results but never select them.
# "carcinoma" is not among them: it narrows to epithelial tumours ("breast carcinoma" is not a sarcoma).
_GENERIC_WORDS = frozenset(
    {"cancer", "tumor", "neoplasm", "malignancy", "malignant", "neoplasia", "disease", "nos"}
)
_STOP_WORDS = frozenset(
    {"of", "the", "and", "or", "in", "with", "a", "an", "for", "patient", "type", "subtype"}
)

_WORD = re.compile(r"[a-z0-9]+")


def _normalise_word(word: str) -> str:
    for british, american in _SPELLING_PREFIXES:
        if word.startswith(british):
            word = american + word[len(british) :]
            break
    # Plurals must meet singulars ("cancers", "leukemias"); "-ss/-us/-is" words are not plurals.
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return _CANONICAL_WORDS.get(word, word)


def _tokens_with_spans(text: str) -> list[tuple[str, int]]:
    """Normalised words with the character offset where each starts."""
    words = [(match.group(), match.start()) for match in _WORD.finditer(text.lower())]
    tokens: list[tuple[str, int]] = []
    index = 0
    while index < len(words):
        word, start = words[index]
        # "non-small cell" must never contain the phrase "small cell", so "non" sticks to its word.
        if word == "non" and index + 1 < len(words):
            tokens.append(("non" + _normalise_word(words[index + 1][0]), start))
            index += 2
            continue
        tokens.append((_normalise_word(word), start))
        index += 1
    return tokens


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(token for token, _ in _tokens_with_spans(text))


_TRAILING_ALTERNATIVES = re.compile(r"^(?P<prefix>.*?)(?P<first>[^\s/]+)/(?P<second>[^\s/]+)$")


def _name_variants(name: str) -> list[str]:
    """Other ways prose writes a node's name.

    "X, NOS" as "X"; "B-Lymphoblastic Leukemia/Lymphoma" as "B-Lymphoblastic Leukemia" or "... Lymphoma".
    """
    variants: list[str] = []
    if name.endswith(", NOS"):
        variants.append(name[: -len(", NOS")])
    alternatives = _TRAILING_ALTERNATIVES.match(name)
    if alternatives and alternatives["prefix"].strip():
        variants.append(alternatives["prefix"] + alternatives["first"])
        variants.append(alternatives["prefix"] + alternatives["second"])
    return variants


# --- explicit synonyms ---------------------------------------------------------------------------------

# Phrases people write for tumour types whose OncoTree names differ (case-insensitive, normalised).
_PHRASE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "non small cell lung carcinoma": ("NSCLC",),
    "small cell lung carcinoma": ("SCLC",),
    "glioblastoma": ("GB",),
    "glioblastoma multiforme": ("GB",),
    "multiple myeloma": ("PCM",),
    "myeloma": ("PCM",),
    "colorectal cancer": ("COADREAD",),
    "colorectal carcinoma": ("COADREAD",),
    "colon cancer": ("COAD",),
    "colon carcinoma": ("COAD",),
    "rectal cancer": ("READ",),
    "ovarian cancer": ("OVARY",),
    "ovarian carcinoma": ("OVARY",),
    "high grade serous ovarian carcinoma": ("HGSOC",),
    "high grade serous carcinoma": ("HGSOC",),
    "acute lymphoblastic leukemia": ("BLL", "TLL"),
    "acute lymphocytic leukemia": ("BLL", "TLL"),
    "chronic lymphocytic leukemia": ("CLLSLL",),
    "small lymphocytic lymphoma": ("CLLSLL",),
    "pancreatic ductal adenocarcinoma": ("PAAD",),
    "gastric cancer": ("STAD",),
    "stomach cancer": ("STAD",),
    "esophageal cancer": ("ESCA", "ESCC"),
    "endometrial cancer": ("UCEC",),
    "bladder cancer": ("BLCA",),
    "urothelial carcinoma": ("BLCA",),
    "clear cell renal cell carcinoma": ("CCRCC",),
    "brain cancer": ("BRAIN",),
    "brain tumor": ("BRAIN",),
    "mesothelioma": ("PLMESO", "PEMESO", "TMESO"),
    "castration resistant prostate cancer": ("PRAD",),
    "head and neck squamous cell cancer": ("HNSC",),
}

# Abbreviations count only when written in capitals ("ALL" is a leukaemia, "all" is not).
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "NSCLC": ("NSCLC",),
    "SCLC": ("SCLC",),
    "AML": ("AML",),
    "CML": ("CML",),
    "CLL": ("CLLSLL",),
    "ALL": ("BLL", "TLL"),
    "B-ALL": ("BLL",),
    "T-ALL": ("TLL",),
    "GBM": ("GB",),
    "HCC": ("HCC",),
    "RCC": ("RCC",),
    "CCRCC": ("CCRCC",),
    "ccRCC": ("CCRCC",),
    "CRC": ("COADREAD",),
    "PDAC": ("PAAD",),
    "MDS": ("MDS",),
    "MPN": ("MPN",),
    "NHL": ("NHL",),
    "DLBCL": ("DLBCLNOS",),
    "HNSCC": ("HNSC",),
    "ESCC": ("ESCC",),
    "GIST": ("GIST",),
    "HGSOC": ("HGSOC",),
    "MM": ("PCM",),
    "CMML": ("CMML",),
    "JMML": ("JMML",),
    "DCIS": ("DCIS",),
    "MGUS": ("MGUS",),
    "CRPC": ("PRAD",),
    "mCRPC": ("PRAD",),
    # TCGA study codes are OncoTree codes and appear verbatim in abstracts.
    "LUAD": ("LUAD",),
    "LUSC": ("LUSC",),
    "COAD": ("COAD",),
    "PAAD": ("PAAD",),
    "PRAD": ("PRAD",),
    "SKCM": ("SKCM",),
    "BLCA": ("BLCA",),
    "UCEC": ("UCEC",),
    "STAD": ("STAD",),
    "HNSC": ("HNSC",),
    "ESCA": ("ESCA",),
}
_ABBREVIATION_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])("
    + "|".join(sorted(map(re.escape, _ABBREVIATIONS), key=len, reverse=True))
    + r")s?(?![A-Za-z0-9])"
)

# Tissue-level main types that are too vague to code a mention ("other cancers", "blood cancer").
_VAGUE_TISSUES = frozenset({"OTHER", "MYELOID"})


@dataclass(frozen=True, slots=True)
class _Indexed:
    """Normalised words of one node, precomputed once so that a search is a scan of small sets."""

    node: TumourType
    name: tuple[str, ...]
    main_type: tuple[str, ...]
    tissue: tuple[str, ...]
    words: frozenset[str]


# Search scores: exact identifiers first, then whole-phrase matches, then word matches.
_SCORE_CODE = 100.0
_SCORE_SYNONYM = 95.0
_SCORE_NAME = 90.0
_SCORE_MAIN_TYPE = 80.0
_SCORE_TISSUE = 70.0
_SCORE_WORDS = 40.0


class OncoTree:
    """An immutable OncoTree with hierarchy-aware lookups; codes are case-insensitive."""

    def __init__(self, nodes: dict[str, TumourType]) -> None:
        self._nodes = nodes
        self._children: dict[str, list[str]] = {code: [] for code in nodes}
        for node in nodes.values():
            if node.parent is not None:
                self._children[node.parent].append(node.code)
        for codes in self._children.values():
            codes.sort()
        self._index = [
            _Indexed(
                node=node,
                name=_tokens(node.name),
                main_type=_tokens(node.main_type),
                tissue=_tokens(node.tissue),
                words=frozenset(_tokens(node.name) + _tokens(node.main_type) + _tokens(node.tissue)),
            )
            for node in nodes.values()
            if node.code != ROOT_CODE
        ]
        self._synonyms = {
            _tokens(phrase): tuple(code for code in codes if code in nodes)
            for phrase, codes in _PHRASE_SYNONYMS.items()
        }
        self._abbreviations = {
            abbreviation: tuple(code for code in codes if code in nodes)
            for abbreviation, codes in _ABBREVIATIONS.items()
        }
        self._phrases = self._build_phrases()
        replaced_by: dict[str, list[str]] = {}
        for node in nodes.values():
            for former in node.former:
                if former not in nodes:
                    replaced_by.setdefault(former, []).append(node.code)
        # Retired or renamed codes, with today's code(s) for each: older studies still carry them.
        self.former_codes: dict[str, tuple[str, ...]] = {
            code: tuple(sorted(codes)) for code, codes in replaced_by.items()
        }
        # Longest first, and only the lengths that some phrase starting with this word has.
        lengths: dict[str, set[int]] = {}
        for phrase in self._phrases:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self._phrase_lengths = {word: sorted(found, reverse=True) for word, found in lengths.items()}

    @classmethod
    def from_nodes(cls, nodes: Iterable[TumourType]) -> OncoTree:
        """Build a tree from nodes in any order; raises VocabularyError unless they form one rooted tree."""
        by_code: dict[str, TumourType] = {}
        for node in nodes:
            # Lookups upper-case their argument, so stored codes must be upper case.
            if node.code != node.code.upper():
                raise VocabularyError(f"OncoTree: code {node.code} is not upper case")
            if node.code in by_code:
                raise VocabularyError(f"OncoTree: code {node.code} appears twice")
            by_code[node.code] = node
        roots = [node.code for node in by_code.values() if node.parent is None]
        if len(roots) != 1:
            raise VocabularyError(f"OncoTree: expected exactly one root node, found {len(roots)}")
        for node in by_code.values():
            if node.parent is not None and node.parent not in by_code:
                raise VocabularyError(f"OncoTree: {node.code} names an unknown parent {node.parent}")
        return cls(by_code)

    # --- lookups --------------------------------------------------------------------------------------

    def get(self, code: str) -> TumourType | None:
        return self._nodes.get(code.strip().upper())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[TumourType]:
        return iter(self._nodes.values())

    def _require(self, code: str) -> TumourType:
        node = self.get(code)
        if node is None:
            raise VocabularyError(f"Unknown OncoTree code {code!r}")
        return node

    def children(self, code: str) -> list[TumourType]:
        return [self._nodes[child] for child in self._children[self._require(code).code]]

    def ancestors(self, code: str) -> list[TumourType]:
        """Ancestors nearest first, without the TISSUE root (which says nothing about the tumour)."""
        found: list[TumourType] = []
        parent = self._require(code).parent
        while parent is not None and parent != ROOT_CODE:
            node = self._nodes[parent]
            found.append(node)
            parent = node.parent
        return found

    def descendants(self, code: str, include_self: bool = True) -> set[str]:
        start = self._require(code).code
        found: set[str] = {start} if include_self else set()
        stack = list(self._children[start])
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(self._children[current])
        return found

    def related(self, code: str) -> set[str]:
        """Codes that concern the same tumours: ancestors, the code itself and its descendants."""
        return {node.code for node in self.ancestors(code)} | self.descendants(code)

    def lineage_path(self, code: str) -> str:
        """Names from the tissue down, e.g. "Lung > Non-Small Cell Lung Cancer > Lung Adenocarcinoma"."""
        node = self._require(code)
        names = [ancestor.name for ancestor in reversed(self.ancestors(code))]
        return " > ".join([*names, node.name])

    def tissues(self) -> list[TumourType]:
        return sorted((node for node in self._nodes.values() if node.level == 1), key=lambda node: node.name)

    # --- search ---------------------------------------------------------------------------------------

    def _scores(self, text: str) -> dict[str, float]:
        query = _tokens(text)
        if not query:
            return {}
        scores: dict[str, float] = {}

        def offer(code: str, score: float) -> None:
            scores[code] = max(score, scores.get(code, 0.0))

        exact = self.get(text)
        if exact is not None and exact.code != ROOT_CODE:
            offer(exact.code, _SCORE_CODE)
        for code in self._synonyms.get(query, ()) + self._abbreviations.get(text.strip().upper(), ()):
            offer(code, _SCORE_SYNONYM)
        content = [word for word in query if word not in _GENERIC_WORDS and word not in _STOP_WORDS]
        for entry in self._index:
            code = entry.node.code
            if query == entry.name:
                offer(code, _SCORE_NAME)
            elif query == entry.main_type:
                offer(code, _SCORE_MAIN_TYPE)
            elif entry.node.level == 1 and query == entry.tissue:
                offer(code, _SCORE_TISSUE)
            elif all(word in entry.words for word in content or query):
                # Rank by how much of the node's name the query covers, and whether every query word matched.
                covered = len(set(query) & set(entry.name)) / max(len(entry.name), 1)
                complete = 5.0 if all(word in entry.words for word in query) else 0.0
                offer(code, _SCORE_WORDS + 10.0 * covered + complete)
        return scores

    def search(self, text: str, limit: int = 20) -> list[TumourType]:
        """Tumour types for a search box: codes, names, main types, tissues and synonyms, best first."""
        scores = self._scores(text)
        ranked = sorted(
            scores, key=lambda code: (-scores[code], self._nodes[code].level, self._nodes[code].name)
        )
        return [self._nodes[code] for code in ranked[:limit]]

    def expand_query(self, text: str) -> set[str]:
        """Every code a query means, down the hierarchy: "lung cancer" -> LUNG and all of its subtypes.

        Takes the search hits (exact identifiers, names, main types, and nodes carrying every specific word
        of the query) together with all their descendants.
        """
        expanded: set[str] = set()
        for code in self._scores(text):
            expanded |= self.descendants(code)
        return expanded

    # --- mentions in free text ------------------------------------------------------------------------

    def _build_phrases(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        names: dict[tuple[str, ...], set[str]] = {}
        variants: dict[tuple[str, ...], set[str]] = {}
        for node in self._nodes.values():
            # Not tumour mentions: a bare tissue ("lung"), a sub-type label alone ("IgG"), or a name made of
            # generic words only ("Malignant Tumor", a node under Other).
            words = _tokens(node.name)
            if node.level < 2 or len(node.name) < 4 or all(word in _GENERIC_WORDS for word in words):
                continue
            names.setdefault(words, set()).add(node.code)
            for variant in _name_variants(node.name):
                if len(_tokens(variant)) >= 2:
                    variants.setdefault(_tokens(variant), set()).add(node.code)
        for phrase, variant_codes in variants.items():
            # A real name beats a variant of another node's name.
            names.setdefault(phrase, variant_codes)
        phrases = {phrase: tuple(sorted(codes)) for phrase, codes in names.items()}
        for node in self._nodes.values():
            if node.level == 1 and node.code not in _VAGUE_TISSUES and node.main_type:
                phrases.setdefault(_tokens(node.main_type), (node.code,))
        for phrase, synonym_codes in self._synonyms.items():
            if synonym_codes:
                phrases[phrase] = synonym_codes
        return phrases

    def codes_in_text(self, text: str) -> list[str]:
        """OncoTree codes mentioned in free text, most specific only, in order of first mention.

        Longest phrases win ("non-small cell lung cancer" is NSCLC, not LUNG), and a code is dropped when a
        descendant of it is also mentioned ("lung cancer ... lung adenocarcinoma" gives LUAD).
        """
        mentions: list[tuple[int, tuple[str, ...]]] = []
        tokens = _tokens_with_spans(text)
        words = [word for word, _ in tokens]
        index = 0
        while index < len(words):
            for length in self._phrase_lengths.get(words[index], ()):
                codes = self._phrases.get(tuple(words[index : index + length]))
                if codes:
                    mentions.append((tokens[index][1], codes))
                    index += length
                    break
            else:
                index += 1
        for match in _ABBREVIATION_PATTERN.finditer(text):
            codes = self._abbreviations.get(match.group(1), ())
            if codes:
                mentions.append((match.start(), codes))
        ordered: list[str] = []
        for _, codes in sorted(mentions, key=lambda mention: mention[0]):
            ordered.extend(code for code in codes if code not in ordered)
        found = set(ordered)
        return [code for code in ordered if not (self.descendants(code, include_self=False) & found)]


# --- loading ---------------------------------------------------------------------------------------------


def _nodes_from_json(raw: dict[str, Any], into: list[TumourType]) -> None:
    references = raw.get("externalReferences") or {}
    into.append(
        TumourType(
            code=raw["code"],
            name=raw["name"],
            main_type=raw.get("mainType") or "",
            tissue=raw.get("tissue") or "",
            level=int(raw["level"]),
            parent=raw.get("parent"),
            ncit=tuple(references.get("NCI") or ()),
            former=tuple(
                str(code).strip().upper()
                for key in ("history", "precursors", "revocations")
                for code in raw.get(key) or ()
            ),
        )
    )
    for child in (raw.get("children") or {}).values():
        _nodes_from_json(child, into)


def load_oncotree(path: Path) -> OncoTree:
    """Read OncoTree's nested JSON export (as served by oncotree.mskcc.org/api/tumorTypes/tree)."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise VocabularyError(f"OncoTree: cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict) or ROOT_CODE not in raw:
        raise VocabularyError(f"OncoTree: {path} has no {ROOT_CODE} root")
    nodes: list[TumourType] = []
    try:
        _nodes_from_json(raw[ROOT_CODE], nodes)
    except (KeyError, TypeError, ValueError) as exc:
        raise VocabularyError(f"OncoTree: {path} has a malformed node: {exc}") from exc
    return OncoTree.from_nodes(nodes)
