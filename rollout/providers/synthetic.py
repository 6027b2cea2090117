"""A synthetic provider for demos, dry runs and benchmarks: seeded simulated traffic.

Requests arrive as a Poisson process split by the canary weight; each fails with a
Bernoulli probability; latencies are lognormal. Settings (all optional): ``seed`` (0),
``rps`` (100), ``baselineErrorRate`` (0.01), ``canaryErrorRate`` (same as baseline),
``latencyMedian`` ms (100), ``latencySigma`` (0.5), ``canaryLatencyFactor`` (1.0),
``canaryTrafficFactor`` (1.0; below 1 the canary's traffic collapses), ``deliveredShare``
(unset; a fraction 0..1: the canary gets this share of the requests WHATEVER its weight,
a router that does not deliver what it is asked), ``maxValues`` per color for
distributions (5000). ``totals`` gives the request totals of both colors (the traffic
check's source when no rate metric is measured). A ``rolling`` window
(``Window.before_after``) gives each version all the traffic of its own window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...lazy import later
from ...spec.release import Metric
from ..judge import Counts
from .base import Measurement, ProviderContext, Window

if TYPE_CHECKING:
    import numpy as np
else:
    np = later("numpy")  # heavy: imported when first used

__all__ = ["SyntheticProvider", "Traffic", "errors", "latencies", "requests"]


@dataclass(frozen=True)
class Traffic:
    rps: float = 100.0
    baseline_error_rate: float = 0.01
    canary_error_rate: float = 0.01
    latency_median: float = 100.0
    latency_sigma: float = 0.5
    canary_latency_factor: float = 1.0
    canary_traffic_factor: float = 1.0
    max_values: int = 5000
    delivered_share: float | None = None

    @classmethod
    def from_settings(cls, s: Mapping[str, Any]) -> Traffic:
        base = float(s.get("baselineErrorRate", 0.01))
        return cls(rps=float(s.get("rps", 100)), baseline_error_rate=base,
                   canary_error_rate=float(s.get("canaryErrorRate", base)),
                   latency_median=float(s.get("latencyMedian", 100)), latency_sigma=float(s.get("latencySigma", 0.5)),
                   canary_latency_factor=float(s.get("canaryLatencyFactor", 1.0)),
                   canary_traffic_factor=float(s.get("canaryTrafficFactor", 1.0)),
                   max_values=int(s.get("maxValues", 5000)), delivered_share=_share(s.get("deliveredShare")))


def _share(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"synthetic provider: deliveredShare {value!r} is not a fraction between 0 and 1")
    return float(value)


def requests(rng: np.random.Generator, t: Traffic, weight: int, seconds: float) -> tuple[int, int]:
    """Baseline and canary request counts over ``seconds`` at canary ``weight`` percent
    (or at the ``delivered_share`` the router delivers instead)."""
    share = weight / 100 if t.delivered_share is None else t.delivered_share
    canary = rng.poisson(t.rps * share * seconds * t.canary_traffic_factor)
    baseline = rng.poisson(t.rps * (1 - share) * seconds)
    return int(baseline), int(canary)


def errors(rng: np.random.Generator, n: int, rate: float) -> int:
    return int(rng.binomial(n, min(max(rate, 0.0), 1.0))) if n else 0


def latencies(rng: np.random.Generator, t: Traffic, n: int, canary: bool) -> np.ndarray:
    """At most ``max_values`` lognormal latencies (ms) of ``n`` requests."""
    size = min(n, t.max_values)
    factor = t.canary_latency_factor if canary else 1.0
    return rng.lognormal(np.log(t.latency_median * factor), t.latency_sigma, size)


class SyntheticProvider:
    name = "synthetic"

    def __init__(self, context: ProviderContext) -> None:
        settings = context.settings
        self.seed = int(settings.get("seed", 0))
        self.traffic = Traffic.from_settings(settings)

    @staticmethod
    def problems(metrics: Sequence[Metric]) -> list[str]:
        return []

    def _rng(self, metric: Metric, window: Window) -> np.random.Generator:
        key = f"{self.seed}:{metric.name}:{window.start:.3f}:{window.end:.3f}".encode()
        return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))

    def totals(self, window: Window) -> tuple[int, int]:
        """Baseline and canary requests over ``window``."""
        key = f"{self.seed}:__requests__:{window.start:.3f}:{window.end:.3f}".encode()
        rng = np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))
        return requests(rng, self.traffic, window.canary_weight, window.seconds)

    def measure(self, metric: Metric, window: Window) -> Measurement:
        rng = self._rng(metric, window)
        t = self.traffic
        nb, nc = requests(rng, t, window.canary_weight, window.seconds)
        if window.before_after:  # rolling: each version had all the traffic of its own window
            start, end = window.span("baseline")
            nb = int(rng.poisson(t.rps * max(0.0, end - start)))
            nc = int(rng.poisson(t.rps * window.seconds * t.canary_traffic_factor))
        if metric.kind == "rate":
            return Measurement(baseline=Counts(nb, errors(rng, nb, t.baseline_error_rate)),
                               canary=Counts(nc, errors(rng, nc, t.canary_error_rate)))
        return Measurement(baseline=latencies(rng, t, nb, False).tolist() or None,
                           canary=latencies(rng, t, nc, True).tolist() or None)
