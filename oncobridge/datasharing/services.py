"""Every write on shared data: datasets, all-or-nothing imports, requests, decisions, grants, downloads.

Imports stream a reader's batches into Parquet in a staging folder (storage.py), de-identify, and publish a
new immutable version in one step: the folder is renamed and the version recorded in one transaction. A
refused file (FormatError) or a crash leaves the current version exactly as it was.

Each import replaces some tables and carries the others forward from the current version:
- MAF, VCF: mutations;
- cBioPortal patient file: patients, outcomes, patient attributes; sample file: samples, sample attributes;
  both: all four tables;
- clinical TSV + mapping: patients, outcomes, patient attributes, and with a sample_id column also samples
  and sample attributes;
- FHIR bundle: patients, patient attributes, mutations, treatments.
The resulting version must hold together (tables.dangling_references): an import that would leave samples,
outcomes, treatments or attributes without their patient, or mutations or attributes without their sample
(when the dataset has samples), is refused like a malformed file.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import logging
import re
import shutil
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, get_args

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Organisation, OrganisationKind
from oncobridge.core.audit import audit_record, audit_record_each
from oncobridge.core.errors import Conflict, PermissionDenied, ServiceError
from oncobridge.core.visibility import Viewer, Visibility
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing import storage
from oncobridge.datasharing.access import has_row_access, is_steward
from oncobridge.datasharing.duo import DuoCheck, duo_check
from oncobridge.datasharing.models import (
    AccessRequest,
    Dataset,
    DatasetVersion,
    Grant,
    ImportJob,
    ImportStatus,
    RequestStatus,
    Table,
)
from oncobridge.formats import tables
from oncobridge.formats._text import open_text
from oncobridge.formats.cbioportal_clinical import ClinicalRead, OncoTreeCodes, read_cbioportal_clinical
from oncobridge.formats.clinical_tsv import load_mapping, read_clinical_tsv
from oncobridge.formats.deidentify import DeidentificationReport, deidentify_tables
from oncobridge.formats.fhir import read_fhir_bundle
from oncobridge.formats.maf import MafReader
from oncobridge.formats.phenopackets import write_phenopacket
from oncobridge.formats.problems import FormatError, Problem
from oncobridge.formats.vcf import Origin as VcfOrigin
from oncobridge.formats.vcf import VcfReader
from oncobridge.vocab import VocabularyError, parse_duo_codes
from oncobridge.vocab.genes import GeneVocabulary

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCHEMAS: dict[str, pa.Schema] = {
    Table.PATIENTS: tables.PATIENTS,
    Table.SAMPLES: tables.SAMPLES,
    Table.MUTATIONS: tables.MUTATIONS,
    Table.CLINICAL_ATTRIBUTES: tables.CLINICAL_ATTRIBUTES,
    Table.OUTCOMES: tables.OUTCOMES,
    Table.TREATMENTS: tables.TREATMENTS,
}
# Paths under /datasets/ that a dataset's slug would shadow.
RESERVED_SLUGS = frozenset({"new", "requests", "committee", "grants"})
DEFAULT_GRANT_DAYS = 365
WARNINGS_KEPT = 200
Progress = Callable[[int], object]
logger = logging.getLogger(__name__)


class ImportRefused(ServiceError):
    """The input was refused; `problems` names every problem (file:line: field: message)."""

    status = 422
    title = "Import refused"

    def __init__(self, problems: list[Problem], omitted: int = 0) -> None:
        self.problems = problems
        self.omitted = omitted
        files = ", ".join(sorted({problem.file for problem in problems})) or "the input"
        total = len(problems) + omitted
        super().__init__(f"Nothing was imported: {total} problem(s) in {files}.")


# Datasets


def _require_steward(viewer: Viewer, organisation_id: int, action: str) -> None:
    if not is_steward(viewer, organisation_id):
        raise PermissionDenied(f"Only the owning organisation's data stewards may {action}.")


def _duo_terms(codes: Iterable[str], modifiers: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    vocab = vocabularies()
    try:
        parsed = parse_duo_codes(",".join(codes), vocab.duo)
    except VocabularyError as exc:
        raise ServiceError(str(exc), field="duo_codes") from None
    if not parsed:
        raise ServiceError("Name the dataset's data-use terms as DUO codes (e.g. GRU).", field="duo_codes")
    cleaned: dict[str, Any] = {}
    for key, value in modifiers.items():
        code = key.upper()
        if code not in parsed:
            raise ServiceError(f"The modifier {code} needs the DUO code {code}.", field="duo_modifiers")
        if code == "DS":
            diseases = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            if not diseases or not all(isinstance(disease, str) for disease in diseases):
                raise ServiceError(
                    f"DS needs one or more OncoTree codes, not {value!r}.", field="duo_modifiers"
                )
            for disease in diseases:
                if vocab.oncotree.get(str(disease)) is None:
                    raise ServiceError(f"'{disease}' is not an OncoTree code.", field="duo_modifiers")
            cleaned[code] = [str(disease).upper() for disease in diseases]
        elif code == "TS":
            try:
                cleaned[code] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ServiceError(f"TS needs an ISO date, not {value!r}.", field="duo_modifiers") from None
        else:
            cleaned[code] = value
    return parsed, cleaned


def dataset_create(
    *,
    viewer: Viewer,
    actor: Any | None,
    slug: str,
    title: str,
    organisation: Organisation,
    duo_codes: Iterable[str],
    duo_modifiers: Mapping[str, Any] | None = None,
    description: str = "",
    cancer_types: Iterable[str] = (),
    assay: str = "",
    visibility: str = Visibility.NETWORK,
) -> Dataset:
    _require_steward(viewer, organisation.pk, "register its datasets")
    if not SLUG.match(slug):
        raise ServiceError("A slug has lower-case letters, digits and single hyphens.", field="slug")
    if slug in RESERVED_SLUGS:
        raise ServiceError(
            f"'{slug}' names a page of the data-sharing site; choose another slug.", field="slug"
        )
    if not title.strip():
        raise ServiceError("The title is required.", field="title")
    if visibility not in Visibility.values:
        raise ServiceError(f"'{visibility}' is not a visibility.", field="visibility")
    codes, modifiers = _duo_terms(duo_codes, duo_modifiers or {})
    oncotree = vocabularies().oncotree
    cancer_codes = []
    for raw in cancer_types:
        node = oncotree.get(raw)
        if node is None:
            raise ServiceError(f"'{raw}' is not an OncoTree code.", field="cancer_types")
        cancer_codes.append(node.code)
    with transaction.atomic():
        if Dataset.objects.filter(slug=slug).exists():
            raise Conflict(f"A dataset '{slug}' exists already.", field="slug")
        dataset = Dataset.objects.create(
            slug=slug,
            title=title.strip(),
            description=description.strip(),
            organisation=organisation,
            visibility=visibility,
            cancer_types=list(dict.fromkeys(cancer_codes)),
            assay=assay.strip(),
            duo_codes=codes,
            duo_modifiers=modifiers,
        )
        audit_record(actor=actor, action="dataset.create", target=dataset, dataset_id=dataset.pk)
    return dataset


# Imports


@dataclass
class _Written:
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    report: DeidentificationReport = field(default_factory=DeidentificationReport)
    sources: list[Path] = field(default_factory=list)
    # Rows of the previous version's clinical attributes to keep (those of entity types not re-imported).
    keep_attribute_types: set[str] | None = None
    # The file each table written by this import came from, to name it in a problem.
    table_files: dict[str, str] = field(default_factory=dict)


def _deidentified(
    named: dict[str, pa.Table],
    report: DeidentificationReport,
    attribute_columns: Mapping[str, str] | None = None,
) -> dict[str, pa.Table]:
    result, part = deidentify_tables(named, attribute_columns=attribute_columns)
    for table_name, columns in part.columns_dropped.items():
        report.columns_dropped.setdefault(table_name, []).extend(
            column for column in columns if column not in report.columns_dropped.get(table_name, [])
        )
    report.dates_offset.update(part.dates_offset)
    report.ages_capped.update(part.ages_capped)
    report.dates_dropped.update(part.dates_dropped)
    report.birth_dates_to_age += part.birth_dates_to_age
    report.patients_without_anchor += part.patients_without_anchor
    return {
        name: table.select(SCHEMAS[name].names).cast(SCHEMAS[name]) if name in SCHEMAS else table
        for name, table in result.items()
    }


def _stream_mutations(
    batches: Iterable[pa.RecordBatch], staging: Path, written: _Written, progress: Progress | None
) -> None:
    writer = storage.TableWriter(staging, Table.MUTATIONS, tables.MUTATIONS)
    try:
        for batch in batches:
            clean = _deidentified({Table.MUTATIONS: pa.Table.from_batches([batch])}, written.report)
            writer.write(clean[Table.MUTATIONS])
            if progress is not None:
                progress(batch.num_rows)
    finally:
        writer.close()
    written.rows[Table.MUTATIONS] = writer.rows


def _write_small(
    staging: Path,
    named: dict[str, pa.Table],
    written: _Written,
    attribute_columns: Mapping[str, str] | None = None,
) -> None:
    for name, table in _deidentified(named, written.report, attribute_columns).items():
        written.rows[name] = storage.write_table(staging, name, table)


def _clinical_tables(read: ClinicalRead, *, patients: bool, samples: bool) -> dict[str, pa.Table]:
    named: dict[str, pa.Table] = {Table.CLINICAL_ATTRIBUTES: read.attributes}
    if patients:
        named[Table.PATIENTS] = read.patients
        named[Table.OUTCOMES] = read.outcomes
    if samples:
        named[Table.SAMPLES] = read.samples
    return named


def _header_columns(path: Path) -> tuple[int | None, set[str]]:
    """The column header of a tab-separated file with '#' comment lines: its line number and names."""
    try:
        with open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip() and not line.startswith("#"):
                    return number, {column.strip().upper() for column in line.rstrip("\n").split("\t")}
    except (OSError, EOFError, zlib.error):
        pass  # unreadable: the reader reports it, naming the file
    return None, set()


def _patient_and_sample_files(files: Iterable[Path]) -> tuple[Path | None, Path | None]:
    """Tell the cBioPortal patient file from the sample file (by its SAMPLE_ID column). Two of one kind
    are refused: each holds the whole table, so keeping one would silently drop the other's rows."""
    found: dict[str, tuple[Path, int | None]] = {}
    for path in files:
        line, columns = _header_columns(path)
        kind = "sample" if "SAMPLE_ID" in columns else "patient"
        if kind in found:
            first = found[kind][0].name
            raise FormatError(
                [
                    Problem(
                        path.name,
                        line,
                        "SAMPLE_ID" if kind == "sample" else "PATIENT_ID",
                        f"a second {kind} file (with {first}); import one patient file and one sample file, "
                        f"each with all of its {kind}s",
                    )
                ]
            )
        found[kind] = (path, line)
    return (
        found["patient"][0] if "patient" in found else None,
        found["sample"][0] if "sample" in found else None,
    )


def _previous_ids(previous: DatasetVersion | None, name: str, column: str) -> frozenset[str] | None:
    """The ids in one table of the current version (that column alone is read); None when it has none."""
    if previous is None or not previous.row_counts.get(name):
        return None
    ids = pq.read_table(storage.table_path(previous.storage_path, name), columns=[column])[column]
    return frozenset(ids.to_pylist())


def _previous_samples(previous: DatasetVersion | None) -> frozenset[str] | None:
    return _previous_ids(previous, Table.SAMPLES, "sample_id")


def _previous_patients(previous: DatasetVersion | None) -> frozenset[str]:
    return _previous_ids(previous, Table.PATIENTS, "patient_id") or frozenset()


@dataclass(frozen=True)
class ImportSource:
    """What to import: exactly one kind, with its file(s)."""

    kind: str  # "maf" | "vcf" | "cbioportal_clinical" | "clinical" | "fhir"
    files: tuple[Path, ...]
    mapping: Path | None = None
    origin: VcfOrigin | None = None  # a VCF's calls (somatic unless told); None for the other kinds


def import_source(
    *,
    maf: Path | None = None,
    vcf: Path | None = None,
    cbioportal_clinical: Iterable[Path] = (),
    clinical: Path | None = None,
    mapping: Path | None = None,
    fhir: Path | None = None,
    origin: str | None = None,
) -> ImportSource:
    """`origin` (VCF only): whether its calls are somatic (the default) or germline, kept with the version."""
    chosen = [
        ImportSource(kind, tuple(files), mapping if kind == "clinical" else None)
        for kind, files in (
            ("maf", [maf] if maf else []),
            ("vcf", [vcf] if vcf else []),
            ("cbioportal_clinical", list(cbioportal_clinical)),
            ("clinical", [clinical] if clinical else []),
            ("fhir", [fhir] if fhir else []),
        )
        if files
    ]
    if len(chosen) != 1:
        raise ServiceError("Import one kind of file at a time: a MAF, a VCF, clinical data or a FHIR bundle.")
    source = chosen[0]
    if (source.kind == "clinical") != (mapping is not None):
        raise ServiceError("A clinical TSV needs its --mapping, and a mapping goes with --clinical only.")
    if source.kind == "cbioportal_clinical" and len(source.files) > 2:
        raise ServiceError("Give a cBioPortal patient file, a sample file, or one of each.")
    source = replace(source, origin=_vcf_origin(source.kind, origin))
    for path in (*source.files, *([source.mapping] if source.mapping else [])):
        if not path.is_file():
            raise ServiceError(f"{path} is not a file.")
    return source


def _oncotree_codes() -> OncoTreeCodes:
    oncotree = vocabularies().oncotree
    partial = any(note.startswith("OncoTree:") for note in vocabularies().missing)
    return OncoTreeCodes(
        current=oncotree, former=oncotree.former_codes, unknown="warn" if partial else "error"
    )


VCF_ORIGINS: tuple[VcfOrigin, ...] = get_args(VcfOrigin)
VCF_DEFAULT_ORIGIN: VcfOrigin = "somatic"


def _vcf_origin(kind: str, origin: str | None) -> VcfOrigin | None:
    """The origin of a VCF's calls, somatic unless told; None for the other kinds, which take none."""
    if origin and kind != "vcf":
        raise ServiceError("An origin (somatic or germline) goes with a VCF only.", field="origin")
    if kind != "vcf":
        return None
    for known in VCF_ORIGINS:
        if (origin or VCF_DEFAULT_ORIGIN) == known:
            return known
    raise ServiceError(f"'{origin}' is not an origin; use somatic or germline.", field="origin")


def _write_source(
    source: ImportSource,
    staging: Path,
    *,
    genes: GeneVocabulary,
    previous: DatasetVersion | None,
    progress: Progress | None,
) -> _Written:
    written = _Written(sources=list(source.files))
    if source.kind == "maf":
        maf = MafReader(source.files[0], genes, known_samples=_previous_samples(previous))
        _stream_mutations(maf.batches(), staging, written, progress)
        written.warnings = maf.warnings
    elif source.kind == "vcf":
        vcf = VcfReader(
            source.files[0],
            genes,
            origin=source.origin or VCF_DEFAULT_ORIGIN,
            known_samples=_previous_samples(previous),
        )
        _stream_mutations(vcf.batches(), staging, written, progress)
        written.warnings = vcf.warnings
    elif source.kind == "cbioportal_clinical":
        patient_file, sample_file = _patient_and_sample_files(source.files)
        read = read_cbioportal_clinical(
            patient_file=patient_file,
            sample_file=sample_file,
            known_patients=_previous_patients(previous) if patient_file is None else None,
            oncotree=_oncotree_codes(),
        )
        for read_from, names in (
            (patient_file, (Table.PATIENTS, Table.OUTCOMES, Table.CLINICAL_ATTRIBUTES)),
            (sample_file, (Table.SAMPLES, Table.CLINICAL_ATTRIBUTES)),
        ):
            if read_from is not None:
                written.table_files.update(dict.fromkeys(names, read_from.name))
        _write_small(
            staging,
            _clinical_tables(read, patients=patient_file is not None, samples=sample_file is not None),
            written,
        )
        written.keep_attribute_types = {"patient", "sample"} - {
            kind for kind, path in (("patient", patient_file), ("sample", sample_file)) if path
        }
        written.warnings = read.warnings
    elif source.kind == "clinical":
        assert source.mapping is not None  # noqa: S101 - import_source pairs them
        mapping = load_mapping(source.mapping)
        written.sources.append(source.mapping)
        read = read_clinical_tsv(source.files[0], mapping)
        has_samples = mapping.sample_id is not None
        _write_small(
            staging,
            _clinical_tables(read, patients=True, samples=has_samples),
            written,
            attribute_columns=mapping.attributes,
        )
        written.keep_attribute_types = set() if has_samples else {"sample"}
        written.warnings = read.warnings
    else:
        bundle = read_fhir_bundle(source.files[0], genes=genes)
        _write_small(
            staging,
            {
                Table.PATIENTS: bundle.patients,
                Table.CLINICAL_ATTRIBUTES: bundle.attributes,
                Table.MUTATIONS: bundle.mutations,
                Table.TREATMENTS: bundle.treatments,
            },
            written,
        )
        written.keep_attribute_types = {"sample"}
        written.warnings = bundle.warnings
    if progress is not None and source.kind not in ("maf", "vcf"):
        progress(sum(written.rows.values()))
    return written


def _carry_forward(previous: DatasetVersion | None, staging: Path, written: _Written) -> None:
    if previous is None:
        return
    source = storage.datasets_root() / previous.storage_path
    for name, rows in previous.row_counts.items():
        if name == Table.CLINICAL_ATTRIBUTES and name in written.rows and written.keep_attribute_types:
            old = storage.read_table(previous.storage_path, name)
            keep = pa.array(sorted(written.keep_attribute_types))
            kept = old.filter(pc.is_in(old["entity_type"], value_set=keep))
            new = pq.read_table(staging / f"{name}.parquet")
            (staging / f"{name}.parquet").unlink()
            written.rows[name] = storage.write_table(staging, name, pa.concat_tables([kept, new]))
        elif name not in written.rows:
            storage.carry_forward(source, staging, name)
            written.rows[name] = rows


_IDS_SHOWN = 5


def _check_references(
    previous: DatasetVersion | None,
    staging: Path,
    written: _Written,
    source: ImportSource,
    *,
    fresh: set[str],
) -> None:
    """Refuse a version whose tables refer to patients or samples it does not hold (FormatError);
    `fresh` names the tables this import wrote (the others were carried forward)."""
    named = {
        name: pq.read_table(staging / f"{name}.parquet", columns=columns)
        for name, columns in tables.REFERENCE_COLUMNS.items()
        if (staging / f"{name}.parquet").exists()
    }
    problems: list[Problem] = []
    for dangling in tables.dangling_references(named):
        new = dangling.table in fresh
        file = written.table_files.get(dangling.table if new else dangling.target, source.files[0].name)
        shown = ", ".join(dangling.ids[:_IDS_SHOWN])
        more = f" and {len(dangling.ids) - _IDS_SHOWN} more" if len(dangling.ids) > _IDS_SHOWN else ""
        noun = dangling.target[:-1]  # patient, sample
        if new:
            message = (
                f"{dangling.rows} {dangling.table} rows name {len(dangling.ids)} {noun}(s) that the "
                f"dataset does not have ({shown}{more}); import those {dangling.target} first or with them"
            )
        else:
            kept = f" (kept from version {previous.number})" if previous is not None else ""
            message = (
                f"the dataset's {dangling.table}{kept} name {len(dangling.ids)} {noun}(s) that this import "
                f"leaves out ({shown}{more}): {dangling.rows} rows would be orphaned; import a file that "
                f"keeps those {dangling.target}, or replace the {dangling.table} too"
            )
        problems.append(Problem(file, None, f"{dangling.table}.{dangling.column}", message))
    if problems:
        raise FormatError(problems)


def dataset_import(
    *,
    viewer: Viewer,
    actor: Any | None,
    dataset: Dataset,
    source: ImportSource,
    progress: Progress | None = None,
) -> DatasetVersion:
    """Import one source as a new version carrying forward the tables it does not replace.

    Raises ImportRefused (every problem) when the input is malformed; the current version is untouched.
    """
    _require_steward(viewer, dataset.organisation_id, "import its data")
    genes = vocabularies().genes
    with storage.import_lock(dataset.slug):
        dataset.refresh_from_db(fields=["current_version"])
        recorded = set(dataset.versions.values_list("storage_path", flat=True))
        storage.remove_debris(dataset.slug, known_versions={Path(path).name for path in recorded})
        previous = dataset.current_version
        staging = storage.new_staging(dataset.slug)
        try:
            written = _write_source(source, staging, genes=genes, previous=previous, progress=progress)
            fresh = set(written.rows)
            _carry_forward(previous, staging, written)
            _check_references(previous, staging, written, source, fresh=fresh)
            storage.seal(staging)
            return _publish(dataset, staging, written, source=source, actor=actor)
        except FormatError as refused:
            storage.discard(staging)
            audit_record(
                actor=actor,
                action="dataset.import_refused",
                target=dataset,
                dataset_id=dataset.pk,
                problems=len(refused.problems) + refused.omitted,
                files=[path.name for path in source.files],
            )
            raise ImportRefused(refused.problems, refused.omitted) from None
        except BaseException:
            storage.discard(staging)
            raise


def _publish(
    dataset: Dataset, staging: Path, written: _Written, *, source: ImportSource, actor: Any | None
) -> DatasetVersion:
    number = (dataset.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    final: Path | None = None
    try:
        with transaction.atomic():
            version = DatasetVersion.objects.create(
                dataset=dataset,
                number=number,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                sources=[
                    {
                        "kind": source.kind if path in source.files else "mapping",
                        "file": path.name,
                        "sha256": storage.file_sha256(path),
                        "bytes": path.stat().st_size,
                        **({"origin": source.origin} if source.origin and path in source.files else {}),
                    }
                    for path in written.sources
                ],
                row_counts=dict(sorted(written.rows.items())),
                deidentification=written.report.as_dict(),
                warnings=[str(warning) for warning in written.warnings[:WARNINGS_KEPT]],
                storage_path=f"{dataset.slug}/{storage.version_dir_name(number)}",
            )
            dataset.current_version = version
            dataset.data_types = sorted(name for name, rows in written.rows.items() if rows)
            dataset.save(update_fields=["current_version", "data_types", "updated_at"])
            audit_record(
                actor=actor,
                action="dataset.import",
                target=dataset,
                dataset_id=dataset.pk,
                version=number,
                kind=source.kind,
                rows=version.row_counts,
            )
            final = storage.publish(staging, dataset.slug, number)
    except BaseException:
        if final is not None:
            storage.unpublish(final)
        raise
    return version


# Access requests and grants


def access_request_check(
    *, dataset: Dataset, organisation: Organisation, purpose: str, commercial: bool
) -> DuoCheck:
    """The automatic DUO check of a request (stored with it, and shown before it is submitted)."""
    return duo_check(
        codes=dataset.duo_codes,
        modifiers=dataset.duo_modifiers,
        commercial=commercial,
        for_profit_organisation=organisation.kind == OrganisationKind.COMPANY,
        purpose=purpose,
        oncotree=vocabularies().oncotree,
        today=timezone.now().date(),
    )


def access_request_submit(
    *,
    viewer: Viewer,
    actor: Any,
    dataset: Dataset,
    purpose: str,
    commercial: bool,
    project: str = "",
    team: Iterable[str] = (),
    organisation: Organisation | None = None,
) -> AccessRequest:
    """Record a request with its automatic DUO check; an incompatible one is recorded and flagged."""
    if not viewer.is_member or viewer.user_id is None:
        raise PermissionDenied("Only members of the alliance network may request access to data.")
    if organisation is None:
        organisation = Organisation.objects.filter(pk__in=viewer.organisation_ids).order_by("pk").first()
    if organisation is None or organisation.pk not in viewer.organisation_ids:
        raise ServiceError("Request on behalf of an organisation you belong to.", field="organisation")
    if not purpose.strip():
        raise ServiceError("State the purpose of the research.", field="purpose")
    check = access_request_check(
        dataset=dataset, organisation=organisation, purpose=purpose, commercial=commercial
    )
    with transaction.atomic():
        if AccessRequest.objects.filter(
            requester_id=viewer.user_id, dataset=dataset, status=RequestStatus.SUBMITTED
        ).exists():
            raise Conflict("You already have a request for this dataset awaiting a decision.")
        request = AccessRequest.objects.create(
            requester=actor,
            organisation=organisation,
            dataset=dataset,
            purpose=purpose.strip(),
            commercial=commercial,
            project=project.strip(),
            team=[member.strip() for member in team if member.strip()],
            duo_check=check.as_dict(),
        )
        audit_record(
            actor=actor,
            action="access_request.submit",
            target=request,
            dataset_id=dataset.pk,
            compatible=check.compatible,
            reasons=check.reasons,
        )
    return request


def access_request_decide(
    *,
    viewer: Viewer,
    actor: Any,
    request: AccessRequest,
    approve: bool,
    reason: str = "",
    expires_on: dt.date | None = None,
) -> AccessRequest:
    """The owning organisation's stewards approve (creating a grant) or reject (with a reason)."""
    _require_steward(viewer, request.dataset.organisation_id, "decide on access requests")
    reason = reason.strip()
    today = timezone.now().date()
    if not approve and not reason:
        raise ServiceError("Give the requester a reason for the rejection.", field="reason")
    if approve and not request.duo_check.get("compatible", False):
        raise Conflict(
            "The request conflicts with the dataset's data-use terms: "
            + " ".join(request.duo_check.get("reasons", []))
        )
    if approve:
        expires_on = expires_on or today + dt.timedelta(days=DEFAULT_GRANT_DAYS)
        use_until = request.duo_check.get("use_until")
        if use_until:
            expires_on = min(expires_on, dt.date.fromisoformat(use_until))
        if expires_on <= today:
            raise ServiceError("A grant must expire after today.", field="expires_on")
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.SUBMITTED:
            raise Conflict(f"This request was already {locked.get_status_display().lower()}.")
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.reason = reason
        request.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
        audit_record(
            actor=actor,
            action="access_request.approve" if approve else "access_request.reject",
            target=request,
            dataset_id=request.dataset_id,
            reason=reason,
        )
        if approve:
            assert expires_on is not None  # noqa: S101 - set above for every approval
            grant = Grant.objects.create(
                request=request,
                grantee_id=request.requester_id,
                dataset_id=request.dataset_id,
                expires_at=dt.datetime.combine(expires_on, dt.time.max, tzinfo=dt.UTC),
            )
            audit_record(
                actor=actor,
                action="grant.create",
                target=grant,
                dataset_id=request.dataset_id,
                grantee=request.requester.email,
                expires_at=grant.expires_at.isoformat(),
            )
    return request


def grant_revoke(*, viewer: Viewer, actor: Any, grant: Grant, reason: str = "") -> Grant:
    _require_steward(viewer, grant.dataset.organisation_id, "revoke grants")
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            raise Conflict("This grant was already revoked.")
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor, action="grant.revoke", target=grant, dataset_id=grant.dataset_id, reason=reason
        )
    return grant


# Row-level data


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    chunks: Iterator[bytes]


def _current_table(dataset: Dataset, table: str) -> tuple[DatasetVersion, Path]:
    version = dataset.current_version
    if table not in SCHEMAS:
        raise ServiceError(f"'{table}' is not a table; use one of {', '.join(SCHEMAS)}.", field="table")
    if version is None or table not in version.row_counts:
        raise ServiceError(f"The dataset has no {table} table yet.", field="table")
    return version, storage.table_path(version.storage_path, table)


def _require_rows(viewer: Viewer, dataset: Dataset) -> None:
    if not has_row_access(viewer, dataset):
        raise PermissionDenied("Row-level data need an active access grant for this dataset.")


def dataset_query_audit(
    *,
    actor: Any | None,
    action: str,
    datasets: Iterable[Dataset],
    per_dataset: Mapping[str, Mapping[str, Any]] | None = None,
    **detail: Any,
) -> None:
    """A query over shared data, recorded once per dataset so that each appears in that dataset's audit
    trail (`audit_for_dataset`), each naming all the datasets queried; `per_dataset` adds details by slug
    (e.g. how many results it gave)."""
    datasets = list(datasets)
    extra = per_dataset or {}
    audit_record_each(
        actor=actor,
        action=action,
        targets=(
            (dataset, {"dataset_id": dataset.pk, "dataset": dataset.slug, **extra.get(dataset.slug, {})})
            for dataset in datasets
        ),
        datasets=[dataset.slug for dataset in datasets],
        **detail,
    )


def dataset_table_download(*, viewer: Viewer, actor: Any, dataset: Dataset, table: str, fmt: str) -> Download:
    """One table of the current version as CSV or Parquet, for stewards and active grantees; audited."""
    _require_rows(viewer, dataset)
    if fmt not in ("csv", "parquet"):
        raise ServiceError("The format is csv or parquet.", field="format")
    version, path = _current_table(dataset, table)
    audit_record(
        actor=actor,
        action="dataset.download",
        target=dataset,
        dataset_id=dataset.pk,
        version=version.number,
        table=table,
        format=fmt,
        rows=version.row_counts[table],
    )
    filename = f"{dataset.slug}-v{version.number}-{table}.{fmt}"
    if fmt == "parquet":
        return Download(filename, "application/vnd.apache.parquet", _file_chunks(path))
    return Download(filename, "text/csv; charset=utf-8", _csv_chunks(path))


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(1 << 20), b"")


def _csv_chunks(path: Path) -> Iterator[bytes]:
    parquet = pq.ParquetFile(path)
    header = True
    for batch in parquet.iter_batches(batch_size=65_536):
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, write_options=pacsv.WriteOptions(include_header=header))
        header = False
        yield buffer.getvalue()
    if header:  # an empty table still has its header
        buffer = io.BytesIO()
        pacsv.write_csv(parquet.schema_arrow.empty_table(), buffer)
        yield buffer.getvalue()


def dataset_phenopackets_export(*, viewer: Viewer, actor: Any, dataset: Dataset) -> list[dict[str, Any]]:
    """Phenopackets v2, one per patient of the current version, for stewards and active grantees; audited."""
    _require_rows(viewer, dataset)
    version, _ = _current_table(dataset, Table.PATIENTS)

    def load(name: str) -> pa.Table:
        if name in version.row_counts:
            return storage.read_table(version.storage_path, name)
        return SCHEMAS[name].empty_table()

    patients, samples, mutations = load(Table.PATIENTS), load(Table.SAMPLES), load(Table.MUTATIONS)
    created_by = getattr(actor, "email", "") or "oncobridge"
    documents = [
        write_phenopacket(
            patient_id, patients=patients, samples=samples, mutations=mutations, created_by=created_by
        )
        for patient_id in patients["patient_id"].to_pylist()
    ]
    audit_record(
        actor=actor,
        action="dataset.export_phenopackets",
        target=dataset,
        dataset_id=dataset.pk,
        version=version.number,
        patients=len(documents),
    )
    return documents


# Uploaded imports (UI and API): the files are kept only while their import job runs


IMPORT_KINDS: dict[str, str] = {
    "maf": "Somatic mutations: MAF or cBioPortal mutation file",
    "cbioportal_clinical": "cBioPortal clinical patient and/or sample file",
    "clinical": "Clinical TSV with its YAML mapping",
    "fhir": "FHIR R4 bundle (mCODE)",
    "vcf": "Annotated VCF (SnpEff ANN or VEP CSQ)",
}
# Streamed kinds report progress per batch; the others are read whole and report once.
_STREAMED_KINDS = ("maf", "vcf")
UPLOAD_ROLES = ("file", "second_file", "mapping")
_PROGRESS_EVERY_ROWS = 50_000
UPLOADS_DIR = ".uploads"


@dataclass(frozen=True)
class Upload:
    """One uploaded file: `role` is file, second_file (cBioPortal clinical) or mapping (clinical TSV)."""

    role: str
    name: str
    chunks: Iterable[bytes]


def _upload_dir(job_id: int) -> Path:
    return storage.datasets_root() / UPLOADS_DIR / str(job_id)


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:120] or "upload"


def _check_uploads(kind: str, uploads: Mapping[str, Upload]) -> None:
    if kind not in IMPORT_KINDS:
        known = ", ".join(IMPORT_KINDS)
        raise ServiceError(f"'{kind}' is not a kind of import; use one of {known}.", field="kind")
    if "file" not in uploads:
        raise ServiceError("Choose the file to import.", field="file")
    if kind == "clinical" and "mapping" not in uploads:
        raise ServiceError("A clinical TSV needs its YAML mapping file.", field="mapping")
    if kind != "clinical" and "mapping" in uploads:
        raise ServiceError("A mapping file goes with a clinical TSV only.", field="mapping")
    if kind != "cbioportal_clinical" and "second_file" in uploads:
        raise ServiceError(
            "A second file goes with cBioPortal clinical data only (patients and samples).",
            field="second_file",
        )


def import_job_create(
    *,
    viewer: Viewer,
    actor: Any,
    dataset: Dataset,
    kind: str,
    uploads: Iterable[Upload],
    origin: str | None = None,
) -> ImportJob:
    """Store the uploaded files and record a queued import; run it with `import_job_run` (or a task).

    `origin` (VCF only): somatic (the default) or germline."""
    _require_steward(viewer, dataset.organisation_id, "import its data")
    by_role: dict[str, Upload] = {}
    for upload in uploads:
        if upload.role not in UPLOAD_ROLES:
            raise ServiceError(f"'{upload.role}' is not an upload field.", field=upload.role)
        by_role[upload.role] = upload
    _check_uploads(kind, by_role)
    _vcf_origin(kind, origin)  # refused before the files are stored
    with transaction.atomic():
        job = ImportJob.objects.create(
            dataset=dataset,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            kind=kind,
            origin=origin or "",
        )
        folder = _upload_dir(job.pk)
        try:
            files = []
            for role in UPLOAD_ROLES:
                if role not in by_role:
                    continue
                upload = by_role[role]
                (folder / role).mkdir(parents=True, exist_ok=True)
                path = folder / role / _safe_name(upload.name)
                size = 0
                with path.open("wb") as handle:
                    for chunk in upload.chunks:
                        handle.write(chunk)
                        size += len(chunk)
                if size == 0:
                    raise ServiceError(f"{path.name} is empty.", field=role)
                files.append({"role": role, "name": path.name, "bytes": size})
            job.files = files
            job.save(update_fields=["files", "updated_at"])
            audit_record(
                actor=actor,
                action="dataset.import_upload",
                target=dataset,
                dataset_id=dataset.pk,
                job=job.pk,
                kind=kind,
                files=[entry["name"] for entry in files],
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return job


def _job_path(job: ImportJob, role: str) -> Path | None:
    for entry in job.files:
        if entry["role"] == role:
            return _upload_dir(job.pk) / role / str(entry["name"])
    return None


def _expected_rows(kind: str, path: Path) -> int | None:
    """About how many data lines a streamed file holds (for a percentage): its newlines, less the
    comment lines and column header at its top. Counted in binary chunks, far faster than the import."""
    if kind not in _STREAMED_KINDS:
        return None
    try:
        with path.open("rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            newlines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        preamble = 0
        with open_text(path) as text:
            for line in text:
                if line.strip() and not line.startswith("#"):
                    break
                preamble += 1
    except (OSError, EOFError, zlib.error):
        return None  # a truncated or unreadable file: the import's reader reports it, naming the file
    header = 1 if kind == "maf" else 0
    return max(0, newlines - preamble - header)


def _job_source(job: ImportJob) -> ImportSource:
    main = _job_path(job, "file")
    second = _job_path(job, "second_file")
    if job.kind == "cbioportal_clinical":
        return import_source(cbioportal_clinical=[path for path in (main, second) if path is not None])
    if job.kind == "clinical":
        return import_source(clinical=main, mapping=_job_path(job, "mapping"))
    if job.kind == "vcf":
        return import_source(vcf=main, origin=job.origin or None)
    if job.kind == "fhir":
        return import_source(fhir=main)
    return import_source(maf=main)


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import as the person who uploaded it; its outcome (version or problems) is recorded.

    A job is claimed once (queued -> running), so a task delivered twice imports once. The uploaded files
    are removed when it ends, whatever the outcome.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("dataset", "dataset__organisation", "requested_by").get(pk=job_id)
    if not claimed:
        return job
    outcome: dict[str, Any] = {}
    try:
        source = _job_source(job)
        expected = _expected_rows(job.kind, source.files[0])
        ImportJob.objects.filter(pk=job.pk).update(rows_expected=expected)
        done = [0, 0]  # rows read, rows when last saved

        def progress(rows: int) -> None:
            done[0] += rows
            if done[0] - done[1] >= _PROGRESS_EVERY_ROWS:
                done[1] = done[0]
                ImportJob.objects.filter(pk=job.pk).update(rows_done=done[0])

        version = dataset_import(
            viewer=viewer_for(job.requested_by),
            actor=job.requested_by,
            dataset=job.dataset,
            source=source,
            progress=progress,
        )
        outcome = {
            "status": ImportStatus.SUCCEEDED,
            "version": version,
            "rows_done": done[0],
            "message": f"Version {version.number} is now the dataset's current version.",
        }
    except ImportRefused as refused:
        outcome = {
            "status": ImportStatus.REFUSED,
            "problems": [
                {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                for p in refused.problems
            ],
            "problems_omitted": refused.omitted,
            "message": refused.message + " The current version is unchanged.",
        }
    except ServiceError as error:
        outcome = {"status": ImportStatus.REFUSED, "message": error.message}
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        outcome = {
            "status": ImportStatus.FAILED,
            "message": "The import failed on our side (it is logged); the current version is unchanged.",
        }
    finally:
        shutil.rmtree(_upload_dir(job.pk), ignore_errors=True)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
    job.refresh_from_db()
    return job
