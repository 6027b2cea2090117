"""The little the previews need from a Pulumi checkpoint: when it was last updated,
how many resources it holds, and the preview labels on them.

Accepts the on-disk form ``{"version", "checkpoint": {"latest": {...}}}`` and the
``pulumi stack export`` form ``{"version", "deployment": {...}}``, versions 3 and 4
(a version 4 file naming a feature this reader does not know is refused).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .tags import LABEL_MARKER
from .ttl import parse_time

SUPPORTED_VERSIONS = (3, 4)
KNOWN_FEATURES = frozenset({"refreshBeforeUpdate", "views", "hooks"})
_EPOCH_ZERO = "0001-01-01T00:00:00Z"  # what Pulumi writes for "never"


class CheckpointError(ValueError):
    """The checkpoint cannot be read; the message says why."""


@dataclass(frozen=True)
class CheckpointInfo:
    stack: str | None
    updated_at: datetime | None
    resources: int
    labels: dict[str, str] = field(default_factory=dict)


def decode(data: bytes, gzipped: bool = False) -> dict[str, Any]:
    """The JSON document of a checkpoint file (gzip when ``gzipped`` or by magic bytes)."""
    if gzipped or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise CheckpointError(f"not gzip data: {exc}") from None
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise CheckpointError("not a checkpoint: the document is not an object")
    return document


def deployment(document: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """``(stack, deployment)`` of a checkpoint or a stack export; ``CheckpointError`` for
    an unsupported version or feature."""
    version = document.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise CheckpointError(f"checkpoint version {version!r} is not supported (supported: 3, 4)")
    unknown = sorted(set(document.get("features") or []) - KNOWN_FEATURES)
    if unknown:
        raise CheckpointError(f"checkpoint needs features this reader does not know: {', '.join(unknown)}")
    if "deployment" in document:
        return None, document.get("deployment") or {}
    checkpoint = document.get("checkpoint")
    if not isinstance(checkpoint, dict):
        raise CheckpointError("not a checkpoint: no 'checkpoint' or 'deployment' object")
    return checkpoint.get("stack") or None, checkpoint.get("latest") or {}


def _labels_of(resource: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for side in ("outputs", "inputs"):
        props = resource.get(side)
        if not isinstance(props, dict):
            continue
        metadata = props.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("labels"), dict):
            yield metadata["labels"]
        for key in ("tags", "labels"):
            if isinstance(props.get(key), dict):
                yield props[key]


def preview_labels(resources: list[Any]) -> dict[str, str]:
    """The labels of the first resource that carries the preview marker (``{}`` if none)."""
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        for labels in _labels_of(resource):
            if LABEL_MARKER in labels:
                return {str(k): str(v) for k, v in labels.items() if isinstance(v, (str, int))}
    return {}


def read_info(data: bytes, gzipped: bool = False) -> CheckpointInfo:
    stack, latest = deployment(decode(data, gzipped))
    resources = latest.get("resources") or []
    if not isinstance(resources, list):
        raise CheckpointError("'resources' is not a list")
    manifest = latest.get("manifest") or {}
    updated: datetime | None = None
    raw_time = manifest.get("time") if isinstance(manifest, dict) else None
    if isinstance(raw_time, str) and raw_time and raw_time != _EPOCH_ZERO:
        try:
            updated = parse_time(raw_time)
        except ValueError:
            updated = None
    return CheckpointInfo(stack=stack, updated_at=updated, resources=len(resources),
                          labels=preview_labels(resources))
