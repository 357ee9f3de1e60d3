"""The automatic check of an access request against a dataset's GA4GH DUO data-use terms (no Django).

Restrictions that the request's stated intent contradicts make it incompatible (with a reason each);
modifiers that only oblige the user (ethics approval, publication, collaboration...) become conditions the
data access committee sees and the grant carries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from oncobridge.vocab.oncotree import OncoTree

# Modifiers the requester accepts as obligations rather than facts the request can contradict.
CONDITIONS = {
    "IRB": "Ethics approval (IRB/ERB) is required before the data are used.",
    "PUB": "Results must be published or otherwise made public.",
    "COL": "Use requires a collaboration with the study's investigators.",
    "GS": "Use is limited to the geographic area the data owner set.",
    "RTN": "Derived or enriched data must be returned to the data owner.",
    "US": "Use is limited to the approved user(s).",
    "PS": "Use is limited to the approved project.",
    "IS": "Use is limited to the approved institution(s).",
    "MOR": "Results may not be published before the date the data owner set.",
    "NPUNCU": "Use is limited to not-for-profit organisations and non-commercial use.",
}


@dataclass(frozen=True)
class DuoCheck:
    compatible: bool
    reasons: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    # TS: the date the data may be used until, which caps a grant's expiry.
    use_until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _diseases(value: object) -> list[str]:
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,;]+", value) if part]
    if isinstance(value, Sequence):
        return [str(part) for part in value]
    return []


def _disease_name(code: str, oncotree: OncoTree) -> str:
    node = oncotree.get(code)
    return node.name if node is not None else code


def _diseases_in_purpose(purpose: str, oncotree: OncoTree) -> set[str]:
    """OncoTree codes a purpose mentions: names and common abbreviations, and codes written in capitals."""
    found = set(oncotree.codes_in_text(purpose))
    found |= {word for word in re.findall(r"\b[A-Z][A-Z0-9_]+\b", purpose) if word in oncotree}
    return found


def _purpose_within(purpose: str, wanted: Sequence[str], oncotree: OncoTree) -> bool:
    allowed: set[str] = set()
    for code in wanted:
        allowed |= oncotree.descendants(code) if code in oncotree else {code}
    mentioned = _diseases_in_purpose(purpose, oncotree)
    # A code the vocabulary lacks can still be named literally.
    mentioned |= {code for code in wanted if re.search(rf"\b{re.escape(code)}\b", purpose, re.IGNORECASE)}
    return bool(mentioned & allowed)


def duo_check(
    *,
    codes: Sequence[str],
    modifiers: Mapping[str, object],
    commercial: bool,
    for_profit_organisation: bool,
    purpose: str,
    oncotree: OncoTree,
    today: dt.date,
) -> DuoCheck:
    """DS is met when the purpose names one of the dataset's diseases or an OncoTree descendant of one.

    A request about lung adenocarcinoma (LUAD) fits a dataset limited to non-small cell lung cancer (NSCLC);
    one about lung cancer in general (LUNG, an ancestor) or about breast cancer does not.
    """
    reasons: list[str] = []
    conditions: list[str] = []
    use_until: str | None = None
    upper = [code.upper() for code in codes]
    if "NCU" in upper or "NPUNCU" in upper:
        if commercial:
            reasons.append(
                "NCU: the dataset is for non-commercial use only; the request states commercial use."
            )
        elif for_profit_organisation:
            reasons.append("NCU: the dataset excludes commercial organisations; the requester works for one.")
    if ("NPU" in upper or "NPUNCU" in upper) and for_profit_organisation:
        reasons.append("NPU: the dataset is for not-for-profit organisations only; the requester's is not.")
    if "DS" in upper:
        wanted = [code.upper() for code in _diseases(modifiers.get("DS"))]
        if not wanted:
            conditions.append("DS: use is limited to research on the disease the data owner set.")
        elif not _purpose_within(purpose, wanted, oncotree):
            labels = ", ".join(f"{code} ({_disease_name(code, oncotree)})" for code in wanted)
            reasons.append(
                f"DS: the dataset is limited to research on {labels} or its subtypes; "
                "the purpose names none of them."
            )
    if "TS" in upper:
        end = modifiers.get("TS")
        try:
            end_date = dt.date.fromisoformat(str(end)) if end else None
        except ValueError:
            end_date = None
        if end_date is None:
            conditions.append("TS: use is limited in time; the data owner gave no end date.")
        elif end_date < today:
            reasons.append(f"TS: the data could be used until {end_date.isoformat()}; that date has passed.")
        else:
            use_until = end_date.isoformat()
            conditions.append(f"TS: use ends on {use_until}.")
    for code in upper:
        if code in CONDITIONS:
            conditions.append(f"{code}: {CONDITIONS[code]}")
    return DuoCheck(compatible=not reasons, reasons=reasons, conditions=conditions, use_until=use_until)
