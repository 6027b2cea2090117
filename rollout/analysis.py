"""Counting measurements of an analysis step into a decision (pure).

Each measurement is PASS, FAIL, INCONCLUSIVE or ERROR (the provider or the judge
failed). The step aborts when failures exceed the failure limit, inconclusive
measurements exceed the inconclusive limit, or errors in a row reach the
consecutive-error limit; it passes after the required consecutive successes. Nothing
else passes it. The limits come from the release's recorded ``AnalysisSettings``
(whose defaults are the spec's).
"""

from __future__ import annotations

from typing import Literal

from .record import Counters, Verdict
from .settings import AnalysisSettings

__all__ = ["Outcome", "decide", "tally"]

Outcome = Literal["continue", "pass", "abort"]


def tally(c: Counters, verdict: Verdict | str, now: float) -> Counters:
    """``c`` after one more measurement; counters this module does not own (the traffic
    mismatches of ``traffic.held``) are carried over."""
    return c.model_copy(update={
        "measurements": c.measurements + 1,
        "failures": c.failures + (verdict == Verdict.FAIL),
        "inconclusive": c.inconclusive + (verdict == Verdict.INCONCLUSIVE),
        "errors_in_row": c.errors_in_row + 1 if verdict == Verdict.ERROR else 0,
        "successes_in_row": c.successes_in_row + 1 if verdict == Verdict.PASS else 0,
        "last_at": now,
    })


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
