"""What both demo builders share: idempotent creation of organisations and people, progress, warnings."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils.text import slugify
from tqdm import tqdm

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Organisation, User
from oncobridge.accounts.services import organisation_create, user_create
from oncobridge.core.visibility import Viewer

T = TypeVar("T")


@dataclass
class DemoContext:
    """The platform admin every demo write is made as, and what the load has counted so far."""

    actor: User
    viewer: Viewer
    show_progress: bool = True
    warnings: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def warn(self, kind: str, example: str) -> None:
        """Count a skipped record; keep the first example of each kind for the summary."""
        self.warnings[kind] += 1
        self.examples.setdefault(kind, example)

    def progress(self, items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
        return iter(
            tqdm(
                items,
                desc=desc,
                total=total,
                file=sys.stderr,
                unit="",
                leave=False,
                disable=not self.show_progress,
            )
        )


def context_for(actor: User, *, show_progress: bool) -> DemoContext:
    return DemoContext(actor=actor, viewer=viewer_for(actor), show_progress=show_progress)


def organisation_slug(name: str) -> str:
    return slugify(name)[:80].strip("-") or "organisation"


def organisation_ensure(
    *,
    slug: str,
    name: str,
    kind: str,
    alliance_member: bool | None = None,
    city: str = "",
    country: str = "",
    actor: User | None = None,
    known: dict[str, Organisation] | None = None,
) -> Organisation:
    """The organisation with this slug, created on first use; an existing one is never changed."""
    if known is not None and slug in known:
        return known[slug]
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = organisation_create(
            slug=slug,
            name=name,
            kind=kind,
            alliance_member=alliance_member,
            city=city,
            country=country,
            actor=actor,
        )
    if known is not None:
        known[slug] = organisation
    return organisation


def person_ensure(
    *, email: str, full_name: str, organisation: Organisation, role: str, actor: User | None = None
) -> tuple[User, bool]:
    """The person with this e-mail, created without a usable password on first use; (user, created)."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    return user_create(
        email=email, full_name=full_name, organisation=organisation, role=role, actor=actor
    ), True
