"""The official Beacon v2 schemas (../shared/data/beacon, v2.1.1) as a `referencing` registry.

Their `$ref`s point at raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/... and w3id.org's VRS 1.3;
every file is registered under that address, so validation never touches the network.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

RAW_BASE = "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main"
VRS_URI = "https://w3id.org/ga4gh/schema/vrs/1.3/vrs.json"
FRAMEWORK = "framework/json"
MODELS = "models/json/beacon-v2-default-model"


@lru_cache(maxsize=2)
def registry(beacon_dir: Path) -> Registry[Any]:
    resources = []
    for path in sorted(beacon_dir.glob("**/*.json")):
        if path.name == "vrs-1.3.json":
            continue
        relative = path.relative_to(beacon_dir).as_posix()
        resources.append(
            (
                f"{RAW_BASE}/{relative}",
                Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
            )
        )
    # The default model's schemas refer to ../common/info.json, which the v2.1.1 release does not ship
    # under models/; it is the framework's Info element (any object), so that file stands in for it.
    info = json.loads((beacon_dir / FRAMEWORK / "common" / "info.json").read_text())
    resources.append(
        (
            f"{RAW_BASE}/{MODELS}/common/info.json",
            Resource.from_contents(info, default_specification=DRAFT202012),
        )
    )
    vrs = json.loads((beacon_dir / "vrs-1.3.json").read_text())
    resources.append((VRS_URI, Resource.from_contents(vrs, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def errors(beacon_dir: Path, document: object, schema: str) -> list[str]:
    """Every validation error of the document against the schema at `schema` (a path under RAW_BASE)."""
    validator = Draft202012Validator({"$ref": f"{RAW_BASE}/{schema}"}, registry=registry(beacon_dir))
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]
