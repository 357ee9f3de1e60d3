"""Limit/offset pagination for every API list: `{"items": [...], "count": N, "limit": L, "offset": O}`.

`count` is taken from the queryset the endpoint returns, which is already narrowed to what the caller
may see, so totals never reveal hidden rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

# Beyond this an offset is a mistake or a probe; it also stays inside every database's integer range.
MAX_OFFSET = 1_000_000_000


class LimitOffset(Schema):
    limit: int = Field(
        settings.ONCOBRIDGE_PAGE_SIZE,
        ge=1,
        le=settings.NINJA_PAGINATION_MAX_LIMIT,
        description=f"Items per page (at most {settings.NINJA_PAGINATION_MAX_LIMIT}).",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class OffsetPagination(PaginationBase):
    class Input(LimitOffset):
        pass

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: LimitOffset, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        limit, offset = pagination.limit, pagination.offset
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": self._items_count(queryset),
            "limit": limit,
            "offset": offset,
        }
