"""GA4GH Data Use Ontology (DUO): the consent and data-use terms attached to shared datasets."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from oncobridge.vocab.errors import VocabularyError


@dataclass(frozen=True, slots=True)
class DuoTerm:
    id: str
    shorthand: str
    label: str
    description: str
    is_permission: bool
    is_modifier: bool


def duo_terms_from_rows(rows: Iterable[Mapping[str, str]]) -> dict[str, DuoTerm]:
    """Build terms keyed by shorthand from rows shaped like duo.csv (id, shorthand, label, description).

    Rows without a shorthand are DUO's two abstract parent classes ("data use permission",
    "data use modifier"); nobody can tag a dataset with them, so they are not terms here.
    """
    terms: dict[str, DuoTerm] = {}
    for row in rows:
        shorthand = (row.get("shorthand") or "").strip().upper()
        if not shorthand:
            continue
        description = (row.get("description") or "").strip()
        # DUO's own definitions say which branch a term sits in; the csv has no parent column.
        lowered = description.lower()
        terms[shorthand] = DuoTerm(
            id=(row.get("id") or "").strip(),
            shorthand=shorthand,
            label=(row.get("label") or "").strip(),
            description=description,
            is_permission="data use permission" in lowered,
            is_modifier="data use modifier" in lowered,
        )
    return terms


def load_duo(path: Path) -> dict[str, DuoTerm]:
    """Read DUO's csv export (id,shorthand,label,description) into terms keyed by shorthand."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"id", "shorthand", "label"} <= set(reader.fieldnames):
                raise VocabularyError(f"DUO: {path} needs the columns id, shorthand, label, description")
            return duo_terms_from_rows(reader)
    except OSError as exc:
        raise VocabularyError(f"DUO: cannot read {path}: {exc}") from exc


def parse_duo_codes(text: str, known: Mapping[str, DuoTerm] | None = None) -> list[str]:
    """Split "GRU, NCU" into ["GRU", "NCU"] (upper-cased, de-duplicated, in order).

    Raises VocabularyError naming the first code that is not a DUO shorthand.
    """
    if known is None:
        # The DUO shorthands are facts, so the built-in copy is a safe default.
        from oncobridge.vocab.builtin import builtin_duo

        known = builtin_duo()
    codes: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        code = part.upper()
        if not code:
            continue
        if code not in known:
            raise VocabularyError(f"Unknown DUO code {part!r}; known codes: {', '.join(sorted(known))}")
        if code not in codes:
            codes.append(code)
    return codes
