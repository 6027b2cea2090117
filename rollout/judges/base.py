"""The judges' protocol and data: baseline and canary samples in, PASS, FAIL or
INCONCLUSIVE out, with the numbers behind it.

Invariants every judge keeps (and the shared suite checks):

- Missing, empty or NaN data is never PASS: ``sample_problem`` turns it into
  INCONCLUSIVE with the reason before any judge looks at the numbers.
- A limit that is NaN or infinite, a negative tolerance or ``min > max`` is never
  compared with anything: ``limit_problem`` makes the metric INCONCLUSIVE.
- ``direction`` says what is worse: ``increase`` (errors, latency: higher is worse,
  the default), ``decrease`` (throughput, orders, sign-ups: lower is worse) or
  ``either``. A tolerance of ``t`` means "worse by more than a factor ``1 + t``": above
  ``baseline * (1 + t)`` for ``increase``, below ``baseline / (1 + t)`` for ``decrease``.
- Distribution values are measurements of non-negative things (latencies, counts per
  interval); a negative value is a data problem, not a sample.

This module imports no judge implementation (they import it); ``registry`` builds them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

from ...errors import ExitCode

Verdict = Literal["pass", "fail", "inconclusive"]
Kind = Literal["rate", "distribution"]
Direction = Literal["increase", "decrease", "either"]
Side = Literal["higher", "lower"]

DIRECTIONS: tuple[str, ...] = get_args(Direction)
#: Verdict -> exit code, from the one table in ``tricolor.errors``.
EXIT_CODES: dict[str, int] = {"pass": ExitCode.OK, "fail": ExitCode.FINDING, "inconclusive": ExitCode.INCONCLUSIVE}
#: Counts and values beyond this are refused: float sums over them stop being exact.
MAX_MAGNITUDE = 1e15


_WORSE_SIDES: dict[str, tuple[Side, ...]] = {"increase": ("higher",), "decrease": ("lower",),
                                             "either": ("higher", "lower")}


def worse_sides(direction: Direction) -> tuple[Side, ...]:
    """Which way(s) a canary can be worse: ``increase`` -> higher, ``either`` -> both."""
    return _WORSE_SIDES[direction]


@dataclass(frozen=True)
class Counts:
    """Events (errors, orders) among a total (requests) over a window."""

    total: float
    events: float


Sample = Counts | Sequence[float] | None


@dataclass(frozen=True)
class JudgeSettings:
    """What every judge is built with (``registry.make_judge``); validated here, once.

    ``alpha`` is the chance of failing a canary as good as its baseline over all the
    ``looks`` an analysis step plans (split between both sides for ``either``).
    """

    min_samples: int = 100
    alpha: float = 0.008
    looks: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.min_samples, bool) or not isinstance(self.min_samples, int) or self.min_samples < 1:
            raise ValueError(f"min_samples: {self.min_samples!r} is not a positive integer")
        if not isinstance(self.alpha, (int, float)) or not 0 < self.alpha < 0.5:
            raise ValueError(f"alpha: {self.alpha!r} must be a number between 0 and 0.5")
        if isinstance(self.looks, bool) or not isinstance(self.looks, int) or self.looks < 1:
            raise ValueError(f"looks: {self.looks!r} is not a positive integer")


@dataclass(frozen=True)
class MetricWindow:
    """One metric over one window: the baseline (stable color) and the canary."""

    name: str
    kind: Kind
    baseline: Sample
    canary: Sample
    min: float | None = None
    max: float | None = None
    tolerance: float | None = None
    quantile: float = 0.99
    expected_share: float | None = None  # the canary's weight / 100, for rate metrics
    direction: Direction = "increase"


@dataclass(frozen=True)
class MetricVerdict:
    name: str
    verdict: Verdict
    reason: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        numbers = {k: _finite(v) for k, v in self.numbers.items()}
        return {"name": self.name, "verdict": self.verdict, "reason": self.reason, **numbers}


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str
    metrics: list[MetricVerdict]
    judge: str

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "judge": self.judge,
                "metrics": [m.as_dict() for m in self.metrics]}


class Judge(Protocol):
    name: str

    def judge_metric(self, window: MetricWindow, look: int = 1) -> MetricVerdict:
        """Judge one metric at measurement ``look`` (1-based) of an analysis step."""
        ...


def _finite(value: Any) -> Any:
    """NaN and infinities become ``None`` so the JSON stays JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def sample_problem(kind: Kind, sample: Sample, who: str) -> str | None:
    """Why ``sample`` cannot be judged (missing, empty, NaN, negative, inconsistent), or ``None``."""
    if sample is None:
        return f"no {who} data"
    if kind == "rate":
        if not isinstance(sample, Counts):
            return f"{who} data is not counts"
        if not all(_is_number(x) and math.isfinite(x) for x in (sample.total, sample.events)):
            return f"{who} counts are NaN, infinite or not numbers"
        if max(sample.total, sample.events) > MAX_MAGNITUDE:
            return f"{who} counts are beyond {MAX_MAGNITUDE:g}"
        if sample.total < 0 or sample.events < 0 or round(sample.events) > round(sample.total):
            return f"{who} counts are inconsistent (events {sample.events:g} of total {sample.total:g})"
        return None
    if isinstance(sample, Counts):
        return f"{who} data is counts, not values"
    if len(sample) == 0:
        return f"{who} data is empty"
    if not all(_is_number(x) and math.isfinite(x) for x in sample):
        return f"{who} data has NaN, infinite or non-numeric values"
    if min(sample) < 0:
        return f"{who} data has negative values (smallest {min(sample):g})"
    if max(sample) > MAX_MAGNITUDE:
        return f"{who} data has values beyond {MAX_MAGNITUDE:g}"
    return None


def limit_problem(window: MetricWindow) -> str | None:
    """Why the limits of ``window`` cannot be compared with anything, or ``None``.

    A NaN limit compares false with everything, so it would pass any canary; an
    infinite one is no limit at all. Neither is ever used.
    """
    for key in ("min", "max", "tolerance", "quantile", "expected_share"):
        value = getattr(window, key)
        if value is None:
            continue
        if not _is_number(value) or not math.isfinite(value):
            return f"{key} {value!r} is not a finite number"
    if window.direction not in DIRECTIONS:
        return f"direction {window.direction!r} is not one of {', '.join(DIRECTIONS)}"
    if window.tolerance is not None and window.tolerance < 0:
        return f"tolerance {window.tolerance:g} is negative"
    if not 0 < window.quantile < 1:
        return f"quantile {window.quantile:g} is not between 0 and 1"
    if window.min is not None and window.max is not None and window.min > window.max:
        return f"min {window.min:g} is above max {window.max:g}"
    if window.kind == "rate":
        for key in ("min", "max"):
            value = getattr(window, key)
            if value is not None and not 0 <= value <= 1:
                return f"{key} {value:g} is not a rate between 0 and 1"
    return None


def combine(verdicts: list[MetricVerdict], judge: str) -> Judgement:
    """FAIL if any metric fails; PASS only if every metric passes; no metric: INCONCLUSIVE."""
    if not verdicts:
        return Judgement("inconclusive", "no metrics to judge", [], judge)
    for wanted in ("fail", "inconclusive"):
        hit = [v for v in verdicts if v.verdict == wanted]
        if hit:
            return Judgement(wanted, "; ".join(f"{v.name}: {v.reason}" for v in hit), verdicts, judge)
    return Judgement("pass", "; ".join(f"{v.name}: {v.reason}" for v in verdicts), verdicts, judge)


def judge_all(judge: Judge, windows: list[MetricWindow], look: int = 1) -> Judgement:
    return combine([judge.judge_metric(w, look) for w in windows], judge.name)
