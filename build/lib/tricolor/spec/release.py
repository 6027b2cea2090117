"""The release part of the spec: steps, presets, smoke tests and analysis settings.

Steps are frozen data. A strategy is either explicit ``steps`` or one ``preset``:

- ``all-at-once``: 100 % at once (after the smoke tests);
- ``blue-green``: smoke-test the idle color through its header route, then switch at once;
- ``canary-10-5m``: 10 % for 5 minutes with analysis, then 100 %;
- ``linear-10-every-1m``: +10 % every minute with analysis, up to 100 %.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    StrictInt,
    Tag,
    field_validator,
    model_validator,
)

from .durations import format_duration, parse_duration

Weight = Annotated[StrictInt, Field(ge=0, le=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"{value!r} is not a duration such as 30s, 5m or 72h")
    return parse_duration(value)


Duration = Annotated[
    timedelta, BeforeValidator(_duration), PlainSerializer(format_duration, return_type=str, when_used="json")
]


class SetWeight(Strict):
    """Send ``setWeight`` percent of the traffic to the new color."""

    set_weight: Weight = Field(alias="setWeight")

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
        return value

    @property
    def action(self) -> str:
        return "pause"


class AnalysisStep(Strict):
    """Judge the metrics named in ``release.analysis`` (or ``metrics``, a subset) now."""

    analysis: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("analysis")
    @classmethod
    def _only_metrics(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - {"metrics"})
        if unknown:
            raise ValueError(f"analysis: unknown key(s) {', '.join(unknown)}; only 'metrics' is allowed")
        return value

    @property
    def action(self) -> str:
        return "analysis"


_STEP_KEYS = {"setWeight": "setWeight", "set_weight": "setWeight", "pause": "pause", "analysis": "analysis"}


def _step_kind(value: object) -> str | None:
    """Which step a mapping is, from its single key (``None`` makes pydantic say so)."""
    if isinstance(value, (SetWeight, Pause, AnalysisStep)):
        return value.action
    if isinstance(value, dict) and len(value) == 1:
        return _STEP_KEYS.get(next(iter(value)))
    return None


Step = Annotated[
    Annotated[SetWeight, Tag("setWeight")] | Annotated[Pause, Tag("pause")] | Annotated[AnalysisStep, Tag("analysis")],
    Discriminator(
        _step_kind,
        custom_error_type="step",
        custom_error_message="a step is one of {setWeight: N}, {pause: DURATION or {}}, {analysis: {...}}",
    ),
]


class HttpCheck(Strict):
    """An HTTP smoke test sent to the idle color through its header route."""

    path: str = "/"
    expect_status: StrictInt = Field(200, alias="expectStatus", ge=100, le=599)
    timeout: Duration = timedelta(seconds=2)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{value!r} must start with '/'")
        return value


class Metric(Strict):
    """One metric the judges look at; the queries are the provider's (PromQL, ...).

    A ``rate`` metric counts events (errors) among a total (requests): ``query`` gives
    the events and ``totalQuery`` the total over the window. A ``distribution`` metric
    (latency) gives sample values. Templates may use ``{{color}}``, ``{{version}}`` and
    ``{{window}}``.
    """

    name: str = Field(min_length=1)
    kind: Literal["rate", "distribution"] = "rate"
    query: str | None = None
    total_query: str | None = Field(None, alias="totalQuery")
    min: float | None = None
    max: float | None = None
    tolerance: float | None = Field(None, ge=0)
    quantile: float = Field(0.99, gt=0, lt=1)

    @model_validator(mode="after")
    def _bounds(self) -> Metric:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"metric {self.name!r}: min {self.min} is above max {self.max}")
        return self


class Analysis(Strict):
    judge: Literal["threshold", "statistical"] = "statistical"
    provider: str = "prometheus"
    interval: Duration = timedelta(minutes=1)
    min_samples: StrictInt = Field(100, alias="minSamples", ge=1)
    failure_limit: StrictInt = Field(1, alias="failureLimit", ge=0)
    inconclusive_limit: StrictInt = Field(3, alias="inconclusiveLimit", ge=0)
    consecutive_error_limit: StrictInt = Field(3, alias="consecutiveErrorLimit", ge=1)
    consecutive_success_limit: StrictInt = Field(1, alias="consecutiveSuccessLimit", ge=1)
    alpha: float = Field(0.008, gt=0, lt=0.5)
    looks: StrictInt = Field(10, ge=1)
    provider_settings: dict[str, Any] = Field(default_factory=dict, alias="providerSettings")
    metrics: list[Metric] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_metrics(self) -> Analysis:
        names = [m.name for m in self.metrics]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"metrics: duplicate names {', '.join(duplicates)}")
        return self


PRESETS: dict[str, tuple[Step, ...]] = {
    "all-at-once": (SetWeight(setWeight=100),),
    "blue-green": (SetWeight(setWeight=100),),
    "canary-10-5m": (
        SetWeight(setWeight=10),
        Pause(pause=PauseSpec(duration=timedelta(minutes=5))),
        AnalysisStep(),
        SetWeight(setWeight=100),
    ),
    "linear-10-every-1m": tuple(
        step
        for weight in range(10, 101, 10)
        for step in (
            (SetWeight(setWeight=weight),)
            if weight == 100
            else (
                SetWeight(setWeight=weight),
                Pause(pause=PauseSpec(duration=timedelta(minutes=1))),
                AnalysisStep(),
            )
        )
    ),
}


class Release(Strict):
    preset: str | None = None
    steps: list[Step] | None = None
    smoke_tests: list[HttpCheck] = Field(default_factory=list, alias="smokeTests")
    rollback_window: Duration = Field(timedelta(minutes=30), alias="rollbackWindow")
    scale_down_idle: bool = Field(True, alias="scaleDownIdle")
    analysis: Analysis = Field(default_factory=lambda: Analysis.model_validate({}))

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is not None and value not in PRESETS:
            raise ValueError(f"unknown preset {value!r}; known presets: {', '.join(PRESETS)}")
        return value

    @model_validator(mode="after")
    def _one_strategy(self) -> Release:
        if (self.preset is None) == (self.steps is None):
            raise ValueError("give exactly one of 'preset' or 'steps'")
        if self.steps is not None:
            if not self.steps:
                raise ValueError("steps: at least one step is needed")
            weights = [s.set_weight for s in self.steps if isinstance(s, SetWeight)]
            if not weights or weights[-1] != 100:
                raise ValueError("steps: the last setWeight must be 100 so the release completes")
            for index, (before, after) in enumerate(zip(weights, weights[1:], strict=False), start=1):
                if after < before:
                    raise ValueError(f"steps: setWeight goes down from {before} to {after} "
                                     f"(setWeight #{index + 1}); abort or rollback lowers weights")
        if self.preset == "blue-green" and not self.smoke_tests:
            raise ValueError("preset blue-green smoke-tests the idle color: give at least one smokeTests entry")
        known = {m.name for m in self.analysis.metrics}
        for index, step in enumerate(self.schedule):
            if not isinstance(step, AnalysisStep):
                continue
            if not known:
                raise ValueError(f"steps[{index}]: an analysis step needs release.analysis.metrics "
                                 "(no data is never a pass)")
            missing = [name for name in step.analysis.get("metrics", []) if name not in known]
            if missing:
                raise ValueError(f"steps[{index}]: unknown metric(s) {', '.join(missing)}; "
                                 f"release.analysis.metrics has: {', '.join(sorted(known))}")
        return self

    @property
    def schedule(self) -> tuple[Step, ...]:
        """The steps to walk: the explicit ones or the preset's."""
        return tuple(self.steps) if self.steps is not None else PRESETS[self.preset or ""]


def describe_step(step: Step) -> str:
    """A short human description of a step."""
    if isinstance(step, SetWeight):
        return f"set weight {step.set_weight}%"
    if isinstance(step, Pause):
        if step.pause.duration is None:
            return "pause until promoted"
        return f"pause {format_duration(step.pause.duration)}"
    metrics = step.analysis.get("metrics")
    return "analysis" + (f" of {', '.join(metrics)}" if metrics else "")
