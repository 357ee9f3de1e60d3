"""Every write on organisations, people and tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from oncobridge.accounts.models import (
    Department,
    Membership,
    Organisation,
    OrganisationKind,
    PersonalAccessToken,
    Role,
    User,
)
from oncobridge.core.audit import audit_record
from oncobridge.core.errors import Conflict, ServiceError

TOKEN_PREFIX = "obt_"  # noqa: S105 - a public marker that makes leaked tokens recognisable, not a secret


@transaction.atomic
def organisation_create(
    *,
    slug: str,
    name: str,
    kind: str,
    alliance_member: bool | None = None,
    city: str = "",
    country: str = "",
    actor: User | None = None,
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise ServiceError(
            f"Unknown organisation kind '{kind}'; use one of {', '.join(OrganisationKind.values)}.",
            field="kind",
        )
    if slugify(slug) != slug or not slug:
        raise ServiceError(
            f"'{slug}' is not a valid slug (lower-case letters, digits and hyphens).", field="slug"
        )
    if not name.strip():
        raise ServiceError("An organisation needs a name.", field="name")
    if Organisation.objects.filter(slug=slug).exists():
        raise Conflict(f"An organisation with slug '{slug}' already exists.", field="slug")
    if alliance_member is None:
        alliance_member = kind in (OrganisationKind.ACADEMIC, OrganisationKind.HOSPITAL)
    organisation = Organisation.objects.create(
        slug=slug, name=name.strip(), kind=kind, alliance_member=alliance_member, city=city, country=country
    )
    audit_record(actor=actor, action="organisation.create", target=organisation, slug=slug, kind=kind)
    return organisation


@transaction.atomic
def department_get_or_create(*, organisation: Organisation, name: str) -> Department:
    department, _ = Department.objects.get_or_create(organisation=organisation, name=name.strip())
    return department


@transaction.atomic
def user_create(
    *,
    email: str,
    organisation: Organisation,
    role: str,
    full_name: str = "",
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a person with a first membership; without a password the account uses tokens or a reset."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(f"'{email}' is not a valid e-mail address.", field="email") from None
    if role not in Role.values:
        raise ServiceError(f"Unknown role '{role}'; use one of {', '.join(Role.values)}.", field="role")
    if User.objects.filter(email=email).exists():
        raise Conflict(f"A user with e-mail {email} already exists.", field="email")
    user = User(email=email, full_name=full_name.strip(), is_staff=role == Role.PLATFORM_ADMIN)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    audit_record(actor=actor, action="user.create", target=user, organisation=organisation.slug, role=role)
    return user


@transaction.atomic
def membership_add(
    *, user: User, organisation: Organisation, role: str, actor: User | None = None
) -> Membership:
    if role not in Role.values:
        raise ServiceError(f"Unknown role '{role}'.", field="role")
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        audit_record(
            actor=actor, action="membership.add", target=user, organisation=organisation.slug, role=role
        )
    return membership


@dataclass(frozen=True)
class IssuedToken:
    token: PersonalAccessToken
    secret: str  # shown to the person once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str = "API token", expires_at: datetime | None = None, actor: User | None = None
) -> IssuedToken:
    if not user.is_active:
        raise ServiceError(f"{user.email} is not active; no token can be issued.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        prefix=secret[:10],
        digest=_digest(secret),
        expires_at=expires_at,
    )
    audit_record(actor=actor or user, action="token.create", target=token, user=user.email)
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: PersonalAccessToken, actor: User) -> PersonalAccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="token.revoke", target=token)
    return token


def token_authenticate(*, secret: str) -> User | None:
    """The active user behind a bearer token, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = PersonalAccessToken.objects.select_related("user").filter(digest=_digest(secret)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy script should not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
