"""The fixed vocabulary of product modalities that portfolio items and partner interests are tagged with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from oncobridge.vocab.errors import VocabularyError


@dataclass(frozen=True, slots=True)
class Modality:
    code: str
    label: str


MODALITIES: tuple[Modality, ...] = (
    Modality("small_molecule", "Small molecule"),
    Modality("antibody", "Antibody"),
    Modality("adc", "Antibody\u2013drug conjugate"),
    Modality("cell_therapy", "Cell therapy"),
    Modality("vaccine", "Vaccine"),
    Modality("radiopharmaceutical", "Radiopharmaceutical"),
    Modality("device", "Medical device"),
    Modality("diagnostic_biomarker", "Diagnostic / biomarker"),
    Modality("digital", "Digital health"),
)
# Code -> label in the canonical order; read-only because every importer shares it.
MODALITY_LABELS: Mapping[str, str] = MappingProxyType(
    {modality.code: modality.label for modality in MODALITIES}
)

_I = re.IGNORECASE
_DASH = r"[\s\-\u2013]*"

# ADC and checkpoint-blockade phrases are matched first and blanked out, so that "trastuzumab deruxtecan"
# is not also an antibody and "checkpoint inhibitor" is not also a small molecule.
_CLAIMING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "adc",
        re.compile(
            r"\b[a-z]+mab\s+(?:vedotin|deruxtecan|emtansine|govitecan|tesirine|mafodotin|ozogamicin"
            r"|soravtansine|duocarmazine|tirumotecan)\b"
            r"|\b(?:vedotin|deruxtecan|emtansine|govitecan|tesirine|mafodotin|ozogamicin|soravtansine)\b"
            rf"|\bantibod(?:y|ies){_DASH}drug{_DASH}conjugates?\b|\bimmunoconjugates?\b",
            _I,
        ),
    ),
    ("adc", re.compile(r"\bADCs?\b|\bT-DXd\b|\bT-DM1\b")),
    (
        "antibody",
        re.compile(
            r"\b(?:immune\s+)?checkpoint\s+(?:inhibitor|blockade|blocker)s?\b"
            rf"|\b(?:anti{_DASH})?(?:PD{_DASH}L?1|CTLA{_DASH}4){_DASH}(?:inhibitor|blockade|blocker|antibod(?:y|ies))s?\b",
            _I,
        ),
    ),
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cell_therapy", re.compile(r"\bCAR[\s\-\u2013]?(?:T|NK)s?\b|\bTCR[\s\-\u2013]?T\b|\bTIL\s+therap")),
    (
        "cell_therapy",
        re.compile(
            r"\bchimeric antigen receptors?\b|\bcell(?:ular)?[\s\-]+therap(?:y|ies)\b"
            r"|\badoptive\s+(?:cell|T[\s\-]cell)"
            r"|\btumou?r[\s\-]infiltrating lymphocytes?\b|\b[a-z]+leucel\b|\b[a-z]+cabtagene\b",
            _I,
        ),
    ),
    (
        "antibody",
        re.compile(
            r"\b(?:monoclonal\s+|bispecific\s+)?antibod(?:y|ies)\b|\bbispecifics?\b|\bBiTEs?\b|\b[a-z]{3,}mab\b",
            _I,
        ),
    ),
    ("small_molecule", re.compile(r"\bTKIs?\b|\bPROTACs?\b")),
    (
        "small_molecule",
        re.compile(
            r"\bsmall[\s\-]molecules?\b|\binhibitors?\b|\bdegraders?\b"
            r"|\b[a-z]{2,}(?:tinib|ciclib|rafenib|parib|lisib|zomib|degib|sidenib|toclax|inostat|lutamide)\b",
            _I,
        ),
    ),
    (
        "vaccine",
        re.compile(r"\bvaccin(?:e|es|ation)\b", _I),
    ),
    (
        "radiopharmaceutical",
        re.compile(
            r"\b(?:Lu|lutetium)[\s\-]?177\b|\b(?:Ac|actinium)[\s\-]?225\b|\b(?:Ra|radium)[\s\-]?223\b"
            r"|\bY-90\b|\byttrium[\s\-]?90\b|\bI-131\b|\biodine[\s\-]?131\b|\b(?:177Lu|225Ac|223Ra)\b"
            r"|\bradioligands?\b|\bradiopharmaceuticals?\b|\bradionuclide\s+therap|\bradioimmuno|\btheranostics?\b",
            _I,
        ),
    ),
    (
        "device",
        re.compile(
            r"\bdevices?\b|\bimplants?\b|\bcatheters?\b|\btumou?r[\s\-]treating fields\b|\bTTFields\b"
            r"|\bstents?\b|\bapplicators?\b",
            _I,
        ),
    ),
    ("diagnostic_biomarker", re.compile(r"\bctDNA\b|\bCDx\b")),
    (
        "diagnostic_biomarker",
        re.compile(
            r"\bbiomarkers?\b|\bassays?\b|\bdiagnostics?\b|\bliquid biops(?:y|ies)\b|\bscreening tests?\b"
            r"|\bcompanion diagnostics?\b|\bprognostic (?:signature|test|model)s?\b|\bimaging agents?\b",
            _I,
        ),
    ),
    # "AI" alone is also an aromatase inhibitor in breast oncology, so it needs a software word beside it.
    (
        "digital",
        re.compile(
            r"\bAI(?:[\s\-]+(?:based|driven|powered|enabled|assisted|models?|tools?|algorithms?|systems?|platforms?))\b"
        ),
    ),
    (
        "digital",
        re.compile(
            r"\b(?:mobile|smartphone|phone|web|tablet)[\s\-]+app(?:lication)?s?\b|\bapps?\b(?=\s+(?:for|to|that))"
            r"|\bsoftware\b|\bdigital\b(?!\s+(?:droplet|PCR))|\bmachine learning\b|\bdeep learning\b"
            r"|\bartificial intelligence\b|\btele(?:health|medicine|monitoring)\b|\b[me]Health\b"
            r"|\bwearables?\b|\bdecision support\b",
            _I,
        ),
    ),
)


def modality_label(code: str) -> str:
    """The human label of a modality code; raises VocabularyError for an unknown code."""
    label = MODALITY_LABELS.get(code)
    if label is None:
        raise VocabularyError(f"Unknown modality {code!r}; known: {', '.join(MODALITY_LABELS)}")
    return label


def modalities_in_text(text: str) -> list[str]:
    """Modality codes mentioned in free text, in the canonical order of MODALITIES."""
    found: set[str] = set()
    for code, pattern in _CLAIMING_PATTERNS:
        if pattern.search(text):
            found.add(code)
            text = pattern.sub(" ", text)
    for code, pattern in _PATTERNS:
        if code not in found and pattern.search(text):
            found.add(code)
    return [modality.code for modality in MODALITIES if modality.code in found]
