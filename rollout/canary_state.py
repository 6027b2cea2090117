"""The header routes and the canary scale an apply puts in force (pure).

Beside the weights and images, the state in force holds the header routes to the new
color (``setHeaderRoute``) and its scale (``setCanaryScale``). The rules, for the
target of the next apply of a release:

- a ``setHeaderRoute`` step sets its route (replacing one of the same name, in place)
  or, without ``match``, removes it; the route sends matching requests to the canary;
- a ``setCanaryScale`` step puts its scale on the canary (no scale: full replicas);
- a ``setWeight`` below 100 and the deploy keep both as they are;
- ``setWeight: 100``, an abort, a rollback and the scale-down after the rollback window
  end both: no route, full replicas (the plan restores the replicas one step before
  100 %, so this is the last word, not the first).
"""

from __future__ import annotations

from typing import Any

from ..spec.canary import CanaryScale, HeaderRoute
from .plan import PlanStep, StepAction
from .record import LedgerRecord

__all__ = ["carried", "describe_extras"]


def _routes(rec: LedgerRecord, step: PlanStep) -> tuple[HeaderRoute, ...]:
    assert step.route is not None
    route = step.route
    if route.removes:
        return tuple(r for r in rec.header_routes if r.name != route.name)
    new = HeaderRoute(name=route.name, color=rec.canary, match=tuple(route.match or ()))
    names = [r.name for r in rec.header_routes]
    if route.name in names:
        return tuple(new if r.name == route.name else r for r in rec.header_routes)
    return (*rec.header_routes, new)


def _scale(rec: LedgerRecord, step: PlanStep) -> CanaryScale | None:
    spec = step.scale
    if spec is None:
        return None
    return CanaryScale(color=rec.canary, replicas=spec.replicas, percent=spec.weight)


def carried(rec: LedgerRecord, step: PlanStep) -> dict[str, Any]:
    """``header_routes`` and ``canary_scale`` of the target of ``step`` (a running release)."""
    routes, scale = rec.header_routes, rec.canary_scale
    if step.action == StepAction.SET_HEADER_ROUTE:
        routes = _routes(rec, step)
    elif step.action == StepAction.SET_CANARY_SCALE:
        scale = _scale(rec, step)
    elif step.action == StepAction.SET_WEIGHT and step.weight == 100:
        routes, scale = (), None
    return {"header_routes": routes, "canary_scale": scale}


def describe_extras(routes: tuple[HeaderRoute, ...], scale: CanaryScale | None) -> str:
    """``; header route beta to green; green at 2 replicas`` (empty when neither is in force)."""
    parts = [f"header route {r.name} to {r.color}" for r in routes]
    if scale is not None:
        size = f"{scale.replicas} replica(s)" if scale.replicas is not None else f"{scale.percent} % of its replicas"
        parts.append(f"{scale.color} at {size}")
    return "".join(f"; {p}" for p in parts)
