"""The little the previews need from a Pulumi checkpoint: how many resources it holds
and the preview labels on them.

Parsing is drift's checkpoint reader (``drift.pulumi_state.parse_state``): the on-disk
``{"version", "checkpoint": {"latest": ...}}`` and the ``pulumi stack export`` form
``{"version", "deployment": ...}``, versions 3 and 4, unknown v4 features refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..drift.errors import SourceError
from ..drift.pulumi_state import parse_state
from .tags import LABEL_MARKER


class CheckpointError(ValueError):
    """The checkpoint cannot be read; the message says why."""


@dataclass(frozen=True)
class CheckpointInfo:
    resources: int
    labels: dict[str, str] = field(default_factory=dict)


def _labels_of(resource: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for side in ("outputs", "inputs"):
        props = resource.get(side)
        if not isinstance(props, dict):
            continue
        metadata = props.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("labels"), dict):
            yield metadata["labels"]
        for key in ("tags", "labels"):
            value = props.get(key)
            if isinstance(value, dict):
                yield value
            elif isinstance(value, list):  # Docker: [{"label": ..., "value": ...}]
                pairs = [p for p in value if isinstance(p, dict) and "label" in p]
                yield {str(p["label"]): p.get("value", "") for p in pairs}


def preview_labels(resources: list[Any]) -> dict[str, str]:
    """The labels of the first resource that carries the preview marker (``{}`` if none):
    Kubernetes ``metadata.labels``, AWS ``tags``, Docker ``labels``."""
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        for labels in _labels_of(resource):
            if LABEL_MARKER in labels:
                return {str(k): str(v) for k, v in labels.items() if isinstance(v, (str, int))}
    return {}


def read_info(data: bytes, where: str = "checkpoint") -> CheckpointInfo:
    """Resource count and preview labels of a checkpoint (plain or gzip);
    ``CheckpointError`` saying why it cannot be read."""
    try:
        state = parse_state(data, where)
    except SourceError as exc:
        raise CheckpointError(str(exc)) from None
    return CheckpointInfo(resources=len(state.resources), labels=preview_labels(state.resources))
