"""Rendering for htmx: the same view answers a full page, or only the fragment htmx swaps in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx_partial(request: HttpRequest) -> bool:
    """True for an htmx request that swaps a fragment; boosted links and history restores need the page."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(
    request: HttpRequest,
    *,
    page_template: str,
    partial_template: str,
    context: Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    template = partial_template if is_htmx_partial(request) else page_template
    response = render(request, template, dict(context), status=status)
    # The same URL answers two representations: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
