"""HTML forms of data sharing: they parse and bound the input; the services validate it and decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from oncobridge.accounts.models import Organisation
from oncobridge.core.visibility import Visibility
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing.services import IMPORT_KINDS, VCF_ORIGINS
from oncobridge.portfolio.forms import CANCER_HELP, CommaSeparatedField, PortfolioForm, organisation_field

MAX_TEXT = 20_000


def _duo_choices() -> list[tuple[str, str]]:
    return [(code, f"{code}: {term.label}") for code, term in sorted(vocabularies().duo.items())]


class DatasetForm(PortfolioForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    title = forms.CharField(max_length=255)
    slug = forms.CharField(
        max_length=80, help_text="Lower-case letters, digits and hyphens; used in URLs and the CLI."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=MAX_TEXT
    )
    cancer_types = CommaSeparatedField(label="Cancer types", help_text=CANCER_HELP, max_length=400)
    assay = forms.CharField(
        max_length=200,
        required=False,
        label="Sequencing panel or assay",
        help_text=(
            "A gene panel id such as IMPACT468 makes mutation frequencies panel-aware; "
            "otherwise e.g. Whole-exome sequencing"
        ),
    )
    duo_codes = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label="Data-use terms (GA4GH DUO)"
    )
    ds_diseases = CommaSeparatedField(
        label="DS: diseases the data may be used for",
        help_text="OncoTree codes, with the DS term, e.g. BRCA.",
        max_length=400,
    )
    ts_end_date = forms.DateField(
        required=False,
        label="TS: use allowed until",
        help_text="With the TS term; grants never outlast it. YYYY-MM-DD.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.NETWORK,
        help_text="Who may see that the dataset exists; its rows always need a grant.",
    )

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = organisation_field(organisations)
        self.fields["duo_codes"].choices = _duo_choices()  # type: ignore[attr-defined]

    def duo_modifiers(self) -> dict[str, Any]:
        modifiers: dict[str, Any] = {}
        if self.cleaned_data.get("ds_diseases"):
            modifiers["DS"] = self.cleaned_data["ds_diseases"]
        if self.cleaned_data.get("ts_end_date"):
            modifiers["TS"] = self.cleaned_data["ts_end_date"].isoformat()
        return modifiers


class ImportForm(PortfolioForm):
    kind = forms.ChoiceField(choices=list(IMPORT_KINDS.items()), label="What the file holds")
    file = forms.FileField(label="File", help_text="Plain or gzip-compressed (.gz).")
    second_file = forms.FileField(
        required=False,
        label="Second cBioPortal clinical file",
        help_text="cBioPortal clinical data only: the sample file with the patient file (or the reverse).",
    )
    origin = forms.ChoiceField(
        required=False,
        choices=[("", "Somatic (the default)"), *((origin, origin.capitalize()) for origin in VCF_ORIGINS)],
        label="VCF calls",
        help_text="VCF only: whether its variants are somatic or germline; shown with the version.",
    )
    mapping = forms.FileField(
        required=False,
        label="YAML mapping",
        help_text="Clinical TSV only: patient_id, sample_id, survival {time, unit, event, event_values}, "
        "attributes.",
    )


class AccessRequestForm(PortfolioForm):
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        help_text="The research question and how the data will be used; name the disease studied.",
    )
    commercial = forms.BooleanField(required=False, label="The intended use is commercial")
    project = forms.CharField(max_length=200, required=False)
    team = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5_000,
        help_text="Who else will use the data: names or e-mails, one per line.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None, label="On behalf of"
    )

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(organisations)
        self.fields["organisation"] = organisation_field(choices)
        self.fields["organisation"].label = "On behalf of"

    def team_members(self) -> list[str]:
        text = self.cleaned_data.get("team", "")
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()][:50]


class DecisionForm(PortfolioForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
        help_text="Required for a rejection; the requester sees it.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Grant expires on",
        help_text="Default: one year; never after the dataset's TS end date.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RevokeForm(PortfolioForm):
    reason = forms.CharField(max_length=2_000, required=False)
