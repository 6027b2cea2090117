"""Release steps as Argo Rollouts writes them: frozen data, one kind per step.

Accepted: ``{setWeight: N}``, ``{pause: DURATION}`` / ``{pause: {duration: D}}`` /
``{pause: {}}`` (until promoted), ``{analysis: {}}`` / ``{analysis: {metrics: [...]}}``.
Mapped (``canary.py``): ``{setHeaderRoute: {name, match}}`` (the router's header rule,
per backend) and ``{setCanaryScale: {replicas | weight | matchTrafficWeight}}`` (the new
color's replicas while its weight is below 100).
Refused, with a message naming the step and why: Argo's ``experiment``,
``setMirrorRoute``, ``plugin`` and ``replicaProgressThreshold`` (no equivalent here), Argo's analysis shape
``{analysis: {templates: [...], args: [...]}}`` (the message says what to write
instead), a misspelt kind (with a "did you mean"), a step with two kinds.

The schedule's implicit last step (Argo promotes fully when the steps run out) is a
``SetWeight`` of 100 with ``implicit=True``; it is never written back into the spec.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import Discriminator, Field, StrictInt, Tag, field_validator, model_validator

from .canary import CanaryScaleSpec, HeaderRouteSpec, describe_match, describe_scale
from .durations import format_duration
from .errors import shown
from .fields import Duration, Strict
from .suggest import did_you_mean

__all__ = ["KINDS", "REFUSED", "AnalysisStep", "Pause", "PauseSpec", "SetCanaryScale", "SetHeaderRoute", "SetWeight",
           "Step", "describe_step", "metric_names"]

Weight = Annotated[StrictInt, Field(ge=0, le=100)]
KINDS = ("setWeight", "pause", "analysis", "setHeaderRoute", "setCanaryScale")

#: the metric names of the release being validated, for the Argo-shape message
metric_names: ContextVar[tuple[str, ...] | None] = ContextVar("metric_names", default=None)


class SetWeight(Strict):
    """Send ``setWeight`` percent of the traffic to the new color."""

    set_weight: Weight = Field(alias="setWeight")
    #: added by the schedule (the steps ended below 100), never written by a user
    implicit: bool = Field(default=False, exclude=True, repr=False)

    @property
    def action(self) -> str:
        return "setWeight"


class PauseSpec(Strict):
    """Wait ``duration``; without one, wait until someone promotes."""

    duration: Duration | None = None


class Pause(Strict):
    pause: PauseSpec

    @field_validator("pause", mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        # ``pause: 5m`` is short for ``pause: {duration: 5m}``; ``pause: {}`` waits for promote.
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"duration": value}
        return {} if value is None else value

    @property
    def action(self) -> str:
        return "pause"


def _argo_analysis_message() -> str:
    names = metric_names.get()
    known = f"release.analysis.metrics has: {', '.join(names)}" if names else \
        "release.analysis.metrics is empty: declare the metrics (name, kind, query, max...) there first"
    return ("this is Argo Rollouts' analysis shape (templates, args); tricolor does not run analysis "
            "templates: it judges the metrics declared in release.analysis.metrics. Write "
            "{analysis: {}} for all of them or {analysis: {metrics: [NAME, ...]}} for some "
            f"({known})")


class AnalysisStep(Strict):
    """Judge the metrics named in ``release.analysis`` (or ``metrics``, a subset) now."""

    analysis: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("analysis", mode="before")
    @classmethod
    def _shape(cls, value: object) -> object:
        if value is None:
            return {}
        if isinstance(value, dict) and ({"templates", "args"} & set(value)):
            raise ValueError(_argo_analysis_message())
        if isinstance(value, dict):
            unknown = sorted(str(k) for k in value if k != "metrics")
            if unknown:
                raise ValueError(f"unknown key(s) {', '.join(map(shown, unknown))}; only 'metrics' is allowed"
                                 + did_you_mean(unknown[0], ["metrics"]))
        return value

    @property
    def action(self) -> str:
        return "analysis"


class SetHeaderRoute(Strict):
    """Route requests matching a header to the new color while the route is in force
    (until a ``setHeaderRoute`` of the same name without ``match``, an abort or 100 %)."""

    set_header_route: HeaderRouteSpec = Field(alias="setHeaderRoute")

    @property
    def action(self) -> str:
        return "setHeaderRoute"


class SetCanaryScale(Strict):
    """The new color's replicas while its weight is below 100 (reset by an abort or at 100 %)."""

    set_canary_scale: CanaryScaleSpec = Field(alias="setCanaryScale")

    @property
    def action(self) -> str:
        return "setCanaryScale"


#: the Argo step kinds tricolor refuses, and why
REFUSED = {
    "experiment": "not supported: an Argo experiment runs extra ReplicaSets beside the rollout; tricolor judges "
                  "the new color against the stable one in place, with {analysis: {...}} after a setWeight",
    "setMirrorRoute": "not supported: tricolor's routers split traffic by weight and by header only (the AWS "
                      "load balancer cannot mirror requests), and one step list runs on every backend",
    "plugin": "not supported: Argo Rollouts step plugins run code inside the Argo controller; tricolor has no "
              "plugin runtime",
    "replicaProgressThreshold": "not supported: tricolor's deploy waits until every replica of the new color is "
                                "ready (Pulumi's readiness checks); a lower threshold has no equivalent",
}
_ALIASES = {"setWeight": "setWeight", "set_weight": "setWeight", "pause": "pause", "analysis": "analysis",
            "setHeaderRoute": "setHeaderRoute", "set_header_route": "setHeaderRoute",
            "setCanaryScale": "setCanaryScale", "set_canary_scale": "setCanaryScale"}
_SHAPES = ("{setWeight: N}, {pause: DURATION or {}}, {analysis: {metrics: [...]}}, {setHeaderRoute: {name, match}}, "
           "{setCanaryScale: {replicas | weight | matchTrafficWeight}}")


def _why_refused(value: object) -> str:
    if not isinstance(value, dict):
        return f"a step is a mapping, one of {_SHAPES}; got {shown(value)}"
    if len(value) != 1:
        kinds = ", ".join(shown(k) for k in list(value)[:5]) or "none"
        return f"a step has exactly one kind, one of {_SHAPES}; this one has {len(value)}: {kinds}"
    kind = next(iter(value))
    if kind in REFUSED:
        return f"{kind}: {REFUSED[kind]}"
    return (f"unknown step kind {shown(kind)}; a step is one of {_SHAPES}"
            + did_you_mean(str(kind), [*KINDS, *REFUSED]))


class RefusedStep(Strict):
    """A step tricolor does not run: validating it always fails with the reason."""

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, value: Any) -> Any:
        raise ValueError(_why_refused(value))


def _step_kind(value: object) -> str:
    """Which step a mapping is, from its single key (``refused-step`` explains the rest)."""
    if isinstance(value, (SetWeight, Pause, AnalysisStep, SetHeaderRoute, SetCanaryScale)):
        return value.action
    if isinstance(value, dict) and len(value) == 1:
        return _ALIASES.get(next(iter(value)), "refused-step")
    return "refused-step"


Step = Annotated[
    Annotated[SetWeight, Tag("setWeight")] | Annotated[Pause, Tag("pause")] | Annotated[AnalysisStep, Tag("analysis")]
    | Annotated[SetHeaderRoute, Tag("setHeaderRoute")] | Annotated[SetCanaryScale, Tag("setCanaryScale")]
    | Annotated[RefusedStep, Tag("refused-step")],
    Discriminator(_step_kind),
]


def describe_step(step: Step) -> str:
    """A short human description of a step."""
    if isinstance(step, SetWeight):
        text = f"set weight {step.set_weight}%"
        return f"{text} (implicit: the steps end below 100, so the release promotes fully)" if step.implicit else text
    if isinstance(step, Pause):
        duration = step.pause.duration
        return "pause until promoted" if duration is None else f"pause {format_duration(duration)}"
    if isinstance(step, SetHeaderRoute):
        route = step.set_header_route
        if route.removes:
            return f"remove header route {route.name}"
        return (f"header route {route.name}: requests with " + " or ".join(map(describe_match, route.match or ()))
                + " go to the new color")
    if isinstance(step, SetCanaryScale):
        return f"scale the new color to {describe_scale(step.set_canary_scale)} (while below 100 %)"
    metrics = step.analysis.get("metrics") if isinstance(step, AnalysisStep) else None
    return "analysis" + (f" of {', '.join(metrics)}" if metrics else "")
