"""The demo alliance: always the built-in personas and portfolio, plus the real public data when present."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from oncobridge.accounts.models import Organisation, User
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing.demo import demo_datasets_load
from oncobridge.portfolio.demo.builtin import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_PASSWORD_ENV,
    PERSONAS,
    Persona,
    builtin_alliance_load,
    demo_password,
)
from oncobridge.portfolio.demo.public_data import missing_files, public_data_load
from oncobridge.portfolio.models import (
    InvestigatorProfile,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
    SearchDocument,
)

__all__ = [
    "DEFAULT_DEMO_PASSWORD",
    "DEMO_PASSWORD_ENV",
    "PERSONAS",
    "DemoReport",
    "Persona",
    "demo_counts",
    "demo_load",
]


@dataclass
class DemoReport:
    personas: tuple[Persona, ...]
    password: str
    public_data: bool
    # What the deployment lacks, one sentence each (reference files, vocabularies); empty when complete.
    lacking: list[str]
    counts: dict[str, int]
    warnings: dict[str, int] = field(default_factory=dict)
    warning_examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def demo_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "investigator profiles": InvestigatorProfile.objects.count(),
        "research projects": ResearchProject.objects.count(),
        "research assets": ResearchAsset.objects.count(),
        "partner profiles": PartnerProfile.objects.count(),
        "partner needs": PartnerNeed.objects.count(),
        "search documents": SearchDocument.objects.count(),
    }


def _lacking(data_dir: Path | None) -> list[str]:
    lacking = []
    if data_dir is None:
        lacking.append(
            "ONCOBRIDGE_DATA_DIR is not set, so the real public data (NCI projects, dbGaP/CTD2/CEDCD "
            "datasets, "
            "industry-sponsored trials) cannot be read."
        )
    else:
        lacking.extend(f"{data_dir / relative} is missing." for relative in missing_files(data_dir))
    lacking.extend(f"{sentence}." for sentence in vocabularies().missing)
    return lacking


def demo_load(*, data_dir: Path | None, show_progress: bool = True) -> DemoReport:
    """Load the demo alliance idempotently: a second run creates nothing and changes nothing."""
    started = time.perf_counter()
    public_dir = data_dir if data_dir is not None and not missing_files(data_dir) else None
    with transaction.atomic():
        context = builtin_alliance_load(show_progress=show_progress)
        if public_dir is not None:
            public_data_load(public_dir, context)
    # Imports publish files, so they run after the portfolio's transaction has committed.
    shared_datasets = demo_datasets_load(data_dir=data_dir, show_progress=show_progress)
    return DemoReport(
        personas=PERSONAS,
        password=demo_password(),
        public_data=public_dir is not None,
        lacking=_lacking(data_dir),
        counts={**demo_counts(), **shared_datasets},
        warnings=dict(context.warnings),
        warning_examples=dict(context.examples),
        seconds=time.perf_counter() - started,
    )
