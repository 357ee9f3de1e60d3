"""Harmonised rows (formats/tables.py) as Beacon v2 default-model records.

Identifiers are "<dataset slug>:<id in the dataset>", because patient and sample ids are only unique
within their dataset. Variants are identified as "<build>:<chromosome>:<1-based start>:<ref>:<alt>".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from oncobridge.beacon.filters import SEX_TERMS, ncit_terms, oncotree_term

# Sequence Ontology terms for the MAF/GDC Variant_Classification vocabulary (checked against so.obo).
SO_TERMS: dict[str, tuple[str, str]] = {
    "Missense_Mutation": ("SO:0001583", "missense_variant"),
    "Nonsense_Mutation": ("SO:0001587", "stop_gained"),
    "Nonstop_Mutation": ("SO:0001578", "stop_lost"),
    "Silent": ("SO:0001819", "synonymous_variant"),
    "Frame_Shift_Del": ("SO:0001589", "frameshift_variant"),
    "Frame_Shift_Ins": ("SO:0001589", "frameshift_variant"),
    "In_Frame_Del": ("SO:0001822", "inframe_deletion"),
    "In_Frame_Ins": ("SO:0001821", "inframe_insertion"),
    "Splice_Site": ("SO:0001629", "splice_site_variant"),
    "Splice_Region": ("SO:0001630", "splice_region_variant"),
    "Translation_Start_Site": ("SO:0002012", "start_lost"),
    "3'UTR": ("SO:0001624", "3_prime_UTR_variant"),
    "5'UTR": ("SO:0001623", "5_prime_UTR_variant"),
    "3'Flank": ("SO:0001632", "downstream_gene_variant"),
    "5'Flank": ("SO:0001631", "upstream_gene_variant"),
    "Intron": ("SO:0001627", "intron_variant"),
    "IGR": ("SO:0001628", "intergenic_variant"),
    "RNA": ("SO:0001792", "non_coding_transcript_exon_variant"),
}

# RefSeq accessions of the primary assembly's chromosomes, for VRS sequence ids.
_CHROMOSOMES = [str(number) for number in range(1, 23)] + ["X", "Y"]
_GRCH37_VERSIONS = [10, 11, 11, 11, 9, 11, 13, 10, 11, 10, 9, 11, 10, 8, 9, 9, 10, 9, 9, 10, 8, 10, 10, 9]
_GRCH38_VERSIONS = [
    11,
    12,
    12,
    12,
    10,
    12,
    14,
    11,
    12,
    11,
    10,
    12,
    11,
    9,
    10,
    10,
    11,
    10,
    10,
    11,
    9,
    11,
    11,
    10,
]
REFSEQ: dict[str, dict[str, str]] = {
    build: {
        chromosome: f"NC_{index + 1:06d}.{version}"
        for index, (chromosome, version) in enumerate(zip(_CHROMOSOMES, versions, strict=True))
    }
    | {"MT": "NC_012920.1"}
    for build, versions in (("GRCh37", _GRCH37_VERSIONS), ("GRCh38", _GRCH38_VERSIONS))
}

BIOSAMPLE_STATUS = {
    "normal": ("EFO:0009654", "reference sample"),
    "tumour": ("EFO:0009655", "abnormal sample"),
}
SAMPLE_ORIGIN = ("OBI:0001479", "specimen from organism")
TUMOUR_PROGRESSION = {
    "primary": ("NCIT:C8509", "Primary Neoplasm"),
    "metastasis": ("NCIT:C3261", "Metastatic Neoplasm"),
    "recurrence": ("NCIT:C4798", "Recurrent Neoplasm"),
}
DIAGNOSIS_PREFIXES = {"snomed": "SNOMED", "icd-10": "ICD10", "icd-o-3": "ICDO3", "ncit": "NCIT"}


def entity_id(dataset: str, local_id: str) -> str:
    return f"{dataset}:{local_id}"


def split_entity_id(value: str) -> tuple[str, str] | None:
    dataset, sep, local_id = value.partition(":")
    return (dataset, local_id) if sep and dataset and local_id else None


def _term(pair: tuple[str, str]) -> dict[str, str]:
    return {"id": pair[0], "label": pair[1]}


def _cancer_term(code: str) -> dict[str, str]:
    ncit = ncit_terms(code)
    term = ncit[0] if ncit else oncotree_term(code)
    return {"id": term.id, "label": term.label}


def _diagnosis_term(patient: Mapping[str, Any]) -> dict[str, str] | None:
    code, system = patient.get("diagnosis_code"), (patient.get("diagnosis_system") or "").lower()
    if not code:
        return None
    if system == "oncotree":
        return _cancer_term(str(code))
    local = str(code).split(":", 1)[1] if str(code).upper().startswith("NCIT:") else str(code)
    prefix = DIAGNOSIS_PREFIXES.get(system, system.upper() or "CUSTOM")
    return {"id": f"{prefix}:{local}", "label": str(patient.get("diagnosis_label") or code)}


def individual_record(
    dataset: str, patient: Mapping[str, Any], sample_codes: Sequence[str] = ()
) -> dict[str, Any]:
    sex = SEX_TERMS.get(str(patient.get("sex") or "unknown"), SEX_TERMS["unknown"])
    record: dict[str, Any] = {"id": entity_id(dataset, str(patient["patient_id"])), "sex": _term(sex)}
    diagnosis = _diagnosis_term(patient)
    diseases = [{"diseaseCode": diagnosis}] if diagnosis else []
    seen = {diagnosis["id"]} if diagnosis else set()
    for code in sample_codes:
        term = _cancer_term(code)
        if term["id"] not in seen:
            seen.add(term["id"])
            diseases.append({"diseaseCode": term})
    if diseases:
        record["diseases"] = diseases
    info: dict[str, Any] = {"dataset": dataset}
    if patient.get("stage"):
        info["stage"] = patient["stage"]  # free text or TNM: no ontology term to claim
    if patient.get("age_years") is not None:
        info["ageYears"] = float(patient["age_years"])
    if patient.get("vital_status"):
        info["vitalStatus"] = patient["vital_status"]
    record["info"] = info
    return record


def biosample_record(dataset: str, sample: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(sample.get("sample_type") or "").lower()
    status = BIOSAMPLE_STATUS["normal" if kind == "normal" else "tumour"]
    record: dict[str, Any] = {
        "id": entity_id(dataset, str(sample["sample_id"])),
        "biosampleStatus": _term(status),
        "sampleOriginType": _term(SAMPLE_ORIGIN),
    }
    if sample.get("patient_id"):
        record["individualId"] = entity_id(dataset, str(sample["patient_id"]))
    if sample.get("oncotree_code"):
        record["histologicalDiagnosis"] = _cancer_term(str(sample["oncotree_code"]))
    if kind in TUMOUR_PROGRESSION:
        record["tumorProgression"] = _term(TUMOUR_PROGRESSION[kind])
    info: dict[str, Any] = {"dataset": dataset}
    if sample.get("tissue"):
        info["tissue"] = sample["tissue"]
    if sample.get("sample_type"):
        info["sampleType"] = sample["sample_type"]
    record["info"] = info
    return record


def _bases(value: object) -> str:
    text = str(value or "").upper()
    return text if text else "-"


def variant_type(row: Mapping[str, Any]) -> str:
    """MAF's Variant_Type from the alleles (SNP DNP TNP ONP INS DEL), as the readers would derive it."""
    reference, alternate = _bases(row.get("reference_allele")), _bases(row.get("tumor_seq_allele2"))
    if reference == "-":
        return "INS"
    if alternate == "-":
        return "DEL"
    if len(reference) != len(alternate):
        return "DEL" if len(reference) > len(alternate) else "INS"
    return {1: "SNP", 2: "DNP", 3: "TNP"}.get(len(reference), "ONP")


def variant_key(row: Mapping[str, Any]) -> str | None:
    """The variant's internal id; None for calls without a position (they cannot be located)."""
    if row.get("chromosome") is None or row.get("start") is None:
        return None
    build = row.get("ncbi_build") or "unknown"
    return ":".join(
        [
            str(build),
            str(row["chromosome"]),
            str(int(row["start"])),
            _bases(row.get("reference_allele")),
            _bases(row.get("tumor_seq_allele2")),
        ]
    )


def parse_variant_key(value: str) -> tuple[str, str, int, str, str] | None:
    parts = value.split(":")
    if len(parts) != 5 or not parts[2].isdigit():
        return None
    build, chromosome, start, reference, alternate = parts
    return build, chromosome, int(start), reference.upper(), alternate.upper()


def sequence_id(build: str, chromosome: str) -> str:
    accession = REFSEQ.get(build, {}).get(chromosome)
    return f"refseq:{accession}" if accession else f"{build}:{chromosome}"


def _interval(row: Mapping[str, Any]) -> tuple[int, int]:
    """Interbase (0-based, end exclusive) coordinates of the reference bases the variant replaces."""
    start = int(row["start"])
    reference = _bases(row.get("reference_allele"))
    if reference == "-":  # an insertion sits between two bases
        return start, start
    end = int(row["end"]) if row.get("end") is not None else start + len(reference) - 1
    return start - 1, max(end, start)


def variant_record(key: str, rows: Sequence[Mapping[str, Any]], *, case_level: bool) -> dict[str, Any]:
    first = rows[0]
    start, end = _interval(first)
    build = str(first.get("ncbi_build") or "unknown")
    record: dict[str, Any] = {
        "variantInternalId": key,
        "variation": {
            "variantType": variant_type(first),
            "referenceBases": _bases(first.get("reference_allele")),
            "alternateBases": _bases(first.get("tumor_seq_allele2")),
            "location": {
                "type": "SequenceLocation",
                "sequence_id": sequence_id(build, str(first["chromosome"])),
                "interval": {
                    "type": "SequenceInterval",
                    "start": {"type": "Number", "value": start},
                    "end": {"type": "Number", "value": end},
                },
            },
        },
    }
    attributes: dict[str, Any] = {}
    if first.get("gene"):
        attributes["geneIds"] = [first["gene"]]
    if first.get("hgvsp_short"):
        attributes["aminoacidChanges"] = [str(first["hgvsp_short"]).removeprefix("p.")]
    classification = first.get("variant_classification")
    if classification in SO_TERMS:
        attributes["molecularEffects"] = [_term(SO_TERMS[str(classification)])]
    if attributes:
        record["molecularAttributes"] = attributes
    if first.get("gene") and first.get("hgvsp_short"):
        record["identifiers"] = {"proteinHGVSIds": [f"{first['gene']}:{first['hgvsp_short']}"]}
    if case_level:
        record["caseLevelData"] = [
            {
                "biosampleId": entity_id(str(row["dataset"]), str(row["sample_id"])),
                "individualId": entity_id(str(row["dataset"]), str(row["patient_id"])),
            }
            for row in rows
        ]
    record["info"] = {"dataset": first["dataset"], "ncbiBuild": build}
    return record
