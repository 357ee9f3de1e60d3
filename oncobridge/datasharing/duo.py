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


def duo_check(
    *,
    codes: Sequence[str],
    modifiers: Mapping[str, object],
    commercial: bool,
    for_profit_organisation: bool,
    purpose: str,
    disease_names: Mapping[str, str],
    today: dt.date,
) -> DuoCheck:
    """`disease_names` maps an OncoTree code to its name, so that "breast" in a purpose can match BRCA."""
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
        wanted = _diseases(modifiers.get("DS"))
        text = purpose.lower()
        named = [
            code
            for code in wanted
            if re.search(rf"\b{re.escape(code.lower())}\b", text)
            or (code.upper() in disease_names and disease_names[code.upper()].lower() in text)
        ]
        if not wanted:
            conditions.append("DS: use is limited to research on the disease the data owner set.")
        elif not named:
            labels = ", ".join(f"{code} ({disease_names.get(code.upper(), code)})" for code in wanted)
            reasons.append(f"DS: the dataset is limited to research on {labels}; the purpose names none.")
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
