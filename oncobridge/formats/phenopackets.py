"""GA4GH Phenopacket v2 JSON: read into the harmonised tables, and write one patient's phenopacket.

Validation uses the `phenopackets` package: the official protobuf schema, through protobuf's JSON parser,
which refuses unknown fields, wrong types and bad enum values, and names the field. Outputs are checked the
same way before they are returned, so an export cannot emit a phenopacket the schema refuses.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from google.protobuf import json_format
from phenopackets import Phenopacket

from oncobridge.formats import tables
from oncobridge.formats.gene_names import GeneResolver
from oncobridge.formats.mutation_terms import normalise_chromosome, short_protein_change
from oncobridge.formats.problems import FormatError, Problem, Problems
from oncobridge.vocab.genes import GeneVocabulary

SCHEMA_VERSION = "2.0"
SEX = {"FEMALE": "female", "MALE": "male", "OTHER_SEX": "other", "UNKNOWN_SEX": "unknown"}
SEX_OUT = {value: key for key, value in SEX.items()}
NCIT = {
    "id": "ncit",
    "name": "NCI Thesaurus",
    "url": "http://purl.obolibrary.org/obo/ncit.owl",
    "version": "21.05d",
    "namespacePrefix": "NCIT",
    "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_",
}
HGNC = {
    "id": "hgnc",
    "name": "HUGO Gene Nomenclature Committee",
    "url": "https://www.genenames.org",
    "version": "unknown",
    "namespacePrefix": "HGNC",
    "iriPrefix": "https://identifiers.org/hgnc:",
}


@dataclass
class PhenopacketRead:
    patients: pa.Table
    samples: pa.Table
    mutations: pa.Table
    warnings: list[Problem] = field(default_factory=list)


def validate_phenopacket(document: dict[str, Any], file: str) -> Phenopacket:
    """The protobuf message for a phenopacket dict; FormatError names the refused field."""
    try:
        message = json_format.ParseDict(document, Phenopacket())
    except json_format.ParseError as exc:
        raise FormatError([Problem(file, None, None, f"not a valid Phenopacket v2: {exc}")]) from exc
    problems = Problems(file)
    if not message.id:
        problems.add(None, "id", "is required")
    if not message.subject.id:
        problems.add(None, "subject.id", "is required")
    if not message.meta_data.created_by or not message.meta_data.phenopacket_schema_version.startswith("2"):
        problems.add(None, "metaData", "needs createdBy and phenopacketSchemaVersion 2.x")
    problems.raise_if_any()
    return message


def read_phenopacket(path: Path | str, *, genes: GeneVocabulary) -> PhenopacketRead:
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormatError([Problem(path.name, exc.lineno, None, f"not valid JSON: {exc.msg}")]) from exc
    if not isinstance(document, dict):
        raise FormatError([Problem(path.name, 1, None, "a phenopacket is a JSON object")])
    validate_phenopacket(document, path.name)
    problems = Problems(path.name)
    resolver = GeneResolver(genes)
    subject = document["subject"]
    patient_id = subject["id"]
    disease = (document.get("diseases") or [{}])[0]
    stage = (disease.get("diseaseStage") or [{}])[0].get("label")
    patients = [
        {
            "patient_id": patient_id,
            "sex": SEX.get(subject.get("sex", "")),
            "age_years": _age_years(subject),
            "vital_status": "deceased"
            if (subject.get("vitalStatus") or {}).get("status") == "DECEASED"
            else None,
            "diagnosis_code": (disease.get("term") or {}).get("id"),
            "diagnosis_system": _system((disease.get("term") or {}).get("id")),
            "diagnosis_label": (disease.get("term") or {}).get("label"),
            "stage": stage,
        }
    ]
    samples = [
        {
            "sample_id": biosample["id"],
            "patient_id": biosample.get("individualId") or patient_id,
            "sample_type": (biosample.get("tumorProgression") or {}).get("label"),
            "oncotree_code": None,
            "tissue": (biosample.get("sampledTissue") or {}).get("label"),
        }
        for biosample in document.get("biosamples") or []
    ]
    mutations = []
    for interpretation in document.get("interpretations") or []:
        for genomic in (interpretation.get("diagnosis") or {}).get("genomicInterpretations") or []:
            descriptor = (genomic.get("variantInterpretation") or {}).get("variationDescriptor")
            if not descriptor or "copyNumber" in (descriptor.get("variation") or {}):
                continue  # copy-number calls are not rows of the mutations table
            symbol = (descriptor.get("geneContext") or {}).get("symbol")
            resolved = resolver.resolve(symbol)
            if symbol and resolved.symbol is None:
                problems.warn(
                    None, "geneContext.symbol", f"{symbol!r} is not a known gene symbol", kind="unknown gene"
                )
            vcf = descriptor.get("vcfRecord") or {}
            hgvsp = next(
                (e["value"] for e in descriptor.get("expressions") or [] if e.get("syntax") == "hgvs.p"), None
            )
            mutations.append(
                {
                    "sample_id": genomic.get("subjectOrBiosampleId") or patient_id,
                    "gene": resolved.symbol,
                    "submitted_gene": symbol,
                    "entrez_id": resolved.entrez_id,
                    "chromosome": normalise_chromosome(vcf["chrom"]) if vcf.get("chrom") else None,
                    "start": int(vcf["pos"]) if str(vcf.get("pos", "")).isdigit() else None,
                    "reference_allele": vcf.get("ref"),
                    "tumor_seq_allele2": vcf.get("alt"),
                    "hgvsp_short": short_protein_change(hgvsp),
                    "ncbi_build": vcf.get("genomeAssembly"),
                }
            )
    return PhenopacketRead(
        patients=tables.table_from_rows(tables.PATIENTS, patients),
        samples=tables.table_from_rows(tables.SAMPLES, samples),
        mutations=tables.table_from_rows(tables.MUTATIONS, mutations),
        warnings=problems.warnings,
    )


def write_phenopacket(
    patient_id: str,
    *,
    patients: pa.Table,
    samples: pa.Table,
    mutations: pa.Table,
    created_by: str,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """One patient's Phenopacket v2 from the harmonised tables, validated against the schema."""
    patient_rows = [row for row in patients.to_pylist() if row["patient_id"] == patient_id]
    if not patient_rows:
        raise KeyError(patient_id)
    patient = patient_rows[0]
    sample_rows = [row for row in samples.to_pylist() if row["patient_id"] == patient_id]
    sample_ids = {row["sample_id"] for row in sample_rows}
    subject: dict[str, Any] = {"id": patient_id, "sex": SEX_OUT.get(str(patient.get("sex")), "UNKNOWN_SEX")}
    if patient.get("age_years") is not None:
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": f"P{int(patient['age_years'])}Y"}}
    document: dict[str, Any] = {"id": f"{patient_id}-phenopacket", "subject": subject}
    biosamples = []
    for row in sample_rows:
        biosample: dict[str, Any] = {"id": row["sample_id"], "individualId": patient_id}
        if row.get("tissue"):
            # The tables keep the tissue's label, not its ontology code: a description, not a made-up term.
            biosample["description"] = f"tissue: {row['tissue']}"
        biosamples.append(biosample)
    if biosamples:
        document["biosamples"] = biosamples
    if patient.get("diagnosis_code"):
        term_id = str(patient["diagnosis_code"])
        if ":" not in term_id:
            term_id = f"{str(patient.get('diagnosis_system') or 'local').upper()}:{term_id}"
        disease: dict[str, Any] = {
            "term": {"id": term_id, "label": patient.get("diagnosis_label") or term_id}
        }
        document["diseases"] = [disease]
    interpretations = []
    for number, row in enumerate(
        row
        for row in mutations.to_pylist()
        if row["sample_id"] in sample_ids or row["sample_id"] == patient_id
    ):
        descriptor: dict[str, Any] = {
            "id": f"{patient_id}-variant-{number + 1}",
            "moleculeContext": "genomic",
        }
        if row.get("gene"):
            # The gene vocabulary holds Entrez ids (no HGNC ids offline): NCBIGene CURIEs are exact.
            gene_id = f"NCBIGene:{row['entrez_id']}" if row.get("entrez_id") else f"HGNC:{row['gene']}"
            descriptor["geneContext"] = {"valueId": gene_id, "symbol": row["gene"]}
        if row.get("hgvsp_short"):
            descriptor["expressions"] = [{"syntax": "hgvs.p", "value": row["hgvsp_short"]}]
        if row.get("chromosome") and row.get("start") and row.get("ncbi_build"):
            descriptor["vcfRecord"] = {
                "genomeAssembly": row["ncbi_build"],
                "chrom": row["chromosome"],
                "pos": str(row["start"]),
                "ref": row.get("reference_allele") or "",
                "alt": row.get("tumor_seq_allele2") or "",
            }
        interpretations.append(
            {
                "subjectOrBiosampleId": row["sample_id"],
                "interpretationStatus": "UNKNOWN_STATUS",
                "variantInterpretation": {"variationDescriptor": descriptor},
            }
        )
    if interpretations:
        document["interpretations"] = [
            {
                "id": f"{patient_id}-interpretation",
                "progressStatus": "UNKNOWN_PROGRESS",
                "diagnosis": {
                    "disease": document.get(
                        "diseases", [{"term": {"id": "NCIT:C3262", "label": "Neoplasm"}}]
                    )[0]["term"],
                    "genomicInterpretations": interpretations,
                },
            }
        ]
    document["metaData"] = {
        "created": (created or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "createdBy": created_by,
        "resources": [NCIT, HGNC],
        "phenopacketSchemaVersion": SCHEMA_VERSION,
    }
    validate_phenopacket(document, f"{patient_id}-phenopacket.json")
    return document


def _age_years(subject: dict[str, Any]) -> float | None:
    duration = ((subject.get("timeAtLastEncounter") or {}).get("age") or {}).get("iso8601duration")
    if not isinstance(duration, str) or not duration.startswith("P"):
        return None
    years = months = 0.0
    number = ""
    for char in duration[1:]:
        if char.isdigit() or char == ".":
            number += char
        elif char in "YMWD" and number:
            value = float(number)
            if char == "Y":
                years = value
            elif char == "M":
                months = value
            number = ""
        else:
            break
    return round(years + months / 12, 2)


def _system(term_id: str | None) -> str | None:
    return term_id.split(":", 1)[0].lower() if term_id and ":" in term_id else None
