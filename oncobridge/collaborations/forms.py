"""HTML forms of collaborations: they parse input; the services validate it and say what is wrong."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from oncobridge.accounts.models import Department, Organisation, User
from oncobridge.collaborations.models import (
    AgreementKind,
    AgreementStatus,
    Confidentiality,
    Document,
    Goal,
    Milestone,
    MilestoneStatus,
    Programme,
    ProjectRole,
    RaciLetter,
    TranslationalStage,
)
from oncobridge.collaborations.services import KeyResultSpec
from oncobridge.matching.models import Introduction
from oncobridge.portfolio.forms import PortfolioForm, add_service_error
from oncobridge.portfolio.models import ResearchAsset

__all__ = [
    "ActionItemFormSet",
    "AgreementFilterForm",
    "AgreementForm",
    "AgreementSignForm",
    "AgreementTransitionForm",
    "CheckInForm",
    "CheckInRecordForm",
    "DocumentForm",
    "DocumentVersionForm",
    "GoalForm",
    "KeyResultForm",
    "MemberForm",
    "MilestoneForm",
    "ProgrammeForm",
    "ProjectForm",
    "StageChangeForm",
    "add_service_error",
]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class PeopleChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def _people(users: Any) -> Any:
    return users.order_by("full_name", "email")


class ProgrammeForm(PortfolioForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    title = forms.CharField(max_length=255)
    problem_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="The clinical or scientific problem it tackles."
    )
    lead_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(), required=False, label="Lead departments"
    )
    investigators = PeopleChoiceField(queryset=User.objects.none(), required=False)
    partner_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Partner organisations"
    )
    resources = forms.ModelMultipleChoiceField(
        queryset=ResearchAsset.objects.none(), required=False, label="Patient-derived resources"
    )
    business_contact = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Business development contact",
        empty_label="None yet",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        people: Any,
        assets: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        if editing:
            del fields["organisation"]
        else:
            del fields["version"]
            fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                pk__in=[o.pk for o in organisations]
            ).order_by("name")
        fields["lead_departments"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            organisation__in=[o.pk for o in organisations]
        ).order_by("name")
        fields["investigators"].queryset = _people(people)  # type: ignore[attr-defined]
        fields["business_contact"].queryset = _people(people)  # type: ignore[attr-defined]
        fields["partner_organisations"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        fields["resources"].queryset = assets  # type: ignore[attr-defined]


class ProjectForm(PortfolioForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    title = forms.CharField(max_length=255)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    stage = forms.ChoiceField(choices=TranslationalStage.choices, label="Translational stage")
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), required=False, empty_label="No programme"
    )
    introduction = forms.ModelChoiceField(
        queryset=Introduction.objects.none(),
        required=False,
        empty_label="Created directly",
        label="From an approved introduction",
    )

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        programmes: Any,
        introductions: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        ).order_by("name")
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["introduction"].queryset = introductions  # type: ignore[attr-defined]
        self.fields["introduction"].label_from_instance = (  # type: ignore[attr-defined]
            lambda introduction: f"{introduction.target_title} ({introduction.target_organisation.name})"
        )


class StageChangeForm(PortfolioForm):
    stage = forms.ChoiceField(choices=TranslationalStage.choices, label="Move to stage")
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What justifies passing this gate: results, reviews, decisions.",
    )


class MemberForm(PortfolioForm):
    email = forms.EmailField(label="Email address", help_text="The person's OncoBridge account.")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), empty_label=None, help_text="Whom they represent."
    )
    role = forms.ChoiceField(choices=ProjectRole.choices, initial=ProjectRole.MEMBER)

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"No account with the email address {email}.")
        return user


class GoalForm(PortfolioForm):
    title = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    key_results = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Key results",
        help_text="One per line: name; target; unit (optional). E.g. “Organoid lines screened; 40; lines”.",
    )

    def clean_key_results(self) -> list[KeyResultSpec]:
        specs = []
        for number, line in enumerate(self.cleaned_data["key_results"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) < 2 or not parts[0]:
                raise forms.ValidationError(f"Line {number}: write “name; target; unit”.")
            try:
                target = float(parts[1].replace(",", "."))
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number}: the target “{parts[1]}” is not a number."
                ) from None
            specs.append(KeyResultSpec(name=parts[0], target=target, unit=parts[2] if len(parts) > 2 else ""))
        return specs


class KeyResultForm(PortfolioForm):
    current = forms.FloatField(label="Current value")


class MilestoneForm(PortfolioForm):
    title = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_deliverable = forms.BooleanField(required=False, label="This is a deliverable")
    owner = PersonChoiceField(queryset=User.objects.none(), required=False, empty_label="No owner yet")
    due_date = forms.DateField(widget=DATE_INPUT, label="Due date")
    status = forms.ChoiceField(choices=MilestoneStatus.choices, initial=MilestoneStatus.PLANNED)
    depends_on = forms.ModelMultipleChoiceField(
        queryset=Milestone.objects.none(),
        required=False,
        label="Depends on",
        help_text="Milestones that must be done first.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, members: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(members)  # type: ignore[attr-defined]
        self.fields["depends_on"].queryset = milestones  # type: ignore[attr-defined]


def milestone_initial(milestone: Milestone) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "description": milestone.description,
        "is_deliverable": milestone.is_deliverable,
        "owner": milestone.owner_id,
        "due_date": milestone.due_date,
        "status": milestone.status,
        "depends_on": [other.pk for other in milestone.depends_on.all()],
        "version": milestone.version,
    }


class CheckInForm(PortfolioForm):
    scheduled_at = forms.DateTimeField(widget=DATETIME_INPUT, label="When")
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class CheckInRecordForm(PortfolioForm):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    REVIEW_CHOICES = (("", "Not reviewed"), ("on_track", "On track"), ("off_track", "Off track"))

    def __init__(self, *args: Any, goals: Iterable[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                choices=self.REVIEW_CHOICES, required=False, label=f"Goal: {goal.title}"
            )
            self.fields[f"goal_{goal.pk}_comment"] = forms.CharField(
                required=False, max_length=500, label=f"Comment on “{goal.title}”"
            )

    def review_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"goal_{goal.pk}"], self[f"goal_{goal.pk}_comment"]) for goal in self.goals]

    def goal_reviews(self) -> list[tuple[Goal, bool, str]]:
        reviews = []
        for goal in self.goals:
            verdict = self.cleaned_data.get(f"goal_{goal.pk}")
            if verdict:
                reviews.append(
                    (goal, verdict == "on_track", self.cleaned_data.get(f"goal_{goal.pk}_comment", ""))
                )
        return reviews


class ActionItemForm(PortfolioForm):
    description = forms.CharField(max_length=500, required=False, label="Action")
    owner = PersonChoiceField(queryset=User.objects.none(), required=False, empty_label="Owner…")
    due_date = forms.DateField(widget=DATE_INPUT, required=False, label="Due")

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["owner"].queryset = _people(members)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and data.get("owner") is None:
            self.add_error("owner", "Every action item has an owner.")
        if data.get("owner") is not None and not data.get("description"):
            self.add_error("description", "Say what the action is.")
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=20)


class DocumentForm(PortfolioForm):
    title = forms.CharField(max_length=255)
    file = forms.FileField()
    confidentiality = forms.ChoiceField(choices=Confidentiality.choices, initial=Confidentiality.INTERNAL)


class DocumentVersionForm(PortfolioForm):
    file = forms.FileField(label="New version")


class AgreementFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *AgreementKind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "All statuses"), *AgreementStatus.choices], required=False)


class AgreementForm(PortfolioForm):
    title = forms.CharField(max_length=255)
    kind = forms.ChoiceField(choices=AgreementKind.choices)
    parties = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.order_by("name"),
        help_text="At least two organisations, one of them yours.",
    )
    effective_date = forms.DateField(widget=DATE_INPUT, required=False, label="Effective date")
    expiry_date = forms.DateField(widget=DATE_INPUT, required=False, label="Expiry date")
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(), required=False, label="Linked documents"
    )

    def __init__(self, *args: Any, documents: Sequence[Document] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if documents:
            self.fields["documents"].queryset = Document.objects.filter(  # type: ignore[attr-defined]
                pk__in=[document.pk for document in documents]
            )
        else:
            del self.fields["documents"]


class AgreementTransitionForm(PortfolioForm):
    # Any status parses; the service says why one may not be reached (executed: by signatures only).
    status = forms.ChoiceField(choices=AgreementStatus.choices, label="New status")
    effective_date = forms.DateField(widget=DATE_INPUT, required=False, label="Effective date")
    expiry_date = forms.DateField(widget=DATE_INPUT, required=False, label="Expiry date")

    def __init__(self, *args: Any, next_statuses: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.choices = [
            (status, AgreementStatus(status).label)
            for status in AgreementStatus.values
            if status in next_statuses
        ]


class AgreementSignForm(forms.Form):
    """Which party the signer signs for (one of the agreement's parties)."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = parties  # type: ignore[attr-defined]


class RaciForm(forms.Form):
    """The RACI grid: one select per milestone and member, named `raci_<milestone>_<user>`."""

    def __init__(
        self, *args: Any, milestones: Sequence[Milestone], members: Sequence[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        self.members = list(members)
        choices = [("", "-"), *RaciLetter.choices]
        for milestone in self.milestones:
            letters = {cell.user_id: cell.letter for cell in milestone.responsibilities.all()}
            for member in self.members:
                self.fields[f"raci_{milestone.pk}_{member.pk}"] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    initial=letters.get(member.pk, ""),
                    label=f"{member.display_name} for {milestone.title}",
                )

    def rows(self) -> list[tuple[Milestone, list[Any]]]:
        return [
            (milestone, [self[f"raci_{milestone.pk}_{member.pk}"] for member in self.members])
            for milestone in self.milestones
        ]

    def assignments(self, milestone: Milestone) -> list[tuple[User, str]]:
        return [
            (member, self.cleaned_data[f"raci_{milestone.pk}_{member.pk}"])
            for member in self.members
            if self.cleaned_data.get(f"raci_{milestone.pk}_{member.pk}")
        ]

    def changed_milestones(self) -> list[Milestone]:
        changed = {name.split("_")[1] for name in self.changed_data}
        return [milestone for milestone in self.milestones if str(milestone.pk) in changed]
