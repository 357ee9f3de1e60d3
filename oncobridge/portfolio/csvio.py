"""Portfolio import and export as CSV or TSV: one file, validated whole before anything is written.

The format, one row per entry (the delimiter follows the extension: `.csv` comma, `.tsv` tab; UTF-8):

    record_type   asset | need | project
    external_id   the entry's key in the system it comes from; with `organisation` it makes a re-import
                  update the entry instead of adding a second one
    organisation  slug of the owning organisation (may be left empty when the importer names a default)
    kind          asset: an asset kind (dataset, organoid, ...); need: a collaboration kind (trial_site, ...),
                  may be empty; project: empty
    title         required
    description   asset and need: description; project: abstract
    cancer_types  OncoTree codes, separated by semicolons
    genes         HUGO symbols (or known aliases), separated by semicolons
    modalities    modality codes (small_molecule, antibody, ...), separated by semicolons
    size          asset only: a whole number
    size_unit     asset only: participants, samples, models, ...
    availability  asset only: the terms on which partners can use it
    source        asset only: registry or accession, e.g. dbGaP phs000178
    url           asset only
    visibility    private | alliance | partners | network (empty: the service's default)

An export writes entries without an external id as `oncobridge:<record_type>:<id>`, which a later import
into the same deployment recognises as that entry.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from oncobridge.accounts.models import Organisation, User
from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Viewer, Visibility
from oncobridge.core.vocabularies import vocabularies
from oncobridge.portfolio import access, selectors, services
from oncobridge.portfolio.models import (
    AssetKind,
    CollaborationKind,
    PartnerNeed,
    ResearchAsset,
    ResearchProject,
)
from oncobridge.vocab.modalities import MODALITIES

COLUMNS = (
    "record_type",
    "external_id",
    "organisation",
    "kind",
    "title",
    "description",
    "cancer_types",
    "genes",
    "modalities",
    "size",
    "size_unit",
    "availability",
    "source",
    "url",
    "visibility",
)
RECORD_TYPES = ("asset", "need", "project")
ASSET_ONLY = ("size", "size_unit", "availability", "source", "url")
DELIMITERS = {".csv": ",", ".tsv": "\t"}
LOCAL_ID = re.compile(r"^oncobridge:(asset|need|project):(\d+)$")
MODALITY_CODES = frozenset(modality.code for modality in MODALITIES)
# Lengths of the model fields, checked here so that every problem is found before the first write.
MAX_LENGTHS = {"external_id": 120, "title": 500, "size_unit": 40, "source": 120, "url": 500}


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass(frozen=True)
class ImportProblem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ImportRefused(ServiceError):
    """The file has problems; nothing was written. `problems` lists every one of them."""

    title = "Import refused"

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ImportReport:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        kinds = ", ".join(f"{count} {record_type}(s)" for record_type, count in sorted(self.by_type.items()))
        return (
            f"{self.file}: {self.total} rows ({kinds or 'none'}): {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )


@dataclass
class _Row:
    line: int
    record_type: str
    organisation: Organisation
    values: dict[str, Any]
    existing: ResearchAsset | PartnerNeed | ResearchProject | None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _decode(path: Path, name: str, problems: list[ImportProblem]) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        try:
            raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = raw_line[exc.start : exc.start + 1].hex()
            problems.append(
                ImportProblem(
                    name,
                    number,
                    "encoding",
                    f"byte 0x{byte} at column {exc.start + 1} is not UTF-8; save the file as UTF-8",
                )
            )
    return data.decode("utf-8", errors="replace")


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


class _Validator:
    def __init__(self, name: str, viewer: Viewer, default_organisation: Organisation | None) -> None:
        self.name = name
        self.viewer = viewer
        self.default_organisation = default_organisation
        self.problems: list[ImportProblem] = []
        self.organisations = {organisation.slug: organisation for organisation in Organisation.objects.all()}
        self.vocab = vocabularies()
        self.seen: dict[tuple[str, str, str], int] = {}
        self.url = URLValidator(schemes=["http", "https"])

    def problem(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(ImportProblem(self.name, line, field_name, message))

    def header(self, line: int, header: list[str]) -> bool:
        names = [column.strip() for column in header]
        missing = [column for column in COLUMNS if column not in names]
        unknown = [column for column in names if column not in COLUMNS]
        duplicated = sorted({column for column in names if names.count(column) > 1})
        if missing:
            self.problem(line, "header", f"missing column(s): {', '.join(missing)}")
        if unknown:
            self.problem(
                line, "header", f"unknown column(s): {', '.join(unknown)}; expected {', '.join(COLUMNS)}"
            )
        if duplicated:
            self.problem(line, "header", f"repeated column(s): {', '.join(duplicated)}")
        return not (missing or unknown or duplicated)

    def row(self, line: int, raw: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        record_type = raw["record_type"].strip().lower()
        if record_type not in RECORD_TYPES:
            self.problem(
                line, "record_type", f"{raw['record_type']!r} is not one of {', '.join(RECORD_TYPES)}"
            )
            return None
        organisation = self._organisation(line, raw["organisation"].strip())
        values: dict[str, Any] = {
            "title": raw["title"].strip(),
            "description": raw["description"].strip(),
            "cancer_types": self._cancer_types(line, raw["cancer_types"]),
            "genes": self._genes(line, raw["genes"]),
            "modalities": self._modalities(line, raw["modalities"]),
        }
        if not values["title"]:
            self.problem(line, "title", "a title is required")
        for name, limit in MAX_LENGTHS.items():
            if len(raw[name].strip()) > limit:
                self.problem(line, name, f"longer than {limit} characters")
        visibility = raw["visibility"].strip().lower()
        if visibility and visibility not in Visibility.values:
            self.problem(
                line, "visibility", f"{raw['visibility']!r} is not one of {', '.join(Visibility.values)}"
            )
        elif visibility:
            values["visibility"] = visibility
        values.update(self._by_type(line, record_type, raw))
        external_id = raw["external_id"].strip()
        existing = None
        if organisation is not None and external_id:
            key = (record_type, organisation.slug, external_id)
            if key in self.seen:
                self.problem(line, "external_id", f"{external_id!r} is also on line {self.seen[key]}")
            self.seen[key] = line
            existing = self._existing(line, record_type, organisation, external_id)
        values["external_id"] = "" if LOCAL_ID.match(external_id) else external_id
        if (
            isinstance(existing, ResearchProject)
            and not existing.external_id
            and _project_differs(existing, values)
        ):
            # project_save finds projects by external id only, so one without it cannot be updated by import.
            self.problem(
                line,
                "external_id",
                "this project has no external id, so an import cannot change it; "
                "edit it in OncoBridge instead",
            )
        if len(self.problems) > before or organisation is None:
            return None
        return _Row(line, record_type, organisation, values, existing)

    def _organisation(self, line: int, slug: str) -> Organisation | None:
        if not slug:
            if self.default_organisation is None:
                self.problem(line, "organisation", "empty, and no default organisation was given (--org)")
            return self.default_organisation
        organisation = self.organisations.get(slug)
        if organisation is None:
            self.problem(line, "organisation", f"no organisation with slug {slug!r}")
        elif not access.can_create_in(self.viewer, organisation.pk):
            self.problem(line, "organisation", f"you may not add or change entries of {organisation.name}")
        return organisation

    def _cancer_types(self, line: int, value: str) -> list[str]:
        codes = []
        for code in _split(value):
            node = self.vocab.oncotree.get(code)
            if node is None:
                self.problem(line, "cancer_types", f"{code!r} is not an OncoTree code")
            else:
                codes.append(node.code)
        return codes

    def _genes(self, line: int, value: str) -> list[str]:
        symbols = []
        for gene in _split(value):
            symbol = self.vocab.genes.normalise(gene)
            if symbol is None:
                self.problem(line, "genes", f"{gene!r} is not a known HUGO gene symbol or alias")
            else:
                symbols.append(symbol)
        return symbols

    def _modalities(self, line: int, value: str) -> list[str]:
        keys = []
        for modality in _split(value):
            key = modality.lower().replace(" ", "_").replace("-", "_")
            if key not in MODALITY_CODES:
                self.problem(
                    line,
                    "modalities",
                    f"{modality!r} is not a modality; use one of {', '.join(sorted(MODALITY_CODES))}",
                )
            else:
                keys.append(key)
        return keys

    def _by_type(self, line: int, record_type: str, raw: dict[str, str]) -> dict[str, Any]:
        kind = raw["kind"].strip()
        if record_type != "asset":
            for name in ASSET_ONLY:
                if raw[name].strip():
                    self.problem(line, name, f"only assets have a {name.replace('_', ' ')}; leave it empty")
        if record_type == "project":
            if kind:
                self.problem(line, "kind", "projects have no kind; leave it empty")
            return {}
        if record_type == "need":
            if kind and kind not in CollaborationKind.values:
                self.problem(
                    line,
                    "kind",
                    f"{kind!r} is not a collaboration kind: {', '.join(CollaborationKind.values)}",
                )
            return {"collaboration_kind": kind}
        if kind not in AssetKind.values:
            self.problem(line, "kind", f"{kind!r} is not an asset kind: {', '.join(AssetKind.values)}")
        values: dict[str, Any] = {
            name: raw[name].strip() for name in ("size_unit", "availability", "source", "url")
        }
        values["kind"] = kind
        values["size"] = None
        size = raw["size"].strip()
        if size:
            if not size.isdigit():
                self.problem(line, "size", f"{size!r} is not a whole number")
            else:
                values["size"] = int(size)
        if values["url"]:
            try:
                self.url(values["url"])
            except ValidationError:
                self.problem(line, "url", f"{values['url']!r} is not an http(s) address")
        return values

    def _existing(
        self, line: int, record_type: str, organisation: Organisation, external_id: str
    ) -> ResearchAsset | PartnerNeed | ResearchProject | None:
        models: dict[str, Any] = {"asset": ResearchAsset, "need": PartnerNeed, "project": ResearchProject}
        model = models[record_type]
        local = LOCAL_ID.match(external_id)
        entity: ResearchAsset | PartnerNeed | ResearchProject | None
        if local is None:
            entity = model.objects.filter(organisation=organisation, external_id=external_id).first()
            return entity
        if local.group(1) != record_type:
            self.problem(
                line, "external_id", f"{external_id!r} names a {local.group(1)}, not a {record_type}"
            )
            return None
        entity = model.objects.filter(pk=int(local.group(2)), organisation=organisation).first()
        if entity is None:
            self.problem(
                line, "external_id", f"no {record_type} {local.group(2)} of {organisation.slug} here"
            )
        elif not access.can_edit(self.viewer, entity):
            self.problem(line, "external_id", f"you may not change {record_type} {entity.pk}")
        return entity


def _project_differs(project: ResearchProject, values: dict[str, Any]) -> bool:
    current = {
        "title": project.title,
        "description": project.abstract,
        "cancer_types": project.cancer_types,
        "genes": project.genes,
        "modalities": project.modalities,
        "visibility": project.visibility,
    }
    return any(values.get(name, current[name]) != value for name, value in current.items())


def _read(path: Path, name: str, validator: _Validator) -> list[_Row]:
    delimiter = DELIMITERS.get(path.suffix.lower())
    if delimiter is None:
        validator.problem(0, "file", "the name must end in .csv (comma-separated) or .tsv (tab-separated)")
        return []
    text = _decode(path, name, validator.problems)
    rows: list[_Row] = []
    records = _records(text, delimiter)
    try:
        first = next(records, None)
        if first is None:
            validator.problem(1, "header", f"the file is empty; expected {', '.join(COLUMNS)}")
            return []
        header_line, header = first
        if not validator.header(header_line, header):
            return []
        names = [column.strip() for column in header]
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(names):
                validator.problem(line, "row", f"{len(record)} fields, but the header has {len(names)}")
                continue
            row = validator.row(line, dict(zip(names, record, strict=True)))
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        validator.problem(0, "file", f"not readable as {path.suffix[1:].upper()}: {exc}")
    return rows


def _write(row: _Row, *, viewer: Viewer, actor: User | None) -> None:
    values = dict(row.values)
    if row.existing is not None:
        values.setdefault("visibility", row.existing.visibility)
    common: dict[str, Any] = {"viewer": viewer, "actor": actor, "organisation": row.organisation}
    if row.record_type == "asset":
        services.asset_save(**common, asset=row.existing, **values)  # type: ignore[arg-type]
    elif row.record_type == "need":
        if isinstance(row.existing, PartnerNeed):
            # Fields the file does not carry keep their current values.
            values.setdefault("development_stage", row.existing.development_stage)
            values.setdefault("status", row.existing.status)
        services.need_save(**common, need=row.existing, **values)  # type: ignore[arg-type]
    elif isinstance(row.existing, ResearchProject) and not row.existing.external_id:
        return  # an unchanged project of this deployment without an external id (see _project_differs)
    else:
        values["abstract"] = values.pop("description")
        if isinstance(row.existing, ResearchProject):
            for name in ("programme", "start_date", "end_date", "publications"):
                values.setdefault(name, getattr(row.existing, name))
        services.project_save(**common, **values)


@transaction.atomic
def portfolio_import(
    path: Path | str,
    *,
    actor: User | None,
    viewer: Viewer,
    default_organisation: Organisation | None = None,
) -> ImportReport:
    """Validate every row, then write them all in one transaction; refuse the whole file on any problem."""
    path = Path(path)
    validator = _Validator(path.name, viewer, default_organisation)
    rows = _read(path, path.name, validator)
    if validator.problems:
        raise ImportRefused(sorted(validator.problems, key=lambda problem: problem.line))
    report = ImportReport(file=path.name)
    for row in rows:
        before = row.existing.updated_at if row.existing is not None else None
        try:
            _write(row, viewer=viewer, actor=actor)
        except ServiceError as exc:
            # Raising rolls back the rows written so far: the import stays all-or-nothing.
            raise ImportRefused(
                [ImportProblem(path.name, row.line, exc.field or "row", exc.message)]
            ) from None
        report.by_type[row.record_type] = report.by_type.get(row.record_type, 0) + 1
        if row.existing is None:
            report.created += 1
        else:
            row.existing.refresh_from_db(fields=["updated_at"])
            if row.existing.updated_at != before:
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def _export_rows(viewer: Viewer) -> Iterator[dict[str, Any]]:
    def concepts(entity: Any) -> dict[str, str]:
        return {
            "cancer_types": ";".join(entity.cancer_types),
            "genes": ";".join(entity.genes),
            "modalities": ";".join(entity.modalities),
        }

    def key(record_type: str, entity: Any) -> str:
        return entity.external_id or f"oncobridge:{record_type}:{entity.pk}"

    for asset in selectors.asset_list(viewer=viewer):
        yield {
            "record_type": "asset",
            "external_id": key("asset", asset),
            "organisation": asset.organisation.slug,
            "kind": asset.kind,
            "title": asset.title,
            "description": asset.description,
            **concepts(asset),
            "size": "" if asset.size is None else str(asset.size),
            "size_unit": asset.size_unit,
            "availability": asset.availability,
            "source": asset.source,
            "url": asset.url,
            "visibility": asset.visibility,
        }
    for need in selectors.need_list(viewer=viewer, status=None):
        yield {
            "record_type": "need",
            "external_id": key("need", need),
            "organisation": need.organisation.slug,
            "kind": need.collaboration_kind,
            "title": need.title,
            "description": need.description,
            **concepts(need),
            "visibility": need.visibility,
        }
    for project in selectors.project_list(viewer=viewer):
        yield {
            "record_type": "project",
            "external_id": key("project", project),
            "organisation": project.organisation.slug,
            "title": project.title,
            "description": project.abstract,
            **concepts(project),
            "visibility": project.visibility,
        }


def portfolio_export_to(stream: Writable, *, viewer: Viewer, delimiter: str = ",") -> int:
    """Write the assets, needs and projects the viewer may see; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, delimiter=delimiter, restval="", lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in _export_rows(viewer):
        writer.writerow(row)
        count += 1
    return count


def portfolio_export(path: Path | str, *, viewer: Viewer) -> int:
    path = Path(path)
    delimiter = DELIMITERS.get(path.suffix.lower())
    if delimiter is None:
        raise ServiceError("The export file name must end in .csv or .tsv.", field="out")
    with path.open("w", encoding="utf-8", newline="") as stream:
        return portfolio_export_to(stream, viewer=viewer, delimiter=delimiter)
