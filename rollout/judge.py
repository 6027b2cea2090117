"""The import path the engine and the metrics providers use for the judges
(``from .judge import Counts, MetricWindow, get_judge, ...``): the same objects as
``rollout.judges``, where they are defined (protocol and data in ``judges.base``,
implementations one per module, the registry in ``judges.registry``).
"""

from __future__ import annotations

from .judges import (
    DIRECTIONS,
    EXIT_CODES,
    JUDGES,
    Counts,
    Direction,
    Judge,
    Judgement,
    JudgeSettings,
    Kind,
    MetricVerdict,
    MetricWindow,
    Sample,
    Verdict,
    combine,
    get_judge,
    judge_all,
    make_judge,
    sample_problem,
)

__all__ = [
    "DIRECTIONS",
    "EXIT_CODES",
    "JUDGES",
    "Counts",
    "Direction",
    "Judge",
    "JudgeSettings",
    "Judgement",
    "Kind",
    "MetricVerdict",
    "MetricWindow",
    "Sample",
    "Verdict",
    "combine",
    "get_judge",
    "judge_all",
    "make_judge",
    "sample_problem",
]
