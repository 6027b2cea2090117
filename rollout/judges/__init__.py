"""The judges: baseline and canary samples in, PASS, FAIL or INCONCLUSIVE out.

- ``base``: the ``Judge`` protocol and its data (``MetricWindow``, ``Counts``,
  ``MetricVerdict``, ``Judgement``, ``JudgeSettings``, ``Direction``), the checks every
  judge runs first (``sample_problem``, ``limit_problem``) and ``combine``/``judge_all``.
- ``threshold``, ``statistical`` (with ``rates`` and ``distributions``): the judges.
- ``registry``: names to judges (``make_judge``, ``get_judge``); unknown names raise
  ``UnknownNameError``.
- ``sequential``: O'Brien-Fleming boundaries for repeated looks.
- ``power``: how many samples, and minutes, a canary needs to decide.
- ``traffic``: whether the canary gets the share of requests its weight asks for.
"""

from __future__ import annotations

from .base import (
    DIRECTIONS,
    EXIT_CODES,
    MAX_MAGNITUDE,
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
    judge_all,
    limit_problem,
    sample_problem,
    worse_sides,
)
from .power import (
    DurationPlan,
    first_deciding_look,
    log_spread,
    minutes_needed,
    plan_distribution,
    plan_rate,
    required_samples,
    required_values,
)
from .registry import JUDGES, get_judge, make_judge
from .sequential import nominal_alpha, obf_constant
from .traffic import ShareCheck, check_share, needed_total

__all__ = [
    "DIRECTIONS",
    "EXIT_CODES",
    "JUDGES",
    "MAX_MAGNITUDE",
    "Counts",
    "Direction",
    "DurationPlan",
    "Judge",
    "JudgeSettings",
    "Judgement",
    "Kind",
    "MetricVerdict",
    "MetricWindow",
    "Sample",
    "ShareCheck",
    "Verdict",
    "check_share",
    "first_deciding_look",
    "combine",
    "get_judge",
    "judge_all",
    "limit_problem",
    "log_spread",
    "make_judge",
    "minutes_needed",
    "needed_total",
    "nominal_alpha",
    "obf_constant",
    "plan_distribution",
    "plan_rate",
    "required_samples",
    "required_values",
    "sample_problem",
    "worse_sides",
]
