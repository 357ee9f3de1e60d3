"""Reference vocabularies (OncoTree, genes, gene panels, DUO, modalities, pathways); imports no Django."""

from oncobridge.vocab.duo import DuoTerm, load_duo, parse_duo_codes
from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.genes import Gene, GeneVocabulary, load_genes
from oncobridge.vocab.modalities import (
    MODALITIES,
    MODALITY_LABELS,
    Modality,
    modalities_in_text,
    modality_label,
)
from oncobridge.vocab.oncotree import OncoTree, TumourType, load_oncotree
from oncobridge.vocab.panels import GenePanel, load_gene_panels
from oncobridge.vocab.pathways import load_pathways, pathways_for_genes
from oncobridge.vocab.registry import Vocabularies, load_vocabularies

__all__ = [
    "MODALITIES",
    "MODALITY_LABELS",
    "DuoTerm",
    "Gene",
    "GenePanel",
    "GeneVocabulary",
    "Modality",
    "OncoTree",
    "TumourType",
    "Vocabularies",
    "VocabularyError",
    "load_duo",
    "load_gene_panels",
    "load_genes",
    "load_oncotree",
    "load_pathways",
    "load_vocabularies",
    "modalities_in_text",
    "modality_label",
    "parse_duo_codes",
    "pathways_for_genes",
]
