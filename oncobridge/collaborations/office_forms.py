"""Forms of the alliance-office pages: recording an output, filtering the agreement pipeline."""

from __future__ import annotations

from django import forms

from oncobridge.accounts.models import Organisation
from oncobridge.collaborations.models import AgreementKind, OutputKind


class OutputForm(forms.Form):
    kind = forms.ChoiceField(choices=OutputKind.choices, initial=OutputKind.PUBLICATION)
    pmid = forms.CharField(
        label="PubMed id", max_length=20, required=False, help_text="For publications: digits, e.g. 31562422."
    )
    title = forms.CharField(max_length=500, required=False)
    year = forms.IntegerField(required=False, min_value=1800, max_value=2200)
    journal = forms.CharField(max_length=255, required=False)
    reference = forms.CharField(
        max_length=255,
        required=False,
        help_text="For other outcomes: patent number, licence reference, trial id (NCT…), accession.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PipelineFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Every kind"), *AgreementKind.choices], required=False)
    party = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Every party",
        to_field_name="slug",
    )
