"""The real-data demo: NCI projects, public datasets and industry trials read from the reference-data folder.

Reading is separated from writing: `public_data_read` turns the publishers' files into plain specs
(skipping and counting odd rows), then `public_data_load` writes them through the portfolio services,
keyed on external ids, so that a second load changes nothing.
"""

from __future__ import annotations

import csv
import html
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import slugify

from oncobridge.accounts.models import Organisation, OrganisationKind, Role, User
from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Visibility
from oncobridge.core.vocabularies import vocabularies
from oncobridge.portfolio import services
from oncobridge.portfolio.demo.common import (
    DemoContext,
    organisation_ensure,
    organisation_slug,
    person_ensure,
)
from oncobridge.portfolio.models import (
    AssetKind,
    CollaborationKind,
    DevelopmentStage,
    ResearchAsset,
)
from oncobridge.vocab import Vocabularies, modalities_in_text

PROJECTS_FILE = Path("portfolio/nci_projects.tsv")
PROGRAMMES_FILE = Path("portfolio/nci_programs.tsv")
PUBLICATIONS_FILE = Path("portfolio/nci_project_pmids.csv")
DBGAP_FILE = Path("portfolio/dbgap_studies.tsv")
CTD2_FILE = Path("portfolio/ctd2_datasets.tsv")
CEDCD_FILE = Path("portfolio/cedcd_cohorts.tsv")
TRIALS_FILE = Path("trials/industry_cancer_trials.tsv")
REQUIRED_FILES = (
    PROJECTS_FILE,
    PROGRAMMES_FILE,
    PUBLICATIONS_FILE,
    DBGAP_FILE,
    CTD2_FILE,
    CEDCD_FILE,
    TRIALS_FILE,
)

# Placeholder domain for the e-mail addresses of investigators named in public records; they cannot log in.
INVESTIGATOR_DOMAIN = "investigators.oncobridge.example"
NCI_NAME = "NATIONAL CANCER INSTITUTE"
DBGAP_SUBMITTERS = "NCI dbGaP submitters"
CEDCD_INVESTIGATORS = "NCI Cohort Consortium investigators (CEDCD)"
MAX_GENES = 40

_COMPANY = re.compile(r"\b(INC|LLC|L\.L\.C|CORP|CORPORATION|LTD|LIMITED|GMBH|PLC|COMPANY|CO)\b\.?")
_HOSPITAL = re.compile(r"\b(HOSPITAL|HOSP|MEDICAL CENTER|MED CTR|CLINIC|HEALTH SYSTEM)\b")
_ACADEMIC = re.compile(
    r"\b(UNIVERSITY|UNIV|COLLEGE|COLL|SCHOOL|INSTITUTE|INST|LABORATORY|LABORATORIES|CENTER|CENTRE|CTR"
    r"|ACADEMY|CANCER CENTER)\b"
)
_NONPROFIT = re.compile(r"\b(FOUNDATION|FDN|ASSOCIATION|ASSN|SOCIETY|NATION|NETWORK|BIONETWORKS)\b")
_GRANT = re.compile(r"\b([A-Z]\d{2}|[A-Z]{2}\d)\s*-?\s*([A-Z]{2})\s*-?\s*(\d{5,6})\b")
_INTRAMURAL = re.compile(r"intramural|national cancer institute|\bZ01\b|\bZIA", re.IGNORECASE)
_DEGREE = re.compile(
    r"^(?:M\.?D\.?|Ph\.?\s?D\.?|Sc\.?D\.?|Dr\.?P\.?H\.?|M\.?P\.?H\.?|M\.?S\.?|M\.?Sc\.?|B\.?S\.?|B\.?Sc\.?|D\.?O\.?"
    r"|M\.?B\.?B\.?S\.?|M\.?H\.?S\.?|F\.?A\.?C\.?S\.?|D\.?Phil\.?|M\.?M\.?Sc\.?|R\.?N\.?|M\.?B\.?|Pharm\.?D\.?"
    r"|M\.?A\.?|B\.?A\.?|M\.?D\.?/Ph\.?D\.?|Jr\.?|Sr\.?|II|III|Prof\.?|Dr\.?)$",
    re.IGNORECASE,
)
_PHASES = {
    "PHASE 1": DevelopmentStage.PHASE_1,
    "EARLY PHASE 1": DevelopmentStage.PHASE_1,
    "PHASE 2": DevelopmentStage.PHASE_2,
    "PHASE 3": DevelopmentStage.PHASE_3,
    "PHASE 4": DevelopmentStage.PHASE_4,
}
_MARKUP = re.compile(r"</?(?:p|br|div|span|a|ul|ol|li|b|i|em|strong|sup|sub|h\d)\b[^>]*>", re.IGNORECASE)
_URL = URLValidator(schemes=["http", "https"])


class OddRow(ValueError):
    """A record that cannot be read sensibly; it is skipped and counted."""


# --- specs ------------------------------------------------------------------------------------------------


@dataclass
class OrganisationSpec:
    name: str
    kind: str
    city: str = ""
    country: str = ""

    @property
    def slug(self) -> str:
        return organisation_slug(self.name)


@dataclass
class ProjectSpec:
    external_id: str
    organisation: str  # slug
    title: str
    abstract: str
    programmes: list[str]
    start_date: date | None
    end_date: date | None
    cancer_types: list[str]
    genes: list[str]
    modalities: list[str]
    publications: list[str]


@dataclass
class AssetSpec:
    external_id: str
    organisation: str
    kind: str
    title: str
    description: str
    cancer_types: list[str]
    genes: list[str]
    modalities: list[str]
    methods: list[str]
    size: int | None
    size_unit: str
    availability: str
    source: str
    url: str
    visibility: str
    investigators: list[str]  # full names


@dataclass
class InvestigatorSpec:
    full_name: str
    organisation: str = ""
    assets: list[str] = field(default_factory=list)
    cancer_types: dict[str, None] = field(default_factory=dict)
    genes: dict[str, None] = field(default_factory=dict)
    modalities: dict[str, None] = field(default_factory=dict)
    methods: dict[str, None] = field(default_factory=dict)

    @property
    def email(self) -> str:
        return f"{slugify(self.full_name).replace('-', '.')[:60]}@{INVESTIGATOR_DOMAIN}"


@dataclass
class NeedSpec:
    external_id: str
    organisation: str
    title: str
    description: str
    cancer_types: list[str]
    genes: list[str]
    modalities: list[str]
    development_stage: str


@dataclass
class SponsorSpec:
    organisation: str
    trials: int = 0
    therapeutic_areas: dict[str, None] = field(default_factory=dict)
    targets: dict[str, None] = field(default_factory=dict)
    modalities: dict[str, None] = field(default_factory=dict)
    development_stages: dict[str, None] = field(default_factory=dict)


@dataclass
class PublicData:
    organisations: dict[str, OrganisationSpec] = field(default_factory=dict)
    projects: list[ProjectSpec] = field(default_factory=list)
    assets: list[AssetSpec] = field(default_factory=list)
    investigators: dict[str, InvestigatorSpec] = field(default_factory=dict)  # by e-mail
    sponsors: dict[str, SponsorSpec] = field(default_factory=dict)
    needs: list[NeedSpec] = field(default_factory=list)

    def organisation(self, name: str, kind: str | None = None, city: str = "", country: str = "") -> str:
        spec = OrganisationSpec(
            name=name.strip(), kind=kind or organisation_kind(name), city=city, country=country
        )
        return self.organisations.setdefault(spec.slug, spec).slug


# --- cleaning ---------------------------------------------------------------------------------------------


def missing_files(data_dir: Path | None) -> list[Path]:
    if data_dir is None:
        return list(REQUIRED_FILES)
    return [relative for relative in REQUIRED_FILES if not (data_dir / relative).is_file()]


def organisation_kind(name: str) -> str:
    """Academic, hospital, company or non-profit, from the words of an organisation's name."""
    upper = name.upper()
    if upper == NCI_NAME:
        return OrganisationKind.FUNDER
    if re.search(r"\b(UNIVERSITY|UNIV|COLLEGE|COLL|SCHOOL)\b", upper):
        return OrganisationKind.ACADEMIC
    if _HOSPITAL.search(upper):
        return OrganisationKind.HOSPITAL
    if _ACADEMIC.search(upper):
        return OrganisationKind.ACADEMIC
    if _NONPROFIT.search(upper):
        return OrganisationKind.NONPROFIT
    if _COMPANY.search(upper):
        return OrganisationKind.COMPANY
    return OrganisationKind.NONPROFIT


def clean_text(value: str) -> str:
    """Plain text from a publisher's field: no HTML tags or entities, `~` line marks as new lines."""
    # Only markup is stripped: trial criteria are full of "< 1.5 x ULN", which is text, not a tag.
    if _MARKUP.search(value):
        value = html.unescape(strip_tags(re.sub(r"<br\s*/?>|</p>", "\n", value, flags=re.IGNORECASE)))
    text = value.replace("~", "\n")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def person_names(value: str) -> list[str]:
    """People in a PI field: "Kara N. Maxwell, MD, PhD;Jon Aster" or "Ann Schwartz, PhD, MPH, Jo Bell"."""
    value = re.sub(r"\([^)]*\)?", " ", value)
    names: list[str] = []
    for part in re.split(r"[;,]|\band\b", value):
        words = [word for word in part.split() if not _DEGREE.match(word.strip(".,"))]
        name = " ".join(words).strip(" .")
        if len(words) >= 2 and re.search(r"[A-Za-z]{2}", name) and name not in names:
            names.append(name)
    return names


def _int(value: str) -> int | None:
    try:
        number = int(float(value))
    except ValueError:
        return None
    return number if number >= 0 else None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _url(value: str) -> str:
    for candidate in value.split(";"):
        candidate = candidate.strip()
        try:
            _URL(candidate)
        except ValidationError:
            continue
        if len(candidate) <= 500:
            return candidate
    return ""


def _visibility(key: str) -> str:
    """A stable mix, mostly network-wide, so the demo shows what each visibility hides."""
    bucket = zlib.crc32(key.encode()) % 10
    return {0: Visibility.ALLIANCE, 1: Visibility.PARTNERS}.get(bucket, Visibility.NETWORK)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as stream:
        for row in csv.DictReader(stream, delimiter="\t" if path.suffix == ".tsv" else ","):
            yield {key: (value or "").strip() for key, value in row.items() if key is not None}


class _Tagger:
    def __init__(self, vocab: Vocabularies) -> None:
        self.vocab = vocab

    def cancer_types(self, *texts: str) -> list[str]:
        return self.vocab.oncotree.codes_in_text("\n".join(texts))

    def genes(self, *texts: str, listed: str = "") -> list[str]:
        symbols = [
            self.vocab.genes.normalise(symbol) for symbol in re.split(r"[;,]", listed) if symbol.strip()
        ]
        found = dict.fromkeys(symbol for symbol in symbols if symbol)
        found.update(dict.fromkeys(self.vocab.genes.symbols_in_text("\n".join(texts))))
        return list(found)[:MAX_GENES]

    def modalities(self, *texts: str) -> list[str]:
        return modalities_in_text("\n".join(texts))


# --- reading ----------------------------------------------------------------------------------------------


def _read_projects(data_dir: Path, data: PublicData, tagger: _Tagger, context: DemoContext) -> None:
    programmes = {row["program_id"]: row["program_name"] for row in _rows(data_dir / PROGRAMMES_FILE)}
    publications: dict[str, list[str]] = defaultdict(list)
    for row in _rows(data_dir / PUBLICATIONS_FILE):
        if row.get("pmid", "").isdigit():
            publications[row["coreproject"]].append(row["pmid"])
    by_key: dict[tuple[str, str], ProjectSpec] = {}
    rows = list(_rows(data_dir / PROJECTS_FILE))
    for row in context.progress(rows, desc="Reading NCI projects"):
        try:
            project_id, title = row["project_id"], clean_text(row["project_title"])
            if not project_id or not title or not row["org_name"]:
                raise OddRow("no project id, title or organisation")
            programme = programmes.get(row["program.program_id"], row["program.program_id"])
            slug = data.organisation(
                row["org_name"], city=row["org_city"].title(), country=row["org_country"].title()
            )
            existing = by_key.get((slug, project_id))
            if existing is not None:  # the same grant listed under a second programme
                if programme and programme not in existing.programmes:
                    existing.programmes.append(programme)
                continue
            abstract = clean_text(row["abstract_text"])
            start, end = _date(row["project_start_date"]), _date(row["project_end_date"])
            if start and end and end < start:
                end = None
            spec = ProjectSpec(
                external_id=project_id,
                organisation=slug,
                title=title[:500],
                abstract=abstract,
                programmes=[programme] if programme else [],
                start_date=start,
                end_date=end,
                cancer_types=tagger.cancer_types(title, abstract),
                genes=tagger.genes(title, abstract),
                modalities=tagger.modalities(title, abstract),
                # Publications are linked by core project number, which the project id is for grants.
                publications=publications.get(project_id, []),
            )
        except (KeyError, OddRow) as exc:
            context.warn("NCI project rows skipped", f"{row.get('project_id', '?')}: {exc}")
            continue
        by_key[(slug, project_id)] = spec
        data.projects.append(spec)


def _dbgap_organisation(row: dict[str, str], data: PublicData, grant_organisations: dict[str, str]) -> str:
    """Where a dbGaP study comes from: the institution of a grant it names, NCI itself, or the submitters."""
    funding = row.get("funding_source", "")
    for activity, institute, serial in _GRANT.findall(funding.upper()):
        slug = grant_organisations.get(f"{activity}{institute}{serial.zfill(6)}")
        if slug:
            return slug
    if _INTRAMURAL.search(funding):
        return data.organisation(NCI_NAME)
    return data.organisation(DBGAP_SUBMITTERS, OrganisationKind.ACADEMIC)


def _asset_kind(text: str) -> str:
    if re.search(r"organoid", text, re.IGNORECASE):
        return AssetKind.ORGANOID
    if re.search(r"cell[\s-]+lines?\b", text, re.IGNORECASE):
        return AssetKind.CELL_LINE
    return AssetKind.DATASET


def _read_assets(data_dir: Path, data: PublicData, tagger: _Tagger, context: DemoContext) -> None:
    grant_organisations = {project.external_id: project.organisation for project in data.projects}
    placeholders = {organisation_slug(DBGAP_SUBMITTERS), organisation_slug(CEDCD_INVESTIGATORS)}
    sources = (
        ("dbGaP", DBGAP_FILE),
        ("CTD2", CTD2_FILE),
        ("CEDCD", CEDCD_FILE),
    )
    for repository, relative in sources:
        rows = list(_rows(data_dir / relative))
        for row in context.progress(rows, desc=f"Reading {repository} datasets"):
            try:
                spec = _asset_spec(repository, row, data, tagger, grant_organisations)
            except (KeyError, OddRow) as exc:
                context.warn(f"{repository} rows skipped", f"{row.get('dataset_source_id', '?')}: {exc}")
                continue
            data.assets.append(spec)
            for name in spec.investigators:
                # Keyed by e-mail: names that differ only in punctuation or case are one person.
                person = data.investigators.setdefault(
                    InvestigatorSpec(full_name=name).email, InvestigatorSpec(full_name=name)
                )
                # A real institution, when any of the person's datasets names one, beats a placeholder.
                if not person.organisation or (
                    person.organisation in placeholders and spec.organisation not in placeholders
                ):
                    person.organisation = spec.organisation
                person.assets.append(spec.external_id)
                person.cancer_types.update(dict.fromkeys(spec.cancer_types))
                person.genes.update(dict.fromkeys(spec.genes))
                person.modalities.update(dict.fromkeys(spec.modalities))
                person.methods.update(dict.fromkeys(spec.methods))


def _asset_spec(
    repository: str,
    row: dict[str, str],
    data: PublicData,
    tagger: _Tagger,
    grant_organisations: dict[str, str],
) -> AssetSpec:
    source_id, title = row["dataset_source_id"], clean_text(row["dataset_title"])
    if not source_id or not title:
        raise OddRow("no accession or title")
    description = clean_text(row["description"])
    approaches = clean_text(row.get("experimental_approaches", ""))
    if repository == "CTD2":
        organisation = data.organisation(row["institute"]) if row.get("institute") else ""
        kind = _asset_kind(" ".join([title, row.get("study_type", ""), approaches]))
        source = source_id
    elif repository == "dbGaP":
        organisation = _dbgap_organisation(row, data, grant_organisations)
        kind, source = AssetKind.DATASET, source_id
    else:
        organisation = ""
        kind, source = AssetKind.DATASET, f"CEDCD cohort {source_id}"
    investigators = person_names(row.get("PI_name", ""))
    if not organisation:
        organisation = data.organisation(CEDCD_INVESTIGATORS, OrganisationKind.ACADEMIC)
    methods = [
        method.strip()
        for method in re.split(r";", f"{row.get('assay_method', '')};{row.get('study_type', '')}")
        if method.strip() and method.strip().upper() != "OTHER"
    ]
    consent = row.get("limitations_for_reuse", "")
    if consent:
        availability = (
            f"Controlled access through {repository}; consent groups: {consent.replace(';', ', ')}."
        )
    elif repository == "CEDCD":
        availability = (
            "Contact the cohort's principal investigators; see the CEDCD entry for data and specimens."
        )
    else:
        availability = "Public data; see the source for terms of use."
    disease = row.get("primary_disease", "")
    return AssetSpec(
        external_id=f"{repository.lower()}:{source_id}",
        organisation=organisation,
        kind=kind,
        title=title[:500],
        description="\n\n".join(part for part in (description, approaches) if part),
        cancer_types=tagger.cancer_types(title, disease, row.get("related_diseases", ""), description),
        genes=tagger.genes(title, description, listed=row.get("related_genes", "")),
        modalities=tagger.modalities(title, description),
        methods=list(dict.fromkeys(methods)),
        size=_int(row.get("participant_count", "")),
        size_unit="participants" if _int(row.get("participant_count", "")) is not None else "",
        availability=availability,
        source=source[:120],
        url=_url(row.get("dataset_source_url", "")) or _url(row.get("study_links", "")),
        visibility=_visibility(f"{repository}:{source_id}"),
        investigators=investigators,
    )


def _read_trials(data_dir: Path, data: PublicData, tagger: _Tagger, context: DemoContext) -> None:
    rows = list(_rows(data_dir / TRIALS_FILE))
    for row in context.progress(rows, desc="Reading industry trials"):
        try:
            nct_id, brief_title, sponsor = (
                row["nct_id"],
                clean_text(row["brief_title"]),
                row["sponsor"].strip(),
            )
            if not nct_id or not brief_title or not sponsor:
                raise OddRow("no NCT id, title or sponsor")
            slug = data.organisation(sponsor, OrganisationKind.COMPANY)
            description = clean_text(row["description"])
            text = "\n".join([brief_title, clean_text(row.get("official_title", "")), description])
            stages = [
                _PHASES[part.strip().upper()]
                for part in row["phase"].split("/")
                if part.strip().upper() in _PHASES
            ]
            spec = NeedSpec(
                external_id=nct_id,
                organisation=slug,
                title=f"Trial sites and translational partners: {brief_title}"[:500],
                description=description,
                cancer_types=tagger.cancer_types(row["conditions"], text),
                genes=tagger.genes(text),
                modalities=tagger.modalities(text),
                development_stage=stages[-1] if stages else "",
            )
        except (KeyError, OddRow) as exc:
            context.warn("trial rows skipped", f"{row.get('nct_id', '?')}: {exc}")
            continue
        data.needs.append(spec)
        sponsor_spec = data.sponsors.setdefault(slug, SponsorSpec(organisation=slug))
        sponsor_spec.trials += 1
        sponsor_spec.therapeutic_areas.update(dict.fromkeys(tagger.cancer_types(row["conditions"])))
        sponsor_spec.targets.update(dict.fromkeys(spec.genes))
        sponsor_spec.modalities.update(dict.fromkeys(spec.modalities))
        sponsor_spec.development_stages.update(dict.fromkeys(stages))


def public_data_read(data_dir: Path, context: DemoContext) -> PublicData:
    data = PublicData()
    tagger = _Tagger(vocabularies())
    _read_projects(data_dir, data, tagger, context)
    _read_assets(data_dir, data, tagger, context)
    _read_trials(data_dir, data, tagger, context)
    return data


# --- writing ----------------------------------------------------------------------------------------------


def _write_organisations(data: PublicData, context: DemoContext) -> dict[str, Organisation]:
    known = {organisation.slug: organisation for organisation in Organisation.objects.all()}
    for spec in context.progress(
        data.organisations.values(), desc="Organisations", total=len(data.organisations)
    ):
        organisation_ensure(
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            city=spec.city,
            country=spec.country,
            actor=context.actor,
            known=known,
        )
    return known


def _write_projects(data: PublicData, organisations: dict[str, Organisation], context: DemoContext) -> None:
    for spec in context.progress(data.projects, desc="Research projects"):
        try:
            services.project_save(
                viewer=context.viewer,
                actor=context.actor,
                organisation=organisations[spec.organisation],
                title=spec.title,
                abstract=spec.abstract,
                programme="; ".join(spec.programmes)[:200],
                start_date=spec.start_date,
                end_date=spec.end_date,
                cancer_types=spec.cancer_types,
                genes=spec.genes,
                modalities=spec.modalities,
                publications=spec.publications,
                visibility=Visibility.NETWORK,
                external_id=spec.external_id,
            )
        except ServiceError as exc:
            context.warn("projects refused", f"{spec.external_id}: {exc.message}")


def _write_people(
    data: PublicData, organisations: dict[str, Organisation], context: DemoContext
) -> dict[str, User]:
    existing = {user.email: user for user in User.objects.filter(email__endswith=f"@{INVESTIGATOR_DOMAIN}")}
    people: dict[str, User] = {}
    for spec in context.progress(
        data.investigators.values(), desc="Investigators", total=len(data.investigators)
    ):
        user = existing.get(spec.email)
        if user is None:
            try:
                user, _ = person_ensure(
                    email=spec.email,
                    full_name=spec.full_name,
                    organisation=organisations[spec.organisation],
                    role=Role.INVESTIGATOR,
                    actor=context.actor,
                )
            except ServiceError as exc:
                context.warn("investigators refused", f"{spec.full_name}: {exc.message}")
                continue
            existing[spec.email] = user
        people[spec.email] = user
    return people


def _write_assets(
    data: PublicData, organisations: dict[str, Organisation], people: dict[str, User], context: DemoContext
) -> None:
    current_investigators: dict[int, set[int]] = defaultdict(set)
    for asset_id, user_id in ResearchAsset.investigators.through.objects.values_list(
        "researchasset_id", "user_id"
    ):
        current_investigators[asset_id].add(user_id)
    for spec in context.progress(data.assets, desc="Research assets"):
        emails = dict.fromkeys(InvestigatorSpec(full_name=name).email for name in spec.investigators)
        investigators = [people[email] for email in emails if email in people]
        try:
            asset = services.asset_save(
                viewer=context.viewer,
                actor=context.actor,
                organisation=organisations[spec.organisation],
                kind=spec.kind,
                title=spec.title,
                description=spec.description,
                cancer_types=spec.cancer_types,
                genes=spec.genes,
                modalities=spec.modalities,
                size=spec.size,
                size_unit=spec.size_unit,
                availability=spec.availability,
                source=spec.source,
                url=spec.url,
                visibility=spec.visibility,
                external_id=spec.external_id,
                owner=investigators[0] if investigators else None,
            )
            if current_investigators[asset.pk] != {user.pk for user in investigators}:
                services.asset_set_investigators(
                    viewer=context.viewer, actor=context.actor, asset=asset, users=investigators
                )
        except ServiceError as exc:
            context.warn("assets refused", f"{spec.external_id}: {exc.message}")


def _write_profiles(
    data: PublicData, organisations: dict[str, Organisation], people: dict[str, User], context: DemoContext
) -> None:
    titles = {asset.external_id: asset.title for asset in data.assets}
    for spec in context.progress(
        data.investigators.values(), desc="Investigator profiles", total=len(data.investigators)
    ):
        user = people.get(spec.email)
        if user is None:
            continue
        examples = "; ".join(titles[external_id] for external_id in spec.assets[:3])
        more = f" and {len(spec.assets) - 3} more" if len(spec.assets) > 3 else ""
        try:
            services.profile_upsert(
                viewer=context.viewer,
                actor=context.actor,
                user=user,
                organisation=organisations[spec.organisation],
                position="Principal investigator",
                summary=f"Principal investigator of {len(spec.assets)} public dataset(s): {examples}{more}.",
                cancer_types=list(spec.cancer_types),
                genes=list(spec.genes)[:MAX_GENES],
                modalities=list(spec.modalities),
                methods=list(spec.methods),
                visibility=Visibility.NETWORK,
                external_id=f"pi:{slugify(spec.full_name)}"[:120],
            )
        except ServiceError as exc:
            context.warn("investigator profiles refused", f"{spec.full_name}: {exc.message}")


def _write_partners(data: PublicData, organisations: dict[str, Organisation], context: DemoContext) -> None:
    for spec in context.progress(data.sponsors.values(), desc="Partner profiles", total=len(data.sponsors)):
        organisation = organisations[spec.organisation]
        try:
            services.partner_profile_save(
                viewer=context.viewer,
                actor=context.actor,
                organisation=organisation,
                summary=f"Sponsor of {spec.trials} industry-sponsored interventional cancer trial(s) "
                "registered "
                f"on ClinicalTrials.gov since 2021; looking for trial sites and translational partners.",
                therapeutic_areas=list(spec.therapeutic_areas),
                targets=list(spec.targets)[:MAX_GENES],
                modalities=list(spec.modalities),
                development_stages=[
                    stage for stage in DevelopmentStage.values if stage in spec.development_stages
                ],
                collaboration_kinds=[CollaborationKind.TRIAL_SITE, CollaborationKind.CO_DEVELOPMENT],
                visibility=Visibility.NETWORK,
            )
        except ServiceError as exc:
            context.warn("partner profiles refused", f"{organisation.name}: {exc.message}")
    for need in context.progress(data.needs, desc="Partner needs"):
        try:
            services.need_save(
                viewer=context.viewer,
                actor=context.actor,
                organisation=organisations[need.organisation],
                title=need.title,
                description=need.description,
                cancer_types=need.cancer_types,
                genes=need.genes,
                modalities=need.modalities,
                development_stage=need.development_stage,
                collaboration_kind=CollaborationKind.TRIAL_SITE,
                visibility=Visibility.NETWORK,
                external_id=need.external_id,
            )
        except ServiceError as exc:
            context.warn("partner needs refused", f"{need.external_id}: {exc.message}")


def public_data_load(data_dir: Path, context: DemoContext) -> PublicData:
    """Read the public files and write them through the services; a second run changes nothing."""
    data = public_data_read(data_dir, context)
    with transaction.atomic():
        organisations = _write_organisations(data, context)
        _write_projects(data, organisations, context)
        people = _write_people(data, organisations, context)
        _write_assets(data, organisations, people, context)
        _write_profiles(data, organisations, people, context)
        _write_partners(data, organisations, context)
    return data
