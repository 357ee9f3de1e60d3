"""The vocabularies of this deployment, loaded once per process from ONCOBRIDGE_DATA_DIR."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from oncobridge.vocab import Vocabularies, load_vocabularies


@lru_cache(maxsize=1)
def vocabularies() -> Vocabularies:
    return load_vocabularies(settings.ONCOBRIDGE_DATA_DIR)
