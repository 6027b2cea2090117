"""The little the previews need from a Pulumi checkpoint: how many resources it holds,
the preview labels on them, and whose they are.

Parsing is the one strict reader (``vocab.checkpoint.parse_state``): the on-disk
``{"version", "checkpoint": {"latest": ...}}`` and the ``pulumi stack export`` form
``{"version", "deployment": ...}``, versions 3 and 4, gzip bounded, unknown v4 features,
malformed shapes and duplicate URNs refused (``CheckpointError``, naming the file and
the JSON path). Labels are read through ``vocab.labels.labels_of`` (Kubernetes
``metadata.labels``, AWS ``tags``/``tagsAll``, Docker ``labels``).

``owners`` is every ``(stack, project)`` the resources' URNs name, so the lister can
refuse a checkpoint that is not the stack its path says it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..vocab.checkpoint import CheckpointError, parse_state
from ..vocab.labels import PREVIEW, labels_of
from ..vocab.wire import Urn

__all__ = ["CheckpointError", "CheckpointInfo", "preview_labels", "read_info"]


@dataclass(frozen=True)
class CheckpointInfo:
    resources: int
    labels: dict[str, str] = field(default_factory=dict)
    stack: str | None = None  # the checkpoint's own ``stack`` field, when it has one
    owners: frozenset[tuple[str, str]] = frozenset()  # (stack, project) of every resource URN


def preview_labels(resources: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The labels of the first resource that carries the preview marker (``{}`` if none),
    outputs first, then inputs."""
    for resource in resources:
        if not isinstance(resource, Mapping):
            continue
        for side in ("outputs", "inputs"):
            found = labels_of(str(resource.get("type", "")), resource.get(side))
            if found and PREVIEW in found:
                return {k: str(v) for k, v in found.items() if isinstance(v, (str, int)) and not isinstance(v, bool)}
    return {}


def read_info(data: bytes, where: str = "checkpoint") -> CheckpointInfo:
    """Resource count, preview labels and owners of a checkpoint (plain or gzip);
    ``CheckpointError`` saying why it cannot be read."""
    state = parse_state(data, where)
    owners = frozenset((u.stack, u.project) for u in (Urn.parse(r["urn"]) for r in state.resources))
    return CheckpointInfo(resources=len(state.resources), labels=preview_labels(state.resources),
                          stack=state.stack, owners=owners)
