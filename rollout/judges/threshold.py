"""The threshold judge: fixed limits on the canary alone, as most teams start (Argo
Rollouts' ``successCondition``, Flagger's ``thresholdRange``).

A rate metric is ``events / total``. A distribution is judged by its tails: its upper
``quantile`` (p99 by default) against ``max``, its lower one (``1 - quantile``, p1)
against ``min``. Both limits, when given, always apply. ``direction`` says which limit
must be there: a judge with no limit on the side that is worse cannot see the canary
get worse, so it is INCONCLUSIVE rather than a PASS (``increase`` needs ``max``,
``decrease`` needs ``min``, ``either`` both). Below ``min_samples`` the verdict is
INCONCLUSIVE. The failure limit and consecutive successes are counted across
measurements (``rollout.analysis``).
"""

from __future__ import annotations

from .base import Counts, JudgeSettings, MetricVerdict, MetricWindow, limit_problem, sample_problem, worse_sides
from .lazy import np

_LIMIT = {"higher": "max", "lower": "min"}


class ThresholdJudge:
    name = "threshold"

    def __init__(self, settings: JudgeSettings | None = None) -> None:
        self.settings = settings or JudgeSettings()

    def judge_metric(self, window: MetricWindow, look: int = 1) -> MetricVerdict:
        problem = limit_problem(window)
        if problem:
            return MetricVerdict(window.name, "inconclusive", f"cannot judge: {problem}")
        problem = sample_problem(window.kind, window.canary, "canary")
        if problem:
            return MetricVerdict(window.name, "inconclusive", problem)
        missing = [_LIMIT[side] for side in worse_sides(window.direction) if getattr(window, _LIMIT[side]) is None]
        if missing:
            return MetricVerdict(window.name, "inconclusive", f"direction {window.direction}: no "
                                 f"{' or '.join(missing)} to compare with, so a worse canary cannot be seen")
        min_samples = self.settings.min_samples
        if isinstance(window.canary, Counts):
            size = window.canary.total
            upper = lower = window.canary.events / size if size else float("nan")
            upper_label = lower_label = "rate"
        else:
            values = np.asarray(window.canary, dtype=float)
            size = float(values.size)
            upper, lower = float(np.quantile(values, window.quantile)), float(np.quantile(values, 1 - window.quantile))
            upper_label, lower_label = f"p{window.quantile * 100:g}", f"p{(1 - window.quantile) * 100:.3g}"
        numbers = {"canary_size": size, "canary_value": upper, "statistic": upper_label, "direction": window.direction,
                   "min": window.min, "max": window.max, "min_samples": min_samples}
        if lower_label != upper_label:
            numbers.update(canary_lower_value=lower, lower_statistic=lower_label)
        if size < min_samples:
            return MetricVerdict(window.name, "inconclusive",
                                 f"{size:g} canary samples, fewer than the minimum {min_samples}", numbers)
        if window.max is not None and upper > window.max:
            return MetricVerdict(window.name, "fail", f"canary {upper_label} {upper:.4g} above max {window.max:g}",
                                 numbers)
        if window.min is not None and lower < window.min:
            return MetricVerdict(window.name, "fail", f"canary {lower_label} {lower:.4g} below min {window.min:g}",
                                 numbers)
        return MetricVerdict(window.name, "pass", f"canary {upper_label} {upper:.4g} within limits", numbers)
