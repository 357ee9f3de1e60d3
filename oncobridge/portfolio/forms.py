"""HTML forms of the portfolio: they parse input; the services validate it and say what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from oncobridge.accounts.models import Organisation
from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio.models import AssetKind, CollaborationKind, DevelopmentStage, ResearchAsset


class CommaSeparatedField(forms.CharField):
    """A list typed as "LUAD, BRCA": codes are checked by the service, which names the unknown one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return list(dict.fromkeys(part.strip() for part in text.replace(";", ",").split(",") if part.strip()))


class PortfolioForm(forms.Form):
    """Labels without Django's trailing colon; the stylesheet sets labels apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def add_service_error(form: forms.Form, error: ServiceError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    field = (error.field or "").replace(" ", "_")
    form.add_error(field if field in form.fields else None, error.message)


CANCER_HELP = "OncoTree codes, comma-separated, e.g. LUAD, BRCA."
GENE_HELP = "HUGO gene symbols, comma-separated, e.g. KRAS, EGFR."
MODALITY_HELP = "Modality keys, comma-separated, e.g. small_molecule, antibody."


def organisation_field(organisations: Iterable[Organisation]) -> forms.ModelChoiceField[Organisation]:
    choices = list(organisations)
    return forms.ModelChoiceField(
        queryset=Organisation.objects.filter(pk__in=[o.pk for o in choices]).order_by("name"),
        empty_label=None,
        label="Organisation",
    )


class AssetForm(PortfolioForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    kind = forms.ChoiceField(choices=AssetKind.choices)
    title = forms.CharField(max_length=500)
    description = forms.CharField(widget=forms.Textarea, required=False)
    cancer_types = CommaSeparatedField(label="Cancer types", help_text=CANCER_HELP)
    genes = CommaSeparatedField(help_text=GENE_HELP)
    modalities = CommaSeparatedField(help_text=MODALITY_HELP)
    size = forms.IntegerField(required=False, min_value=0)
    size_unit = forms.CharField(max_length=40, required=False, help_text="participants, samples, models, …")
    availability = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Terms on which partners can use it.",
    )
    source = forms.CharField(
        max_length=120, required=False, help_text="Registry or accession, e.g. dbGaP phs000178."
    )
    url = forms.URLField(max_length=500, required=False, label="URL", assume_scheme="https")
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.ALLIANCE)

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation],
        asset: ResearchAsset | None = None,
        **kwargs: Any,
    ) -> None:
        if asset is not None:
            kwargs.setdefault(
                "initial",
                {
                    "organisation": asset.organisation_id,
                    "kind": asset.kind,
                    "title": asset.title,
                    "description": asset.description,
                    "cancer_types": asset.cancer_types,
                    "genes": asset.genes,
                    "modalities": asset.modalities,
                    "size": asset.size,
                    "size_unit": asset.size_unit,
                    "availability": asset.availability,
                    "source": asset.source,
                    "url": asset.url,
                    "visibility": asset.visibility,
                },
            )
        super().__init__(*args, **kwargs)
        if asset is not None:
            # An asset stays with its organisation; moving it is an administrative act.
            del self.fields["organisation"]
        else:
            self.fields["organisation"] = organisation_field(organisations)


class ProfileForm(PortfolioForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    position = forms.CharField(
        max_length=200, required=False, help_text="e.g. Group leader, Thoracic oncology."
    )
    summary = forms.CharField(
        widget=forms.Textarea, required=False, help_text="Your research in a few sentences."
    )
    cancer_types = CommaSeparatedField(label="Cancer types", help_text=CANCER_HELP)
    genes = CommaSeparatedField(help_text=GENE_HELP)
    modalities = CommaSeparatedField(help_text=MODALITY_HELP)
    methods = CommaSeparatedField(
        help_text="Methods and techniques, comma-separated, e.g. CRISPR screens, scRNA-seq."
    )
    orcid = forms.CharField(max_length=40, required=False, label="ORCID iD", help_text="0000-0000-0000-0000")
    publications = CommaSeparatedField(help_text="PubMed ids, comma-separated.")
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.ALLIANCE)

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(organisations)
        if len(choices) > 1:
            self.fields["organisation"] = organisation_field(choices)
        else:
            del self.fields["organisation"]


class NeedForm(PortfolioForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    title = forms.CharField(max_length=500, help_text="What you are looking for, in one line.")
    description = forms.CharField(widget=forms.Textarea, required=False)
    cancer_types = CommaSeparatedField(label="Cancer types", help_text=CANCER_HELP)
    genes = CommaSeparatedField(label="Targets / genes", help_text=GENE_HELP)
    modalities = CommaSeparatedField(help_text=MODALITY_HELP)
    development_stage = forms.ChoiceField(
        choices=[("", "Any stage"), *DevelopmentStage.choices], required=False
    )
    collaboration_kind = forms.ChoiceField(
        choices=[("", "Any kind of collaboration"), *CollaborationKind.choices], required=False
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.NETWORK)

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = organisation_field(organisations)


class NeedResponseForm(PortfolioForm):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="How you or your organisation can help: expertise, resources, a first step.",
    )
    asset = forms.ModelChoiceField(
        queryset=ResearchAsset.objects.none(),
        required=False,
        empty_label="No specific asset",
        label="Offer an asset (optional)",
    )

    def __init__(self, *args: Any, assets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = assets  # type: ignore[attr-defined]
