"""The statistical judge: the canary against the baseline (the stable color) over the
same window, in the direction the metric says is worse.

Rates (events among requests) are judged by ``rates.judge_rate`` (Fisher's exact test,
absolute limits, non-inferiority); distributions by ``distributions.judge_distribution``
(Mann-Whitney U with a tolerance on the difference of means, quantile limits,
non-inferiority). Below ``min_samples`` on either side the verdict is INCONCLUSIVE,
never PASS; missing, empty, NaN or negative data and unusable limits likewise.

``alpha`` (default 0.8 %) is the chance of failing a canary as good as its baseline
over all the ``looks`` an analysis step plans (default 1: a single test), split in two
for ``direction: either``; the level of each look follows the O'Brien-Fleming boundary
(``sequential``).
"""

from __future__ import annotations

from .base import Counts, JudgeSettings, MetricVerdict, MetricWindow, limit_problem, sample_problem
from .distributions import judge_distribution
from .lazy import np
from .rates import judge_rate


class StatisticalJudge:
    name = "statistical"

    def __init__(self, settings: JudgeSettings | None = None) -> None:
        self.settings = settings or JudgeSettings()

    def judge_metric(self, window: MetricWindow, look: int = 1) -> MetricVerdict:
        problem = limit_problem(window)
        if problem:
            return MetricVerdict(window.name, "inconclusive", f"cannot judge: {problem}")
        for who, sample in (("canary", window.canary), ("baseline", window.baseline)):
            problem = sample_problem(window.kind, sample, who)
            if problem:
                return MetricVerdict(window.name, "inconclusive", problem)
        if window.kind == "rate":
            assert isinstance(window.canary, Counts) and isinstance(window.baseline, Counts)
            return judge_rate(window, window.baseline, window.canary, self.settings, look)
        return judge_distribution(window, np.asarray(window.baseline, float), np.asarray(window.canary, float),
                                  self.settings, look)
