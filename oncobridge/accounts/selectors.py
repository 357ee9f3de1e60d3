"""Every read on organisations and people."""

from __future__ import annotations

from django.db.models import QuerySet

from oncobridge.accounts.models import Organisation, PersonalAccessToken, User
from oncobridge.core.errors import NotFound, ServiceError


def user_by_email(email: str) -> User:
    try:
        return User.objects.get(email=email.strip().lower())
    except User.DoesNotExist:
        raise NotFound(f"No user with e-mail {email}.") from None


def organisation_by_slug(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise NotFound(f"No organisation with slug '{slug}'.") from None


def organisation_list(*, kind: str | None = None, query: str | None = None) -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if kind:
        organisations = organisations.filter(kind=kind)
    if query:
        organisations = organisations.filter(name__icontains=query)
    return organisations.order_by("name")


def token_list(*, user: User) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at")


def organisation_named(slug: str, field: str = "organisation") -> Organisation:
    """The organisation a request names; an unknown slug is a bad request (400) that names the field."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ServiceError(f"No organisation with slug '{slug}'.", field=field)
    return organisation
