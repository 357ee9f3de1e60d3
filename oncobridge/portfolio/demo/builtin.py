"""The small built-in demo alliance: a cancer centre, a university, two companies and one persona per role.

It needs no reference data: every concept below is in the vocabularies' built-in subset, and concepts a
deployment's vocabulary lacks are dropped rather than refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from oncobridge.accounts.models import Organisation, OrganisationKind, Role, User
from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus
from oncobridge.core.visibility import Visibility
from oncobridge.core.vocabularies import vocabularies
from oncobridge.portfolio import services
from oncobridge.portfolio.demo.common import DemoContext, context_for, organisation_ensure, person_ensure
from oncobridge.portfolio.models import AssetKind, CollaborationKind, DevelopmentStage
from oncobridge.vocab.modalities import MODALITIES

# For the local demo only: every persona shares this password, so it must never reach a real deployment.
DEMO_PASSWORD_ENV = "ONCOBRIDGE_DEMO_PASSWORD"  # noqa: S105 - the name of a variable, not a secret
DEFAULT_DEMO_PASSWORD = "oncobridge-demo"  # noqa: S105 - documented, local demo only

CENTRE = "oncobridge-ccc"
UNIVERSITY = "riverside-university"
CDA_PARTNER = "helix-therapeutics"
OTHER_COMPANY = "northwind-biosciences"
CDA_TITLE = "Helix Therapeutics / OncoBridge Comprehensive Cancer Centre CDA"

ORGANISATIONS: tuple[dict[str, Any], ...] = (
    {
        "slug": CENTRE,
        "name": "OncoBridge Comprehensive Cancer Centre",
        "kind": OrganisationKind.ACADEMIC,
        "city": "Bridgetown",
        "country": "Demo",
    },
    {
        "slug": UNIVERSITY,
        "name": "Riverside University",
        "kind": OrganisationKind.ACADEMIC,
        "city": "Riverside",
        "country": "Demo",
    },
    {
        "slug": CDA_PARTNER,
        "name": "Helix Therapeutics",
        "kind": OrganisationKind.COMPANY,
        "city": "Cambridge",
        "country": "Demo",
    },
    {
        "slug": OTHER_COMPANY,
        "name": "Northwind Biosciences",
        "kind": OrganisationKind.COMPANY,
        "city": "Basel",
        "country": "Demo",
    },
)


@dataclass(frozen=True)
class Persona:
    email: str
    full_name: str
    role: str
    organisation: str
    note: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "admin@oncobridge.example",
        "Ada Admin",
        Role.PLATFORM_ADMIN,
        CENTRE,
        "platform admin; can open /admin",
    ),
    Persona(
        "manager@oncobridge.example",
        "Amira Manager",
        Role.ALLIANCE_MANAGER,
        CENTRE,
        "runs the alliance office",
    ),
    Persona(
        "investigator@oncobridge.example",
        "Ivan Investigator",
        Role.INVESTIGATOR,
        CENTRE,
        "lung cancer researcher",
    ),
    Persona(
        "steward@oncobridge.example", "Dana Steward", Role.DATA_STEWARD, CENTRE, "looks after shared data"
    ),
    Persona(
        "reviewer@oncobridge.example", "Rita Reviewer", Role.REVIEWER, CENTRE, "reviews funding proposals"
    ),
    Persona(
        "trainee@oncobridge.example", "Theo Trainee", Role.TRAINEE, CENTRE, "translational training programme"
    ),
    Persona(
        "partner@helix.example",
        "Paula Partner",
        Role.INDUSTRY_MEMBER,
        CDA_PARTNER,
        "industry, executed CDA with the centre",
    ),
    Persona(
        "partner@northwind.example", "Nils Northwind", Role.INDUSTRY_MEMBER, OTHER_COMPANY, "industry, no CDA"
    ),
)
ADMIN = PERSONAS[0]

# Researchers without a login, so that search and matching have more than one person to find.
COLLEAGUES: tuple[Persona, ...] = (
    Persona("mei.lin@oncobridge.example", "Mei Lin", Role.INVESTIGATOR, CENTRE, "breast cancer models"),
    Persona(
        "tomas.ruiz@riverside.example", "Tomás Ruiz", Role.INVESTIGATOR, UNIVERSITY, "leukaemia genomics"
    ),
)


def demo_password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV) or DEFAULT_DEMO_PASSWORD


PROFILES: tuple[dict[str, Any], ...] = (
    {
        "email": "investigator@oncobridge.example",
        "position": "Associate Professor of Thoracic Oncology",
        "summary": "Targeted therapy resistance in EGFR- and KRAS-mutant lung adenocarcinoma, using "
        "patient-derived "
        "organoids and circulating tumour DNA.",
        "cancer_types": ["LUAD", "NSCLC"],
        "genes": ["EGFR", "KRAS", "STK11"],
        "modalities": ["small_molecule", "diagnostic_biomarker"],
        "methods": ["organoid culture", "CRISPR screening", "ctDNA sequencing"],
    },
    {
        "email": "mei.lin@oncobridge.example",
        "position": "Group Leader, Breast Cancer Models",
        "summary": "HER2-positive and triple-negative breast cancer PDX models; antibody-drug "
        "conjugate resistance.",
        "cancer_types": ["BRCA"],
        "genes": ["ERBB2", "PIK3CA", "BRCA1"],
        "modalities": ["adc", "antibody"],
        "methods": ["patient-derived xenografts", "single-cell RNA-seq"],
    },
    {
        "email": "tomas.ruiz@riverside.example",
        "position": "Professor of Haematology",
        "summary": "Clonal evolution of acute myeloid leukaemia; FLT3 and NPM1-mutant disease; "
        "CAR-T development.",
        "cancer_types": ["AML", "MDS"],
        "genes": ["FLT3", "NPM1", "DNMT3A"],
        "modalities": ["cell_therapy"],
        "methods": ["single-cell DNA sequencing", "flow cytometry"],
    },
)

ASSETS: tuple[dict[str, Any], ...] = (
    {
        "external_id": "demo-asset-luad-organoids",
        "organisation": CENTRE,
        "owner": "investigator@oncobridge.example",
        "kind": AssetKind.ORGANOID,
        "title": "Lung adenocarcinoma organoid biobank",
        "description": "Patient-derived organoids from resected and biopsied lung adenocarcinomas, with "
        "matched "
        "whole-exome sequencing and treatment histories.",
        "cancer_types": ["LUAD"],
        "genes": ["EGFR", "KRAS", "STK11"],
        "size": 142,
        "size_unit": "models",
        "availability": "Material transfer agreement; partners under CDA may request the catalogue.",
        "visibility": Visibility.PARTNERS,
    },
    {
        "external_id": "demo-asset-brca-pdx",
        "organisation": CENTRE,
        "owner": "mei.lin@oncobridge.example",
        "kind": AssetKind.PDX_MODEL,
        "title": "HER2-positive breast cancer PDX collection",
        "description": "Serially transplantable PDX models, characterised for ERBB2 amplification and "
        "PIK3CA status.",
        "cancer_types": ["BRCA"],
        "genes": ["ERBB2", "PIK3CA"],
        "modalities": ["adc"],
        "size": 38,
        "size_unit": "models",
        "availability": "Collaboration agreement.",
        "visibility": Visibility.ALLIANCE,
    },
    {
        "external_id": "demo-asset-crc-cohort",
        "organisation": CENTRE,
        "owner": "steward@oncobridge.example",
        "kind": AssetKind.DATASET,
        "title": "Colorectal cancer cohort with tumour genomics and outcomes",
        "description": "Consented cohort with targeted sequencing, treatments and five-year outcomes.",
        "cancer_types": ["COADREAD"],
        "genes": ["KRAS", "APC", "TP53"],
        "size": 2150,
        "size_unit": "participants",
        "availability": "Data access committee; health/medical/biomedical research (DUO:HMB).",
        "source": "OncoBridge CCC data hub",
        "visibility": Visibility.NETWORK,
    },
    {
        "external_id": "demo-asset-aml-atlas",
        "organisation": UNIVERSITY,
        "owner": "tomas.ruiz@riverside.example",
        "kind": AssetKind.DATASET,
        "title": "AML single-cell clonal atlas",
        "description": "Single-cell DNA and protein profiles from diagnosis and relapse samples.",
        "cancer_types": ["AML"],
        "genes": ["FLT3", "NPM1", "DNMT3A"],
        "size": 96,
        "size_unit": "patients",
        "availability": "Not yet released; ask the investigator.",
        "visibility": Visibility.PRIVATE,
    },
    {
        "external_id": "demo-asset-kras-degrader",
        "organisation": CENTRE,
        "owner": "investigator@oncobridge.example",
        "kind": AssetKind.INVENTION,
        "title": "Pan-KRAS degrader series (invention disclosure)",
        "description": "PROTAC degraders active in KRAS-mutant lung and colorectal organoids.",
        "cancer_types": ["LUAD", "COADREAD"],
        "genes": ["KRAS"],
        "modalities": ["small_molecule"],
        "availability": "Available for licensing or co-development.",
        "visibility": Visibility.PARTNERS,
    },
    {
        "external_id": "demo-asset-til-platform",
        "organisation": CENTRE,
        "owner": "manager@oncobridge.example",
        "kind": AssetKind.CORE_FACILITY,
        "title": "GMP cell therapy manufacturing facility",
        "description": "GMP suites for tumour-infiltrating lymphocyte and CAR-T manufacture.",
        "cancer_types": ["SKCM", "AML"],
        "modalities": ["cell_therapy"],
        "availability": "Fee-for-service and co-development.",
        "visibility": Visibility.NETWORK,
    },
)

PROJECTS: tuple[dict[str, Any], ...] = (
    {
        "external_id": "demo-project-luad-resistance",
        "organisation": CENTRE,
        "title": "Mapping resistance to EGFR inhibitors in lung adenocarcinoma organoids",
        "abstract": "A living-biobank study of osimertinib resistance with serial ctDNA.",
        "programme": "Thoracic Oncology Programme",
        "cancer_types": ["LUAD"],
        "genes": ["EGFR", "MET"],
        "modalities": ["small_molecule", "diagnostic_biomarker"],
    },
    {
        "external_id": "demo-project-aml-evolution",
        "organisation": UNIVERSITY,
        "title": "Clonal evolution of FLT3-mutant acute myeloid leukaemia under targeted therapy",
        "abstract": "Single-cell sequencing of paired diagnosis and relapse samples.",
        "programme": "Haematological Malignancies",
        "cancer_types": ["AML"],
        "genes": ["FLT3", "NPM1"],
    },
)

PARTNER_PROFILES: tuple[dict[str, Any], ...] = (
    {
        "organisation": CDA_PARTNER,
        "summary": "Precision oncology company developing small molecules and ADCs for thoracic cancers.",
        "therapeutic_areas": ["NSCLC", "LUAD"],
        "targets": ["EGFR", "KRAS", "MET"],
        "modalities": ["small_molecule", "adc"],
        "development_stages": [DevelopmentStage.PRECLINICAL, DevelopmentStage.PHASE_1],
        "collaboration_kinds": [CollaborationKind.CO_DEVELOPMENT, CollaborationKind.MATERIAL_ACCESS],
    },
    {
        "organisation": OTHER_COMPANY,
        "summary": "Antibody company focused on HER2-driven breast cancer.",
        "therapeutic_areas": ["BRCA"],
        "targets": ["ERBB2"],
        "modalities": ["antibody"],
        "development_stages": [DevelopmentStage.PHASE_2],
        "collaboration_kinds": [CollaborationKind.TRIAL_SITE],
    },
)

NEEDS: tuple[dict[str, Any], ...] = (
    {
        "external_id": "demo-need-kras-models",
        "organisation": CDA_PARTNER,
        "posted_by": "partner@helix.example",
        "title": "KRAS-mutant lung cancer models for a combination study",
        "description": "Patient-derived organoids or PDX with KRAS G12C or G12D, with treatment history.",
        "cancer_types": ["LUAD"],
        "genes": ["KRAS"],
        "modalities": ["small_molecule"],
        "development_stage": DevelopmentStage.PRECLINICAL,
        "collaboration_kind": CollaborationKind.MATERIAL_ACCESS,
        "visibility": Visibility.NETWORK,
    },
    {
        "external_id": "demo-need-egfr-sites",
        "organisation": CDA_PARTNER,
        "posted_by": "partner@helix.example",
        "title": "Phase 1 sites for an EGFR exon 20 insertion study",
        "description": "Sites with EGFR exon 20 patients and a phase 1 unit; confidential until CDA.",
        "cancer_types": ["NSCLC"],
        "genes": ["EGFR"],
        "development_stage": DevelopmentStage.PHASE_1,
        "collaboration_kind": CollaborationKind.TRIAL_SITE,
        "visibility": Visibility.PARTNERS,
    },
    {
        "external_id": "demo-need-her2-data",
        "organisation": OTHER_COMPANY,
        "posted_by": "partner@northwind.example",
        "title": "Outcomes data for HER2-low breast cancer",
        "description": "Real-world outcomes after anti-HER2 therapy, for a phase 2 design.",
        "cancer_types": ["BRCA"],
        "genes": ["ERBB2"],
        "modalities": ["antibody"],
        "development_stage": DevelopmentStage.PHASE_2,
        "collaboration_kind": CollaborationKind.DATA_ACCESS,
        "visibility": Visibility.NETWORK,
    },
)


def _known(concepts: dict[str, Any]) -> dict[str, Any]:
    """Drop the concepts this deployment's vocabulary lacks, so the demo loads on any vocabulary."""
    vocab = vocabularies()
    modality_codes = {modality.code for modality in MODALITIES}
    kept = dict(concepts)
    for name in ("cancer_types", "therapeutic_areas"):
        if name in kept:
            kept[name] = [code for code in kept[name] if vocab.oncotree.get(code) is not None]
    for name in ("genes", "targets"):
        if name in kept:
            kept[name] = [symbol for symbol in kept[name] if vocab.genes.normalise(symbol) is not None]
    if "modalities" in kept:
        kept["modalities"] = [code for code in kept["modalities"] if code in modality_codes]
    return kept


def _people(organisations: dict[str, Organisation], password: str) -> dict[str, User]:
    people: dict[str, User] = {}
    for persona in (*PERSONAS, *COLLEAGUES):
        user, _ = person_ensure(
            email=persona.email,
            full_name=persona.full_name,
            organisation=organisations[persona.organisation],
            role=persona.role,
            actor=people.get(ADMIN.email),
        )
        people[persona.email] = user
    admin = people[ADMIN.email]
    if not admin.is_superuser:
        # The admin persona opens every page of /admin, which takes Django's superuser flag.
        admin.is_superuser = True
        admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    # Every persona gets the same hash, so a re-run hashes once at most (PBKDF2 is slow on purpose). The demo
    # password skips the strength validators on purpose too: it is for a local demo only.
    encoded = admin.password if admin.check_password(password) else make_password(password)
    for persona in PERSONAS:
        user = people[persona.email]
        if user.password != encoded:
            user.password = encoded
            user.save(update_fields=["password"])
    return people


def builtin_alliance_load(*, show_progress: bool = True) -> DemoContext:
    """Create (or leave as they are) the built-in organisations, personas and portfolio; idempotent."""
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation_ensure(**spec, known=organisations)
    people = _people(organisations, demo_password())
    context = context_for(people[ADMIN.email], show_progress=show_progress)
    agreement = Agreement.objects.filter(title=CDA_TITLE, kind=AgreementKind.CDA).first()
    if agreement is None:
        agreement = Agreement.objects.create(
            title=CDA_TITLE, kind=AgreementKind.CDA, status=AgreementStatus.EXECUTED
        )
        agreement.parties.set([organisations[CENTRE], organisations[CDA_PARTNER]])
    common: dict[str, Any] = {"viewer": context.viewer, "actor": context.actor}
    for spec in PROFILES:
        user = people[spec["email"]]
        fields: dict[str, Any] = {key: value for key, value in spec.items() if key != "email"}
        organisation = user.memberships.get().organisation
        services.profile_upsert(**common, user=user, organisation=organisation, **_known(fields))
    for spec in ASSETS:
        fields = {**spec, "organisation": organisations[spec["organisation"]], "owner": people[spec["owner"]]}
        services.asset_save(**common, **_known(fields))
    for spec in PROJECTS:
        services.project_save(
            **common, **_known({**spec, "organisation": organisations[spec["organisation"]]})
        )
    for spec in PARTNER_PROFILES:
        fields = {**spec, "organisation": organisations[spec["organisation"]]}
        services.partner_profile_save(**common, **_known(fields))
    for spec in NEEDS:
        poster = people[spec["posted_by"]]
        fields = {key: value for key, value in spec.items() if key != "posted_by"}
        fields["organisation"] = organisations[spec["organisation"]]
        services.need_save(viewer=context.viewer, actor=poster, **_known(fields))
    return context
