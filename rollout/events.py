"""Texts a person reads in the timeline of a release (and in the CLI's live output).

``step 3/9 set weight: blue 90 %, green 10 %``,
``analysis 2/10: pass (error-rate 0.9 % vs 1.0 %, p=0.41)``: steps are numbered from 1
out of the whole plan; an analysis counts its measurements out of the looks it plans.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .plan import PlanStep, StepAction
from .record import LedgerRecord, Status, VerdictEntry

__all__ = ["describe_target", "step_label", "verdict_text", "percent"]


def step_label(rec: LedgerRecord, step: PlanStep | None) -> str:
    index = rec.step_index if step is None else step.index
    return f"step {index + 1}/{len(rec.plan)}"


def _weights(rec: LedgerRecord) -> str:
    assert rec.target is not None
    return f"blue {rec.target.weights.blue} %, green {rec.target.weights.green} %"


def describe_target(rec: LedgerRecord) -> str:
    """What the apply about to start puts in force (``rec`` is applying)."""
    assert rec.target is not None
    if rec.settings.rolling and rec.status in (Status.ABORTING, Status.ROLLING_BACK):
        return (f"{'abort' if rec.status == Status.ABORTING else 'rollback'}: apply the previous image "
                f"{rec.target.images[rec.stable]} again (rolling update)")
    if rec.status == Status.ABORTING:
        return f"abort: all traffic back to {rec.stable} ({_weights(rec)})"
    if rec.status == Status.ROLLING_BACK:
        return f"rollback: all traffic back to {rec.stable} ({_weights(rec)})"
    if rec.status == Status.SUCCEEDED:
        brought = f", brought to {rec.revision}" if rec.revision is not None else ""
        return (f"scale down {rec.target.scaled_down}{brought}: the rollback window is over "
                f"({rec.stable} stays active)")
    step = rec.current_step
    if step is not None and step.action == StepAction.DEPLOY and rec.settings.rolling:
        return f"{step_label(rec, step)} roll {rec.image} out in place (the platform's rolling update)"
    if step is not None and step.action == StepAction.DEPLOY:
        what = rec.new_revision.label if rec.new_revision is not None else rec.image
        return f"{step_label(rec, step)} deploy {what} to {rec.canary} ({_weights(rec)})"
    if step is not None and step.action in (StepAction.SET_HEADER_ROUTE, StepAction.SET_CANARY_SCALE):
        return f"{step_label(rec, step)} {step.description}"
    return f"{step_label(rec, step)} set weight: {_weights(rec)}"


def percent(value: Any) -> str | None:
    if isinstance(value, (int, float)) and math.isfinite(value):
        return f"{value * 100:.3g} %"
    return None


def _number(value: Any) -> str | None:
    return f"{value:.4g}" if isinstance(value, (int, float)) and math.isfinite(value) else None


def _metric(m: Mapping[str, Any]) -> str:
    """``error-rate 0.9 % vs 1.0 %, p=0.41`` from what a judge reported for one metric."""
    name = str(m.get("name", "?"))
    if percent(m.get("canary_rate")) is not None:
        canary = percent(m.get("canary_rate"))
        other = percent(m.get("baseline_rate")) or (percent(m.get("max")) and f"max {percent(m.get('max'))}")
    elif _number(m.get("canary_median")) is not None:
        canary, other = _number(m.get("canary_median")), _number(m.get("baseline_median"))
    elif m.get("statistic") == "rate":
        canary = percent(m.get("canary_value"))
        other = percent(m.get("max")) and f"max {percent(m.get('max'))}"
    else:
        canary = _number(m.get("canary_value"))
        other = _number(m.get("max")) and f"max {_number(m.get('max'))}"
    text = name + (f" {canary}" if canary else "") + (f" vs {other}" if canary and other else "")
    p = next((m[k] for k in ("p_worse", "p_not_worse", "p_above_max", "p_value") if _number(m.get(k))), None)
    return text + (f", p={p:.2g}" if p is not None else "")


def verdict_text(entry: VerdictEntry, measurement: int, looks: int) -> str:
    numbers = "; ".join(_metric(m) for m in entry.metrics)
    detail = numbers or entry.reason
    return f"analysis {measurement}/{max(looks, measurement)}: {entry.verdict}" + (f" ({detail})" if detail else "")
