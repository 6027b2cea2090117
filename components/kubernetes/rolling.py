"""A rolling production's Deployment: the spec's ``release.rollingUpdate`` as its
``RollingUpdate`` strategy, and the release slot as its pods' color label.

Pure, on the dict ``manifests.deployment`` builds. ``maxSurge``/``maxUnavailable`` are
written as Kubernetes takes them (a count, or a percentage string); with the default
``25%`` / ``0`` a new pod is ready before an old one goes, so capacity never drops. The
slot label (``tricolor.dev/color`` on the pod template only: the Deployment itself
belongs to no color) changes with each release, so the new pods are told from the old
ones by the same ``{{color}}`` a blue-green stack's metric queries use.
"""

from __future__ import annotations

import copy
from typing import Any

from ...spec import Color
from ...spec.strategies import RollingUpdate
from ...vocab import labels as keys

__all__ = ["rolling_deployment"]


def rolling_deployment(body: dict[str, Any], update: RollingUpdate, slot: Color | None) -> dict[str, Any]:
    """``body`` (a Deployment's arguments) updated in place by ``update``, its pods in ``slot``."""
    out = copy.deepcopy(body)
    out["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {
        "maxSurge": update.max_surge, "maxUnavailable": update.max_unavailable}}
    if slot is not None:
        out["spec"]["template"]["metadata"]["labels"][keys.COLOR] = slot
    return out
