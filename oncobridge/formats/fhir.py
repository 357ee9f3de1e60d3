"""FHIR R4 Bundles with mCODE profiles -> patients, clinical attributes, mutations, treatments.

Validation uses fhir.resources (pydantic models). Its 8.x releases default to R5 and ship R4B models
(fhir.resources.R4B), which is R4 plus a few backported additions, so an R4 bundle validates against them.
Each entry is validated on its own, so every broken resource is reported, not just the first. Lines in JSON:
a problem names the JSON path (entry[3].Observation.code) and the line where that resource's id appears.

mCODE elements extracted: Patient (sex, birth date), primary cancer condition (SNOMED/ICD code, stage
summary), TNM stage group, tumour markers and ECOG (as clinical attributes), secondary cancer conditions
(metastatic sites, as attributes), cancer genetic variants (gene and HGVS, as mutations without genomic
coordinates), and cancer-related medications (as treatments).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from oncobridge.formats import tables
from oncobridge.formats.gene_names import GeneResolver
from oncobridge.formats.problems import Problem, Problems
from oncobridge.vocab.genes import GeneVocabulary

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
LOINC = "http://loinc.org"
SYSTEMS = {
    "http://snomed.info/sct": "snomed",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd-10-cm",
    "http://hl7.org/fhir/sid/icd-10": "icd-10",
    "http://terminology.hl7.org/CodeSystem/icd-o-3": "icd-o-3",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
    "http://ncimeta.nci.nih.gov": "ncit",
    "http://cancerstaging.org": "ajcc",
    LOINC: "loinc",
}
GENDERS = {"male", "female", "other", "unknown"}
STAGE_GROUP_CODES = {"21908-9": "clinical", "21902-2": "pathological"}
GENE_STUDIED = "48018-6"
AMINO_ACID_CHANGE = {"48005-3", "81290-9"}  # LOINC "Amino acid change (pHGVS)" and its genomic twin
# HGNC ids of genes that mCODE examples and oncology panels name; the gene vocabulary (cBioPortal's list)
# has no HGNC ids, and no offline HGNC file is available. Others are reported as unmapped.
HGNC_IDS = {
    "HGNC:427": "ALK",
    "HGNC:583": "APC",
    "HGNC:1097": "BRAF",
    "HGNC:1100": "BRCA1",
    "HGNC:1101": "BRCA2",
    "HGNC:3236": "EGFR",
    "HGNC:3430": "ERBB2",
    "HGNC:3467": "ESR1",
    "HGNC:6407": "KRAS",
    "HGNC:7989": "NRAS",
    "HGNC:8975": "PIK3CA",
    "HGNC:9588": "PTEN",
    "HGNC:11998": "TP53",
    "HGNC:9884": "RB1",
}


@dataclass
class FhirRead:
    patients: pa.Table  # tables.PATIENTS plus birth_date (date32), for deidentify to turn into an age
    attributes: pa.Table
    mutations: pa.Table
    treatments: pa.Table  # tables.TREATMENTS with start_date (date32) in place of start_day
    warnings: list[Problem] = field(default_factory=list)
    resource_counts: dict[str, int] = field(default_factory=dict)


PATIENTS_WITH_BIRTH = tables.PATIENTS.append(pa.field("birth_date", pa.date32()))
TREATMENTS_WITH_DATES = pa.schema(
    [tables.TREATMENTS.field(name) for name in tables.TREATMENTS.names if name != "start_day"]
    + [pa.field("start_date", pa.date32())]
)


def read_fhir_bundle(path: Path | str, *, genes: GeneVocabulary) -> FhirRead:
    path = Path(path)
    problems = Problems(path.name)
    try:
        text = path.read_text(encoding="utf-8")
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(exc.lineno, None, f"not valid JSON: {exc.msg} (column {exc.colno})")
        problems.raise_if_any()
        raise AssertionError("unreachable") from exc  # pragma: no cover
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(None, None, f"cannot read the file: {exc}")
        problems.raise_if_any()
        raise AssertionError("unreachable") from exc  # pragma: no cover
    bundle = _Bundle(path.name, text, problems, GeneResolver(genes))
    bundle.read(raw)
    problems.raise_if_any()
    return FhirRead(
        patients=tables.table_from_rows(PATIENTS_WITH_BIRTH, bundle.patients),
        attributes=tables.table_from_rows(tables.CLINICAL_ATTRIBUTES, bundle.attributes),
        mutations=tables.table_from_rows(tables.MUTATIONS, bundle.mutations),
        treatments=tables.table_from_rows(TREATMENTS_WITH_DATES, bundle.treatments),
        warnings=problems.warnings,
        resource_counts=bundle.counts,
    )


@dataclass
class _Bundle:
    file: str
    text: str
    problems: Problems
    resolver: GeneResolver
    patients: list[dict[str, object]] = field(default_factory=list)
    attributes: list[dict[str, object]] = field(default_factory=list)
    mutations: list[dict[str, object]] = field(default_factory=list)
    treatments: list[dict[str, object]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    _patient_by_ref: dict[str, str] = field(default_factory=dict)

    def line_of(self, resource_id: object) -> int | None:
        if not isinstance(resource_id, str):
            return None
        position = self.text.find(f'"{resource_id}"')
        return None if position < 0 else self.text.count("\n", 0, position) + 1

    def read(self, raw: object) -> None:
        if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
            self.problems.add(1, "resourceType", "the file must hold a FHIR Bundle")
            return
        entries = raw.get("entry")
        if not isinstance(entries, list) or not entries:
            self.problems.add(1, "entry", "the Bundle has no entries")
            return
        self._validate_shell(raw)
        resources: list[tuple[int, dict[str, Any]]] = []
        for index, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                self.problems.add(None, f"entry[{index}]", "has no resource")
                continue
            if self._validate(index, resource):
                resources.append((index, resource))
                if resource["resourceType"] == "Patient":
                    patient_id = str(resource.get("id") or f"patient-{index}")
                    self._patient_by_ref[f"Patient/{patient_id}"] = patient_id
                    if isinstance(entry.get("fullUrl"), str):
                        self._patient_by_ref[entry["fullUrl"]] = patient_id
        for index, resource in resources:
            kind = resource["resourceType"]
            self.counts[kind] = self.counts.get(kind, 0) + 1
            handler = getattr(self, f"_on_{kind.lower()}", None)
            if handler is not None:
                handler(index, resource)

    def _validate_shell(self, raw: dict[str, Any]) -> None:
        shell = {key: value for key, value in raw.items() if key != "entry"}
        try:
            get_fhir_model_class("Bundle").model_validate(shell)
        except ValidationError as exc:
            for error in exc.errors():
                where = "Bundle." + ".".join(str(part) for part in error["loc"])
                if error["loc"][:1] == ("id",):
                    # mCODE's own example bundles use ids with "_" (not allowed by FHIR's id pattern);
                    # the bundle id is never stored, so this is reported but not refused.
                    self.problems.warn(1, where, f"{error['msg']} ({raw.get('id')!r})", kind="bundle id")
                else:
                    self.problems.add(1, where, error["msg"])

    def _validate(self, index: int, resource: dict[str, Any]) -> bool:
        kind = resource.get("resourceType")
        line = self.line_of(resource.get("id"))
        try:
            model = get_fhir_model_class(str(kind))
        except (KeyError, ValueError):
            self.problems.add(
                line, f"entry[{index}].resourceType", f"{kind!r} is not a FHIR R4 resource type"
            )
            return False
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            for error in exc.errors():
                path = ".".join(str(part) for part in error["loc"])
                self.problems.add(line, f"entry[{index}].{kind}.{path}", error["msg"])
            return False
        return True

    def _patient(self, index: int, resource: dict[str, Any]) -> str | None:
        reference = (resource.get("subject") or {}).get("reference")
        patient_id = self._patient_by_ref.get(str(reference))
        if patient_id is None:
            self.problems.add(
                self.line_of(resource.get("id")),
                f"entry[{index}].{resource['resourceType']}.subject",
                f"{reference!r} is not a Patient in this bundle",
            )
        return patient_id

    def _on_patient(self, index: int, resource: dict[str, Any]) -> None:
        gender = resource.get("gender")
        if gender is not None and gender not in GENDERS:
            self.problems.add(
                self.line_of(resource.get("id")),
                f"entry[{index}].Patient.gender",
                f"{gender!r} is not a FHIR gender",
            )
        self.patients.append(
            {
                "patient_id": str(resource.get("id") or f"patient-{index}"),
                "sex": gender,
                "vital_status": "deceased"
                if resource.get("deceasedBoolean") or resource.get("deceasedDateTime")
                else None,
                "birth_date": _date(resource.get("birthDate")),
            }
        )

    def _on_condition(self, index: int, resource: dict[str, Any]) -> None:
        patient_id = self._patient(index, resource)
        if patient_id is None:
            return
        coding = _first_coding(resource.get("code"))
        profiles = _profiles(resource)
        if "mcode-primary-cancer-condition" in profiles:
            patient = self._find_patient(patient_id)
            stage = None
            for stage_item in resource.get("stage") or []:
                stage_coding = _first_coding(stage_item.get("summary"))
                stage = stage or (stage_coding.get("display") or stage_coding.get("code"))
            patient.update(
                {
                    "diagnosis_code": coding.get("code"),
                    "diagnosis_system": SYSTEMS.get(str(coding.get("system")), coding.get("system")),
                    "diagnosis_label": coding.get("display"),
                    "stage": patient.get("stage") or stage,
                }
            )
            for site in resource.get("bodySite") or []:
                self._attribute(patient_id, "primary_site", _first_coding(site).get("display"))
        elif "mcode-secondary-cancer-condition" in profiles:
            self._attribute(patient_id, "metastatic_site", coding.get("display") or coding.get("code"))

    def _on_observation(self, index: int, resource: dict[str, Any]) -> None:
        patient_id = self._patient(index, resource)
        if patient_id is None:
            return
        profiles = _profiles(resource)
        code = _first_coding(resource.get("code"))
        value = _observation_value(resource)
        if code.get("code") in STAGE_GROUP_CODES or any("stage-group" in profile for profile in profiles):
            self._find_patient(patient_id)["stage"] = value
            self._attribute(
                patient_id,
                f"tnm_{STAGE_GROUP_CODES.get(str(code.get('code')), 'clinical')}_stage_group",
                value,
            )
        elif "mcode-tumor-marker" in profiles or "mcode-tumor-marker-test" in profiles:
            self._attribute(patient_id, f"tumor_marker:{code.get('display') or code.get('code')}", value)
        elif "mcode-ecog-performance-status" in profiles:
            self._attribute(patient_id, "ecog_performance_status", value, datatype="NUMBER")
        elif "mcode-cancer-genetic-variant" in profiles or code.get("code") == "69548-6":
            self._variant(index, resource, patient_id)

    def _variant(self, index: int, resource: dict[str, Any], patient_id: str) -> None:
        gene_coding: dict[str, Any] = {}
        hgvsp = None
        for component in resource.get("component") or []:
            component_code = _first_coding(component.get("code")).get("code")
            if component_code == GENE_STUDIED:
                gene_coding = _first_coding(component.get("valueCodeableConcept"))
            elif component_code in AMINO_ACID_CHANGE:
                change = _first_coding(component.get("valueCodeableConcept"))
                hgvsp = change.get("code") or change.get("display") or component.get("valueString")
        code = str(gene_coding.get("code") or "")
        symbol = HGNC_IDS.get(code.upper(), code)
        resolved = self.resolver.resolve(symbol)
        if resolved.symbol is None:
            self.problems.warn(
                self.line_of(resource.get("id")),
                f"entry[{index}].Observation.component",
                f"gene {code or gene_coding.get('display')!r} cannot be mapped to a symbol; "
                "kept with an empty gene",
                kind="unknown gene",
            )
        self.mutations.append(
            {
                "sample_id": patient_id,  # mCODE variants name no specimen: the patient stands for it
                "gene": resolved.symbol,
                "submitted_gene": code or gene_coding.get("display"),
                "entrez_id": resolved.entrez_id,
                "hgvsp_short": hgvsp,
            }
        )

    def _on_medicationstatement(self, index: int, resource: dict[str, Any]) -> None:
        patient_id = self._patient(index, resource)
        if patient_id is None:
            return
        coding = _first_coding(resource.get("medicationCodeableConcept"))
        period = resource.get("effectivePeriod") or {}
        self.treatments.append(
            {
                "patient_id": patient_id,
                "treatment": coding.get("display"),
                "code": coding.get("code"),
                "code_system": SYSTEMS.get(str(coding.get("system")), coding.get("system")),
                "status": resource.get("status"),
                "start_date": _date(resource.get("effectiveDateTime") or period.get("start")),
            }
        )

    def _find_patient(self, patient_id: str) -> dict[str, object]:
        for patient in self.patients:
            if patient["patient_id"] == patient_id:
                return patient
        raise KeyError(patient_id)  # pragma: no cover - _patient() already checked the reference

    def _attribute(self, patient_id: str, name: str, value: object, *, datatype: str = "STRING") -> None:
        if value is not None:
            self.attributes.append(
                {
                    "entity_type": "patient",
                    "entity_id": patient_id,
                    "attribute": name,
                    "value": str(value),
                    "datatype": datatype,
                }
            )


def _profiles(resource: dict[str, Any]) -> set[str]:
    return {str(profile).removeprefix(MCODE) for profile in (resource.get("meta") or {}).get("profile") or []}


def _first_coding(concept: object) -> dict[str, Any]:
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if isinstance(coding, dict):
                return coding
    return {}


def _observation_value(resource: dict[str, Any]) -> object:
    if "valueCodeableConcept" in resource:
        coding = _first_coding(resource["valueCodeableConcept"])
        return coding.get("display") or coding.get("code")
    for key in ("valueInteger", "valueString", "valueBoolean"):
        if key in resource:
            return resource[key]
    if "valueQuantity" in resource:
        return (resource["valueQuantity"] or {}).get("value")
    return None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "07", match.group(3) or "01"
    # A year-only or year-month date keeps its precision loosely (mid-year / first of month).
    return dt.date(int(year), int(month), int(day))
