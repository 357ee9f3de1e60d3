"""Reads for cohorts: saved cohorts a person may see, and what the builder offers them."""

from __future__ import annotations

from django.db.models import QuerySet

from oncobridge.cohorts import access
from oncobridge.cohorts.models import SavedCohort
from oncobridge.collaborations.access import visible_projects
from oncobridge.collaborations.models import Project
from oncobridge.core.visibility import Viewer
from oncobridge.datasharing.models import Dataset


def cohort_list(*, viewer: Viewer) -> QuerySet[SavedCohort]:
    return access.visible_cohorts(viewer).order_by("name", "id")


def queryable_dataset_list(*, viewer: Viewer) -> QuerySet[Dataset]:
    return access.queryable_datasets(viewer)


def shareable_projects(*, viewer: Viewer) -> QuerySet[Project]:
    """Projects a cohort can be shared with: those the viewer is a member of."""
    if viewer.user_id is None:
        return Project.objects.none()
    return visible_projects(viewer).filter(members__user_id=viewer.user_id).distinct().order_by("title")
