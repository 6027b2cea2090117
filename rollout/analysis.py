"""Counting measurements of an analysis step into a decision (pure).

Each measurement is PASS, FAIL, INCONCLUSIVE or ERROR (the provider failed). The step
aborts when failures exceed the failure limit, inconclusive measurements exceed the
inconclusive limit, or errors in a row reach the consecutive-error limit; it passes
after the required consecutive successes. Nothing else passes it.
"""

from __future__ import annotations

from typing import Any, Literal

from .record import Counters

Outcome = Literal["continue", "pass", "abort"]


def tally(c: Counters, verdict: str, now: float) -> Counters:
    return Counters(
        measurements=c.measurements + 1,
        failures=c.failures + (verdict == "fail"),
        inconclusive=c.inconclusive + (verdict == "inconclusive"),
        errors_in_row=c.errors_in_row + 1 if verdict == "error" else 0,
        successes_in_row=c.successes_in_row + 1 if verdict == "pass" else 0,
        last_at=now,
    )


def decide(c: Counters, settings: dict[str, Any]) -> tuple[Outcome, str]:
    failure_limit = int(settings.get("failure_limit", 0))
    inconclusive_limit = int(settings.get("inconclusive_limit", 0))
    error_limit = int(settings.get("consecutive_error_limit", 1))
    success_limit = int(settings.get("consecutive_success_limit", 1))
    if c.failures > failure_limit:
        return "abort", f"analysis failed {c.failures} time(s), limit {failure_limit}"
    if c.errors_in_row >= error_limit:
        return "abort", f"{c.errors_in_row} measurement error(s) in a row, limit {error_limit}"
    if c.inconclusive > inconclusive_limit:
        return "abort", f"{c.inconclusive} inconclusive measurement(s), limit {inconclusive_limit}"
    if c.successes_in_row >= success_limit:
        return "pass", f"{c.successes_in_row} success(es) in a row"
    return "continue", ""
