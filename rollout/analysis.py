"""Counting measurements of an analysis step into a decision (pure).

Each measurement is PASS, FAIL, INCONCLUSIVE or ERROR (the provider or the judge
failed). The step aborts when failures exceed the failure limit, inconclusive
measurements exceed the inconclusive limit, or errors in a row reach the
consecutive-error limit; it passes after the required consecutive successes. Nothing
else passes it.

``extendUntil`` (``AnalysisSettings.extend_until``, seconds): an INCONCLUSIVE
measurement taken while the step has run for less than that is counted as
``extended``, not against the inconclusive limit (the window keeps growing instead of
the release aborting); from ``extendUntil`` on, INCONCLUSIVE counts as usual. So with
``extendUntil: 30m``, ``interval: 1m`` and ``inconclusiveLimit: 3`` (measurements at
0, 1, ... 29m into the step), an INCONCLUSIVE step never aborts before 30m; those at
30, 31, 32 and 33m are counted, and the fourth exceeds the limit: it aborts at 33m. A
PASS, FAIL or ERROR counts the same inside the extension.

The limits come from the release's recorded ``AnalysisSettings`` (whose defaults are
the spec's).
"""

from __future__ import annotations

from typing import Literal

from .record import Counters, Verdict
from .settings import AnalysisSettings

__all__ = ["Outcome", "decide", "extending", "tally"]

Outcome = Literal["continue", "pass", "abort"]


def tally(c: Counters, verdict: Verdict | str, now: float, extending: bool = False) -> Counters:
    """``c`` with one more measurement; ``extending``: the step is within ``extendUntil``.
    Counters this module does not own (the traffic mismatches of ``traffic.held``) are
    carried over."""
    inconclusive = verdict == Verdict.INCONCLUSIVE
    return c.model_copy(update={
        "measurements": c.measurements + 1,
        "failures": c.failures + (verdict == Verdict.FAIL),
        "inconclusive": c.inconclusive + (inconclusive and not extending),
        "extended": c.extended + (inconclusive and extending),
        "errors_in_row": c.errors_in_row + 1 if verdict == Verdict.ERROR else 0,
        "successes_in_row": c.successes_in_row + 1 if verdict == Verdict.PASS else 0,
        "last_at": now,
    })


def extending(settings: AnalysisSettings, step_started_at: float | None, now: float) -> bool:
    """Is an analysis step that started at ``step_started_at`` still within ``extendUntil``?"""
    if settings.extend_until is None or step_started_at is None:
        return False
    return now - step_started_at < settings.extend_until


def decide(c: Counters, settings: AnalysisSettings) -> tuple[Outcome, str]:
    if c.failures > settings.failure_limit:
        return "abort", f"analysis failed {c.failures} time(s), limit {settings.failure_limit}"
    if c.errors_in_row >= settings.consecutive_error_limit:
        return "abort", f"{c.errors_in_row} measurement error(s) in a row, limit {settings.consecutive_error_limit}"
    if c.inconclusive > settings.inconclusive_limit:
        return "abort", f"{c.inconclusive} inconclusive measurement(s), limit {settings.inconclusive_limit}"
    if c.successes_in_row >= settings.consecutive_success_limit:
        return "pass", f"{c.successes_in_row} success(es) in a row"
    return "continue", ""
