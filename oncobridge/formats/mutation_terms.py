"""The controlled values of the mutation table: MAF classifications, variant types, chromosomes, builds,
and the Sequence Ontology consequence terms (VEP, SnpEff, ICGC) mapped to MAF classifications."""

from __future__ import annotations

import re

# The GDC MAF specification's Variant_Classification values, plus what maftools and cBioPortal also accept
# ("ITD" for FLT3 internal tandem duplications in maftools' APL data; "Unknown" where no effect was called).
VARIANT_CLASSIFICATIONS = frozenset(
    {
        "Frame_Shift_Del",
        "Frame_Shift_Ins",
        "In_Frame_Del",
        "In_Frame_Ins",
        "Missense_Mutation",
        "Nonsense_Mutation",
        "Silent",
        "Splice_Site",
        "Splice_Region",
        "Translation_Start_Site",
        "Nonstop_Mutation",
        "3'UTR",
        "3'Flank",
        "5'UTR",
        "5'Flank",
        "IGR",
        "Intron",
        "RNA",
        "Targeted_Region",
        "De_novo_Start_InFrame",
        "De_novo_Start_OutOfFrame",
        "Unknown",
        "ITD",
    }
)

# maftools' vc_nonSyn: the non-silent coding classes that count as "mutated" unless silent variants are
# asked for (the analytics core's gene criteria and frequencies, and the benchmark's synthetic cohort).
NON_SILENT_CLASSES = frozenset(
    {
        "Frame_Shift_Del",
        "Frame_Shift_Ins",
        "Splice_Site",
        "Translation_Start_Site",
        "Nonsense_Mutation",
        "Nonstop_Mutation",
        "In_Frame_Del",
        "In_Frame_Ins",
        "Missense_Mutation",
    }
)

VARIANT_TYPES = frozenset({"SNP", "DNP", "TNP", "ONP", "INS", "DEL"})

# Primary assembly chromosomes; "chr" prefixes are removed and chrM/M become MT (Ensembl and GDC agree on MT).
_PRIMARY = {str(number) for number in range(1, 23)} | {"X", "Y", "MT"}
_CHROMOSOME_ALIASES = {"M": "MT", "23": "X", "24": "Y"}
# Unplaced, unlocalised, alternate and decoy contigs in real files (GL000205.1, KI270728.1, chrUn_, HLA-).
CONTIG = re.compile(
    r"^(GL|KI|JH|KN|KV|KZ|ML|MU|NC_|NT_|NW_)\d+(\.\d+)?$|_random$|_alt$|_fix$|^Un_|^HLA-|^EBV$"
)


_REFSEQ_CHROMOSOME = re.compile(r"^NC_(?:0000([0-2][0-9])|0(12920))\.\d+$")


def normalise_chromosome(value: str) -> str | None:
    """The harmonised chromosome name, or None when the value is not a chromosome or a known contig form."""
    text = value.strip()
    refseq = _REFSEQ_CHROMOSOME.match(text)
    if refseq:  # RefSeq accessions for GRCh37/38 chromosomes (NC_000013.11 is chromosome 13)
        number = int(refseq.group(1) or refseq.group(2))
        return {23: "X", 24: "Y", 12920: "MT"}.get(number, str(number))
    if text[:3].lower() == "chr":
        text = text[3:]
    if text.upper() in _PRIMARY or text.upper() in _CHROMOSOME_ALIASES:
        upper = text.upper()
        return _CHROMOSOME_ALIASES.get(upper, upper)
    return text if text and CONTIG.search(text) else None


_BUILDS = {
    "37": "GRCh37",
    "GRCH37": "GRCh37",
    "HG19": "GRCh37",
    "GRCH37-LITE": "GRCh37",
    "B37": "GRCh37",
    "38": "GRCh38",
    "GRCH38": "GRCh38",
    "HG38": "GRCh38",
}


def normalise_build(value: str) -> str | None:
    return _BUILDS.get(value.strip().upper())


# Sequence Ontology consequence terms, most severe first (Ensembl's ranking), with the MAF classification
# vcf2maf gives each. Frameshifts and in-frame indels need the variant type to choose Ins or Del.
SO_TO_CLASSIFICATION: dict[str, str] = {
    "transcript_ablation": "Splice_Site",
    "splice_acceptor_variant": "Splice_Site",
    "splice_donor_variant": "Splice_Site",
    "exon_loss_variant": "Splice_Site",
    "stop_gained": "Nonsense_Mutation",
    "frameshift_variant": "Frame_Shift",
    "stop_lost": "Nonstop_Mutation",
    "start_lost": "Translation_Start_Site",
    "initiator_codon_variant": "Translation_Start_Site",
    "transcript_amplification": "Intron",
    "inframe_insertion": "In_Frame_Ins",
    "inframe_deletion": "In_Frame_Del",
    "disruptive_inframe_insertion": "In_Frame_Ins",
    "disruptive_inframe_deletion": "In_Frame_Del",
    "missense_variant": "Missense_Mutation",
    "protein_altering_variant": "Missense_Mutation",
    "coding_sequence_variant": "Missense_Mutation",
    "conservative_missense_variant": "Missense_Mutation",
    "rare_amino_acid_variant": "Missense_Mutation",
    "splice_region_variant": "Splice_Region",
    "splice_donor_5th_base_variant": "Splice_Region",
    "splice_donor_region_variant": "Splice_Region",
    "splice_polypyrimidine_tract_variant": "Splice_Region",
    "incomplete_terminal_codon_variant": "Silent",
    "start_retained_variant": "Silent",
    "stop_retained_variant": "Silent",
    "synonymous_variant": "Silent",
    "mature_miRNA_variant": "RNA",
    "5_prime_UTR_premature_start_codon_gain_variant": "5'UTR",
    "5_prime_UTR_variant": "5'UTR",
    "3_prime_UTR_variant": "3'UTR",
    "non_coding_transcript_exon_variant": "RNA",
    "non_coding_exon_variant": "RNA",
    "exon_variant": "RNA",
    "intron_variant": "Intron",
    "NMD_transcript_variant": "Silent",
    "non_coding_transcript_variant": "RNA",
    "nc_transcript_variant": "RNA",
    "upstream_gene_variant": "5'Flank",
    "downstream_gene_variant": "3'Flank",
    "TFBS_ablation": "Targeted_Region",
    "TFBS_amplification": "Targeted_Region",
    "TF_binding_site_variant": "IGR",
    "regulatory_region_ablation": "Targeted_Region",
    "regulatory_region_amplification": "Targeted_Region",
    "regulatory_region_variant": "IGR",
    "feature_elongation": "Targeted_Region",
    "feature_truncation": "Targeted_Region",
    "intergenic_variant": "IGR",
    "intergenic_region": "IGR",
    "intragenic_variant": "Intron",
}
SO_SEVERITY = {term: rank for rank, term in enumerate(SO_TO_CLASSIFICATION)}


def most_severe(terms: list[str]) -> str | None:
    """The most severe known SO term among terms ("&"-joined lists already split); None when none is known."""
    known = [term for term in terms if term in SO_SEVERITY]
    return min(known, key=SO_SEVERITY.__getitem__) if known else None


def variant_type(reference: str, alternate: str) -> str:
    """MAF Variant_Type from alleles, in either VCF (padded) or MAF ("-") style."""
    ref = "" if reference == "-" else reference
    alt = "" if alternate == "-" else alternate
    if ref and alt and ref[0] == alt[0] and len(ref) != len(alt):
        ref, alt = ref[1:], alt[1:]  # VCF pads indels with the preceding base
    if len(ref) == len(alt):
        return {1: "SNP", 2: "DNP", 3: "TNP"}.get(len(ref), "ONP")
    return "INS" if len(alt) > len(ref) else "DEL"


def classification_for(term: str, variant_kind: str) -> str | None:
    """MAF classification for an SO term; frameshifts become Frame_Shift_Ins or _Del by the variant type."""
    classification = SO_TO_CLASSIFICATION.get(term)
    if classification == "Frame_Shift":
        return "Frame_Shift_Ins" if variant_kind == "INS" else "Frame_Shift_Del"
    if classification in {"In_Frame_Ins", "In_Frame_Del"}:
        return "In_Frame_Ins" if variant_kind == "INS" else "In_Frame_Del"
    return classification


_PROTEIN_CHANGE = re.compile(r"^[A-Z*][a-z]{0,2}\d")


def protein_change(value: str | None) -> str | None:
    """HGVS protein change in short form with its "p." ("V536L" -> "p.V536L"); None for empty values."""
    if value is None:
        return None
    text = value.strip()
    if not text or text in {".", "-", "NA"}:
        return None
    if text.startswith("p.") or not _PROTEIN_CHANGE.match(text):
        return text
    return "p." + text


_THREE_TO_ONE = {
    "Ala": "A",
    "Arg": "R",
    "Asn": "N",
    "Asp": "D",
    "Cys": "C",
    "Gln": "Q",
    "Glu": "E",
    "Gly": "G",
    "His": "H",
    "Ile": "I",
    "Leu": "L",
    "Lys": "K",
    "Met": "M",
    "Phe": "F",
    "Pro": "P",
    "Ser": "S",
    "Thr": "T",
    "Trp": "W",
    "Tyr": "Y",
    "Val": "V",
    "Ter": "*",
    "Sec": "U",
    "Pyl": "O",
    "Xaa": "X",
}
_THREE_LETTER = re.compile("|".join(_THREE_TO_ONE))


def short_protein_change(hgvsp: str | None) -> str | None:
    """ "ENSP...:p.Gly12Cys" or "p.Gly12Cys" (VEP, SnpEff) -> "p.G12C"; None for empty values."""
    if not hgvsp:
        return None
    text = hgvsp.split(":", 1)[-1].replace("%3D", "=")
    text = text.replace("(", "").replace(")", "")
    return protein_change(_THREE_LETTER.sub(lambda match: _THREE_TO_ONE[match.group()], text))
