"""A small cohort for the cohorts tests: twelve patients in two cancer types, with known mutations.

Written as cBioPortal clinical files and a MAF in tmp_path and imported through the data-sharing services
as the real imports are. With the default threshold of 5:
- breast (IDC, a descendant of BRCA): P01-P08; lung (LUAD): P09-P12; one sample each (S01-S12);
- TP53 missense in S01-S08 (8 patients); PIK3CA H1047R in S01-S06 (6); KRAS G12C in S09-S11 (3, a small
  cell); a silent TP53 variant in S12 (not "mutated" by maftools' definition);
- odd patients female, even male; overall survival: TP53-mutated patients die earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset, Grant
from oncobridge.datasharing.services import (
    access_request_decide,
    access_request_submit,
    dataset_create,
    dataset_import,
    import_source,
)

PATIENT_HEADER = [
    "#Patient Identifier\tSex\tDiagnosis Age\tOverall Survival (Months)\tOverall Survival Status\tStage",
    "#Patient id\tSex\tAge\tOS months\tOS status\tStage",
    "#STRING\tSTRING\tNUMBER\tNUMBER\tSTRING\tSTRING",
    "#1\t1\t1\t1\t1\t1",
    "PATIENT_ID\tSEX\tAGE\tOS_MONTHS\tOS_STATUS\tSTAGE",
]
SAMPLE_HEADER = [
    "#Patient Identifier\tSample Identifier\tCancer Type\tOncotree Code\tSample Type",
    "#Patient id\tSample id\tCancer type\tOncoTree code\tSample type",
    "#STRING\tSTRING\tSTRING\tSTRING\tSTRING",
    "#1\t1\t1\t1\t1",
    "PATIENT_ID\tSAMPLE_ID\tCANCER_TYPE\tONCOTREE_CODE\tSAMPLE_TYPE",
]
PANEL_HEADER = ["Gene panel", "Gene panel", "STRING", "1", "GENE_PANEL"]
MAF_HEADER = (
    "Hugo_Symbol\tEntrez_Gene_Id\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\t"
    "Variant_Classification\tVariant_Type\tReference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\t"
    "HGVSp_Short"
)
TP53 = "TP53\t7157\tGRCh38\tchr17\t7673802\t7673802\t{cls}\tSNP\tC\tT\t{sample}\t{change}"
PIK3CA = "PIK3CA\t5290\tGRCh38\tchr3\t179234297\t179234297\tMissense_Mutation\tSNP\tA\tG\t{sample}\tp.H1047R"
KRAS = "KRAS\t3845\tGRCh38\tchr12\t25245351\t25245351\tMissense_Mutation\tSNP\tC\tA\t{sample}\tp.G12C"

PATIENTS = [f"P{n:02d}" for n in range(1, 13)]
# TP53-mutated patients (1-8) tend to die earlier, without separating the groups completely.
OS_MONTHS = [8, 12, 20, 25, 33, 14, 40, 18, 15, 30, 45, 60]
BREAST = PATIENTS[:8]
TP53_MUTATED = [f"S{n:02d}" for n in range(1, 9)]
PIK3CA_MUTATED = [f"S{n:02d}" for n in range(1, 7)]
KRAS_G12C = ["S09", "S10", "S11"]


def write_cohort_files(directory: Path, panels: Mapping[str, str] | None = None) -> tuple[Path, Path, Path]:
    """The cohort's files; `panels` (sample id -> cBioPortal panel id) adds a GENE_PANEL sample column."""
    directory.mkdir(parents=True, exist_ok=True)
    patients, samples = list(PATIENT_HEADER), list(SAMPLE_HEADER)
    if panels is not None:
        samples = [f"{line}\t{extra}" for line, extra in zip(samples, PANEL_HEADER, strict=True)]
    for index, patient in enumerate(PATIENTS, start=1):
        sex = "Female" if index % 2 else "Male"
        breast = patient in BREAST
        months = OS_MONTHS[index - 1]
        status = "1:DECEASED" if index % 3 else "0:LIVING"
        stage = "IIIA" if index <= 4 else "II"
        patients.append(f"{patient}\t{sex}\t{40 + index * 2}\t{months}\t{status}\t{stage}")
        code, name = ("IDC", "Breast Cancer") if breast else ("LUAD", "Non-Small Cell Lung Cancer")
        sample = f"S{index:02d}"
        panel = "" if panels is None else f"\t{panels.get(sample, 'NA')}"
        samples.append(f"{patient}\t{sample}\t{name}\t{code}\tPrimary{panel}")
    rows = [MAF_HEADER]
    rows += [TP53.format(cls="Missense_Mutation", sample=s, change="p.R175H") for s in TP53_MUTATED]
    rows += [PIK3CA.format(sample=s) for s in PIK3CA_MUTATED]
    rows += [KRAS.format(sample=s) for s in KRAS_G12C]
    rows.append(TP53.format(cls="Silent", sample="S12", change="p.R175="))
    patient_file, sample_file, maf = (
        directory / "data_clinical_patient.txt",
        directory / "data_clinical_sample.txt",
        directory / "mutations.maf.txt",
    )
    patient_file.write_text("\n".join(patients) + "\n")
    sample_file.write_text("\n".join(samples) + "\n")
    maf.write_text("\n".join(rows) + "\n")
    return patient_file, sample_file, maf


@pytest.fixture(autouse=True)
def datasets_root(settings: Any, tmp_path: Path) -> Path:
    settings.DATASETS_ROOT = tmp_path / "datasets"
    settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD = 5
    return tmp_path / "datasets"


def make_cohort_dataset(
    alliance: Alliance,
    directory: Path,
    slug: str = "breast-lung",
    panels: Mapping[str, str] | None = None,
    **fields: Any,
) -> Dataset:
    """Dana registers and imports the twelve-patient cohort (clinical, then mutations); `panels` gives
    the samples a GENE_PANEL."""
    dataset = dataset_create(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        slug=slug,
        title=fields.pop("title", "Breast and lung cohort"),
        organisation=alliance.centre,
        duo_codes=fields.pop("duo", ("GRU",)),
        **fields,
    )
    patient_file, sample_file, maf = write_cohort_files(directory, panels)
    for source in (import_source(cbioportal_clinical=[patient_file, sample_file]), import_source(maf=maf)):
        dataset_import(viewer=viewer_for(alliance.dana), actor=alliance.dana, dataset=dataset, source=source)
    dataset.refresh_from_db()
    return dataset


@pytest.fixture
def cohort_dataset(alliance: Alliance, tmp_path: Path) -> Dataset:
    return make_cohort_dataset(alliance, tmp_path / "files")


def grant_rows(dataset: Dataset, user: User) -> Grant:
    """The person asks for access and Dana approves: an active grant, as the data-sharing services make it."""
    request = access_request_submit(
        viewer=viewer_for(user), actor=user, dataset=dataset, purpose="Cohort analysis", commercial=False
    )
    decided = access_request_decide(
        viewer=viewer_for(dataset_steward(dataset)),
        actor=dataset_steward(dataset),
        request=request,
        approve=True,
    )
    return Grant.objects.get(request=decided)


def client_for(user: User) -> Client:
    """A browser signed in as the user."""
    client = Client()
    client.force_login(user)
    return client


def dataset_steward(dataset: Dataset) -> User:
    return User.objects.get(memberships__organisation=dataset.organisation, memberships__role="data_steward")


@dataclass
class Personas:
    """Who is who for the cohort dataset: Nora holds a grant; Dana stewards it; the others have no grant."""

    grantee: User
    steward: User
    investigator: User
    industry: User
    outsider: User


@pytest.fixture
def personas(alliance: Alliance, cohort_dataset: Dataset) -> Personas:
    grant_rows(cohort_dataset, alliance.nora)
    return Personas(
        grantee=alliance.nora,
        steward=alliance.dana,
        investigator=alliance.ivan,
        industry=alliance.gary,
        outsider=alliance.oscar,
    )
