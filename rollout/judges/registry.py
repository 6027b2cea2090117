"""Judge names to judges: the one place that knows every implementation.

``make_judge(name, settings)`` is the typed entry point; ``get_judge(name,
min_samples, alpha, looks)`` keeps the call shape the engine and CLI use. An unknown
name raises ``UnknownNameError`` listing the known ones; there is no default judge.
"""

from __future__ import annotations

from collections.abc import Callable

from ...errors import UnknownNameError
from .base import Judge, JudgeSettings
from .statistical import StatisticalJudge
from .threshold import ThresholdJudge

JUDGES: dict[str, Callable[[JudgeSettings], Judge]] = {
    "statistical": StatisticalJudge,
    "threshold": ThresholdJudge,
}


def make_judge(name: str, settings: JudgeSettings | None = None) -> Judge:
    if name not in JUDGES:
        raise UnknownNameError("judge", name, JUDGES)
    return JUDGES[name](settings or JudgeSettings())


def get_judge(name: str, min_samples: int = 100, alpha: float = 0.008, looks: int = 1) -> Judge:
    return make_judge(name, JudgeSettings(min_samples=min_samples, alpha=alpha, looks=looks))
