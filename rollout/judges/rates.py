"""The statistical judge on a rate metric: events (errors, orders) among requests, the
canary against the baseline over the same window.

In order, for each side the metric's ``direction`` says is worse (``higher`` for
``increase``, ``lower`` for ``decrease``, both for ``either`` with alpha split):

1. FAIL when the canary's rate is worse than the baseline's: Fisher's exact test,
   one-sided (exact, so sound at small counts; its normal approximation beyond a
   million events, where the exact sum takes seconds and the two agree).
2. FAIL when the canary's rate is significantly above ``max`` or below ``min``
   (exact binomial tests): limits are absolute, whatever the direction.
3. PASS when every worse side is cleared: by its limit (the canary's Clopper-Pearson
   bound within ``max`` / ``min``), or by evidence the canary is not worse than the
   baseline by more than ``tolerance`` (default 50 %): the exact conditional binomial
   test of the rate ratio against ``1 + tolerance`` (``1 / (1 + tolerance)`` below).
   No events on either side clears ``higher`` (nothing went wrong) but not ``lower``
   (a drop cannot be seen in nothing).
4. Otherwise INCONCLUSIVE, with the p-values.

Worked example (direction ``increase``, tolerance 50 %): baseline 570 errors in 57,000
requests (1 %), canary 60 in 3,000 (2 %): Fisher p about 2e-6, FAIL. Canary 28 in 3,000:
28 of the 598 errors fell on the canary, fewer than its 5 % of the requests times 1.5
would give if it were worse by 50 %: binomial p about 0.006 < 0.05, PASS.
"""

from __future__ import annotations

import math

from .base import Counts, JudgeSettings, MetricVerdict, MetricWindow, Side, worse_sides
from .lazy import stats
from .power import DEFAULT_POWER, required_samples
from .sequential import nominal_alpha

PASS_ALPHA = 0.05
RATE_TOLERANCE = 0.5
COLLAPSE_TOLERANCE = 0.5  # a canary with less than half the traffic its weight implies
EXACT_EVENTS = 1_000_000

_ALTERNATIVE: dict[Side, str] = {"higher": "greater", "lower": "less"}


def judge_rate(w: MetricWindow, base: Counts, can: Counts, settings: JudgeSettings, look: int) -> MetricVerdict:
    bn, be, cn, ce = (int(round(x)) for x in (base.total, base.events, can.total, can.events))
    tol = RATE_TOLERANCE if w.tolerance is None else w.tolerance
    sides = worse_sides(w.direction)
    level = nominal_alpha(settings.alpha, look, settings.looks)
    side_level = nominal_alpha(settings.alpha / len(sides), look, settings.looks)
    numbers: dict[str, object] = {
        "baseline_total": bn, "baseline_events": be, "canary_total": cn, "canary_events": ce,
        "baseline_rate": be / bn if bn else None, "canary_rate": ce / cn if cn else None,
        "direction": w.direction, "alpha": side_level, "tolerance": tol, "min_samples": settings.min_samples,
        "min": w.min, "max": w.max,
    }
    collapsed = _collapsed(w, bn, cn, level, settings.min_samples, numbers)
    if collapsed is not None:
        return collapsed
    small = min(bn, cn)
    if small < settings.min_samples:
        who = "canary" if cn <= bn else "baseline"
        return MetricVerdict(w.name, "inconclusive", f"{small} {who} requests, fewer than the minimum "
                             f"{settings.min_samples}{_needed(w, (be, bn, cn), tol, settings, numbers)}", numbers)
    ratio = (ce / cn) / (be / bn) if be else (float("inf") if ce else 1.0)
    numbers["ratio"] = ratio
    p_side = {side: fisher_p(ce, cn, be, bn, side) for side in sides}
    numbers.update({f"p_{side}": p for side, p in p_side.items()})
    numbers["p_worse"] = min(p_side.values())
    for side, p in p_side.items():
        if p < side_level:
            return MetricVerdict(w.name, "fail", f"canary rate {ce}/{cn} worse than baseline {be}/{bn} "
                                 f"({side}: x{ratio:.2f}, Fisher p={p:.2g} < {side_level:.2g})", numbers)
    beyond = _beyond_limits(w, ce, cn, level, numbers)
    if beyond is not None:
        return beyond
    interval = stats.binomtest(ce, cn).proportion_ci(1 - 2 * PASS_ALPHA, "exact")
    bounds: dict[Side, float] = {"lower": float(interval.low), "higher": float(interval.high)}
    numbers.update(canary_lower=bounds["lower"], canary_upper=bounds["higher"])
    cleared: list[str] = []
    p_not: dict[Side, float] = {}
    for side in sides:
        reason, p_clear = _cleared(w, side, bounds[side], (ce, cn, be, bn), tol)
        if reason:
            cleared.append(reason)
        if p_clear is not None:
            p_not[side] = p_clear
    numbers.update({f"p_not_{side}": p for side, p in p_not.items()})
    numbers["p_not_worse"] = max(p_not.values(), default=None)
    if len(cleared) == len(sides):
        return MetricVerdict(w.name, "pass", f"canary rate {ce}/{cn} vs baseline {be}/{bn}: " + "; ".join(cleared),
                             numbers)
    if ce + be == 0:
        return MetricVerdict(w.name, "inconclusive", f"no events in {cn} canary and {bn} baseline requests: "
                             "a drop cannot be seen in nothing", numbers)
    return MetricVerdict(w.name, "inconclusive", f"canary rate {ce}/{cn} vs baseline {be}/{bn}: not enough "
                         f"evidence either way (p_worse={min(p_side.values()):.2g}, "
                         f"p_not_worse={max(p_not.values(), default=1.0):.2g})"
                         f"{_needed(w, (be, bn, cn), tol, settings, numbers)}", numbers)


def _needed(w: MetricWindow, counts: tuple[int, int, int], tol: float, settings: JudgeSettings,
            numbers: dict[str, object]) -> str:
    """How many canary requests would decide (``power.required_samples`` at the observed
    baseline rate and traffic share), as a clause for the reason; empty when it cannot be told."""
    be, bn, cn = counts
    try:
        needed = required_samples(be / bn, tol, cn / (cn + bn), settings.alpha, direction=w.direction,
                                  looks=settings.looks, exact=False)
    except (ValueError, ZeroDivisionError):
        return ""
    needed = max(needed, settings.min_samples)
    numbers["canary_samples_needed"] = needed
    if needed <= cn:
        return f"; {cn} canary requests are enough to detect the tolerated change: the difference is close to it"
    change = {"increase": f"x{1 + tol:g}", "decrease": f"x1/{1 + tol:g}", "either": f"x{1 + tol:g} or x1/{1 + tol:g}"}
    return (f"; about {needed} canary requests are needed to decide (to detect a rate {change[w.direction]} the "
            f"baseline's at {DEFAULT_POWER:.0%} power)")


def fisher_p(ce: int, cn: int, be: int, bn: int, side: Side) -> float:
    """One-sided p-value of Fisher's exact test that the canary's rate is ``side`` (higher or
    lower) than the baseline's. Beyond ``EXACT_EVENTS`` events and non-events the exact sum
    is slow (seconds at 1e10 events) and its normal approximation, with the continuity
    correction, agrees with it to many digits: that is used instead."""
    total, events = cn + bn, ce + be
    if min(events, total - events) <= EXACT_EVENTS:
        return float(stats.fisher_exact([[ce, cn - ce], [be, bn - be]], alternative=_ALTERNATIVE[side]).pvalue)
    mean = events * cn / total
    sd = math.sqrt(events * (total - events) * cn * bn / (total**2 * (total - 1)))
    if side == "higher":
        return float(stats.norm.sf((ce - 0.5 - mean) / sd))
    return float(stats.norm.cdf((ce + 0.5 - mean) / sd))


def _beyond_limits(w: MetricWindow, ce: int, cn: int, level: float, numbers: dict[str, object]) -> MetricVerdict | None:
    """FAIL when the canary's rate is significantly above ``max`` or below ``min``."""
    if w.max is not None:
        p_above = float(stats.binomtest(ce, cn, w.max, alternative="greater").pvalue)
        numbers["p_above_max"] = p_above
        if p_above < level:
            return MetricVerdict(w.name, "fail", f"canary rate {ce / cn:.4g} above max {w.max:g} "
                                 f"(binomial p={p_above:.2g})", numbers)
    if w.min is not None:
        p_below = float(stats.binomtest(ce, cn, w.min, alternative="less").pvalue)
        numbers["p_below_min"] = p_below
        if p_below < level:
            return MetricVerdict(w.name, "fail", f"canary rate {ce / cn:.4g} below min {w.min:g} "
                                 f"(binomial p={p_below:.2g})", numbers)
    return None


def _cleared(w: MetricWindow, side: Side, bound: float, counts: tuple[int, int, int, int],
             tol: float) -> tuple[str | None, float | None]:
    """Why the canary is not worse on ``side`` (or ``None``: no evidence), and the p-value
    of the non-inferiority test (``None`` when the limit alone clears the side).

    ``bound`` is the canary rate's Clopper-Pearson bound on that side; ``counts`` are
    canary events and total, baseline events and total.
    """
    ce, cn, be, bn = counts
    limit = w.max if side == "higher" else w.min
    if limit is not None and (bound <= limit if side == "higher" else bound >= limit):
        word = "max" if side == "higher" else "min"
        return f"its {'upper' if side == 'higher' else 'lower'} bound {bound:.4g} is within {word} {limit:g}", None
    events = ce + be
    if events == 0:
        return ("no events on either side", None) if side == "higher" else (None, None)
    factor = 1 + tol if side == "higher" else 1 / (1 + tol)
    share = cn * factor / (cn * factor + bn)  # the canary's share of the events at the tolerated ratio
    p = float(stats.binom.cdf(ce, events, share) if side == "higher" else stats.binom.sf(ce - 1, events, share))
    return (f"not {side} by more than {tol:.0%} (p={p:.2g})" if p < PASS_ALPHA else None), p


def _collapsed(w: MetricWindow, bn: int, cn: int, level: float, min_samples: int,
               numbers: dict[str, object]) -> MetricVerdict | None:
    """A canary that gets far less traffic than its weight (a sample ratio mismatch)."""
    share = w.expected_share
    if share is None or not 0 < share < 1 or bn + cn < min_samples:
        return None
    p_short = float(stats.binomtest(cn, bn + cn, share, alternative="less").pvalue)
    observed = cn / (bn + cn)
    numbers.update(expected_share=share, canary_share=observed, p_traffic=p_short)
    if p_short < level and observed < share * (1 - COLLAPSE_TOLERANCE):
        return MetricVerdict(w.name, "fail", f"canary traffic collapsed: {observed:.2%} of the requests at "
                             f"weight {share:.0%} (binomial p={p_short:.2g})", numbers)
    return None
