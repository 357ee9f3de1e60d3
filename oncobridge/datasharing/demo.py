"""Demo datasets: real public files registered and imported for the demo centre, by its demo data steward.

From the reference-data folder (when present): the maftools APL primary and relapse MAFs and TCGA BRCA MAF,
the cBioPortal TCGA BRCA mutation fragment, the MSKCC panel mutation file and the FHIR mCODE bundle. From
lifelines (when installed): GBSG2 and NCCTG lung as clinical tables with survival, through the clinical TSV +
YAML mapping importer. The Phenopackets examples are not imported: the importers read no Phenopackets (the
platform writes them, as an export of granted data).

Their DUO terms show the rules: one NCU dataset that an industry member's commercial request fails, a DS one
limited to a disease, a TS one with an end date. Idempotent: an existing dataset is left as it is, and a
dataset that has a version is not imported again.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Organisation, User
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.services import dataset_create, dataset_import, import_source

DEMO_CENTRE = "oncobridge-ccc"
DEMO_STEWARD = "steward@oncobridge.example"


@dataclass(frozen=True)
class DemoDataset:
    slug: str
    title: str
    description: str
    duo_codes: tuple[str, ...]
    cancer_types: tuple[str, ...]
    files: Callable[[Path], dict[str, Any]]  # a working folder -> import_source(**files), or {} if absent
    assay: str = ""
    duo_modifiers: dict[str, Any] = field(default_factory=dict)


def _shared(data_dir: Path | None, relative: str, argument: str) -> Callable[[Path], dict[str, Any]]:
    def files(_: Path) -> dict[str, Any]:
        path = data_dir / relative if data_dir is not None else None
        return {argument: path} if path is not None and path.is_file() else {}

    return files


_GBSG2_MAPPING = """\
patient_id: patient
survival: {time: time, unit: days, event: cens, event_values: [1], censored_values: [0], endpoint: RFS}
attributes: {age: age, menopausal_status: menostat, tumour_size_mm: tsize, tumour_grade: tgrade,
  positive_nodes: pnodes, progesterone_receptor: progrec, oestrogen_receptor: estrec, hormone_therapy: horTh}
"""
_LUNG_MAPPING = """\
patient_id: patient
survival: {time: time, unit: days, event: status, event_values: [1], censored_values: [0]}
attributes: {age: age, sex: sex, ecog: ph.ecog, karnofsky_physician: ph.karno, weight_loss: wt.loss}
"""


def _lifelines(loader: str, prefix: str, mapping: str) -> Callable[[Path], dict[str, Any]]:
    def files(folder: Path) -> dict[str, Any]:
        try:
            from lifelines import datasets
        except ImportError:
            return {}
        frame = getattr(datasets, loader)()
        frame.insert(0, "patient", [f"{prefix}-{index:04d}" for index in range(len(frame))])
        table = folder / f"{prefix.lower()}.tsv"
        frame.to_csv(table, sep="\t", index=False)
        mapping_file = folder / f"{prefix.lower()}_mapping.yaml"
        mapping_file.write_text(mapping, encoding="utf-8")
        return {"clinical": table, "mapping": mapping_file}

    return files


def demo_datasets(data_dir: Path | None) -> tuple[DemoDataset, ...]:
    return (
        DemoDataset(
            slug="apl-primary",
            title="Acute promyelocytic leukaemia, primary (maftools)",
            description="Somatic mutations of primary APL samples (GRCh37), from maftools' example data.",
            duo_codes=("GRU",),
            cancer_types=("APLPMLRARA",),
            files=_shared(data_dir, "genomics/APL_primary.maf.gz", "maf"),
        ),
        DemoDataset(
            slug="apl-relapse",
            title="Acute promyelocytic leukaemia, relapse (maftools)",
            description="Somatic mutations of relapsed APL samples (GRCh37), from maftools' example data.",
            duo_codes=("HMB", "PUB"),
            cancer_types=("APLPMLRARA",),
            files=_shared(data_dir, "genomics/APL_relapse.maf.gz", "maf"),
        ),
        DemoDataset(
            slug="tcga-brca-sample",
            title="TCGA breast carcinoma sample (maftools)",
            description="One TCGA BRCA sample's somatic mutations in MAF.",
            duo_codes=("DS", "IRB"),
            duo_modifiers={"DS": ["BRCA"]},
            cancer_types=("BRCA",),
            files=_shared(data_dir, "genomics/brca.maf.gz", "maf"),
        ),
        DemoDataset(
            slug="tcga-brca-cbioportal",
            title="TCGA breast carcinoma mutations (cBioPortal fragment)",
            description="cBioPortal-format mutations of the TCGA BRCA study (its non-chromosomal genes).",
            duo_codes=("GRU", "COL"),
            cancer_types=("BRCA",),
            files=_shared(data_dir, "genomics/public_brca_tcga_pub_non_chrm_genes_data_mutations.txt", "maf"),
        ),
        DemoDataset(
            slug="bcc-unige-2016",
            title="Basal cell carcinoma (UNIGE 2016, cBioPortal)",
            description="Somatic mutations of basal cell carcinomas by whole-exome sequencing, in the "
            "MSKCC-annotated cBioPortal mutation format (intronic and silent calls included).",
            duo_codes=("GRU", "NCU"),
            cancer_types=("BCC",),
            assay="Whole-exome sequencing",
            files=_shared(
                data_dir,
                "genomics/public_bcc_unige_2016_archived_files_filtered_samples_data_mutations_mskcc.txt",
                "maf",
            ),
        ),
        DemoDataset(
            slug="mcode-trial-matching",
            title="mCODE trial-matching patient (FHIR)",
            description="A FHIR R4 bundle with mCODE profiles: cancer condition, TNM stage, tumour markers, "
            "genomic variants and medications of one illustrative patient.",
            duo_codes=("GRU", "IRB"),
            cancer_types=("BRCA",),
            files=_shared(data_dir, "fhir/TrialMatching_Patient01.json", "fhir"),
        ),
        DemoDataset(
            slug="gbsg2-breast",
            title="German Breast Cancer Study Group 2 (GBSG2)",
            description="686 node-positive breast cancer patients with recurrence-free survival (lifelines).",
            duo_codes=("HMB", "NPU"),
            cancer_types=("BRCA",),
            files=_lifelines("load_gbsg2", "GBSG2", _GBSG2_MAPPING),
        ),
        DemoDataset(
            slug="ncctg-lung",
            title="NCCTG advanced lung cancer",
            description="228 patients with advanced lung cancer, overall survival and performance scores "
            "(lifelines).",
            duo_codes=("DS", "TS"),
            duo_modifiers={"DS": ["NSCLC"], "TS": "2030-12-31"},
            cancer_types=("LUNG",),
            files=_lifelines("load_lung", "NCCTG", _LUNG_MAPPING),
        ),
    )


@contextmanager
def _working_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="oncobridge-demo-") as folder:
        yield Path(folder)


def demo_datasets_load(*, data_dir: Path | None, show_progress: bool = True) -> dict[str, int]:
    """Register and import the demo datasets whose files are present; counts for the demo summary."""
    centre = Organisation.objects.filter(slug=DEMO_CENTRE).first()
    steward = User.objects.filter(email=DEMO_STEWARD).first()
    if centre is None or steward is None:
        return {}
    viewer = viewer_for(steward)
    specs = demo_datasets(data_dir)
    with _working_folder() as folder:
        for spec in tqdm(
            specs, desc="demo datasets", file=sys.stderr, leave=False, disable=not show_progress
        ):
            dataset = Dataset.objects.filter(slug=spec.slug).first()
            if dataset is not None and dataset.current_version_id is not None:
                continue
            files = spec.files(folder)
            if not files:
                continue
            if dataset is None:
                dataset = dataset_create(
                    viewer=viewer,
                    actor=steward,
                    slug=spec.slug,
                    title=spec.title,
                    organisation=centre,
                    duo_codes=spec.duo_codes,
                    duo_modifiers=spec.duo_modifiers,
                    description=spec.description,
                    cancer_types=spec.cancer_types,
                    assay=spec.assay,
                )
            dataset_import(viewer=viewer, actor=steward, dataset=dataset, source=import_source(**files))
    datasets = Dataset.objects.filter(slug__in=[spec.slug for spec in specs])
    return {
        "shared datasets": datasets.count(),
        "dataset versions": datasets.exclude(current_version=None).count(),
    }
