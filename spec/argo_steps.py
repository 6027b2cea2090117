"""Argo Rollouts' canary steps as tricolor's (``tricolor import argo``; pure).

Each Argo step becomes the tricolor steps that do the same, or a note saying why it was
left out:

- ``setWeight`` (scaled to 0..100 when the Rollout sets ``maxTrafficWeight``), ``pause``
  (Go durations kept as written), ``setHeaderRoute`` and ``setCanaryScale``: the same
  step, checked as the spec checks it;
- ``analysis: {templates, args}``: ``analysis: {metrics: [...]}`` naming the metrics
  its templates became (``templates`` maps a template reference to them); a step whose
  templates gave no metric is left out, with a note;
- ``experiment``, ``setMirrorRoute``, ``plugin``, ``replicaProgressThreshold``: left out,
  with the reason the spec gives when it refuses them;
- a step with several kinds (Argo allows ``setCanaryScale`` or ``setHeaderRoute`` beside
  another kind) becomes one step per kind, in the order Argo applies them: the scale,
  then the route, then the rest.

Every note names the step (``steps[3] (experiment)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .errors import shown
from .steps import REFUSED, Step

__all__ = ["ORDER", "StepConversion", "convert_steps", "template_key"]

#: the order in which the kinds of one Argo step take effect
ORDER = ("setCanaryScale", "setHeaderRoute", "setMirrorRoute", "setWeight", "pause", "analysis", "experiment",
         "plugin", "replicaProgressThreshold")
_STEP: TypeAdapter[Any] = TypeAdapter(Step)
_ANALYSIS_EXTRAS = {"dryRun": "dry-run metrics", "measurementRetention": "measurement retention",
                    "analysisRunMetadata": "AnalysisRun labels and annotations"}


@dataclass
class StepConversion:
    steps: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was not converted, and why
    remarks: list[str] = field(default_factory=list)  # converted, but worth knowing


def template_key(ref: Mapping[str, Any]) -> tuple[str, bool]:
    """A template reference as ``(name, cluster scope)``."""
    return str(ref.get("templateName", "")), bool(ref.get("clusterScope", False))


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"][1:] if not str(p).startswith("function-"))
    return (f"{where}: " if where else "") + first["msg"].removeprefix("Value error, ")


def _weight(value: Any, max_weight: int, where: str, notes: list[str]) -> dict[str, Any] | None:
    if max_weight == 100 or isinstance(value, bool) or not isinstance(value, int):
        return {"setWeight": value}
    scaled = value * 100 / max_weight
    if scaled != int(scaled):
        notes.append(f"{where} (setWeight {value} of maxTrafficWeight {max_weight}): {scaled:g} % is not a whole "
                     "percent; left out")
        return None
    return {"setWeight": int(scaled)}


def _analysis(value: Any, where: str, metrics_of: Callable[[tuple[str, bool]], list[str] | None],
              notes: list[str]) -> dict[str, Any] | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("templates"), list):
        notes.append(f"{where} (analysis): no templates list; left out")
        return None
    for key, what in _ANALYSIS_EXTRAS.items():
        if key in value:
            notes.append(f"{where} (analysis): {key} ({what}) has no tricolor equivalent; ignored")
    names: list[str] = []
    for ref in value["templates"]:
        ref_key = template_key(ref if isinstance(ref, Mapping) else {})
        found = metrics_of(ref_key)
        if found is None:
            notes.append(f"{where} (analysis): template {shown(ref_key[0])} was not given (pass the file that holds it "
                         "with --templates)")
            continue
        names += [n for n in found if n not in names]
    if not names:
        notes.append(f"{where} (analysis): none of its templates gave a metric tricolor can measure; the step is "
                     "left out, so this point of the schedule is not judged")
        return None
    return {"analysis": {"metrics": names}}


def _one(kind: str, value: Any, where: str, max_weight: int,
         metrics_of: Callable[[tuple[str, bool]], list[str] | None], notes: list[str]) -> dict[str, Any] | None:
    if kind in REFUSED:
        notes.append(f"{where} ({kind}): {REFUSED[kind]}; left out")
        return None
    if kind == "analysis":
        step = _analysis(value, where, metrics_of, notes)
    elif kind == "setWeight":
        step = _weight(value, max_weight, where, notes)
    elif kind in ORDER:
        step = {kind: value}
    else:
        notes.append(f"{where}: unknown step kind {shown(kind)}; left out")
        return None
    if step is None:
        return None
    try:
        _STEP.validate_python(step)
    except ValidationError as exc:
        notes.append(f"{where} ({kind}): {_problem(exc)}; left out")
        return None
    return step


def convert_steps(steps: Any, metrics_of: Callable[[tuple[str, bool]], list[str] | None],
                  max_weight: int = 100) -> StepConversion:
    """tricolor steps for Argo's ``steps``; ``metrics_of`` gives the metric names a
    template reference became (``None``: the template is unknown)."""
    out = StepConversion()
    if not isinstance(steps, list):
        out.notes.append(f"steps: {shown(steps)} is not a list of steps")
        return out
    for index, raw in enumerate(steps):
        where = f"steps[{index}]"
        if not isinstance(raw, Mapping) or not raw:
            out.notes.append(f"{where}: {shown(raw)} is not a step; left out")
            continue
        kinds = sorted(raw, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))
        if len(kinds) > 1:
            out.remarks.append(f"{where}: one Argo step with {', '.join(map(str, kinds))} becomes {len(kinds)} steps, "
                             "in the order Argo applies them")
        for kind in kinds:
            step = _one(str(kind), raw[kind], where, max_weight, metrics_of, out.notes)
            if step is not None:
                out.steps.append(step)
    return out
