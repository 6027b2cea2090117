"""Judges: baseline and canary samples in, PASS, FAIL or INCONCLUSIVE out, with numbers.

``Judge`` is the protocol; ``threshold`` and ``statistical`` are the implementations,
built by ``get_judge``. Missing, empty or NaN data is never PASS: ``sample_problem``
turns it into INCONCLUSIVE with the reason, before any judge looks at the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .errors import UnknownNameError

Verdict = Literal["pass", "fail", "inconclusive"]
Kind = Literal["rate", "distribution"]
EXIT_CODES: dict[str, int] = {"pass": 0, "fail": 2, "inconclusive": 3}


@dataclass(frozen=True)
class Counts:
    """Events (errors) among a total (requests) over a window."""

    total: float
    events: float


Sample = Counts | Sequence[float] | None


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


def sample_problem(kind: Kind, sample: Sample, who: str) -> str | None:
    """Why ``sample`` cannot be judged (missing, empty, NaN, inconsistent), or ``None``."""
    if sample is None:
        return f"no {who} data"
    if kind == "rate":
        if not isinstance(sample, Counts):
            return f"{who} data is not counts"
        if any(not math.isfinite(x) for x in (sample.total, sample.events)):
            return f"{who} counts are NaN or infinite"
        if sample.total < 0 or sample.events < 0 or sample.events > sample.total:
            return f"{who} counts are inconsistent (events {sample.events:g} of total {sample.total:g})"
        return None
    if isinstance(sample, Counts):
        return f"{who} data is counts, not values"
    if len(sample) == 0:
        return f"{who} data is empty"
    if any(not isinstance(x, (int, float)) or not math.isfinite(x) for x in sample):
        return f"{who} data has NaN or non-numeric values"
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


JUDGES = ("threshold", "statistical")


def get_judge(name: str, min_samples: int = 100, alpha: float = 0.008, looks: int = 1) -> Judge:
    if name == "threshold":
        from .threshold import ThresholdJudge

        return ThresholdJudge(min_samples=min_samples)
    if name == "statistical":
        from .statistical import StatisticalJudge

        return StatisticalJudge(min_samples=min_samples, alpha=alpha, looks=looks)
    raise UnknownNameError("judge", name, JUDGES)
