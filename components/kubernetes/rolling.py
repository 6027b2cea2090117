"""A rolling production's Deployment: the spec's ``release.rollingUpdate`` as its
``RollingUpdate`` strategy.

Pure, on the dict ``manifests.deployment`` builds. ``maxSurge``/``maxUnavailable`` are
written as Kubernetes takes them (a count, or a percentage string); with the default
``25%`` / ``0`` a new pod is ready before an old one goes, so capacity never drops.
Worked example: 4 replicas, ``maxSurge: 25%``, ``maxUnavailable: 0``: one new pod at a
time (25 % of 4, rounded up), never fewer than 4 ready.

The environment belongs to no color (it is the whole of production): its pods carry no
color label, and the previous version is told from the new one by time (and by
``app.kubernetes.io/version``), see ``rollout.rolling``.
"""

from __future__ import annotations

import copy
from typing import Any

from ...spec.strategies import RollingUpdate

__all__ = ["rolling_deployment"]


def rolling_deployment(body: dict[str, Any], update: RollingUpdate) -> dict[str, Any]:
    """``body`` (a Deployment's arguments) with ``update`` as its rolling update."""
    out = copy.deepcopy(body)
    out["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {
        "maxSurge": update.max_surge, "maxUnavailable": update.max_unavailable}}
    return out
