"""One measurement of an analysis step: every metric measured by the provider and judged.

Never a crash and never a pass by accident: a metric whose limit is not a finite number
(``NaN``, ``inf``: ``max > inf`` is never true, so such a limit would pass anything), a
provider that cannot be built (no URL) or fails, a judge that raises or answers
something else than pass, fail or inconclusive: each becomes an ERROR verdict with the
reason, counted against the consecutive-error limit. No metric to judge is
INCONCLUSIVE. Each look also checks the canary's delivered share of requests against its
weight (``traffic.py``): the check is recorded with the verdict, and a mismatch leads
its reason (a rolling release splits no traffic: its looks are not checked).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from ..spec.release import Metric
from .judge import Judge, MetricVerdict, MetricWindow, combine
from .plan import StepAction
from .providers.base import MetricsProvider, Window, version_of
from .record import LedgerRecord, Verdict, VerdictEntry
from .rolling import before_after
from .traffic import check, reason, totals_of

__all__ = ["limit_problems", "measure", "metrics_for", "window_of"]

_VERDICTS = {"pass", "fail", "inconclusive"}


def metrics_for(rec: LedgerRecord) -> list[Metric]:
    step = rec.current_step
    wanted = set(step.metrics) if step is not None else set()
    return [m for m in rec.settings.analysis.metrics if not wanted or m.name in wanted]


def limit_problems(metric: Metric) -> list[str]:
    """Limits of ``metric`` that are not finite numbers."""
    limits = {"min": metric.min, "max": metric.max, "tolerance": metric.tolerance, "quantile": metric.quantile}
    return [f"metric {metric.name!r}: {name} is {value!r}, not a finite number"
            for name, value in limits.items() if value is not None and not math.isfinite(value)]


def window_of(rec: LedgerRecord, now: float) -> Window:
    since = rec.started_at if rec.weight_since is None else rec.weight_since
    window = Window(start=since, end=now, canary=rec.canary, baseline=rec.stable,
                    canary_version=version_of(rec.images[rec.canary]),
                    baseline_version=version_of(rec.images[rec.stable]), canary_weight=rec.weights.of(rec.canary))
    if not rec.settings.rolling:
        return window
    # rolling: the new version since the update against the previous one before it
    deploys = {s.index for s in rec.plan if s.action == StepAction.DEPLOY}
    began = next((e.at for e in reversed(rec.events) if e.kind == "apply" and e.step in deploys), since)
    base_start, base_end, start, end = before_after(min(began, since), since, now)
    return replace(window, start=start, end=end, baseline_start=base_start, baseline_end=base_end)


def _error(rec: LedgerRecord, now: float, reason: str) -> VerdictEntry:
    return VerdictEntry(at=now, step=rec.step_index, verdict=Verdict.ERROR, reason=reason[:500])


def measure(rec: LedgerRecord, now: float, provider: Callable[[], MetricsProvider],
            judge: Callable[[], Judge]) -> VerdictEntry:
    """Measure and judge every metric of the current analysis step."""
    window = window_of(rec, now)
    metrics = metrics_for(rec)
    problems = [p for m in metrics for p in limit_problems(m)]
    if problems:
        return _error(rec, now, "; ".join(problems))
    try:
        source, judging = provider(), judge()
        verdicts: list[MetricVerdict] = []
        measured = []
        for metric in metrics:
            m = source.measure(metric, window)
            measured.append(m)
            if m.verdict is not None:
                verdicts.append(MetricVerdict(metric.name, m.verdict, m.reason, {"source": source.name}))
                continue
            verdicts.append(judging.judge_metric(MetricWindow(
                name=metric.name, kind=metric.kind, baseline=m.baseline, canary=m.canary, min=metric.min,
                max=metric.max, tolerance=metric.tolerance, quantile=metric.quantile, direction=metric.direction,
                expected_share=window.canary_weight / 100), rec.counters.measurements + 1))
        odd = [v for v in verdicts if v.verdict not in _VERDICTS]
        if odd:
            return _error(rec, now, f"{odd[0].name}: the judge answered {odd[0].verdict!r}")
        judgement = combine(verdicts, judging.name)
        # a rolling release splits no traffic (before against after): no share to check
        share = None if window.before_after else check(totals_of(measured, source, window),
                                                       window.canary_weight, rec.settings.analysis)
    except Exception as exc:  # a provider or a judge failing is an error verdict, never a crash
        return _error(rec, now, f"measuring failed: {exc.__class__.__name__}: {exc}")
    why = judgement.reason
    if share is not None and share.mismatch:
        why = f"{reason(share)}; {why}" if why else reason(share)
    return VerdictEntry(at=now, step=rec.step_index, verdict=Verdict(judgement.verdict), reason=why[:2000],
                        metrics=[{**v.as_dict(), "window_start": window.start, "window_end": window.end,
                                  **({"baseline_window": list(window.span("baseline"))} if window.before_after
                                     else {})}
                                 for v in judgement.metrics],
                        traffic=None if share is None else {**share.as_dict(), "at": now})
