"""Human genes (HUGO symbols, Entrez ids) and the aliases people actually write ("PD-L1", "HER2")."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from oncobridge.vocab.errors import VocabularyError

PROTEIN_CODING = "protein-coding"


@dataclass(frozen=True, slots=True)
class Gene:
    symbol: str
    entrez_id: int
    type: str
    aliases: tuple[str, ...] = ()


# Curated aliases and previous symbols for well-known oncology genes, written as people write them.
# No offline HGNC alias file is available: gene-thesaurus 3.2.0 downloads HGNC data at run time.
CURATED_ALIASES: dict[str, tuple[str, ...]] = {
    "CD274": ("PD-L1", "B7-H1"),
    "PDCD1": ("PD-1", "CD279"),
    "PDCD1LG2": ("PD-L2",),
    "CTLA4": ("CTLA-4", "CD152"),
    "LAG3": ("LAG-3", "CD223"),
    "HAVCR2": ("TIM-3",),
    "ERBB2": ("HER2", "HER-2", "HER2/neu"),
    "EGFR": ("ERBB1", "HER1"),
    "ERBB3": ("HER3",),
    "ERBB4": ("HER4",),
    "TP53": ("p53",),
    "MYC": ("c-MYC", "c-Myc"),
    "MYCN": ("N-MYC", "N-Myc"),
    "MYCL": ("L-MYC", "MYCL1"),
    "KMT2A": ("MLL", "MLL1"),
    "KMT2D": ("MLL2",),
    "KMT2C": ("MLL3",),
    "CDKN2A": ("p16", "p16INK4a", "INK4A"),
    "CDKN1A": ("p21",),
    "CDKN1B": ("p27",),
    "MET": ("c-MET", "c-Met", "HGFR"),
    "KIT": ("c-KIT", "c-Kit", "CD117"),
    "ABL1": ("c-ABL",),
    "TERT": ("hTERT",),
    "NSD2": ("WHSC1", "MMSET"),
    "AMER1": ("FAM123B", "WTX"),
    "H3-3A": ("H3F3A", "H3.3A"),
    "H3C2": ("HIST1H3B",),
    "PRKN": ("PARK2",),
    "TENT5C": ("FAM46C",),
    "MS4A1": ("CD20",),
    "TNFRSF17": ("BCMA",),
    "TNFRSF8": ("CD30",),
    "TACSTD2": ("TROP2", "TROP-2"),
    "FOLH1": ("PSMA",),
    "CEACAM5": ("CEA",),
    "MKI67": ("Ki-67", "Ki67"),
    "VEGFA": ("VEGF",),
    "KDR": ("VEGFR2", "VEGFR-2"),
    "FLT1": ("VEGFR1", "VEGFR-1"),
    "NECTIN4": ("PVRL4", "Nectin-4"),
    "NTRK1": ("TRKA",),
    "NTRK2": ("TRKB",),
    "NTRK3": ("TRKC",),
    "SMAD4": ("DPC4",),
    "STK11": ("LKB1",),
    "IL2RA": ("CD25",),
    "PTPRC": ("CD45",),
    "MTOR": ("FRAP1",),
    "RUNX1": ("AML1",),
    "EWSR1": ("EWS",),
    "SMARCB1": ("INI1", "SNF5"),
    "ARID1A": ("BAF250A",),
    "PTEN": ("MMAC1",),
    "CHEK1": ("CHK1",),
    "CHEK2": ("CHK2",),
    "PARP1": ("PARP",),
    "MUC16": ("CA125", "CA-125"),
    "KRAS": ("K-RAS", "KRAS2"),
    "NRAS": ("N-RAS",),
    "HRAS": ("H-RAS",),
    "MAP2K1": ("MEK1",),
    "MAP2K2": ("MEK2",),
    "MAPK3": ("ERK1",),
    "MAPK1": ("ERK2",),
}

# Capitalised words in abstracts that are also gene symbols (or curated aliases) but almost never mean the
# gene there: English words, study and clinical abbreviations, units, states, roman numerals.
_TEXT_STOPLIST_WORDS = """
    AND FOR CAN WAS ALL ANY THE NOT ARE HAS HAD SHE CELL TYPE CAT SET BAD MAX RAN REST STAR IMPACT GEM CAMP
    T B CD II III IV VI VII VIII IX
    AML CLL CML MDS MPN NHL HL MM GC PC MB STS BTC HCC RCC CRC MCC PRCC SCT HSCT BMT GVHD
    CT MRI PET SD PR CR PD OS PFS DFS EFS RFS ORR DCR HR ER RR CI SE IQR AE SAE DLT MTD QOL
    DNA RNA CTDNA CFDNA PCR NGS WES WGS SNP SNV CNV TMB MSI MSS LOH HRD IHC FISH MAF
    NCI NIH NHS FDA EMA USA UK EU WHO NCCN ASCO ESMO AACR SEER TCGA ICGC GDC NCT IRB DUO DCTD OCM CIT
    BID TID QD PO SC IM KG MG ML CM UM GB TB KY
    AI IT UI API APP HP TH TF CS CP FH HGD MPI
    C2 C3 C5 C6 C7 C9 F2 F3 F5 F7 F8 F9 GK IK KL SI TG XG XK CAPS CAPS2 TRA TRB TRD TRG
    ACE ANG ARC CAD CEL CRP ENG FAS GAL HAL IDE INS LPA MIA NES PDF PIP POR SDS SON SPR SRI TAT TEC TES
    TOX TUB UNK VIP
    AIM1 AIM2 ADA BPI CCNY CFD CHERP CNST CPS1 CTRC CTSA DBT DCC DDN DSP GAN GRN GSC NMI
"""
TEXT_STOPLIST = frozenset(_TEXT_STOPLIST_WORDS.split())

# Hyphenated tokens are tried whole first ("PD-L1", "HLA-A"), then by their parts ("KRAS-mutant").
_TEXT_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]*[A-Za-z0-9]|[A-Za-z0-9]")


def _loose_key(text: str) -> str:
    """The key on which "PD-L1", "PDL1" and "pd l1" meet; used only after an exact lookup fails."""
    return re.sub(r"[\s\-_.]", "", text).upper()


class GeneVocabulary:
    """Genes by symbol, alias and previous symbol (case-insensitive), with conservative text mining."""

    def __init__(self, genes: Iterable[Gene]) -> None:
        self._by_symbol: dict[str, Gene] = {}
        for gene in genes:
            self._by_symbol.setdefault(gene.symbol.upper(), gene)
        self._by_alias: dict[str, Gene] = {}
        self._written_aliases: dict[str, Gene] = {}
        self._by_loose: dict[str, Gene] = {}
        for gene in self._by_symbol.values():
            for alias in gene.aliases:
                # A current symbol always beats another gene's old name.
                if alias.upper() not in self._by_symbol:
                    self._by_alias.setdefault(alias.upper(), gene)
                    self._written_aliases.setdefault(alias, gene)
        for key, gene in [*self._by_alias.items(), *self._by_symbol.items()]:
            self._by_loose[_loose_key(key)] = gene
        self._sorted_keys = sorted({*self._by_symbol, *self._by_alias})

    def __len__(self) -> int:
        return len(self._by_symbol)

    def __contains__(self, symbol_or_alias: object) -> bool:
        return isinstance(symbol_or_alias, str) and self.resolve(symbol_or_alias) is not None

    def __iter__(self) -> Iterator[Gene]:
        return iter(self._by_symbol.values())

    def resolve(self, symbol_or_alias: str) -> Gene | None:
        key = symbol_or_alias.strip().upper()
        if not key:
            return None
        return self._by_symbol.get(key) or self._by_alias.get(key) or self._by_loose.get(_loose_key(key))

    def normalise(self, symbol: str) -> str | None:
        """The current HUGO symbol for a symbol, alias or previous symbol; None when unknown."""
        gene = self.resolve(symbol)
        return gene.symbol if gene is not None else None

    def search(self, prefix: str, limit: int = 20) -> list[Gene]:
        """Genes whose symbol or alias starts with prefix; protein-coding and shorter symbols first."""
        key = prefix.strip().upper()
        if not key:
            return []
        start = bisect.bisect_left(self._sorted_keys, key)
        found: dict[str, Gene] = {}
        for candidate in self._sorted_keys[start:]:
            if not candidate.startswith(key):
                break
            gene = self._by_symbol.get(candidate) or self._by_alias[candidate]
            found.setdefault(gene.symbol, gene)
        ranked = sorted(
            found.values(),
            key=lambda gene: (
                gene.type != PROTEIN_CODING,
                not gene.symbol.startswith(key),
                len(gene.symbol),
                gene.symbol,
            ),
        )
        return ranked[:limit]

    def _gene_in_text(self, token: str) -> Gene | None:
        if token.upper() in TEXT_STOPLIST or not any(char.isalpha() for char in token):
            return None
        gene = self._written_aliases.get(token)
        if gene is None and token == token.upper() and len(token) >= 2:
            gene = self._by_symbol.get(token) or self._by_alias.get(token)
        if gene is None or gene.type != PROTEIN_CODING:
            return None
        return gene

    def _genes_in_token(self, token: str) -> list[Gene]:
        whole = self._gene_in_text(token)
        if whole is not None:
            return [whole]
        parts = re.split(r"[-/]", token)
        # A plain word, or a compound code such as "ERAS-007" or "BPI-7711" rather than a gene.
        if len(parts) < 2 or any(len(part) >= 3 and part.isdigit() for part in parts):
            return []
        return [gene for part in parts if (gene := self._gene_in_text(part)) is not None]

    def symbols_in_text(self, text: str) -> list[str]:
        """Protein-coding gene symbols mentioned in free text, normalised, in order of first mention.

        Conservative on purpose: a token counts only when written in capitals and digits as symbols are
        ("KRAS", "BRCA1") or exactly as a curated alias is written ("p53", "PD-L1"), and is not in
        TEXT_STOPLIST.
        """
        found: list[str] = []
        for match in _TEXT_TOKEN.finditer(text):
            for gene in self._genes_in_token(match.group().rstrip(".")):
                if gene.symbol not in found:
                    found.append(gene.symbol)
        return found


def with_curated_aliases(genes: Iterable[Gene]) -> list[Gene]:
    """Attach CURATED_ALIASES to the genes they name (genes absent from the list are simply skipped)."""
    return [
        replace(gene, aliases=tuple(dict.fromkeys((*gene.aliases, *CURATED_ALIASES.get(gene.symbol, ())))))
        for gene in genes
    ]


def load_genes(path: Path) -> GeneVocabulary:
    """Read cBioPortal's gene list (entrezGeneId, hugoGeneSymbol, type) and attach the curated aliases."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise VocabularyError(f"Genes: cannot read {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise VocabularyError(f"Genes: {path} should hold a JSON list of genes")
    try:
        genes = [
            Gene(
                symbol=entry["hugoGeneSymbol"],
                entrez_id=int(entry["entrezGeneId"]),
                type=entry.get("type") or "",
            )
            for entry in raw
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise VocabularyError(f"Genes: {path} has a malformed entry: {exc}") from exc
    return GeneVocabulary(with_curated_aliases(genes))
