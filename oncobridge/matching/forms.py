"""HTML forms of matchmaking: they parse and bound the input; the selectors and services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from oncobridge.accounts.models import OrganisationKind
from oncobridge.matching import indexing
from oncobridge.matching.models import IntroductionOutcome
from oncobridge.matching.selectors import MatchQuery
from oncobridge.portfolio.view_helpers import KIND_TABS

MAX_TEXT = 5_000


class EntryField(forms.CharField):
    """A portfolio entry as "kind:id" (asset:12)."""

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value)).strip()
        if text:
            try:
                indexing.parse_entity_id(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return text


class FindPartnersForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What are you looking for?",
    )
    source = EntryField(required=False, widget=forms.HiddenInput)
    kind = forms.MultipleChoiceField(
        required=False, choices=KIND_TABS, widget=forms.CheckboxSelectMultiple, label="Kinds"
    )
    organisation_type = forms.MultipleChoiceField(
        required=False,
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Organisation types",
    )
    cancer_type = forms.CharField(
        required=False, max_length=400, label="Cancer types", help_text="OncoTree codes, e.g. NSCLC, BRCA"
    )
    include_own = forms.BooleanField(required=False, label="Include my own organisation")

    def query(self, *, limit: int = 10) -> MatchQuery:
        data = self.cleaned_data
        source_kind, source_id = "", None
        if data.get("source"):
            source_kind, source_id = indexing.parse_entity_id(data["source"])
        codes = [code.strip().upper() for code in data.get("cancer_type", "").replace(",", " ").split()]
        return MatchQuery(
            text=data.get("text", ""),
            source_kind=source_kind,
            source_id=source_id,
            kinds=tuple(data.get("kind") or ()),
            organisation_types=tuple(data.get("organisation_type") or ()),
            cancer_types=tuple(code for code in codes if code),
            include_own_organisation=bool(data.get("include_own")),
            limit=limit,
        )


class IntroductionRequestForm(forms.Form):
    target = EntryField()
    source = EntryField(required=False)
    text = forms.CharField(required=False, max_length=MAX_TEXT)
    message = forms.CharField(required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def query(self) -> MatchQuery:
        if self.cleaned_data.get("source"):
            kind, pk = indexing.parse_entity_id(self.cleaned_data["source"])
            return MatchQuery(source_kind=kind, source_id=pk)
        return MatchQuery(text=self.cleaned_data.get("text", ""))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    note = forms.CharField(required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(value, label) for value, label in IntroductionOutcome.choices if value != "none"]
    )
