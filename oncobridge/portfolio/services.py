"""Every write on the portfolio: validated against the vocabularies, atomic, re-indexed, audited."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model

from oncobridge.accounts.models import Organisation, User
from oncobridge.core.audit import audit_record
from oncobridge.core.errors import PermissionDenied, ServiceError
from oncobridge.core.visibility import Viewer, Visibility
from oncobridge.core.vocabularies import vocabularies
from oncobridge.matching.tasks import entity_changed
from oncobridge.portfolio import access, indexing
from oncobridge.portfolio.models import (
    AssetKind,
    CollaborationKind,
    DevelopmentStage,
    DocumentKind,
    InvestigatorProfile,
    NeedResponse,
    NeedStatus,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
)
from oncobridge.vocab.modalities import MODALITY_LABELS

ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
PMID_PATTERN = re.compile(r"^\d{1,9}$")


@dataclass(frozen=True)
class Concepts:
    cancer_types: list[str]
    genes: list[str]
    modalities: list[str]


def concepts_validate(
    *, cancer_types: Iterable[str] = (), genes: Iterable[str] = (), modalities: Iterable[str] = ()
) -> Concepts:
    """Normalise concept lists to OncoTree codes, HUGO symbols and modality keys, or say which is unknown."""
    vocab = vocabularies()
    codes: list[str] = []
    for raw in cancer_types:
        node = vocab.oncotree.get(raw.strip())
        if node is None:
            raise ServiceError(f"'{raw}' is not an OncoTree code.", field="cancer_types")
        codes.append(node.code)
    symbols: list[str] = []
    for raw in genes:
        symbol = vocab.genes.normalise(raw.strip())
        if symbol is None:
            raise ServiceError(f"'{raw}' is not a known HUGO gene symbol or alias.", field="genes")
        symbols.append(symbol)
    keys: list[str] = []
    for raw in modalities:
        key = raw.strip().lower().replace(" ", "_").replace("-", "_")
        if key not in MODALITY_LABELS:
            raise ServiceError(
                f"'{raw}' is not a modality; use one of {', '.join(MODALITY_LABELS)}.", field="modalities"
            )
        keys.append(key)
    return Concepts(list(dict.fromkeys(codes)), list(dict.fromkeys(symbols)), list(dict.fromkeys(keys)))


def _choice(value: str, choices: Any, field: str, *, blank: bool = False) -> str:
    if blank and value == "":
        return value
    if value not in choices.values:
        raise ServiceError(
            f"'{value}' is not a valid {field}; use one of {', '.join(choices.values)}.", field=field
        )
    return value


def _text(value: str, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = value.strip()
    if required and not value:
        raise ServiceError(f"The {field} is required.", field=field)
    if max_length and len(value) > max_length:
        raise ServiceError(f"The {field} is longer than {max_length} characters.", field=field)
    return value


def _apply(entity: Any, fields: dict[str, Any]) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(entity, name) != value]
    for name in changed:
        setattr(entity, name, fields[name])
    return changed


def _require_create(viewer: Viewer, organisation: Organisation) -> None:
    if not access.can_create_in(viewer, organisation.pk):
        raise PermissionDenied(f"You may not add entries for {organisation.name}.")


def _require_edit(viewer: Viewer, entity: Any) -> None:
    if not access.can_edit(viewer, entity):
        raise PermissionDenied("You may not change this entry.")


M = TypeVar("M", bound=Model)


def _entry_save(
    *,
    viewer: Viewer,
    actor: User | None,
    entry: M | None,
    create: Callable[[], M],
    fields: dict[str, Any],
    kind: str,
    action: str,
) -> M:
    """Create an entry via `create` (which checks permission) or update it; re-index and audit changes."""
    if entry is None:
        entry = create()
        changed = ["created"]
    else:
        _require_edit(viewer, entry)
        changed = _apply(entry, fields)
        if changed:
            entry.save()
    if changed:
        indexing.document_refresh(entry)
        entity_changed(kind, entry.pk)
        audit_record(actor=actor, action=action, target=entry, changed=changed)
    return entry


@transaction.atomic
def profile_upsert(
    *,
    viewer: Viewer,
    actor: User | None,
    user: User,
    organisation: Organisation,
    position: str = "",
    summary: str = "",
    cancer_types: Iterable[str] = (),
    genes: Iterable[str] = (),
    modalities: Iterable[str] = (),
    methods: Iterable[str] = (),
    orcid: str = "",
    publications: Iterable[str] = (),
    visibility: str = Visibility.ALLIANCE,
    external_id: str = "",
) -> InvestigatorProfile:
    concepts = concepts_validate(cancer_types=cancer_types, genes=genes, modalities=modalities)
    orcid = orcid.strip().removeprefix("https://orcid.org/")
    if orcid and not ORCID_PATTERN.match(orcid):
        raise ServiceError(f"'{orcid}' is not an ORCID iD (0000-0000-0000-0000).", field="orcid")
    pmids = [str(p).strip() for p in publications if str(p).strip()]
    bad = [p for p in pmids if not PMID_PATTERN.match(p)]
    if bad:
        raise ServiceError(f"'{bad[0]}' is not a PubMed id.", field="publications")
    fields = {
        "organisation": organisation,
        "position": _text(position, "position", max_length=200),
        "summary": summary.strip(),
        "cancer_types": concepts.cancer_types,
        "genes": concepts.genes,
        "modalities": concepts.modalities,
        "methods": [m.strip() for m in methods if m.strip()],
        "orcid": orcid,
        "publications": list(dict.fromkeys(pmids)),
        "visibility": _choice(visibility, Visibility, "visibility"),
        "external_id": external_id,
    }
    profile = InvestigatorProfile.objects.filter(user=user).first()

    def create() -> InvestigatorProfile:
        if user.pk != viewer.user_id:
            _require_create(viewer, organisation)
        elif organisation.pk not in viewer.organisation_ids and not viewer.platform_admin:
            raise PermissionDenied("Your profile belongs to an organisation you are a member of.")
        return InvestigatorProfile.objects.create(user=user, **fields)

    return _entry_save(
        viewer=viewer,
        actor=actor,
        entry=profile,
        create=create,
        fields=fields,
        kind=DocumentKind.PROFILE,
        action="profile.save",
    )


@transaction.atomic
def asset_save(
    *,
    viewer: Viewer,
    actor: User | None,
    organisation: Organisation,
    kind: str,
    title: str,
    asset: ResearchAsset | None = None,
    description: str = "",
    cancer_types: Iterable[str] = (),
    genes: Iterable[str] = (),
    modalities: Iterable[str] = (),
    size: int | None = None,
    size_unit: str = "",
    availability: str = "",
    source: str = "",
    url: str = "",
    visibility: str = Visibility.ALLIANCE,
    external_id: str = "",
    owner: User | None = None,
) -> ResearchAsset:
    """Create an asset, or update `asset`; an external id makes a re-import update instead of duplicate."""
    concepts = concepts_validate(cancer_types=cancer_types, genes=genes, modalities=modalities)
    if size is not None and size < 0:
        raise ServiceError("The size cannot be negative.", field="size")
    fields = {
        "kind": _choice(kind, AssetKind, "kind"),
        "title": _text(title, "title", required=True, max_length=500),
        "description": description.strip(),
        "cancer_types": concepts.cancer_types,
        "genes": concepts.genes,
        "modalities": concepts.modalities,
        "size": size,
        "size_unit": _text(size_unit, "size unit", max_length=40),
        "availability": availability.strip(),
        "source": _text(source, "source", max_length=120),
        "url": _text(url, "url", max_length=500),
        "visibility": _choice(visibility, Visibility, "visibility"),
    }
    if asset is None and external_id:
        asset = ResearchAsset.objects.filter(organisation=organisation, external_id=external_id).first()

    def create() -> ResearchAsset:
        _require_create(viewer, organisation)
        return ResearchAsset.objects.create(
            organisation=organisation, external_id=external_id, owner=owner or actor, **fields
        )

    return _entry_save(
        viewer=viewer,
        actor=actor,
        entry=asset,
        create=create,
        fields=fields,
        kind=DocumentKind.ASSET,
        action="asset.save",
    )


@transaction.atomic
def asset_delete(*, viewer: Viewer, actor: User | None, asset: ResearchAsset) -> None:
    _require_edit(viewer, asset)
    audit_record(actor=actor, action="asset.delete", target=asset, title=asset.title)
    indexing.document_remove(kind=DocumentKind.ASSET, object_id=asset.pk)
    entity_changed(DocumentKind.ASSET, asset.pk)
    asset.delete()


@transaction.atomic
def asset_set_investigators(
    *, viewer: Viewer, actor: User | None, asset: ResearchAsset, users: list[User]
) -> None:
    _require_edit(viewer, asset)
    asset.investigators.set(users)
    audit_record(actor=actor, action="asset.investigators", target=asset, users=[u.email for u in users])


@transaction.atomic
def project_save(
    *,
    viewer: Viewer,
    actor: User | None,
    organisation: Organisation,
    title: str,
    abstract: str = "",
    programme: str = "",
    start_date: Any = None,
    end_date: Any = None,
    cancer_types: Iterable[str] = (),
    genes: Iterable[str] = (),
    modalities: Iterable[str] = (),
    publications: Iterable[str] = (),
    visibility: str = Visibility.NETWORK,
    external_id: str = "",
) -> ResearchProject:
    concepts = concepts_validate(cancer_types=cancer_types, genes=genes, modalities=modalities)
    if start_date and end_date and end_date < start_date:
        raise ServiceError("The project ends before it starts.", field="end_date")
    fields = {
        "title": _text(title, "title", required=True, max_length=500),
        "abstract": abstract.strip(),
        "programme": _text(programme, "programme", max_length=200),
        "start_date": start_date,
        "end_date": end_date,
        "cancer_types": concepts.cancer_types,
        "genes": concepts.genes,
        "modalities": concepts.modalities,
        "publications": list(dict.fromkeys(str(p) for p in publications)),
        "visibility": _choice(visibility, Visibility, "visibility"),
    }
    project = (
        ResearchProject.objects.filter(organisation=organisation, external_id=external_id).first()
        if external_id
        else None
    )

    def create() -> ResearchProject:
        _require_create(viewer, organisation)
        return ResearchProject.objects.create(organisation=organisation, external_id=external_id, **fields)

    return _entry_save(
        viewer=viewer,
        actor=actor,
        entry=project,
        create=create,
        fields=fields,
        kind=DocumentKind.PROJECT,
        action="project.save",
    )


@transaction.atomic
def partner_profile_save(
    *,
    viewer: Viewer,
    actor: User | None,
    organisation: Organisation,
    summary: str = "",
    therapeutic_areas: Iterable[str] = (),
    targets: Iterable[str] = (),
    modalities: Iterable[str] = (),
    development_stages: Iterable[str] = (),
    collaboration_kinds: Iterable[str] = (),
    visibility: str = Visibility.NETWORK,
) -> PartnerProfile:
    concepts = concepts_validate(cancer_types=therapeutic_areas, genes=targets, modalities=modalities)
    fields = {
        "summary": summary.strip(),
        "therapeutic_areas": concepts.cancer_types,
        "targets": concepts.genes,
        "modalities": concepts.modalities,
        "development_stages": [
            _choice(s, DevelopmentStage, "development stage") for s in dict.fromkeys(development_stages)
        ],
        "collaboration_kinds": [
            _choice(k, CollaborationKind, "collaboration kind") for k in dict.fromkeys(collaboration_kinds)
        ],
        "visibility": _choice(visibility, Visibility, "visibility"),
    }
    profile = PartnerProfile.objects.filter(organisation=organisation).first()

    def create() -> PartnerProfile:
        _require_create(viewer, organisation)
        return PartnerProfile.objects.create(organisation=organisation, **fields)

    return _entry_save(
        viewer=viewer,
        actor=actor,
        entry=profile,
        create=create,
        fields=fields,
        kind=DocumentKind.PARTNER,
        action="partner_profile.save",
    )


@transaction.atomic
def need_save(
    *,
    viewer: Viewer,
    actor: User | None,
    organisation: Organisation,
    title: str,
    need: PartnerNeed | None = None,
    description: str = "",
    cancer_types: Iterable[str] = (),
    genes: Iterable[str] = (),
    modalities: Iterable[str] = (),
    development_stage: str = "",
    collaboration_kind: str = "",
    status: str = NeedStatus.OPEN,
    visibility: str = Visibility.NETWORK,
    external_id: str = "",
) -> PartnerNeed:
    concepts = concepts_validate(cancer_types=cancer_types, genes=genes, modalities=modalities)
    fields = {
        "title": _text(title, "title", required=True, max_length=500),
        "description": description.strip(),
        "cancer_types": concepts.cancer_types,
        "genes": concepts.genes,
        "modalities": concepts.modalities,
        "development_stage": _choice(development_stage, DevelopmentStage, "development stage", blank=True),
        "collaboration_kind": _choice(
            collaboration_kind, CollaborationKind, "collaboration kind", blank=True
        ),
        "status": _choice(status, NeedStatus, "status"),
        "visibility": _choice(visibility, Visibility, "visibility"),
    }
    if need is None and external_id:
        need = PartnerNeed.objects.filter(organisation=organisation, external_id=external_id).first()

    def create() -> PartnerNeed:
        _require_create(viewer, organisation)
        return PartnerNeed.objects.create(
            organisation=organisation, posted_by=actor, external_id=external_id, **fields
        )

    return _entry_save(
        viewer=viewer,
        actor=actor,
        entry=need,
        create=create,
        fields=fields,
        kind=DocumentKind.NEED,
        action="need.save",
    )


@transaction.atomic
def need_respond(
    *, viewer: Viewer, actor: User, need: PartnerNeed, message: str, asset: ResearchAsset | None = None
) -> NeedResponse:
    access.ensure_can_respond(viewer, need)
    if need.status != NeedStatus.OPEN:
        raise ServiceError("This need is closed and takes no more responses.")
    message = _text(message, "message", required=True)
    organisation_id = next(iter(sorted(viewer.organisation_ids)), None)
    if asset is not None:
        if asset.organisation_id not in viewer.organisation_ids:
            raise PermissionDenied("You can only offer your own organisation's assets.")
        organisation_id = asset.organisation_id
    if organisation_id is None:
        raise PermissionDenied("You need a membership to answer a need.")
    response = NeedResponse.objects.create(
        need=need, responder=actor, organisation_id=organisation_id, message=message, asset=asset
    )
    audit_record(actor=actor, action="need.respond", target=need, response=response.pk)
    return response
