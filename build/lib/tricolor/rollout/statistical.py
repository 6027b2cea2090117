"""The statistical judge: the canary against the baseline (the stable color) over the
same window.

- Rates (errors among requests): Fisher's exact test, one-sided, FAILs a canary that is
  worse at level ``alpha`` (exact, so sound at small counts); a canary PASSes only with
  evidence it is not worse than the baseline by more than ``tolerance`` (relative,
  default 50 %): the exact conditional binomial test of the rate ratio, or its
  Clopper-Pearson upper bound below the metric's ``max``.
- Distributions (latencies): Mann-Whitney U, one-sided. FAIL when the canary is
  stochastically larger at level ``alpha`` and its median shifted by more than
  ``tolerance`` (default 10 %); PASS when it is stochastically smaller than the baseline
  inflated by the tolerance (a non-inferiority test).
- Traffic: when the window says which share of the requests the canary should get (its
  weight), a canary getting less than half of it, significantly, FAILs (its traffic
  collapsed: a sample ratio mismatch).
- Below ``min_samples`` on either side the verdict is INCONCLUSIVE, never PASS.

``alpha`` (default 0.8 %) is the chance of failing a canary as good as its baseline over
all the ``looks`` an analysis step plans (default 1: a single test); the level of each
look follows the O'Brien-Fleming boundary (``rollout.sequential``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .judge import Counts, MetricVerdict, MetricWindow, sample_problem
from .sequential import nominal_alpha

PASS_ALPHA = 0.05
RATE_TOLERANCE = 0.5
DISTRIBUTION_TOLERANCE = 0.1
COLLAPSE_TOLERANCE = 0.5  # a canary with less than half the traffic its weight implies


class StatisticalJudge:
    name = "statistical"

    def __init__(self, min_samples: int = 100, alpha: float = 0.008, looks: int = 1) -> None:
        self.min_samples = min_samples
        self.alpha = alpha
        self.looks = looks

    def judge_metric(self, window: MetricWindow, look: int = 1) -> MetricVerdict:
        level = nominal_alpha(self.alpha, look, self.looks)
        for who, sample in (("canary", window.canary), ("baseline", window.baseline)):
            problem = sample_problem(window.kind, sample, who)
            if problem:
                return MetricVerdict(window.name, "inconclusive", problem)
        if window.kind == "rate":
            assert isinstance(window.canary, Counts) and isinstance(window.baseline, Counts)
            return self._rate(window, window.baseline, window.canary, level)
        return self._distribution(window, np.asarray(window.baseline, float), np.asarray(window.canary, float), level)

    def _rate(self, w: MetricWindow, base: Counts, can: Counts, level: float) -> MetricVerdict:
        bn, be, cn, ce = (int(round(x)) for x in (base.total, base.events, can.total, can.events))
        tol = RATE_TOLERANCE if w.tolerance is None else w.tolerance
        numbers: dict[str, object] = {
            "baseline_total": bn, "baseline_events": be, "canary_total": cn, "canary_events": ce,
            "baseline_rate": be / bn if bn else None, "canary_rate": ce / cn if cn else None,
            "alpha": level, "tolerance": tol, "min_samples": self.min_samples, "max": w.max,
        }
        collapsed = self._collapsed(w, bn, cn, level, numbers)
        if collapsed is not None:
            return collapsed
        small = min(bn, cn)
        if small < self.min_samples:
            who = "canary" if cn <= bn else "baseline"
            return MetricVerdict(w.name, "inconclusive",
                                 f"{small} {who} requests, fewer than the minimum {self.min_samples}", numbers)
        p_worse = float(stats.fisher_exact([[ce, cn - ce], [be, bn - be]], alternative="greater").pvalue)
        numbers["p_worse"] = p_worse
        ratio = (ce / cn) / (be / bn) if be else (float("inf") if ce else 1.0)
        numbers["ratio"] = ratio
        if p_worse < level:
            return MetricVerdict(w.name, "fail", f"canary rate {ce}/{cn} worse than baseline {be}/{bn} "
                                 f"(x{ratio:.2f}, Fisher p={p_worse:.2g} < {level:.2g})", numbers)
        if w.max is not None:
            p_above = float(stats.binomtest(ce, cn, w.max, alternative="greater").pvalue)
            numbers["p_above_max"] = p_above
            if p_above < level:
                return MetricVerdict(w.name, "fail", f"canary rate {ce / cn:.4g} above max {w.max:g} "
                                     f"(binomial p={p_above:.2g})", numbers)
            upper = float(stats.binomtest(ce, cn).proportion_ci(1 - 2 * PASS_ALPHA, "exact").high)
            numbers["canary_upper"] = upper
            if upper <= w.max:
                return MetricVerdict(w.name, "pass", f"canary rate {ce}/{cn}: upper bound {upper:.4g} "
                                     f"within max {w.max:g}", numbers)
        events = ce + be
        if events == 0:
            return MetricVerdict(w.name, "pass", f"no events in {cn} canary and {bn} baseline requests", numbers)
        share = cn * (1 + tol) / (cn * (1 + tol) + bn)
        p_ni = float(stats.binom.cdf(ce, events, share))
        numbers["p_not_worse"] = p_ni
        if p_ni < PASS_ALPHA:
            return MetricVerdict(w.name, "pass", f"canary rate {ce}/{cn} not worse than baseline {be}/{bn} "
                                 f"by more than {tol:.0%} (p={p_ni:.2g})", numbers)
        return MetricVerdict(w.name, "inconclusive", f"canary rate {ce}/{cn} vs baseline {be}/{bn}: "
                             f"not enough evidence either way (p_worse={p_worse:.2g}, p_not_worse={p_ni:.2g})",
                             numbers)

    def _collapsed(self, w: MetricWindow, bn: int, cn: int, level: float,
                   numbers: dict[str, object]) -> MetricVerdict | None:
        """A canary that gets far less traffic than its weight (a sample ratio mismatch)."""
        share = w.expected_share
        if share is None or not 0 < share < 1 or bn + cn < self.min_samples:
            return None
        p_short = float(stats.binomtest(cn, bn + cn, share, alternative="less").pvalue)
        observed = cn / (bn + cn)
        numbers.update(expected_share=share, canary_share=observed, p_traffic=p_short)
        if p_short < level and observed < share * (1 - COLLAPSE_TOLERANCE):
            return MetricVerdict(w.name, "fail", f"canary traffic collapsed: {observed:.2%} of the requests at "
                                 f"weight {share:.0%} (binomial p={p_short:.2g})", numbers)
        return None

    def _distribution(self, w: MetricWindow, base: np.ndarray, can: np.ndarray, level: float) -> MetricVerdict:
        tol = DISTRIBUTION_TOLERANCE if w.tolerance is None else w.tolerance
        bmed, cmed = float(np.median(base)), float(np.median(can))
        shift = (cmed - bmed) / abs(bmed) if bmed else (0.0 if cmed == bmed else float("inf"))
        numbers: dict[str, object] = {
            "baseline_size": int(base.size), "canary_size": int(can.size), "baseline_median": bmed,
            "canary_median": cmed, "median_shift": shift, "tolerance": tol, "alpha": level,
            "min_samples": self.min_samples, "max": w.max,
        }
        small = min(base.size, can.size)
        if small < self.min_samples:
            who = "canary" if can.size <= base.size else "baseline"
            return MetricVerdict(w.name, "inconclusive",
                                 f"{small} {who} values, fewer than the minimum {self.min_samples}", numbers)
        method = "asymptotic" if small > 50 else "exact"
        test = stats.mannwhitneyu(can, base, alternative="greater", method=method)
        p_worse = float(test.pvalue)
        numbers["p_worse"] = p_worse
        numbers["effect_size"] = float(test.statistic) / (can.size * base.size)  # P(canary > baseline)
        if p_worse < level and shift > tol:
            return MetricVerdict(w.name, "fail", f"canary median {cmed:.4g} is {shift:+.1%} from baseline "
                                 f"{bmed:.4g}, beyond {tol:.0%} (Mann-Whitney p={p_worse:.2g})", numbers)
        if w.max is not None:
            q = float(np.quantile(can, w.quantile))
            numbers["canary_quantile"] = q
            if q > w.max:
                return MetricVerdict(w.name, "fail", f"canary p{w.quantile * 100:g} {q:.4g} above max {w.max:g}",
                                     numbers)
        p_ni = float(stats.mannwhitneyu(can, base * (1 + tol), alternative="less", method=method).pvalue)
        numbers["p_not_worse"] = p_ni
        if p_ni < PASS_ALPHA:
            return MetricVerdict(w.name, "pass", f"canary median {cmed:.4g} within {tol:.0%} of baseline "
                                 f"{bmed:.4g} (p={p_ni:.2g})", numbers)
        return MetricVerdict(w.name, "inconclusive", f"canary median {cmed:.4g} vs baseline {bmed:.4g}: "
                             f"not enough evidence either way (p_worse={p_worse:.2g})", numbers)
