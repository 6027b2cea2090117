"""The anchors' judges, for ``bench/judge.py`` to measure beside tricolor's.

Written here from their published descriptions, not from their code:

- ``kayenta_classify``: a Kayenta-style Mann-Whitney classifier (Spinnaker's "How
  canary judgment works", NetflixACAJudge). The canary and control are time series
  (one point per step); the classifier takes the Hodges-Lehmann estimate of the shift
  (canary - control) with its confidence interval from the Mann-Whitney distribution
  (normal approximation), and calls the metric High when the whole interval is above an
  allowed band of ``tolerance * |estimate|`` and the mean ratio is at least
  ``allowed_increase``; Low symmetrically (``allowed_decrease``); else Pass. Empty data
  is Nodata; identical data, or a single value on both sides, is Pass. Defaults as its
  judge's: ``tolerance`` 0.25, confidence 0.98, allowed increase/decrease 1.0.
- ``kayenta_score``: the canary score, 100 x the share of metrics that Pass.
- ``TemplateCheck``: a threshold analysis as Argo Rollouts' ``AnalysisTemplate``
  (``successCondition: result[0] <= 0.015``) or Flagger's ``thresholdRange`` writes it:
  each measurement queries the last ``interval`` only and compares one number with a
  fixed limit; the analysis fails when more than ``failure_limit`` measurements failed,
  and succeeds after ``count`` measurements otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


def hodges_lehmann(canary: Sequence[float], control: Sequence[float], confidence: float) -> tuple[float, float, float]:
    """The shift estimate (median of all pairwise differences) and its confidence interval."""
    diffs = np.sort(np.subtract.outer(np.asarray(canary, float), np.asarray(control, float)).ravel())
    n, m = len(canary), len(control)
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    k = int(math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12)))
    k = min(max(k, 0), diffs.size - 1)
    return float(np.median(diffs)), float(diffs[k]), float(diffs[diffs.size - 1 - k])


def kayenta_classify(control: Sequence[float], canary: Sequence[float], direction: str = "either",
                     tolerance: float = 0.25, confidence: float = 0.98, allowed_increase: float = 1.0,
                     allowed_decrease: float = 1.0) -> str:
    """``High``, ``Low``, ``Pass`` or ``Nodata`` for one metric (``direction`` increase, decrease or either)."""
    control = [x for x in control if not math.isnan(x)]
    canary = [x for x in canary if not math.isnan(x)]
    if not control or not canary:
        return "Nodata"
    if sorted(control) == sorted(canary) or len(set(control) | set(canary)) == 1:
        return "Pass"
    estimate, lower, upper = hodges_lehmann(canary, control, confidence)
    band = tolerance * abs(estimate)
    cmean, bmean = float(np.mean(canary)), float(np.mean(control))
    ratio = math.nan if cmean == 0 or bmean == 0 else cmean / bmean
    if direction in ("increase", "either") and lower > band and (math.isnan(ratio) or ratio >= allowed_increase):
        return "High"
    if direction in ("decrease", "either") and upper < -band and (math.isnan(ratio) or ratio <= allowed_decrease):
        return "Low"
    return "Pass"


def kayenta_score(classes: Sequence[str]) -> float:
    """100 x the share of classified metrics that Pass (Nodata metrics left out)."""
    judged = [c for c in classes if c != "Nodata"]
    return 100.0 * sum(c == "Pass" for c in judged) / len(judged) if judged else 0.0


@dataclass(frozen=True)
class TemplateCheck:
    """One metric of an Argo/Flagger-style threshold analysis: a fixed limit on the last interval's value."""

    max: float | None = None
    min: float | None = None

    def ok(self, value: float) -> bool | None:
        """True within the limit, False outside, None when the query returned no number."""
        if math.isnan(value):
            return None
        if self.max is not None and value > self.max:
            return False
        return not (self.min is not None and value < self.min)
