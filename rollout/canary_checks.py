"""Before a release starts: can the stack's backend do every header route and canary
scale the plan puts in force? (pure, no Pulumi runtime)

The plan is walked as the engine would walk it (the canary is named by ``canary``, the
routes accumulate and are removed as the steps say); each route set and each scale is
asked of the backend's router (``route_problems``) and environment
(``replicas_problems``), the same checks their components make before registering
anything. Every problem names its step: ``step 4 (setHeaderRoute beta): ...``.
"""

from __future__ import annotations

from ..components import get_backend
from ..components.args import full_replicas
from ..spec.canary import CanaryScale, HeaderRoute, scaled_replicas
from ..spec.stack import Stack
from ..spec.weights import Color
from .plan import PlanStep, StepAction

__all__ = ["canary_problems"]


def _routes_after(routes: dict[str, HeaderRoute], step: PlanStep, canary: Color) -> None:
    assert step.route is not None
    if step.route.removes:
        routes.pop(step.route.name, None)
    else:
        routes[step.route.name] = HeaderRoute(name=step.route.name, color=canary, match=tuple(step.route.match or ()))


def canary_problems(stack: Stack, plan: list[PlanStep], canary: Color = "green") -> list[str]:
    """What the backend of ``stack`` cannot do of the plan's header routes and scales."""
    steps = [s for s in plan if s.action in (StepAction.SET_HEADER_ROUTE, StepAction.SET_CANARY_SCALE)]
    if not steps:
        return []
    backend = get_backend(stack.backend)
    settings = backend.Shared.settings_of(stack)
    problems: list[str] = []
    routes: dict[str, HeaderRoute] = {}
    seen: set[str] = set()
    for step in steps:
        where = f"step {step.index + 1} ({step.action}"
        if step.action == StepAction.SET_HEADER_ROUTE and step.route is not None:
            _routes_after(routes, step, canary)
            found = backend.TrafficRouter.route_problems(stack, tuple(routes.values()))
            problems += [f"{where} {step.route.name}): {p}" for p in found if p not in seen]
            seen.update(found)
        elif step.scale is not None:
            scale = CanaryScale(color=canary, replicas=step.scale.replicas, percent=step.scale.weight)
            count = scaled_replicas(scale, full_replicas(stack))
            problems += [f"{where}): {p}" for p in backend.Environment.replicas_problems(stack, settings, count)]
    return problems
