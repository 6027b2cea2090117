"""The concrete plan of a release: the spec's schedule expanded into indexed steps.

Pure data. A release deploys the new image to the idle color at weight 0 (a full
update), smoke-tests it, walks the spec's steps (each ``setWeight`` a targeted update
of the router alone), then makes the new color the active one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..spec import AnalysisStep, Color, Pause, Release, SetWeight, Weights, describe_step

Action = Literal["deploy", "smoke", "setWeight", "pause", "analysis", "finish"]
#: actions that change resources (the others only wait, check or judge)
APPLYING: frozenset[str] = frozenset({"deploy", "setWeight"})


@dataclass(frozen=True)
class PlanStep:
    """One step of a release: frozen data plus its index."""

    index: int
    action: Action
    weight: int  # the canary weight in force once this step is done
    duration: float | None = None  # pause: seconds; None waits until promoted
    metrics: tuple[str, ...] = field(default_factory=tuple)  # analysis: subset, empty means all
    description: str = ""

    def weights(self, canary: Color) -> Weights:
        return Weights.canary(canary, self.weight)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["metrics"] = list(self.metrics)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanStep:
        return cls(index=int(data["index"]), action=data["action"], weight=int(data["weight"]),
                   duration=data.get("duration"), metrics=tuple(data.get("metrics") or ()),
                   description=str(data.get("description", "")))


def build_plan(release: Release) -> list[PlanStep]:
    """Deploy, smoke tests (when the spec has any), the schedule, finish."""
    rows: list[tuple[Action, int, float | None, tuple[str, ...], str]] = [
        ("deploy", 0, None, (), "deploy the new image to the idle color at weight 0 (full update)"),
    ]
    if release.smoke_tests:
        rows.append(("smoke", 0, None, (), f"smoke-test the idle color ({len(release.smoke_tests)} checks)"))
    weight = 0
    for step in release.schedule:
        if isinstance(step, SetWeight):
            weight = step.set_weight
            rows.append(("setWeight", weight, None, (), describe_step(step)))
        elif isinstance(step, Pause):
            duration = step.pause.duration.total_seconds() if step.pause.duration is not None else None
            rows.append(("pause", weight, duration, (), describe_step(step)))
        elif isinstance(step, AnalysisStep):
            rows.append(("analysis", weight, None, tuple(step.analysis.get("metrics", [])), describe_step(step)))
    rows.append(("finish", 100, None, (), "make the new color the active one; keep the old one warm"))
    return [PlanStep(i, a, w, d, m, text) for i, (a, w, d, m, text) in enumerate(rows)]
