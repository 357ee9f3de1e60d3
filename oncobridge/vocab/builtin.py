"""A small built-in vocabulary so that the demo and tests run without the reference-data directory.

Everything here is copied from the real sources (OncoTree 2025-10-03, cBioPortal genes, DUO, maftools'
oncogenic pathways) and is deliberately a subset: matching and search work, but coverage is partial.
"""

from __future__ import annotations

from functools import cache

from oncobridge.vocab.duo import DuoTerm, duo_terms_from_rows
from oncobridge.vocab.genes import PROTEIN_CODING, Gene, GeneVocabulary, with_curated_aliases
from oncobridge.vocab.oncotree import OncoTree, TumourType

# A real sub-tree of OncoTree 2025-10-03: common tumour types with every ancestor up to TISSUE.
BUILTIN_TUMOUR_TYPES: tuple[TumourType, ...] = (
    TumourType("TISSUE", "Tissue", "", "", 0, None, ("C12801",)),
    TumourType("LUNG", "Lung", "Lung Cancer", "Lung", 1, "TISSUE", ("C12468",)),
    TumourType(
        "NSCLC", "Non-Small Cell Lung Cancer", "Non-Small Cell Lung Cancer", "Lung", 2, "LUNG", ("C2926",)
    ),
    TumourType("LUAD", "Lung Adenocarcinoma", "Non-Small Cell Lung Cancer", "Lung", 3, "NSCLC", ("C3512",)),
    TumourType(
        "LUSC", "Lung Squamous Cell Carcinoma", "Non-Small Cell Lung Cancer", "Lung", 3, "NSCLC", ("C3493",)
    ),
    TumourType(
        "LNET", "Lung Neuroendocrine Tumor", "Non-Small Cell Lung Cancer", "Lung", 2, "LUNG", ("C5670",)
    ),
    TumourType("SCLC", "Small Cell Lung Cancer", "Small Cell Lung Cancer", "Lung", 3, "LNET", ("C4917",)),
    TumourType("BREAST", "Breast", "Breast Cancer", "Breast", 1, "TISSUE", ("C12971",)),
    TumourType("BRCA", "Invasive Breast Carcinoma", "Breast Cancer", "Breast", 2, "BREAST", ("C9245",)),
    TumourType("IDC", "Breast Invasive Ductal Carcinoma", "Breast Cancer", "Breast", 3, "BRCA", ("C4194",)),
    TumourType("ILC", "Breast Invasive Lobular Carcinoma", "Breast Cancer", "Breast", 3, "BRCA", ("C7950",)),
    TumourType("BOWEL", "Bowel", "Bowel Cancer", "Bowel", 1, "TISSUE", ("C12736",)),
    TumourType("COADREAD", "Colorectal Adenocarcinoma", "Colorectal Cancer", "Bowel", 2, "BOWEL", ("C5105",)),
    TumourType("COAD", "Colon Adenocarcinoma", "Colorectal Cancer", "Bowel", 3, "COADREAD", ("C4349",)),
    TumourType("READ", "Rectal Adenocarcinoma", "Colorectal Cancer", "Bowel", 3, "COADREAD", ("C9383",)),
    TumourType("SKIN", "Skin", "Skin Cancer", "Skin", 1, "TISSUE", ("C12470",)),
    TumourType("MEL", "Melanoma", "Melanoma", "Skin", 2, "SKIN", ("C3224",)),
    TumourType("SKCM", "Cutaneous Melanoma", "Melanoma", "Skin", 3, "MEL", ("C3510",)),
    TumourType("MYELOID", "Myeloid", "Blood Cancer", "Myeloid", 1, "TISSUE", ("C12434",)),
    TumourType("MNM", "Myeloid Neoplasm", "Blood Cancer, NOS", "Myeloid", 2, "MYELOID", ()),
    TumourType("AML", "Acute Myeloid Leukemia", "Leukemia", "Myeloid", 3, "MNM", ("C3171",)),
    TumourType(
        "MDS", "Myelodysplastic Syndromes", "Myelodysplastic Syndromes", "Myeloid", 3, "MNM", ("C3247",)
    ),
    TumourType("LYMPH", "Lymphoid", "Lymphatic Cancer", "Lymphoid", 1, "TISSUE", ("C13252",)),
    TumourType("LNM", "Lymphoid Neoplasm", "Lymphatic Cancer, NOS", "Lymphoid", 2, "LYMPH", ()),
    TumourType(
        "BLL",
        "B-Lymphoblastic Leukemia/Lymphoma",
        "B-Lymphoblastic Leukemia/Lymphoma",
        "Lymphoid",
        3,
        "LNM",
        ("C8936",),
    ),
    TumourType(
        "TLL",
        "T-Lymphoblastic Leukemia/Lymphoma",
        "T-Lymphoblastic Leukemia/Lymphoma",
        "Lymphoid",
        3,
        "LNM",
        ("C8694",),
    ),
    TumourType("NHL", "Non-Hodgkin Lymphoma", "Non-Hodgkin Lymphoma", "Lymphoid", 3, "LNM", ("C3211",)),
    TumourType("MBN", "Mature B-Cell Neoplasms", "Mature B-Cell Neoplasms", "Lymphoid", 4, "NHL", ("C3457",)),
    TumourType(
        "CLLSLL",
        "Chronic Lymphocytic Leukemia/Small Lymphocytic Lymphoma",
        "Mature B-Cell Neoplasms",
        "Lymphoid",
        5,
        "MBN",
        ("C7540",),
    ),
    TumourType("PCM", "Plasma Cell Myeloma", "Mature B-Cell Neoplasms", "Lymphoid", 5, "MBN", ("C3242",)),
    TumourType("BRAIN", "CNS/Brain", "CNS/Brain Cancer", "CNS/Brain", 1, "TISSUE", ("C12438",)),
    TumourType("DIFG", "Diffuse Glioma", "Glioma", "CNS/Brain", 2, "BRAIN", ()),
    TumourType(
        "ADIFG",
        "Adult-Type Diffuse Glioma",
        "Gliomas, Glioneuronal Tumors, and Neuronal Tumors",
        "CNS/Brain",
        3,
        "DIFG",
        (),
    ),
    TumourType("GB", "Glioblastoma, IDH-Wildtype", "Glioma", "CNS/Brain", 4, "ADIFG", ("C3058",)),
    TumourType("PANCREAS", "Pancreas", "Pancreatic Cancer", "Pancreas", 1, "TISSUE", ("C12393",)),
    TumourType(
        "PAAD", "Pancreatic Adenocarcinoma", "Pancreatic Cancer", "Pancreas", 2, "PANCREAS", ("C8294",)
    ),
    TumourType("PROSTATE", "Prostate", "Prostate Cancer", "Prostate", 1, "TISSUE", ("C12410",)),
    TumourType("PRAD", "Prostate Adenocarcinoma", "Prostate Cancer", "Prostate", 2, "PROSTATE", ("C2919",)),
    TumourType(
        "OVARY",
        "Ovary/Fallopian Tube",
        "Ovarian/Fallopian Tube Cancer",
        "Ovary/Fallopian Tube",
        1,
        "TISSUE",
        ("C12404",),
    ),
    TumourType(
        "OVT", "Ovarian Epithelial Tumor", "Ovarian Cancer", "Ovary/Fallopian Tube", 2, "OVARY", ("C4381",)
    ),
    TumourType(
        "SOC", "Serous Ovarian Cancer", "Ovarian Cancer", "Ovary/Fallopian Tube", 3, "OVT", ("C7550",)
    ),
    TumourType(
        "HGSOC", "High-Grade Serous Ovarian Cancer", "Ovarian Cancer", "Ovary/Fallopian Tube", 4, "SOC", ()
    ),
    TumourType("KIDNEY", "Kidney", "Kidney Cancer", "Kidney", 1, "TISSUE", ("C12415",)),
    TumourType("RCC", "Renal Cell Carcinoma", "Renal Cell Carcinoma", "Kidney", 2, "KIDNEY", ("C9385",)),
    TumourType("CCRCC", "Renal Clear Cell Carcinoma", "Renal Cell Carcinoma", "Kidney", 3, "RCC", ("C4033",)),
    TumourType(
        "STOMACH",
        "Esophagus/Stomach",
        "Esophageal/Stomach Cancer",
        "Esophagus/Stomach",
        1,
        "TISSUE",
        ("C12391",),
    ),
    TumourType(
        "EGC",
        "Esophagogastric Adenocarcinoma",
        "Esophagogastric Cancer",
        "Esophagus/Stomach",
        2,
        "STOMACH",
        ("C9296",),
    ),
    TumourType(
        "STAD", "Stomach Adenocarcinoma", "Esophagogastric Cancer", "Esophagus/Stomach", 3, "EGC", ("C4004",)
    ),
    TumourType("LIVER", "Liver", "Liver Cancer", "Liver", 1, "TISSUE", ("C12392",)),
    TumourType("HCC", "Hepatocellular Carcinoma", "Hepatobiliary Cancer", "Liver", 2, "LIVER", ("C3099",)),
    TumourType(
        "HEAD_NECK", "Head and Neck", "Head and Neck Cancer", "Head and Neck", 1, "TISSUE", ("C12418",)
    ),
    TumourType(
        "HNSC",
        "Head and Neck Squamous Cell Carcinoma",
        "Head and Neck Cancer",
        "Head and Neck",
        2,
        "HEAD_NECK",
        ("C34447",),
    ),
)

# Well-known cancer genes as (HUGO symbol, Entrez id), all protein-coding.
BUILTIN_GENES: tuple[tuple[str, int], ...] = (
    ("ABL1", 25),
    ("AKT1", 207),
    ("ALK", 238),
    ("APC", 324),
    ("AR", 367),
    ("ARID1A", 8289),
    ("ATM", 472),
    ("ATRX", 546),
    ("BAP1", 8314),
    ("BCL2", 596),
    ("BCR", 613),
    ("BRAF", 673),
    ("BRCA1", 672),
    ("BRCA2", 675),
    ("CCND1", 595),
    ("CD274", 29126),
    ("CDH1", 999),
    ("CDK4", 1019),
    ("CDK6", 1021),
    ("CDKN2A", 1029),
    ("CHEK2", 11200),
    ("CTLA4", 1493),
    ("CTNNB1", 1499),
    ("DNMT3A", 1788),
    ("EGFR", 1956),
    ("ERBB2", 2064),
    ("ESR1", 2099),
    ("EZH2", 2146),
    ("FBXW7", 55294),
    ("FGFR1", 2260),
    ("FGFR2", 2263),
    ("FGFR3", 2261),
    ("FLT3", 2322),
    ("GATA3", 2625),
    ("IDH1", 3417),
    ("IDH2", 3418),
    ("JAK2", 3717),
    ("KEAP1", 9817),
    ("KIT", 3815),
    ("KMT2A", 4297),
    ("KRAS", 3845),
    ("MET", 4233),
    ("MLH1", 4292),
    ("MSH2", 4436),
    ("MTOR", 2475),
    ("MYC", 4609),
    ("MYCN", 4613),
    ("NF1", 4763),
    ("NOTCH1", 4851),
    ("NPM1", 4869),
    ("NRAS", 4893),
    ("NTRK1", 4914),
    ("PALB2", 79728),
    ("PDCD1", 5133),
    ("PIK3CA", 5290),
    ("PTEN", 5728),
    ("RB1", 5925),
    ("RET", 5979),
    ("ROS1", 6098),
    ("SMAD4", 4089),
    ("STK11", 6794),
    ("TERT", 7015),
    ("TET2", 54790),
    ("TP53", 7157),
    ("VHL", 7428),
)

# DUO rows (id, shorthand, label, description) exactly as in DUO's csv export.
BUILTIN_DUO_ROWS: tuple[tuple[str, str, str, str], ...] = (
    (
        "DUO:0000021",
        "IRB",
        "ethics approval required",
        "This data use modifier indicates that the requestor must provide documentation of local "
        "IRB/ERB approval.",
    ),
    (
        "DUO:0000006",
        "HMB",
        "health or medical or biomedical research",
        "This data use permission indicates that use is allowed for health/medical/biomedical "
        "purposes; does not include the study of population origins or ancestry.",
    ),
    (
        "DUO:0000019",
        "PUB",
        "publication required",
        "This data use modifier indicates that requestor agrees to make results of studies using "
        "the data available to the larger scientific community.",
    ),
    (
        "DUO:0000026",
        "US",
        "user specific restriction",
        "This data use modifier indicates that use is limited to use by approved users.",
    ),
    (
        "DUO:0000044",
        "NPOA",
        "population origins or ancestry research prohibited",
        "This data use modifier indicates use for purposes of population, origin, or ancestry "
        "research is prohibited.",
    ),
    (
        "DUO:0000020",
        "COL",
        "collaboration required",
        "This data use modifier indicates that the requestor must agree to collaboration with the "
        "primary study investigator(s).",
    ),
    (
        "DUO:0000046",
        "NCU",
        "non-commercial use only",
        "This data use modifier indicates that use of the data is limited to not-for-profit use.",
    ),
    (
        "DUO:0000018",
        "NPUNCU",
        "not for profit, non commercial use only",
        "This data use modifier indicates that use of the data is limited to not-for-profit "
        "organizations and not-for-profit use, non-commercial use.",
    ),
    (
        "DUO:0000012",
        "RS",
        "research specific restrictions",
        "This data use modifier indicates that use is limited to studies of a certain research type.",
    ),
    (
        "DUO:0000025",
        "TS",
        "time limit on use",
        "This data use modifier indicates that use is approved for a specific number of months.",
    ),
    (
        "DUO:0000004",
        "NRES",
        "no restriction",
        "This data use permission indicates there is no restriction on use.",
    ),
    (
        "DUO:0000045",
        "NPU",
        "not for profit organisation use only",
        "This data use modifier indicates that use of the data is limited to not-for-profit organizations.",
    ),
    (
        "DUO:0000017",
        "",
        "data use modifier",
        "Data use modifiers indicate additional conditions for use.",
    ),
    (
        "DUO:0000011",
        "POA",
        "population origins or ancestry research only",
        "This data use permission indicates that use of the data is limited to the study of "
        "population origins or ancestry.",
    ),
    (
        "DUO:0000024",
        "MOR",
        "publication moratorium",
        "This data use modifier indicates that requestor agrees not to publish results of studies "
        "until a specific date.",
    ),
    (
        "DUO:0000016",
        "GSO",
        "genetic studies only",
        "This data use modifier indicates that use is limited to genetic studies only (i.e., "
        "studies that include genotype research alone or both genotype and phenotype research, but "
        "not phenotype research exclusively)",
    ),
    (
        "DUO:0000029",
        "RTN",
        "return to database or resource",
        "This data use modifier indicates that the requestor must return derived/enriched data to "
        "the database/resource.",
    ),
    (
        "DUO:0000043",
        "CC",
        "clinical care use",
        "This data use modifier indicates that use is allowed for clinical use and care.",
    ),
    (
        "DUO:0000015",
        "NMDS",
        "no general methods research",
        "This data use modifier indicates that use does not allow methods development research "
        "(e.g., development of software or algorithms).",
    ),
    (
        "DUO:0000028",
        "IS",
        "institution specific restriction",
        "This data use modifier indicates that use is limited to use within an approved institution.",
    ),
    (
        "DUO:0000022",
        "GS",
        "geographical restriction",
        "This data use modifier indicates that use is limited to within a specific geographic region.",
    ),
    (
        "DUO:0000007",
        "DS",
        "disease specific research",
        "This data use permission indicates that use is allowed provided it is related to the "
        "specified disease.",
    ),
    (
        "DUO:0000001",
        "",
        "data use permission",
        "A data item that is used to indicate consent permissions for datasets and/or materials, "
        "and relates to the purposes for which datasets and/or material might be removed, stored or"
        " used.",
    ),
    (
        "DUO:0000042",
        "GRU",
        "general research use",
        "This data use permission indicates that use is allowed for general research use for any "
        "research purpose.",
    ),
    (
        "DUO:0000027",
        "PS",
        "project specific restriction",
        "This data use modifier indicates that use is limited to use within an approved project.",
    ),
)

# Only the five pathways small enough to copy whole; a truncated pathway would mislead.
BUILTIN_PATHWAYS: dict[str, frozenset[str]] = {
    "Cell_Cycle": frozenset(
        (
            "CCND1",
            "CCND2",
            "CCND3",
            "CCNE1",
            "CDK2",
            "CDK4",
            "CDK6",
            "CDKN1A",
            "CDKN1B",
            "CDKN2A",
            "CDKN2B",
            "CDKN2C",
            "E2F1",
            "E2F3",
            "RB1",
        )
    ),
    "MYC": frozenset(
        ("MAX", "MGA", "MLX", "MLXIP", "MLXIPL", "MNT", "MXD1", "MXD3", "MXD4", "MXI1", "MYC", "MYCL", "MYCN")
    ),
    "NRF2": frozenset(("CUL3", "KEAP1", "NFE2L2")),
    "TGF-Beta": frozenset(("ACVR1B", "ACVR2A", "SMAD2", "SMAD3", "SMAD4", "TGFBR1", "TGFBR2")),
    "TP53": frozenset(("ATM", "CHEK2", "MDM2", "MDM4", "RPS6KA3", "TP53")),
}


@cache
def builtin_oncotree() -> OncoTree:
    return OncoTree.from_nodes(BUILTIN_TUMOUR_TYPES)


@cache
def builtin_genes() -> GeneVocabulary:
    return GeneVocabulary(
        with_curated_aliases(
            Gene(symbol=symbol, entrez_id=entrez_id, type=PROTEIN_CODING)
            for symbol, entrez_id in BUILTIN_GENES
        )
    )


def builtin_duo() -> dict[str, DuoTerm]:
    columns = ("id", "shorthand", "label", "description")
    return duo_terms_from_rows(dict(zip(columns, row, strict=True)) for row in BUILTIN_DUO_ROWS)


def builtin_pathways() -> dict[str, frozenset[str]]:
    return dict(BUILTIN_PATHWAYS)
