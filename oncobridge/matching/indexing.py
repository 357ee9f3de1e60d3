"""The match index of this deployment: portfolio entries as engine entities, stored under VAR_DIR/matching.

Each save publishes a complete new version directory and then switches the `current` pointer to it with one
atomic rename, so a reader never loads a half-written index; writers take a file lock. Every process keeps
the index it loaded in memory and reloads only when the pointer moves.

Two embedders, at most one of each per process: the document embedder (indexing: the background task and
`oncobridge match reindex`) keeps passage vectors on disk under VAR_DIR/cache; the query embedder (web
requests) keeps none, so that request processes never rewrite the shared vector cache.
"""

from __future__ import annotations

import fcntl
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from oncobridge.core.params import record_id
from oncobridge.core.vocabularies import vocabularies
from oncobridge.matching.engine.embedding import MiniLMEmbedder
from oncobridge.matching.engine.entities import Entity, capabilities_in_text
from oncobridge.matching.engine.index import MatchIndex
from oncobridge.matching.engine.ontology import Ontology, ontology_from_vocab
from oncobridge.matching.models import IndexChange
from oncobridge.portfolio.indexing import INDEXED_QUERYSETS, spec_for
from oncobridge.portfolio.models import (
    AssetKind,
    CollaborationKind,
    DocumentKind,
    InvestigatorProfile,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
)
from oncobridge.vocab.modalities import modalities_in_text

BATCH_SIZE = 500
KEPT_VERSIONS = 2  # the current one and the one before, which a slow reader may still be loading

# What an asset of each kind offers a partner.
ASSET_OFFERS: dict[str, tuple[str, ...]] = {
    AssetKind.SPECIMEN_COLLECTION: ("data", "patient_derived_models"),
    AssetKind.PDX_MODEL: ("patient_derived_models",),
    AssetKind.ORGANOID: ("patient_derived_models",),
    AssetKind.CELL_LINE: ("patient_derived_models",),
    AssetKind.DATASET: ("data",),
    AssetKind.INVENTION: ("compounds", "methods"),
    AssetKind.PATENT: ("compounds", "methods"),
    AssetKind.CORE_FACILITY: ("methods", "assays_biomarkers"),
    AssetKind.CLINICAL_TRIAL: ("trial_sites",),
}
# What a partner seeking each kind of collaboration looks for, and what it brings to it.
COLLABORATION_SEEKS: dict[str, tuple[str, ...]] = {
    CollaborationKind.SPONSORED_RESEARCH: ("methods",),
    CollaborationKind.CO_DEVELOPMENT: ("methods", "compounds"),
    CollaborationKind.LICENSING: ("compounds",),
    CollaborationKind.DATA_ACCESS: ("data",),
    CollaborationKind.MATERIAL_ACCESS: ("patient_derived_models",),
    CollaborationKind.TRIAL_SITE: ("trial_sites",),
    CollaborationKind.SERVICE: ("assays_biomarkers", "methods"),
    CollaborationKind.ADVISORY: ("methods",),
}
COLLABORATION_OFFERS: dict[str, tuple[str, ...]] = {
    CollaborationKind.SPONSORED_RESEARCH: ("funding",),
    CollaborationKind.CO_DEVELOPMENT: ("funding", "compounds"),
    CollaborationKind.LICENSING: ("funding",),
    CollaborationKind.TRIAL_SITE: ("compounds",),
}


def _codes(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for group in groups for code in group))


def entity_id(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def parse_entity_id(value: str) -> tuple[str, int]:
    """ "asset:12" -> ("asset", 12); ValueError for anything else."""
    kind, _, number = value.partition(":")
    object_id = record_id(number)
    if kind not in DocumentKind.values or object_id is None:
        raise ValueError(
            f"'{value}' is not a portfolio entry (use kind:id, kind one of {DocumentKind.values})"
        )
    return kind, object_id


def entity_for(entry: Model) -> Entity:
    """A portfolio entry as the engine sees it: concepts, organisation, and what it offers and seeks."""
    spec = spec_for(entry)
    organisation: Any = entry.organisation  # type: ignore[attr-defined]
    text = spec.text.strip()
    mentioned = capabilities_in_text(f"{spec.title}\n{text}")
    offers: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()
    if isinstance(entry, ResearchAsset):
        offers = _codes(ASSET_OFFERS.get(entry.kind, ()), mentioned)
    elif isinstance(entry, InvestigatorProfile):
        offers = _codes(mentioned, ("methods",) if entry.methods else ())
    elif isinstance(entry, PartnerNeed):
        kind = entry.collaboration_kind
        seeks = _codes(COLLABORATION_SEEKS.get(kind, ()), mentioned)
        offers = COLLABORATION_OFFERS.get(kind, ())
    elif isinstance(entry, PartnerProfile):
        kinds = entry.collaboration_kinds
        seeks = _codes(*(COLLABORATION_SEEKS.get(kind, ()) for kind in kinds), mentioned)
        offers = _codes(*(COLLABORATION_OFFERS.get(kind, ()) for kind in kinds))
    else:  # a research project: evidence of expertise
        offers = mentioned
    return Entity(
        id=entity_id(spec.kind, spec.object_id),
        kind=spec.kind,
        organisation=organisation.slug,
        organisation_type=organisation.kind,
        title=spec.title,
        text=text,
        cancer_types=tuple(code.upper() for code in spec.cancer_types),
        genes=tuple(gene.upper() for gene in spec.genes),
        modalities=tuple(spec.modalities),
        offers=offers,
        seeks=seeks,
    )


def entry_load(kind: str, object_id: int) -> Model | None:
    """The portfolio entry behind an entity id, with what entity_for needs; None when it is gone."""
    result: Model | None = INDEXED_QUERYSETS[kind]().filter(pk=object_id).first()
    return result


# --- models -----------------------------------------------------------------------------------------------


def _cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "matching" / "embeddings"


@lru_cache(maxsize=1)
def document_embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder(cache_dir=_cache_dir())


@lru_cache(maxsize=1)
def query_embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    vocab = vocabularies()
    return ontology_from_vocab(vocab.oncotree, vocab.pathways)


# --- storage ----------------------------------------------------------------------------------------------


def index_root() -> Path:
    return Path(settings.VAR_DIR) / "matching"


@dataclass
class _Loaded:
    version: str
    index: MatchIndex


_loaded: dict[tuple[Path, str], _Loaded] = {}
_loaded_lock = threading.Lock()


def _current_version(root: Path) -> str | None:
    pointer = root / "current"
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return version if version and (root / "versions" / version / "manifest.json").is_file() else None


def _load(role: str) -> MatchIndex | None:
    """The current index for reading ("query") or changing ("document"), from memory when still current."""
    root = index_root()
    with _loaded_lock:
        version = _current_version(root)
        if version is None:
            return None
        cached = _loaded.get((root, role))
        if cached is None or cached.version != version:
            embedder = query_embedder() if role == "query" else document_embedder()
            index = MatchIndex.load(root / "versions" / version, embedder=embedder, ontology=ontology())
            cached = _loaded[(root, role)] = _Loaded(version, index)
        return cached.index


def index_for_search() -> MatchIndex | None:
    """The published index, or None before the first `oncobridge match reindex`."""
    return _load("query")


def _publish(index: MatchIndex) -> str:
    root = index_root()
    versions = root / "versions"
    version = f"{time.time_ns()}"
    index.save(versions / version)
    temporary = root / "current.tmp"
    temporary.write_text(version, encoding="utf-8")
    temporary.replace(root / "current")
    for stale in sorted(path.name for path in versions.iterdir() if path.is_dir())[:-KEPT_VERSIONS]:
        shutil.rmtree(versions / stale, ignore_errors=True)
    with _loaded_lock:
        _loaded[(root, "document")] = _Loaded(version, index)
    return version


@contextmanager
def _writer_lock() -> Iterator[None]:
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / "write.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- changing the index -----------------------------------------------------------------------------------


def change_record(*, kind: str, object_id: int) -> None:
    """Mark an entry's index entry stale, inside the caller's transaction."""
    IndexChange.objects.create(kind=kind, object_id=object_id)


def changes_apply() -> int:
    """Bring the published index up to date with every pending change; returns how many were applied.

    Without a published index there is nothing to patch: the whole portfolio is indexed instead.
    """
    with _writer_lock():
        index = _load("document")
        if index is None:
            return _rebuild_locked(progress=None)
        applied = 0
        while True:
            changes = list(IndexChange.objects.order_by("id")[:BATCH_SIZE])
            if not changes:
                break
            for kind, object_id in dict.fromkeys((change.kind, change.object_id) for change in changes):
                entry = entry_load(kind, object_id)
                key = entity_id(kind, object_id)
                if entry is not None:
                    index.update(entity_for(entry))
                elif key in index:
                    index.remove(key)
            applied += len(changes)
            _publish(index)
            IndexChange.objects.filter(id__in=[change.id for change in changes]).delete()
        return applied


def entry_count() -> int:
    return sum(queryset().count() for queryset in INDEXED_QUERYSETS.values())


def index_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Index the whole portfolio afresh and publish it; returns the number of entities."""
    with _writer_lock():
        return _rebuild_locked(progress=progress)


def _rebuild_locked(*, progress: Callable[[int], None] | None) -> int:
    with transaction.atomic():
        # Changes recorded before this point are covered by the rebuild's fresh read of the portfolio.
        last_change = IndexChange.objects.order_by("-id").values_list("id", flat=True).first()
        index = MatchIndex(embedder=document_embedder(), ontology=ontology())
        for queryset in INDEXED_QUERYSETS.values():
            batch: list[Entity] = []
            for entry in queryset().iterator(chunk_size=BATCH_SIZE):
                batch.append(entity_for(entry))
                if len(batch) >= BATCH_SIZE:
                    index.add_many(batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                index.add_many(batch)
                if progress:
                    progress(len(batch))
        index.compact()
        _publish(index)
        if last_change is not None:
            IndexChange.objects.filter(id__lte=last_change).delete()
    return len(index)


def text_entity(text: str) -> Entity:
    """A free-text request as an engine entity, with the concepts and capabilities its words name.

    Without them a typed query could only match on words; with them "KRAS-mutant lung adenocarcinoma
    organoids" also meets NSCLC work through OncoTree, KRAS through its pathway, and organoid providers
    through complementarity (what the text describes is what the requester seeks).
    """
    vocab = vocabularies()
    return Entity(
        id="query",
        text=text,
        cancer_types=tuple(vocab.oncotree.codes_in_text(text)),
        genes=tuple(vocab.genes.symbols_in_text(text)),
        modalities=tuple(modalities_in_text(text)),
        seeks=tuple(capabilities_in_text(text)),
    )
