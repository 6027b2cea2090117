"""Verified traffic: does the canary get the share of requests its weight asks for?

A router's weight is not always the traffic delivered (Gateway API weights stuck at
1:1; 99:1 delivered as about 50:50). At each look of an analysis, the canary's observed
share of requests, from the provider's request totals of both colors, is compared with
its weight by ``judges.traffic.check_share`` (default: 3 points either way, once each
side is expected to have 100 requests).

Where the totals come from: the rate metrics' totals (the requests of a rate metric
are its ``total``; the one with the most requests is used), else the provider's own
``totals(window)`` when it has one (the synthetic provider; Prometheus with
``requestsQuery``). No totals: the look is not checked (``not-enough-data``).

What a mismatch does (``held`` and ``over_limit``, used by the state machine): the look
holds the step (it never counts as a success, whatever the metrics say) and is logged
as ``traffic-mismatch``; after ``trafficMismatchLimit`` such looks in a step, the
release aborts with that reason. ``verifyTraffic: false`` turns the check off.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .judge import Counts
from .judges.traffic import ShareCheck, check_share
from .providers.base import Measurement, MetricsProvider, Window
from .record import Counters, VerdictEntry
from .settings import AnalysisSettings

__all__ = ["MISMATCH", "check", "held", "mismatch", "over_limit", "reason", "totals_of"]

MISMATCH = "traffic-mismatch"


def _counts(value: Any) -> float | None:
    if isinstance(value, Counts) and isinstance(value.total, (int, float)) and math.isfinite(value.total) \
            and value.total >= 0:
        return float(value.total)
    return None


def totals_of(measurements: Sequence[Measurement], provider: MetricsProvider,
              window: Window) -> tuple[float, float] | None:
    """Baseline and canary request totals over ``window`` (``None``: unknown)."""
    best: tuple[float, float] | None = None
    for m in measurements:
        base, can = _counts(m.baseline), _counts(m.canary)
        if base is not None and can is not None and (best is None or base + can > sum(best)):
            best = (base, can)
    if best is not None:
        return best
    own = getattr(provider, "totals", None)
    if callable(own):
        found = own(window)
        if found is not None:
            base, can = (float(v) for v in found)
            if all(math.isfinite(v) and v >= 0 for v in (base, can)):
                return base, can
    return None


def check(totals: tuple[float, float] | None, weight: int, settings: AnalysisSettings) -> ShareCheck | None:
    """The delivered-share check of one look (``None``: turned off or no totals)."""
    if not settings.verify_traffic or totals is None:
        return None
    return check_share(totals[0], totals[1], weight, settings.traffic_tolerance, settings.traffic_min_requests)


def reason(found: ShareCheck) -> str:
    """``traffic-mismatch: weight 10%: canary got 50.2% of 120000 requests (+40.2 points, tolerance ±3)``."""
    return f"{MISMATCH}: {found.describe()}"


def mismatch(entry: VerdictEntry) -> bool:
    return (entry.traffic or {}).get("status") == "mismatch"


def held(counters: Counters, entry: VerdictEntry) -> Counters:
    """``counters`` after the look ``entry`` (already tallied): a mismatched look holds
    the step (no success counted) and is counted as a mismatch."""
    if not mismatch(entry):
        return counters
    return counters.model_copy(update={"successes_in_row": 0,
                                       "traffic_mismatches": counters.traffic_mismatches + 1})


def over_limit(counters: Counters, settings: AnalysisSettings) -> str | None:
    """Why the step aborts for its traffic (``None``: it does not)."""
    if counters.traffic_mismatches >= settings.traffic_mismatch_limit:
        return (f"{MISMATCH}: the canary's share of requests was not its weight in {counters.traffic_mismatches} "
                f"look(s), limit {settings.traffic_mismatch_limit}")
    return None
