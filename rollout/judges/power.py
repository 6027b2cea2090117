"""How long a canary must run: pure power calculations, for ``release plan --rps``, the
dry run and an analysis that extends its window (``extendUntil``).

**Rates** (errors among requests): the canary requests needed for the statistical
judge's one-sided test at level ``alpha`` to detect, with probability ``power``, the
metric's stated effect: a rate ``1 + tolerance`` times the baseline's (``increase``;
``1 / (1 + tolerance)`` for ``decrease``; the larger of both, each at ``alpha / 2``,
for ``either``). The baseline gets ``(1 - share) / share`` requests for each canary
request. The closed form is the two-proportion sample size with unequal groups (Fleiss,
Levin & Paik, *Statistical Methods for Rates and Proportions*, 3rd ed.) with the
continuity correction of Fleiss, Tytun & Ury (1980); ``fisher_power`` then refines it
by the exact power of the Fisher test the judge runs, which the closed form
overestimates when the canary expects few events. With ``looks > 1`` the level is the
O'Brien-Fleming boundary of the planned last look (slightly below ``alpha``).

Worked example: baseline 1 % errors, tolerance 1.0 (detect a 2x error rate), canary
weight 5 %, alpha 0.008, power 0.8: the closed form says 1,483 canary requests, which
give Fisher's test 76 % power; 1,615 give 80 % (30,685 baseline). At 40 requests per
second the canary gets 2 per second: about 13.5 minutes.

**Distributions** (latencies): a documented approximation. Noether's (1987) sample
size for the Mann-Whitney test, ``N = (z_a + z_b)^2 / (12 c (1 - c) (P - 1/2)^2)`` for
``N`` values in all, a fraction ``c`` of them from the canary, where ``P`` is the chance
a canary value exceeds a baseline value. It assumes the canary is the baseline scaled by
``1 + tolerance`` and log-normal-like values with log-spread ``sigma`` (``log_spread``
estimates it from baseline values), so ``P = Phi(ln(1 + tolerance) / (sigma sqrt 2))``.
Zero-inflated data is not modelled. The judge fails a distribution only when its mean
is also beyond the tolerance, so a shift of exactly the tolerance fails at most half
the time: plan for the shift you want caught (say twice the tolerance). Planned at the
tolerance, the figure is the number of values that shows a canary as good as its
baseline to be within the tolerance (the same power calculation, mirrored).

Every function raises ``ValueError`` on arguments it cannot plan with (a zero baseline
rate has no relative effect to detect).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .base import Direction, worse_sides
from .fisher_power import fisher_samples
from .lazy import np, stats
from .sequential import nominal_alpha

DEFAULT_POWER = 0.8


@dataclass(frozen=True)
class DurationPlan:
    """How many samples a metric needs and how long that takes at a request rate."""

    canary_samples: int
    baseline_samples: int
    minutes: float | None  # None when no request rate was given
    alpha: float  # the level of the test planned for (per side, at the last look)
    power: float

    def as_dict(self) -> dict[str, object]:
        return {"canary_samples": self.canary_samples, "baseline_samples": self.baseline_samples,
                "minutes": self.minutes, "alpha": self.alpha, "power": self.power}


def _check(name: str, value: float, low: float, high: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and low < value < high):
        raise ValueError(f"{name}: {value!r} must be a number between {low:g} and {high:g} (exclusive)")


def _level(alpha: float, direction: Direction, looks: int) -> float:
    _check("alpha", alpha, 0, 0.5)
    if looks < 1:
        raise ValueError(f"looks: {looks!r} must be at least 1")
    return nominal_alpha(alpha / len(worse_sides(direction)), looks, looks)


def _rate_samples(p1: float, p2: float, k: float, level: float, power: float, corrected: bool = True) -> float:
    """Canary samples for a one-sided two-proportion test (canary ``p2``, baseline ``p1``,
    ``k`` baseline per canary), with the continuity correction unless ``corrected`` is false."""
    z_a, z_b = float(stats.norm.isf(level)), float(stats.norm.ppf(power))
    pbar = (p2 + k * p1) / (1 + k)
    d = abs(p2 - p1)
    n = (z_a * math.sqrt(pbar * (1 - pbar) * (1 + 1 / k)) + z_b * math.sqrt(p2 * (1 - p2) + p1 * (1 - p1) / k)) ** 2
    n /= d**2
    if not corrected:
        return n
    return n / 4 * (1 + math.sqrt(1 + 2 * (k + 1) / (k * n * d))) ** 2  # continuity correction


def required_samples(baseline_rate: float, tolerance: float, share: float, alpha: float = 0.008,
                     power: float = DEFAULT_POWER, direction: Direction = "increase", looks: int = 1,
                     exact: bool = True) -> int:
    """Canary requests needed to detect a rate ``1 + tolerance`` times (or ``1 / (1 + tolerance)``
    times) the baseline's, at the canary's traffic ``share`` (weight / 100).

    ``exact`` refines the closed form by the exact power of Fisher's test
    (``fisher_power``); without it, the closed form alone (fast, slightly optimistic
    when the canary expects few events)."""
    _check("baseline_rate", baseline_rate, 0, 1)
    _check("tolerance", tolerance, 0, math.inf)
    _check("share", share, 0, 1)
    _check("power", power, 0, 1)
    level = _level(alpha, direction, looks)
    k = (1 - share) / share
    needed = 0.0
    for side in worse_sides(direction):
        p2 = baseline_rate * (1 + tolerance) if side == "higher" else baseline_rate / (1 + tolerance)
        if p2 >= 1:
            raise ValueError(f"a rate {1 + tolerance:g} times {baseline_rate:g} is above 1: lower the tolerance")
        approximate = _rate_samples(baseline_rate, p2, k, level, power)
        if exact:
            approximate = fisher_samples(baseline_rate, p2, k, level, power, side, approximate)
        needed = max(needed, approximate)
    return math.ceil(needed)


def log_spread(values: Sequence[float]) -> float:
    """A robust log-spread (sigma) of positive ``values``: the interquartile range of their
    logarithms over 1.349 (the normal's), zeros left out."""
    logs = np.log(np.asarray([v for v in values if v > 0], dtype=float))
    if logs.size < 4:
        raise ValueError("log_spread: at least 4 positive values are needed")
    q1, q3 = np.quantile(logs, [0.25, 0.75])
    sigma = float((q3 - q1) / 1.349)
    if sigma <= 0:
        raise ValueError("log_spread: the values do not vary")
    return sigma


def required_values(tolerance: float, sigma: float, canary_fraction: float = 0.5, alpha: float = 0.008,
                    power: float = DEFAULT_POWER, direction: Direction = "increase", looks: int = 1) -> int:
    """Canary values needed for the Mann-Whitney test to see a shift by a factor ``1 + tolerance``
    (Noether's approximation; ``canary_fraction`` of all values come from the canary)."""
    _check("tolerance", tolerance, 0, math.inf)
    _check("sigma", sigma, 0, math.inf)
    _check("canary_fraction", canary_fraction, 0, 1)
    _check("power", power, 0, 1)
    level = _level(alpha, direction, looks)
    z = float(stats.norm.isf(level)) + float(stats.norm.ppf(power))
    p = float(stats.norm.cdf(math.log1p(tolerance) / (sigma * math.sqrt(2))))
    total = z**2 / (12 * canary_fraction * (1 - canary_fraction) * (p - 0.5) ** 2)
    return math.ceil(total * canary_fraction)


def minutes_needed(canary_samples: int, rps: float, share: float) -> float:
    """Minutes for the canary to get ``canary_samples`` requests at ``rps`` in all and ``share`` of it."""
    _check("rps", rps, 0, math.inf)
    _check("share", share, 0, 1)
    return canary_samples / (rps * share) / 60


def plan_rate(baseline_rate: float, tolerance: float, share: float, rps: float | None = None,
              alpha: float = 0.008, power: float = DEFAULT_POWER, direction: Direction = "increase",
              looks: int = 1, min_samples: int = 1) -> DurationPlan:
    """``required_samples`` (at least ``min_samples``), the baseline's part and the minutes at ``rps``."""
    canary = max(required_samples(baseline_rate, tolerance, share, alpha, power, direction, looks), min_samples)
    baseline = max(math.ceil(canary * (1 - share) / share), min_samples)
    minutes = None
    if rps is not None:  # until both sides have their samples
        minutes = max(minutes_needed(canary, rps, share), minutes_needed(baseline, rps, 1 - share))
    return DurationPlan(canary, baseline, minutes, _level(alpha, direction, looks), power)


def plan_distribution(tolerance: float, sigma: float, share: float, rps: float | None = None,
                      alpha: float = 0.008, power: float = DEFAULT_POWER, direction: Direction = "increase",
                      looks: int = 1, min_samples: int = 1, values_per_minute: float | None = None) -> DurationPlan:
    """``required_values`` when every request gives a value (the canary a ``share`` of them),
    or at most ``values_per_minute`` per color (a provider's cap) when given: then each
    color gives the smaller of its requests and the cap a minute (the same number for
    both, without ``rps``)."""
    fraction = share
    canary_rate = baseline_rate = None  # values a minute
    if rps is not None:
        _check("rps", rps, 0, math.inf)
        canary_rate, baseline_rate = rps * share * 60, rps * (1 - share) * 60
    if values_per_minute is not None:
        _check("values_per_minute", values_per_minute, 0, math.inf)
        if canary_rate is None or baseline_rate is None:
            canary_rate = baseline_rate = values_per_minute
        canary_rate, baseline_rate = min(canary_rate, values_per_minute), min(baseline_rate, values_per_minute)
        fraction = canary_rate / (canary_rate + baseline_rate)
    canary = max(required_values(tolerance, sigma, fraction, alpha, power, direction, looks), min_samples)
    baseline = max(math.ceil(canary * (1 - fraction) / fraction), min_samples)
    minutes = None
    if rps is not None and canary_rate and baseline_rate:
        minutes = max(canary / canary_rate, baseline / baseline_rate)
    return DurationPlan(canary, baseline, minutes, _level(alpha, direction, looks), power)


def first_deciding_look(needed: Callable[[float], int], samples_at: Callable[[int], float], alpha: float,
                        looks: int) -> int | None:
    """The first of ``looks`` looks (1-based) at which the canary's samples ``samples_at(k)``
    reach ``needed(level)``, the samples a single test at that look's O'Brien-Fleming level
    needs; ``None`` when even the last look does not. The chances of the earlier looks
    are left out, so the answer errs late by at most a look or two.

    Worked example: 1 % errors, a 2x canary at 5 % of 100 rps (5 requests a second, 300 a
    look), 10 looks a minute apart, alpha 0.008: look 1 tests at 1e-15 and needs about
    10,800 canary requests; look 6 tests at 0.0006, needs 2,465 and has 1,800; look 7 has
    2,100 of 2,199; look 8 has 2,400 of 1,996: it decides.
    """
    _check("alpha", alpha, 0, 0.5)
    for look in range(1, looks + 1):
        if samples_at(look) >= needed(nominal_alpha(alpha, look, looks)):
            return look
    return None
