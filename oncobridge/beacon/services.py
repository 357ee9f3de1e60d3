"""Answering Beacon queries: run them through the analytics core, grade them by the caller's rights, audit.

For each dataset queried the caller gets at most its granularity (beacon/access.py). The response's
granularity is the requested one, lowered to what was allowed: record only if some queried dataset is
open to the caller at record level; count only if some hit can be counted. A dataset whose count is a
small cell for this caller adds to `exists` only, and is named under info.suppressedCounts as "<k".
Every query leaves one audit event per dataset it ran on (or one without a dataset when none was).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from oncobridge import analytics
from oncobridge.analytics import DatasetSource, VariantQuery
from oncobridge.beacon import records
from oncobridge.beacon.access import (
    dataset_granularities,
    datasets_to_query,
    reportable_count,
)
from oncobridge.beacon.filters import filters_criterion
from oncobridge.beacon.framework import (
    BIOSAMPLE,
    GENOMIC_VARIANT,
    INDIVIDUAL,
    EntryType,
    Granularity,
    ResultSet,
    boolean_response,
    coarser,
    count_response,
    resultsets_response,
)
from oncobridge.beacon.query import BeaconQuery, BeaconRequestError, VariantParameters
from oncobridge.beacon.selectors import filtering_terms, table_rows
from oncobridge.cohorts import access as cohorts_access
from oncobridge.core.audit import audit_record
from oncobridge.core.visibility import Viewer
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.services import dataset_query_audit

ASSEMBLIES = {"grch37": "GRCh37", "hg19": "GRCh37", "grch38": "GRCh38", "hg38": "GRCh38"}
# The core's VariantQuery fields, by the Beacon request parameter they come from.
CORE_FIELDS = {"assembly": "assemblyId", "reference_name": "referenceName", "start": "start", "end": "end"}
NOTHING_QUERYABLE = (
    "No dataset is queryable by you. Log in or send 'Authorization: Bearer <token>'; "
    "/beacon/v2/datasets lists the datasets you may query."
)


@dataclass
class DatasetHits:
    dataset: Dataset
    source: DatasetSource
    granularity: Granularity
    ids: list[str] = field(default_factory=list)  # patient ids, sample ids or variant keys, sorted
    calls: pa.Table | None = None  # for variants: the matching calls with their `variant_key`

    @property
    def count(self) -> int:
        return len(self.ids)


def normalise_assembly(value: str) -> str:
    found = ASSEMBLIES.get(value.strip().lower().split(".")[0])
    if found is None:
        raise BeaconRequestError(f"'assemblyId' must be GRCh37 (hg19) or GRCh38 (hg38); got {value!r}.")
    return found


def normalise_reference_name(value: str) -> str:
    """A RefSeq accession (NC_000007.14, refseq:NC_000007) as its chromosome; other names as given
    (the core normalises chr7, 7, chrM)."""
    text = value.strip()
    for build in records.REFSEQ.values():
        for chromosome, accession in build.items():
            if text.upper().removeprefix("REFSEQ:") in (accession, accession.split(".")[0]):
                return chromosome
    return text


def _protein(change: str) -> str:
    return change.strip().removeprefix("p.").upper()


def variant_query(variant: VariantParameters, criterion: analytics.Criterion | None) -> VariantQuery:
    """The core's variant lookup for Beacon parameters (0-based starts become 1-based positions)."""
    if (variant.start or variant.end) and not variant.reference_name:
        raise BeaconRequestError("'referenceName' is needed with 'start' and 'end'.")
    if variant.end and not variant.start:
        raise BeaconRequestError("'end' needs a 'start'.")
    if (variant.reference_bases or variant.alternate_bases) and not variant.start:
        raise BeaconRequestError("'referenceBases' and 'alternateBases' need a 'start' (0-based).")
    start = end = None
    if variant.start:
        start = variant.start[0] + 1
        if variant.end:
            end = variant.end[-1]
            if end < start:
                raise BeaconRequestError("'end' must not be before 'start'.")
        elif len(variant.start) == 2:
            end = variant.start[1] + 1
    return VariantQuery(
        assembly=normalise_assembly(variant.assembly) if variant.assembly else None,
        reference_name=normalise_reference_name(variant.reference_name) if variant.reference_name else None,
        start=start,
        end=end,
        reference_bases=variant.reference_bases if variant.reference_bases not in (None, "N") else None,
        alternate_bases=variant.alternate_bases if variant.alternate_bases not in (None, "N") else None,
        gene=variant.gene_id,
        criterion=criterion,
    )


def _keep_row(row: Mapping[str, Any], variant: VariantParameters) -> bool:
    """The rarely used conditions the core has no column for (variant type) or no form of (brackets)."""
    if variant.variant_type and records.variant_type(row) != variant.variant_type.upper():
        return False
    if len(variant.start) == 2 and row.get("start") is not None:
        # Bracket query: the variant starts within start[0]..start[1] and ends within end[0]..end[1].
        if not variant.start[0] + 1 <= int(row["start"]) <= variant.start[1] + 1:
            return False
        if (
            len(variant.end) == 2
            and row.get("end") is not None
            and not variant.end[0] <= int(row["end"]) <= variant.end[1]
        ):
            return False
    return True


def _variant_calls(
    sources: Sequence[DatasetSource], variant: VariantParameters, criterion: analytics.Criterion | None
) -> pa.Table:
    """The core's matching calls, narrowed by the Beacon-only conditions (Arrow throughout: a large
    dataset's calls are never turned into Python rows, only the page that is shown)."""
    try:
        table: pa.Table = analytics.variant_search(sources, variant_query(variant, criterion))
    except analytics.CriterionError as exc:
        parameter = CORE_FIELDS.get(exc.field or "", exc.field or "request")
        raise BeaconRequestError(f"'{parameter}': {exc.message}") from None
    if variant.aminoacid_change:
        wanted = _protein(variant.aminoacid_change)
        protein = pc.utf8_upper(pc.fill_null(table["hgvsp_short"], ""))
        table = table.filter(pc.is_in(protein, value_set=pa.array([wanted, f"P.{wanted}"])))
    if variant.variant_type or len(variant.start) == 2:
        kept = [row for row in table.to_pylist() if _keep_row(row, variant)]
        table = pa.Table.from_pylist(kept, schema=table.schema)
    return table


def _allele(column: pa.ChunkedArray) -> pa.ChunkedArray:
    upper = pc.utf8_upper(pc.fill_null(column, ""))
    return pc.if_else(pc.equal(upper, ""), "-", upper)


def with_variant_keys(calls: pa.Table) -> pa.Table:
    """The located calls with `variant_key` as records.variant_key spells it (unlocated ones dropped)."""
    located = calls.filter(pc.and_(pc.is_valid(calls["chromosome"]), pc.is_valid(calls["start"])))
    key = pc.binary_join_element_wise(
        pc.fill_null(located["ncbi_build"], "unknown"),
        located["chromosome"],
        pc.cast(located["start"], pa.string()),
        _allele(located["reference_allele"]),
        _allele(located["tumor_seq_allele2"]),
        ":",
    )
    return located.append_column("variant_key", key)


def _ids_by_dataset(table: pa.Table, column: str) -> dict[str, list[str]]:
    pairs = table.select(["dataset", column]).group_by(["dataset", column]).aggregate([])
    found: dict[str, list[str]] = defaultdict(list)
    for dataset, value in zip(pairs["dataset"].to_pylist(), pairs[column].to_pylist(), strict=True):
        if value is not None:
            found[dataset].append(str(value))
    return found


def _collect_hits(
    entry_type: EntryType,
    query: BeaconQuery,
    hits: Mapping[str, DatasetHits],
    entity: str | None,
    *,
    restrict: tuple[str, str] | None = None,
) -> None:
    """Each dataset's matching ids: `entity` keeps one id; `restrict` (column, value) keeps the rows of one
    patient or sample (the entries related to it)."""
    criterion = filters_criterion(query.filters)
    sources = [hit.source for hit in hits.values()]
    column = {INDIVIDUAL: "patient_id", BIOSAMPLE: "sample_id", GENOMIC_VARIANT: "variant_key"}[entry_type]
    if entry_type is GENOMIC_VARIANT:
        table = with_variant_keys(_variant_calls(sources, query.variant, criterion))
    elif query.variant.any:
        table = _variant_calls(sources, query.variant, criterion)
    else:
        table = analytics.cohort_members(sources, criterion)
    if restrict is not None:
        table = table.filter(pc.equal(table[restrict[0]], restrict[1]))
    ids = _ids_by_dataset(table, column)
    for slug, hit in hits.items():
        found = ids.get(slug, [])
        hit.ids = sorted({entity} & set(found)) if entity is not None else sorted(found)
        if entry_type is GENOMIC_VARIANT:
            hit.calls = table


def _records(entry_type: EntryType, hit: DatasetHits, page: Sequence[str]) -> list[dict[str, Any]]:
    slug = hit.dataset.slug
    if entry_type is GENOMIC_VARIANT:
        assert hit.calls is not None  # noqa: S101 - set with the ids of every variant query
        wanted = pc.and_(
            pc.equal(hit.calls["dataset"], slug), pc.is_in(hit.calls["variant_key"], pa.array(page))
        )
        calls: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in hit.calls.filter(wanted).to_pylist():
            calls[row["variant_key"]].append(row)
        return [records.variant_record(key, calls[key], case_level=True) for key in page]
    if entry_type is INDIVIDUAL:
        patients = {
            row["patient_id"]: row
            for row in table_rows(hit.source, "patients", column="patient_id", values=page)
        }
        codes: dict[str, list[str]] = defaultdict(list)
        for sample in table_rows(hit.source, "samples", column="patient_id", values=page):
            if sample.get("oncotree_code"):
                codes[sample["patient_id"]].append(str(sample["oncotree_code"]))
        return [
            records.individual_record(slug, patients.get(pid, {"patient_id": pid}), sorted(set(codes[pid])))
            for pid in page
        ]
    samples = {
        row["sample_id"]: row for row in table_rows(hit.source, "samples", column="sample_id", values=page)
    }
    if len(samples) < len(page):  # samples known only from mutations (MAF-only datasets)
        members = analytics.cohort_members([hit.source], None).to_pylist()
        owners = {m["sample_id"]: m["patient_id"] for m in members if m["sample_id"] in set(page)}
        for sid in page:
            samples.setdefault(sid, {"sample_id": sid, "patient_id": owners.get(sid, sid)})
    return [records.biosample_record(slug, samples[sid]) for sid in page]


def _audit(
    *,
    actor: Any,
    entry_type: EntryType,
    query: BeaconQuery,
    hits: Mapping[str, DatasetHits],
    returned: str,
    entity: str | None,
) -> None:
    detail: dict[str, Any] = {
        "caller": getattr(actor, "email", None) or "anonymous",
        "entry_type": entry_type.path,
        "requested_granularity": query.granularity,
        "returned_granularity": returned,
        "filters": [item.label for item in query.filters],
        "request_parameters": query.variant.as_dict(),
    }
    if entity is not None:
        detail["entity_id"] = entity
    if not hits:
        audit_record(actor=actor, action="beacon.query", datasets=[], **detail)
        return
    dataset_query_audit(
        actor=actor,
        action="beacon.query",
        datasets=[hit.dataset for hit in hits.values()],
        per_dataset={
            slug: {"results": hit.count, "granularity": hit.granularity} for slug, hit in hits.items()
        },
        **detail,
    )


def _variant_id_parameters(key: str) -> VariantParameters:
    """The sequence query that finds exactly the variant with this internal id (404 if malformed)."""
    parsed = records.parse_variant_key(key)
    if parsed is None:
        raise BeaconRequestError(
            f"No variant '{key}': ids read '<assembly>:<chromosome>:<start>:<ref>:<alt>'.", status=404
        )
    build, chromosome, start, reference, alternate = parsed
    return VariantParameters(
        assembly=build if build in ASSEMBLIES.values() else None,
        reference_name=chromosome,
        start=(start - 1,),
        reference_bases=None if reference == "-" else reference,
        alternate_bases=None if alternate == "-" else alternate,
    )


def _dataset_and_local_id(entry_type: EntryType, value: str) -> tuple[str, str]:
    parts = records.split_entity_id(value)
    if parts is None:
        raise BeaconRequestError(
            f"No {entry_type.name.lower()} '{value}': ids read '<dataset>:<id>'.", status=404
        )
    return parts


def beacon_query(
    *,
    viewer: Viewer,
    actor: Any,
    entry_type: EntryType,
    query: BeaconQuery,
    entity_id: str | None = None,
    dataset_slug: str | None = None,
    related: tuple[EntryType, str] | None = None,
) -> dict[str, Any]:
    """The Beacon response to a query on individuals, biosamples or g_variants: all of them, one id, or
    those of one dataset or related to one entry (`related`: the entry's type and id, e.g. a patient's
    variants)."""
    slugs: Sequence[str] = query.datasets if dataset_slug is None else [dataset_slug]
    entity: str | None = None
    restrict: tuple[str, str] | None = None
    if entity_id is not None and entry_type is GENOMIC_VARIANT:
        query = replace(query, variant=_variant_id_parameters(entity_id))
        entity = entity_id
    elif entity_id is not None:
        dataset, entity = _dataset_and_local_id(entry_type, entity_id)
        slugs = [dataset]
    if related is not None and related[0] is GENOMIC_VARIANT:
        query = replace(query, variant=_variant_id_parameters(related[1]))
    elif related is not None:
        dataset, local = _dataset_and_local_id(related[0], related[1])
        slugs, restrict = [dataset], ("patient_id" if related[0] is INDIVIDUAL else "sample_id", local)
    datasets = datasets_to_query(viewer, slugs)
    granularities = dataset_granularities(viewer, datasets)
    hits = {
        dataset.slug: DatasetHits(
            dataset, cohorts_access.dataset_source(dataset), granularities[dataset.slug]
        )
        for dataset in datasets
    }
    audited = entity if related is None else f"{related[0].path}/{related[1]}"
    if not hits:
        _audit(actor=actor, entry_type=entry_type, query=query, hits=hits, returned="boolean", entity=audited)
        return boolean_response(
            query.summary, entry_type=entry_type, exists=False, info={"message": NOTHING_QUERYABLE}
        )
    _collect_hits(entry_type, query, hits, entity, restrict=restrict)
    response = _graded_response(entry_type, query, hits)
    _audit(
        actor=actor,
        entry_type=entry_type,
        query=query,
        hits=hits,
        returned=response["meta"]["returnedGranularity"],
        entity=audited,
    )
    return response


def _graded_response(
    entry_type: EntryType, query: BeaconQuery, hits: Mapping[str, DatasetHits]
) -> dict[str, Any]:
    summary = query.summary
    threshold = cohorts_access.small_cell_threshold()
    exists = any(hit.count for hit in hits.values())
    reportable = {
        slug for slug, hit in hits.items() if reportable_count(hit.count, hit.granularity, threshold)
    }
    suppressed = {slug: f"<{threshold}" for slug, hit in hits.items() if hit.count and slug not in reportable}
    info: dict[str, Any] = {}
    if suppressed:
        info["suppressedCounts"] = suppressed
        info["message"] = (
            f"Counts below {threshold} are not reported without an access grant; those datasets only add to "
            "'exists'."
        )
    finest: Granularity = "record" if any(hit.granularity == "record" for hit in hits.values()) else "count"
    returned = coarser(query.granularity, finest)
    if returned == "count" and exists and not any(hits[slug].count for slug in reportable):
        returned = "boolean"
    total = sum(hits[slug].count for slug in reportable)
    if returned == "boolean":
        return boolean_response(summary, entry_type=entry_type, exists=exists, info=info)
    if returned == "count":
        return count_response(summary, entry_type=entry_type, exists=exists, count=total, info=info)
    page_size, offset = query.pagination.page_size, query.pagination.offset
    result_sets = []
    for slug, hit in hits.items():
        if slug not in reportable:
            continue
        if query.include_resultsets == "NONE" or (query.include_resultsets == "HIT" and not hit.count):
            continue
        if query.include_resultsets == "MISS" and hit.count:
            continue
        page = hit.ids[offset : offset + page_size] if hit.granularity == "record" else []
        result_sets.append(
            ResultSet(
                dataset=slug,
                exists=bool(hit.count),
                count=hit.count,
                results=_records(entry_type, hit, page) if page else [],
                info={"granularity": hit.granularity},
            )
        )
    return resultsets_response(
        summary, entry_type=entry_type, exists=exists, count=total, result_sets=result_sets, info=info
    )


def beacon_filtering_terms(*, viewer: Viewer, actor: Any) -> dict[str, Any]:
    """The filtering terms present in the datasets the caller may query (audited: it reads their data)."""
    datasets = datasets_to_query(viewer, ())
    terms = filtering_terms(datasets)
    audit_record(
        actor=actor,
        action="beacon.filtering_terms",
        datasets=[dataset.slug for dataset in datasets],
        terms=len(terms["filteringTerms"]),
    )
    return terms
