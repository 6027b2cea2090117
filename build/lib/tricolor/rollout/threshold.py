"""The threshold judge: fixed per-metric limits on the canary, as most teams start.

A rate metric is ``events / total``; a distribution is judged by its ``quantile``
(p99 by default). Below ``min_samples`` the verdict is INCONCLUSIVE. The failure limit
and consecutive successes are counted across measurements (``analysis.tally``).
"""

from __future__ import annotations

import numpy as np

from .judge import Counts, MetricVerdict, MetricWindow, sample_problem


class ThresholdJudge:
    name = "threshold"

    def __init__(self, min_samples: int = 100) -> None:
        self.min_samples = min_samples

    def judge_metric(self, window: MetricWindow, look: int = 1) -> MetricVerdict:
        problem = sample_problem(window.kind, window.canary, "canary")
        if problem:
            return MetricVerdict(window.name, "inconclusive", problem)
        if window.min is None and window.max is None:
            return MetricVerdict(window.name, "inconclusive", "no min or max to compare with")
        if isinstance(window.canary, Counts):
            size = window.canary.total
            value = window.canary.events / size if size else float("nan")
            label = "rate"
        else:
            values = np.asarray(window.canary, dtype=float)
            size = float(values.size)
            value = float(np.quantile(values, window.quantile))
            label = f"p{window.quantile * 100:g}"
        numbers = {"canary_size": size, "canary_value": value, "statistic": label,
                   "min": window.min, "max": window.max, "min_samples": self.min_samples}
        if size < self.min_samples:
            return MetricVerdict(window.name, "inconclusive",
                                 f"{size:g} canary samples, fewer than the minimum {self.min_samples}", numbers)
        if window.max is not None and value > window.max:
            return MetricVerdict(window.name, "fail", f"canary {label} {value:.4g} above max {window.max:g}", numbers)
        if window.min is not None and value < window.min:
            return MetricVerdict(window.name, "fail", f"canary {label} {value:.4g} below min {window.min:g}", numbers)
        return MetricVerdict(window.name, "pass", f"canary {label} {value:.4g} within limits", numbers)
