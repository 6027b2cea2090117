"""Is the canary getting the traffic its weight asks for? A pure check of the delivered
share (issue: router weights are not always the traffic delivered; Gateway API weights
stuck at 1:1, 99:1 delivered as about 50:50).

``check_share(baseline_total, canary_total, weight)`` compares the canary's observed
share of the requests with ``weight / 100``. A difference beyond ``tolerance`` (default
3 points absolute) is a ``mismatch``. It is only judged once the total is large enough
that each side is *expected*, at that weight, to have ``min_requests`` (100) requests
and sampling noise alone stays within the tolerance 99.9 % of the time; before that
the status is ``not-enough-data``. Waiting for each side's *observed* count instead
would never judge a canary whose traffic collapsed to nothing.

Worked example: weight 10 %, 9,000 baseline and 1,000 canary requests: observed 10.0 %,
within 3 points: ``ok``. 5,000 and 5,000: observed 50 %, 40 points off: ``mismatch``.
At weight 50 % the check waits for 3,008 requests (noise at 50 % is largest).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

from .lazy import stats

ShareStatus = Literal["ok", "mismatch", "not-enough-data"]

TOLERANCE = 0.03
MIN_REQUESTS = 100
NOISE_QUANTILE = 0.9995  # two-sided 99.9 %


@dataclass(frozen=True)
class ShareCheck:
    """The numbers behind one traffic-share check, for a report."""

    status: ShareStatus
    weight: float  # percent asked for
    expected_share: float
    observed_share: float | None
    delta_points: float | None  # observed - expected, in percentage points
    tolerance_points: float
    baseline_total: int
    canary_total: int
    needed_total: int

    @property
    def mismatch(self) -> bool:
        return self.status == "mismatch"

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "weight": self.weight, "expected_share": self.expected_share,
                "observed_share": self.observed_share, "delta_points": self.delta_points,
                "tolerance_points": self.tolerance_points, "baseline_total": self.baseline_total,
                "canary_total": self.canary_total, "needed_total": self.needed_total}

    def describe(self) -> str:
        if self.observed_share is None or self.status == "not-enough-data":
            return (f"weight {self.weight:g}%: {self.baseline_total + self.canary_total} of the "
                    f"{self.needed_total} requests needed to check the delivered share")
        return (f"weight {self.weight:g}%: canary got {self.observed_share:.1%} of "
                f"{self.baseline_total + self.canary_total} requests ({self.delta_points:+.1f} points, "
                f"tolerance ±{self.tolerance_points:g}): {self.status}")


def _real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def needed_total(expected: float, tolerance: float = TOLERANCE, min_requests: int = MIN_REQUESTS) -> int:
    """Requests in all before the share at ``expected`` (0..1) is judged."""
    if expected in (0.0, 1.0):
        return min_requests  # nothing should reach the other side: any traffic there is noise-free evidence
    z = float(stats.norm.ppf(NOISE_QUANTILE))
    precision = (z * math.sqrt(expected * (1 - expected)) / tolerance) ** 2
    return math.ceil(max(precision, min_requests / expected, min_requests / (1 - expected)))


def check_share(baseline_total: float, canary_total: float, weight: float, tolerance: float = TOLERANCE,
                min_requests: int = MIN_REQUESTS) -> ShareCheck:
    """Whether the canary's delivered share is within ``tolerance`` of ``weight`` percent."""
    for name, value in (("baseline_total", baseline_total), ("canary_total", canary_total)):
        if not (_real(value) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name}: {value!r} is not a count")
    if not (_real(weight) and 0 <= weight <= 100):
        raise ValueError(f"weight: {weight!r} is not a percentage")
    if not (_real(tolerance) and 0 < tolerance < 1):
        raise ValueError(f"tolerance: {tolerance!r} must be between 0 and 1 (0.03 = 3 points)")
    if isinstance(min_requests, bool) or not isinstance(min_requests, int) or min_requests < 1:
        raise ValueError(f"min_requests: {min_requests!r} is not a positive integer")
    base, can = int(round(baseline_total)), int(round(canary_total))
    expected = weight / 100
    total = base + can
    needed = needed_total(expected, tolerance, min_requests)
    observed = can / total if total else None
    delta = None if observed is None else (observed - expected) * 100
    if observed is None or delta is None or total < needed:
        status: ShareStatus = "not-enough-data"
    else:
        status = "mismatch" if abs(delta) > tolerance * 100 else "ok"
    return ShareCheck(status, float(weight), expected, observed, delta, tolerance * 100, base, can, needed)
