"""The release part of the spec: steps, presets, smoke tests and analysis settings.

Steps are frozen data (``steps.py``). A strategy is either explicit ``steps`` or one
``preset``:

- ``all-at-once``: 100 % at once (after the smoke tests);
- ``blue-green``: smoke-test the idle color through its header route, then switch at once;
- ``canary-10-5m``: 10 % for 5 minutes with analysis, then 100 %;
- ``linear-10-every-1m``: +10 % every minute with analysis, up to 100 %.

Checked when the spec loads (every problem together, each under its step's path):
weights never go down; steps that end below 100 (or ``steps: []``) promote fully, the
``schedule`` ending with an implicit ``setWeight: 100``; an analysis step needs
metrics, names only declared ones, and runs only where both colors have traffic (after
a ``setWeight`` above 0, before ``setWeight: 100``); ``interval`` is at least 1s and
every duration at most 365 days; every number is finite (``fields.Strict``); a
``setHeaderRoute`` without ``match`` removes a route an earlier step set; no
``setHeaderRoute`` nor ``setCanaryScale`` comes after ``setWeight: 100`` (the new color
has all the traffic then: routes and scale are over).

``analysis.extendUntil`` (optional): while an analysis step has run for less than this,
an INCONCLUSIVE measurement is not counted against ``inconclusiveLimit`` (the window
keeps growing); from then on they count as usual. FAIL and ERROR always count.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, ModelWrapValidatorHandler, StrictInt, field_validator, model_validator

from .durations import format_duration
from .errors import FieldProblems, shown
from .fields import INT32_MAX, Duration, Number, Strict
from .steps import (
    AnalysisStep,
    Pause,
    PauseSpec,
    SetCanaryScale,
    SetHeaderRoute,
    SetWeight,
    Step,
    describe_step,
    metric_names,
)
from .strategies import Migrations, RollingUpdate, Strategy, strategy_problem
from .suggest import did_you_mean

__all__ = ["PRESETS", "Analysis", "AnalysisStep", "Duration", "HttpCheck", "Metric", "Migrations", "Pause", "PauseSpec",
           "Release", "RollingUpdate", "SetCanaryScale", "SetHeaderRoute", "SetWeight", "Step", "Strict",
           "describe_step", "preset_steps"]

Count = Annotated[StrictInt, Field(ge=0, le=INT32_MAX)]
#: a count of at least 1 (a ``ge`` given to ``Field`` next to ``Count`` does not tighten it)
Positive = Annotated[StrictInt, Field(ge=1, le=INT32_MAX)]


class HttpCheck(Strict):
    """An HTTP smoke test sent to the idle color through its header route."""

    path: str = "/"
    expect_status: StrictInt = Field(200, alias="expectStatus", ge=100, le=599)
    timeout: Duration = timedelta(seconds=2)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{shown(value)} must start with '/'")
        return value

    @field_validator("timeout")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("a smoke test needs a timeout above 0s")
        return value


class Metric(Strict):
    """One metric the judges look at; the queries are the provider's (PromQL, ...).

    A ``rate`` metric counts events (errors) among a total (requests): ``query`` gives
    the events and ``totalQuery`` the total over the window. A ``distribution`` metric
    (latency) gives sample values. Templates may use ``{{color}}``, ``{{version}}`` and
    ``{{window}}``. ``direction`` is what counts as worse: ``increase`` (errors, latency),
    ``decrease`` (throughput, orders, sign-ups) or ``either``.
    """

    name: str = Field(min_length=1)
    kind: Literal["rate", "distribution"] = "rate"
    direction: Literal["increase", "decrease", "either"] = "increase"
    query: str | None = None
    total_query: str | None = Field(None, alias="totalQuery")
    min: Number | None = None
    max: Number | None = None
    tolerance: Number | None = Field(None, ge=0)
    quantile: Number = Field(0.99, gt=0, lt=1)

    @model_validator(mode="after")
    def _bounds(self) -> Metric:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"metric {shown(self.name)}: min {self.min} is above max {self.max}")
        return self


class Analysis(Strict):
    judge: Literal["threshold", "statistical"] = "statistical"
    provider: str = "prometheus"
    interval: Duration = timedelta(minutes=1)
    min_samples: Count = Field(100, alias="minSamples", ge=1)
    failure_limit: Count = Field(1, alias="failureLimit")
    inconclusive_limit: Count = Field(3, alias="inconclusiveLimit")
    consecutive_error_limit: Count = Field(3, alias="consecutiveErrorLimit", ge=1)
    consecutive_success_limit: Count = Field(1, alias="consecutiveSuccessLimit", ge=1)
    extend_until: Duration | None = Field(None, alias="extendUntil")
    alpha: Number = Field(0.008, gt=0, lt=0.5)
    # the sequential boundary simulates (200 000 x looks) walks: looks stay small
    looks: StrictInt = Field(10, ge=1, le=100)
    provider_settings: dict[str, Any] = Field(default_factory=dict, alias="providerSettings")
    metrics: list[Metric] = Field(default_factory=list)
    # The share of requests the canary gets, from the providers' request totals, checked
    # against its weight at every look (0.03: 3 points either way, once each side is
    # expected to have trafficMinRequests); beyond it the step holds, and aborts after
    # trafficMismatchLimit such looks.
    verify_traffic: bool = Field(True, alias="verifyTraffic")
    traffic_tolerance: Number = Field(0.03, alias="trafficTolerance", gt=0, lt=1)
    traffic_min_requests: Positive = Field(100, alias="trafficMinRequests")
    traffic_mismatch_limit: Positive = Field(3, alias="trafficMismatchLimit")

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            raise ValueError(f"interval {format_duration(value)} is below 1s: the analysis would query "
                             "the provider without pause")
        return value

    @field_validator("extend_until")
    @classmethod
    def _extension(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value <= timedelta(0):
            raise ValueError("extendUntil must be above 0s (leave it out for no extension)")
        return value

    @model_validator(mode="after")
    def _unique_metrics(self) -> Analysis:
        names = [m.name for m in self.metrics]
        problems = [(("metrics", index), f"metric name {shown(name)} is used more than once")
                    for index, name in enumerate(names) if name in names[:index]]
        if problems:
            raise FieldProblems(problems)
        return self


PRESETS = ("all-at-once", "blue-green", "canary-10-5m", "linear-10-every-1m")


@functools.cache
def preset_steps(name: str) -> tuple[Step, ...]:
    """The steps of a preset. Made when first asked for, not at import: validating
    models at import builds their validators, which costs every command's start-up."""
    if name in ("all-at-once", "blue-green"):
        return (SetWeight(setWeight=100),)
    if name == "canary-10-5m":
        return (SetWeight(setWeight=10), Pause(pause=PauseSpec(duration=timedelta(minutes=5))), AnalysisStep(),
                SetWeight(setWeight=100))
    if name == "linear-10-every-1m":
        return tuple(step for weight in range(10, 100, 10)
                     for step in (SetWeight(setWeight=weight), Pause(pause=PauseSpec(duration=timedelta(minutes=1))),
                                  AnalysisStep())) + (SetWeight(setWeight=100),)
    raise KeyError(name)

Where = tuple[int | str, ...]


def _weight_problems(steps: list[Step]) -> list[tuple[Where, str]]:
    """Weights never go down (abort and rollback are the only way down)."""
    problems: list[tuple[Where, str]] = []
    highest: tuple[int, int] | None = None  # (weight, index)
    for index, step in enumerate(steps):
        if not isinstance(step, SetWeight):
            continue
        if highest is not None and step.set_weight < highest[0]:
            problems.append((("steps", index), f"setWeight goes down from {highest[0]} to {step.set_weight} "
                                               f"(steps[{highest[1]}] set {highest[0]}); abort or rollback lowers "
                                               "weights"))
        else:
            highest = (step.set_weight, index)
    return problems


def _canary_problems(steps: list[Step]) -> list[tuple[Where, str]]:
    """A route removal names a route set before; nothing routes or scales after 100 %."""
    problems: list[tuple[Where, str]] = []
    routes: set[str] = set()
    full: int | None = None
    for index, step in enumerate(steps):
        if isinstance(step, SetWeight) and step.set_weight == 100 and full is None:
            full = index
        if not isinstance(step, (SetHeaderRoute, SetCanaryScale)):
            continue
        if full is not None:
            problems.append((("steps", index), f"{step.action} after setWeight: 100 (steps[{full}]): the new color "
                                               "has all the traffic then, its routes and scale are over; put it "
                                               "before"))
        if isinstance(step, SetHeaderRoute):
            route = step.set_header_route
            if not route.removes:
                routes.add(route.name)
            elif route.name not in routes:
                problems.append((("steps", index), f"setHeaderRoute {shown(route.name)} without match removes a "
                                                   "route, but no step before sets one of that name"
                                                   + did_you_mean(route.name, sorted(routes))))
            else:
                routes.discard(route.name)
    return problems


def _name(text: str) -> str:
    """A metric name as written when it is short and printable, else cut and quoted."""
    return text if len(text) <= 60 and text.isprintable() else shown(text)


def _analysis_problems(schedule: tuple[Step, ...], known: set[str], where: str) -> list[tuple[Where, str]]:
    """An analysis step needs declared metrics and traffic on both colors."""
    problems: list[tuple[Where, str]] = []
    weight = 0
    for index, step in enumerate(schedule):
        if isinstance(step, SetWeight):
            weight = step.set_weight
        if not isinstance(step, AnalysisStep):
            continue
        at: Where = (where, index) if where == "steps" else (where,)
        name = "" if where == "steps" else f"step {index} of the preset: "
        if not known:
            problems.append((at, f"{name}an analysis step needs release.analysis.metrics "
                                 "(no data is never a pass)"))
        missing = [n for n in step.analysis.get("metrics", []) if n not in known]
        if known and missing:
            problems.append((at, f"{name}unknown metric(s) {', '.join(map(_name, missing))}; "
                                 f"release.analysis.metrics has: {', '.join(map(_name, sorted(known)))}"))
        if weight == 0:
            problems.append((at, f"{name}analysis while the new color has no traffic (no setWeight above 0 "
                                 "before it) can never decide; put it after a setWeight between 1 and 99"))
        elif weight == 100:
            problems.append((at, f"{name}analysis after setWeight: 100 has no baseline (the old color gets "
                                 "no traffic) and can never decide; put it before the step to 100"))
    return problems


def _raw_metric_names(value: Any) -> tuple[str, ...]:
    analysis = value.get("analysis") if isinstance(value, dict) else None
    metrics = analysis.get("metrics") if isinstance(analysis, dict) else None
    if not isinstance(metrics, list):
        return ()
    return tuple(_name(m["name"]) for m in metrics if isinstance(m, dict) and isinstance(m.get("name"), str))[:20]


class Release(Strict):
    #: ``blueGreen`` (two colors and a router) or ``rolling`` (one environment updated in place)
    strategy: Strategy = "blueGreen"
    rolling_update: RollingUpdate = Field(default_factory=lambda: RollingUpdate.model_validate({}),
                                          alias="rollingUpdate")
    migrations: Migrations | None = None
    preset: str | None = None
    steps: list[Step] | None = None
    smoke_tests: list[HttpCheck] = Field(default_factory=list, alias="smokeTests")
    rollback_window: Duration = Field(timedelta(minutes=30), alias="rollbackWindow")
    scale_down_idle: bool = Field(True, alias="scaleDownIdle")
    analysis: Analysis = Field(default_factory=lambda: Analysis.model_validate({}))

    @model_validator(mode="wrap")
    @classmethod
    def _with_metric_names(cls, value: Any, handler: ModelWrapValidatorHandler[Release]) -> Release:
        # the steps' messages name the declared metrics (Argo's analysis shape)
        token = metric_names.set(_raw_metric_names(value))
        try:
            return handler(value)
        finally:
            metric_names.reset(token)

    @field_validator("strategy", mode="before")
    @classmethod
    def _known_strategy(cls, value: object) -> object:
        problem = strategy_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is not None and value not in PRESETS:
            raise ValueError(f"unknown preset {shown(value)}; known presets: {', '.join(PRESETS)}"
                             + did_you_mean(value, PRESETS))
        return value

    @model_validator(mode="after")
    def _strategy(self) -> Release:
        problems: list[tuple[Where, str]] = []
        if self.preset is not None and self.steps is not None:
            problems.append(((), "give exactly one of 'preset' or 'steps'"))
        elif self.preset is None and self.steps is None and self.strategy == "blueGreen":
            # rolling walks no steps (no weights to move): they are only for blueGreen stacks
            problems.append(((), "give exactly one of 'preset' or 'steps' (strategy blueGreen walks them)"))
        problems += _weight_problems(self.steps or [])
        problems += _canary_problems(self.steps or [])
        if self.preset == "blue-green" and not self.smoke_tests:
            problems.append((("smokeTests",), "preset blue-green smoke-tests the idle color: give at least one "
                                              "smokeTests entry"))
        known = {m.name for m in self.analysis.metrics}
        problems += _analysis_problems(self.schedule, known, "preset" if self.steps is None else "steps")
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def schedule(self) -> tuple[Step, ...]:
        """The steps to walk: the explicit ones or the preset's, ending at 100 (Argo
        promotes fully when the steps run out: an implicit ``setWeight: 100`` is added)."""
        if self.steps is None:
            return preset_steps(self.preset) if self.preset in PRESETS else ()
        weights = [s.set_weight for s in self.steps if isinstance(s, SetWeight)]
        if weights and weights[-1] == 100:
            return tuple(self.steps)
        return (*self.steps, SetWeight(setWeight=100, implicit=True))
