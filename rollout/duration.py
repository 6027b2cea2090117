"""How long each analysis step of a plan needs, next to how long the schedule gives it
(pure, apart from ``measure_traffic`` which asks a metrics provider).

**Needed**, per analysis step and metric: the canary requests (values, for a
distribution) the judge needs to detect the metric's stated effect (``tolerance``; the
judge's default when absent: a rate 1.5x, a distribution +10 %) at the release's
``alpha`` over its ``looks``, with ``power`` (0.8), at the step's canary weight
(``judges.power.plan_rate`` / ``plan_distribution``), in minutes at the metric's
request rate. The threshold judge needs ``minSamples`` on each side. The request rate
is ``--rps`` when given, else the baseline's measured by the provider: each metric's
total (``totalQuery``) a second, with the stable color holding all the traffic; a rate
metric's baseline rate and a distribution's log-spread come from the same measurement
(or ``--baseline-rate``).

**Planned** (``planned_window``): the window the step's last look sees before an
INCONCLUSIVE step aborts: the timed pauses since its weight was set (the window starts
there), plus ``inconclusiveLimit`` intervals (the looks are at 0, 1, ... intervals into
the step and the ``inconclusiveLimit + 1``-th inconclusive one aborts), plus, with
``extendUntil``, the extension rounded up to whole intervals. Worked example: ``setWeight:
5``, ``pause: 2m``, ``analysis`` with ``interval: 1m``, ``inconclusiveLimit: 3``: 5 min;
with ``extendUntil: 30m``: 2 + 30 + 3 = 35 min. A manual pause counts 0 (``at least``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from ..spec.release import Metric
from ..spec.weights import Color
from .judge import Counts
from .judges.distributions import DISTRIBUTION_TOLERANCE
from .judges.power import DEFAULT_POWER, log_spread, plan_distribution, plan_rate
from .judges.rates import RATE_TOLERANCE
from .plan import PlanStep, StepAction
from .providers.base import MetricsProvider, Window
from .settings import AnalysisSettings

__all__ = ["Estimate", "Traffic", "effect_text", "estimates", "measure_traffic", "planned_window", "warnings"]


@dataclass(frozen=True)
class Traffic:
    """What the stable color's traffic shows for one metric (``None``: unknown)."""

    per_second: float | None = None  # the metric's total (requests) a second, all traffic on the stable color
    rate: float | None = None  # a rate metric's events / total
    sigma: float | None = None  # a distribution's log-spread
    source: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Estimate:
    step: int  # the plan index
    weight: int
    metric: str
    effect: str
    samples: int | None  # canary requests (values, for a distribution) needed
    minutes: float | None  # needed, at the request rate
    planned: float | None  # minutes the schedule gives the step's window
    per_second: float | None
    manual: bool = False  # a manual pause before the step counts 0 in ``planned``
    note: str = ""
    unit: str = "requests"  # what ``samples`` counts: requests (rates) or values (distributions)

    @property
    def short(self) -> bool:
        """Does the planned window fall short of what the step needs?"""
        return self.minutes is not None and self.planned is not None and self.minutes > self.planned

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "short": self.short}


def planned_window(plan: Sequence[PlanStep], index: int, settings: AnalysisSettings) -> tuple[float, bool]:
    """Seconds of traffic the last look of analysis ``plan[index]`` sees before an
    INCONCLUSIVE step aborts, and whether a manual pause (counted 0) came before it."""
    weight, before, manual = plan[index].weight, 0.0, False
    for step in reversed(plan[:index]):
        if step.action == StepAction.SET_WEIGHT or step.weight != weight:
            break
        if step.action == StepAction.PAUSE:
            manual = manual or step.duration is None
            before += step.duration or 0.0
    extension = math.ceil(settings.extend_until / settings.interval) if settings.extend_until else 0
    return before + (extension + settings.inconclusive_limit) * settings.interval, manual


def effect_text(metric: Metric) -> str:
    """``a 2x error-rate``, ``latency-ms +10 %``, ``orders down 23 %``."""
    default = RATE_TOLERANCE if metric.kind == "rate" else DISTRIBUTION_TOLERANCE
    tol = default if metric.tolerance is None else metric.tolerance
    up = f"a {1 + tol:.3g}x {metric.name}" if metric.kind == "rate" else f"{metric.name} +{tol:.0%}"
    down = f"{metric.name} down {1 - 1 / (1 + tol):.0%}"
    return {"increase": up, "decrease": down, "either": f"{up} or {down}"}[metric.direction]


def measure_traffic(provider: MetricsProvider, metrics: Sequence[Metric], stable: Color, idle: Color,
                    now: float, lookback: float) -> dict[str, Traffic]:
    """Each metric's traffic on ``stable`` over the last ``lookback`` seconds (never raises:
    a failure is the metric's ``problem``)."""
    window = Window(start=now - lookback, end=now, canary=idle, baseline=stable, canary_weight=0)
    source = f"measured by {provider.name} on {stable} over the last {lookback / 60:g} min"
    out: dict[str, Traffic] = {}
    for metric in metrics:
        try:
            sample = provider.measure(metric, window).baseline
        except Exception as exc:  # a provider that cannot answer leaves the figure unknown
            out[metric.name] = Traffic(problem=f"{provider.name} could not measure it: {exc.__class__.__name__}: "
                                               f"{str(exc)[:200]}")
            continue
        out[metric.name] = _traffic(metric, sample, lookback, source)
    return out


def _traffic(metric: Metric, sample: object, seconds: float, source: str) -> Traffic:
    if isinstance(sample, Counts):
        total, events = float(sample.total), float(sample.events)
        if not total or not math.isfinite(total):
            return Traffic(problem="the stable color had no traffic in the window")
        return Traffic(per_second=total / seconds, rate=events / total, source=source)
    if isinstance(sample, Sequence) and sample:
        try:
            return Traffic(sigma=log_spread([float(v) for v in sample]), source=source)
        except (ValueError, TypeError) as exc:
            return Traffic(problem=str(exc))
    return Traffic(problem="no data for the stable color in the window")


def _estimate(step: PlanStep, metric: Metric, traffic: Traffic, settings: AnalysisSettings, power: float,
              per_second: float | None) -> tuple[int | None, float | None, str]:
    share = step.weight / 100
    if not 0 < share < 1 and per_second is not None:
        # A rolling release judges the new version against the previous one over as long
        # a window before the update: each side sees all the traffic, so the samples come
        # in as for an even split of twice the rate.
        share, per_second = 0.5, 2 * per_second
    elif not 0 < share < 1:
        share = 0.5
    if settings.judge != "statistical":
        minutes = None if not per_second else settings.min_samples / (per_second * min(share, 1 - share)) / 60
        return settings.min_samples, minutes, f"the {settings.judge} judge decides once each side has minSamples"
    tol = (RATE_TOLERANCE if metric.kind == "rate" else DISTRIBUTION_TOLERANCE) if metric.tolerance is None \
        else metric.tolerance
    try:
        if metric.kind == "rate":
            if traffic.rate is None:
                return None, None, traffic.problem or "the baseline's rate is unknown (give --baseline-rate)"
            plan = plan_rate(traffic.rate, tol, share, per_second, settings.alpha, power, metric.direction,
                             settings.looks, settings.min_samples)
        else:
            if traffic.sigma is None:
                return None, None, traffic.problem or "the baseline's spread is unknown"
            plan = plan_distribution(tol, traffic.sigma, share, per_second, settings.alpha, power,
                                     metric.direction, settings.looks, settings.min_samples)
    except ValueError as exc:
        return None, None, str(exc)
    return plan.canary_samples, plan.minutes, ""


def estimates(plan: Sequence[PlanStep], settings: AnalysisSettings, traffic: Mapping[str, Traffic],
              rps: float | None = None, power: float = DEFAULT_POWER) -> list[Estimate]:
    """Per analysis step and metric: needed next to planned. ``rps`` overrides every
    metric's measured request rate."""
    out = []
    for step in plan:
        if step.action != StepAction.ANALYSIS:
            continue
        planned, manual = planned_window(plan, step.index, settings)
        for metric in settings.metrics:
            if step.metrics and metric.name not in step.metrics:
                continue
            seen = traffic.get(metric.name, Traffic(problem="not measured"))
            per_second = rps if rps is not None else seen.per_second or _any_rate(traffic)
            samples, minutes, note = _estimate(step, metric, seen, settings, power, per_second)
            if samples is not None and minutes is None and not note:
                note = "the request rate is unknown (give --rps)"
            out.append(Estimate(step=step.index, weight=step.weight, metric=metric.name, effect=effect_text(metric),
                                samples=samples, minutes=minutes, planned=planned / 60, per_second=per_second,
                                manual=manual, note=note, unit="requests" if metric.kind == "rate" else "values"))
    return out


def _any_rate(traffic: Mapping[str, Traffic]) -> float | None:
    """A distribution has no total of its own: the request rate of the rate metrics."""
    return next((t.per_second for t in traffic.values() if t.per_second), None)


def _human(minutes: float) -> str:
    return f"{minutes:.0f} min" if minutes >= 1 else f"{minutes * 60:.0f} s"


def warnings(found: Sequence[Estimate], steps: int, settings: AnalysisSettings) -> list[str]:
    """``at 5 % of 40 rps step 4/9 needs ~23 min to detect a 2x error-rate; it is planned for 5 min``."""
    hint = "" if settings.extend_until else " (release.analysis.extendUntil lets the analysis wait for it)"
    return [f"at {e.weight} % of {e.per_second:.3g} rps step {e.step + 1}/{steps} needs ~{_human(e.minutes)} to "
            f"detect {e.effect}; it is planned for {'at least ' if e.manual else ''}{_human(e.planned)}{hint}"
            for e in found if e.short and e.minutes is not None and e.planned is not None
            and e.per_second is not None]
