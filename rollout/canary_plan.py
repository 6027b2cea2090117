"""The plan rows of ``setHeaderRoute`` and ``setCanaryScale``, and the scale steps the
schedule implies (pure).

A ``setHeaderRoute`` or ``setCanaryScale`` step is one row that changes resources (a
targeted update of the router for a route; the new color's environment for a scale).
Two scale rows are implied, as Argo Rollouts behaves:

- under ``matchTrafficWeight: true`` the new color's replicas follow its weight: a row
  scaling it to the coming weight goes BEFORE each ``setWeight`` (replicas first, then
  traffic: the weight never reaches pods that are not there yet);
- while a scale is in force, a row restoring the full replica count goes before
  ``setWeight: 100`` (the new color is at full size before it takes all the traffic).

Worked example: ``[setCanaryScale: {matchTrafficWeight: true}, setWeight: 20,
setWeight: 50]`` with 10 replicas plans: scale to 0 % (the weight in force, 0 replicas),
scale to 20 % (2), weight 20, scale to 50 % (5), weight 50, full replicas (10), weight
100 (implicit).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..spec.canary import CanaryScaleSpec
from ..spec.release import SetCanaryScale, SetHeaderRoute, SetWeight, Step, describe_step

__all__ = ["Row", "Scales", "rows"]

#: (action, description, the PlanStep fields it carries)
Row = tuple[str, str, dict[str, object]]


@dataclass
class Scales:
    """The scale the schedule has put in force so far."""

    in_force: bool = False
    follows: bool = False  # matchTrafficWeight: the percent follows the weight


def _percent(weight: int, why: str) -> Row:
    spec = CanaryScaleSpec.model_validate({"weight": weight})
    return "setCanaryScale", f"scale the new color to {weight} % of its replicas ({why})", {"scale": spec}


def rows(step: Step, weight: int, scales: Scales) -> Iterator[Row]:
    """The rows ``step`` adds at canary weight ``weight``; ``scales`` is updated."""
    if isinstance(step, SetHeaderRoute):
        yield "setHeaderRoute", describe_step(step), {"route": step.set_header_route}
    elif isinstance(step, SetCanaryScale):
        spec = step.set_canary_scale
        scales.in_force, scales.follows = True, bool(spec.match_traffic_weight)
        if scales.follows:
            yield _percent(weight, "matchTrafficWeight: its replicas follow its traffic weight")
        else:
            yield "setCanaryScale", describe_step(step), {"scale": spec}
    elif isinstance(step, SetWeight) and scales.in_force:
        if step.set_weight == 100:
            scales.in_force = scales.follows = False
            yield ("setCanaryScale", "restore the new color's full replicas before it takes all the traffic",
                   {"scale": None})
        elif scales.follows and step.set_weight != weight:
            yield _percent(step.set_weight, "matchTrafficWeight: replicas first, then the weight")
