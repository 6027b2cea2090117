"""The concrete plan of a release: the spec's schedule expanded into indexed steps.

Pure data. A ``blueGreen`` release deploys the new image to the idle color at weight 0
(a full update), smoke-tests it, walks the spec's steps (each ``setWeight`` a targeted
update of the router alone), then makes the new color the active one. A ``rolling``
release (``rolling.py``) updates the one environment in place, smoke-tests it, lets it
take traffic, judges it against the previous version, and is done.

With ``release.migrations``, an ``expand`` step comes first (before anything is
deployed) and a ``contract`` step last: it runs only after the rollback window has
closed and the old version is gone (``machine`` enters it then, never while running).

A step is frozen data plus its index; its ``weight`` is the canary weight in force
once the step is done, so ``plan[i].weight`` is what a release resumed at step ``i``
must find in force (or put in force, for a ``setWeight``).

``setHeaderRoute`` and ``setCanaryScale`` steps carry their ``route`` / ``scale``
(``canary_plan.py`` adds the scale steps the schedule implies: the new color's replicas
follow each weight under ``matchTrafficWeight``, and come back to full before 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..spec.canary import CanaryScaleSpec, HeaderRouteSpec
from ..spec.release import AnalysisStep, Pause, Release, SetWeight, describe_step
from ..spec.weights import Color, Weights
from . import canary_plan
from .rolling import migration_text, rolling_rows

__all__ = ["StepAction", "PlanStep", "build_plan", "finish_index", "full_promotion_index"]


class StepAction(StrEnum):
    DEPLOY = "deploy"
    SMOKE = "smoke"
    SET_WEIGHT = "setWeight"
    SET_HEADER_ROUTE = "setHeaderRoute"
    SET_CANARY_SCALE = "setCanaryScale"
    PAUSE = "pause"
    ANALYSIS = "analysis"
    FINISH = "finish"
    EXPAND = "expand"  # the expand migration, before the new version is deployed
    CONTRACT = "contract"  # the contract migration, after the rollback window and the scale-down

    @property
    def migrates(self) -> bool:
        """Does this step run a migration (a one-off task of the new image)?"""
        return self in (StepAction.EXPAND, StepAction.CONTRACT)

    @property
    def applies(self) -> bool:
        """Does this step change resources (the others only wait, check or judge)?"""
        return self in (StepAction.DEPLOY, StepAction.SET_WEIGHT, StepAction.SET_HEADER_ROUTE,
                        StepAction.SET_CANARY_SCALE)

    @property
    def waits(self) -> bool:
        """May ``promote`` skip this step?"""
        return self in (StepAction.PAUSE, StepAction.ANALYSIS)


@dataclass(frozen=True)
class PlanStep:
    """One step of a release."""

    index: int
    action: StepAction
    weight: int  # the canary weight in force once this step is done
    duration: float | None = None  # pause: seconds; None waits until promoted
    metrics: tuple[str, ...] = field(default_factory=tuple)  # analysis: subset, empty means all
    description: str = ""
    route: HeaderRouteSpec | None = None  # setHeaderRoute: the route to set, or remove (no match)
    scale: CanaryScaleSpec | None = None  # setCanaryScale: the scale to put in force; None: full replicas

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", StepAction(self.action))

    def weights(self, canary: Color) -> Weights:
        return Weights.canary(canary, self.weight)

    @property
    def manual(self) -> bool:
        """A pause that waits until someone promotes."""
        return self.action == StepAction.PAUSE and self.duration is None


def build_plan(release: Release) -> list[PlanStep]:
    """[expand], deploy, smoke tests (when the spec has any), the schedule (blueGreen) or
    the rolling analysis (rolling), finish, [contract]."""
    rows: list[_Row] = []
    migrations = release.migrations
    if migrations is not None and migrations.expand is not None:
        rows.append((StepAction.EXPAND, 0, None, (), migration_text(migrations, "expand"), {}))
    if release.strategy == "rolling":
        rows += [(StepAction(action), weight, duration, (), text, {})
                 for action, weight, duration, text in rolling_rows(release)]
    else:
        rows += _blue_green_rows(release)
    if migrations is not None and migrations.contract is not None:
        rows.append((StepAction.CONTRACT, 100, None, (), migration_text(migrations, "contract", release.strategy),
                     {}))
    return [PlanStep(i, a, w, d, m, text, **extra)  # type: ignore[arg-type]
            for i, (a, w, d, m, text, extra) in enumerate(rows)]


#: action, weight, duration, metrics, description, and the route / scale of a row that carries one
_Row = tuple[StepAction, int, float | None, tuple[str, ...], str, dict[str, object]]


def _blue_green_rows(release: Release) -> list[_Row]:
    rows: list[_Row] = [
        (StepAction.DEPLOY, 0, None, (), "deploy the new image to the idle color at weight 0 (full update)", {}),
    ]
    if release.smoke_tests:
        rows.append((StepAction.SMOKE, 0, None, (), f"smoke-test the idle color ({len(release.smoke_tests)} checks)",
                     {}))
    weight = 0
    scales = canary_plan.Scales()
    for step in release.schedule:
        for action, text, more in canary_plan.rows(step, weight, scales):
            rows.append((StepAction(action), weight, None, (), text, dict(more)))
        if isinstance(step, SetWeight):
            weight = step.set_weight
            rows.append((StepAction.SET_WEIGHT, weight, None, (), describe_step(step), {}))
        elif isinstance(step, Pause):
            duration = step.pause.duration.total_seconds() if step.pause.duration is not None else None
            rows.append((StepAction.PAUSE, weight, duration, (), describe_step(step), {}))
        elif isinstance(step, AnalysisStep):
            rows.append((StepAction.ANALYSIS, weight, None, tuple(step.analysis.get("metrics", [])),
                         describe_step(step), {}))
    rows.append((StepAction.FINISH, 100, None, (), "make the new color the active one; keep the old one warm", {}))
    return rows


def finish_index(plan: list[PlanStep]) -> int:
    """The index of the finish step (the last one when the plan has none)."""
    return next((s.index for s in plan if s.action == StepAction.FINISH), len(plan) - 1)


def full_promotion_index(plan: list[PlanStep], current: int) -> int:
    """Where ``promote --full`` jumps from step ``current``: the last step that puts 100 %
    in force (the last ``setWeight``, or the full-replicas step just before it), or the
    finish when that is already behind (never past it: a contract migration runs only
    after the rollback window)."""
    end = finish_index(plan)
    last = max((s.index for s in plan if s.action == StepAction.SET_WEIGHT), default=end)
    before = plan[last - 1] if last > 0 else None
    if before is not None and before.action == StepAction.SET_CANARY_SCALE and before.scale is None \
            and before.index > current:
        return before.index  # the new color back to full replicas first, then 100 %
    return last if last > current else end
