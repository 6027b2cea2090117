"""An Argo Rollouts ``Rollout`` as tricolor's ``release`` (``tricolor import argo``; pure).

Input: the documents of the Rollout's file (and of ``--templates`` files): exactly one
``argoproj.io`` ``Rollout`` (or the one named), its ``AnalysisTemplate`` and
``ClusterAnalysisTemplate`` documents. Output: the ``release`` block to paste into
``service.yaml`` (``steps``, and ``analysis`` when metrics converted) and the list of
what was not converted, each naming where it is and why (``argo_steps.py``,
``argo_analysis.py``). The release printed is checked as the spec checks it; what the
spec would refuse is listed too.

Analysis settings come from the converted metrics: the smallest ``interval`` and the
strictest ``failureLimit`` (Argo's default 0), ``inconclusiveLimit`` and
``consecutiveErrorLimit``; the judge is ``threshold`` (Argo's conditions are fixed
limits). Argo pauses a rollout on an inconclusive analysis; tricolor aborts after
``inconclusiveLimit`` of them (``extendUntil`` waits longer): that is noted when an
analysis converts. A Rollout without ``strategy.canary`` (no strategy, or
``blueGreen``), a document that is not a Rollout, or several Rollouts without a name
are ``ArgoInputError`` (exit 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..errors import TricolorError
from ..vocab.redact import is_secret_name
from .argo_analysis import TemplateConversion, convert_template, mapping
from .argo_steps import convert_steps, template_key
from .durations import parse_duration
from .errors import shown
from .release import Release

__all__ = ["ArgoImport", "ArgoInputError", "convert_rollout", "find_rollout"]

_TEMPLATES = ("AnalysisTemplate", "ClusterAnalysisTemplate")
_LIMITS = ("failureLimit", "inconclusiveLimit", "consecutiveErrorLimit")


class ArgoInputError(TricolorError):
    """The input is not an Argo Rollout with a canary strategy (exit 1)."""


@dataclass
class ArgoImport:
    rollout: str
    release: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # what was not converted, and why
    remarks: list[str] = field(default_factory=list)  # converted, but behaving differently or renamed


def _kind(doc: Any) -> str:
    return str(doc.get("kind", "")) if isinstance(doc, Mapping) else type(doc).__name__


def _name(doc: Mapping[str, Any]) -> str:
    meta = doc.get("metadata")
    return str(meta.get("name", "")) if isinstance(meta, Mapping) else ""


def find_rollout(documents: Sequence[Any], name: str | None = None) -> Mapping[str, Any]:
    """The one Rollout of ``documents`` (or the one called ``name``)."""
    rollouts = [d for d in documents if _kind(d) == "Rollout" and isinstance(d, Mapping)
                and str(d.get("apiVersion", "")).startswith("argoproj.io/")]
    if name is not None:
        rollouts = [r for r in rollouts if _name(r) == name]
    if not rollouts:
        kinds = sorted({_kind(d) for d in documents}) or ["nothing"]
        raise ArgoInputError(f"no argoproj.io Rollout{f' named {shown(name)}' if name else ''} in the input "
                             f"(it holds: {', '.join(shown(k) for k in kinds[:8])})")
    if len(rollouts) > 1:
        names = ", ".join(shown(_name(r)) for r in rollouts[:8])
        raise ArgoInputError(f"{len(rollouts)} Rollouts in the input ({names}): choose one with --name")
    return rollouts[0]


def _canary(rollout: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = mapping(rollout.get("spec"))
    strategy = mapping(spec.get("strategy"))
    canary = strategy.get("canary")
    if not isinstance(canary, Mapping):
        other = ", ".join(sorted(str(k) for k in strategy)) or "none"
        hint = " (tricolor's preset blue-green does what Argo's blueGreen does)" if "blueGreen" in strategy else ""
        raise ArgoInputError(f"Rollout {shown(_name(rollout))} has no canary strategy (strategy: {other}){hint}")
    return canary


def _given_args(raw: Any, where: str, notes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for arg in raw if isinstance(raw, list) else []:
        if not isinstance(arg, Mapping) or not isinstance(arg.get("name"), str):
            continue
        if "value" in arg and is_secret_name(arg["name"]):
            notes.append(f"{where}: argument {shown(arg['name'])} looks like a secret; its value is not written "
                         "into the release: give the query its value by hand")
        elif "value" in arg:
            out[arg["name"]] = str(arg["value"])
        else:
            notes.append(f"{where}: argument {shown(arg['name'])} takes its value from "
                         f"{shown(arg.get('valueFrom'))}; give it a value by hand")
    return out


class _Templates:
    """Converts each template reference once per set of arguments; names stay unique."""

    def __init__(self, documents: Sequence[Any], notes: list[str], remarks: list[str]) -> None:
        self.docs = {(_name(d), _kind(d) == "ClusterAnalysisTemplate"): d for d in documents
                     if _kind(d) in _TEMPLATES and isinstance(d, Mapping)}
        self.notes, self.remarks = notes, remarks
        self.metrics: dict[str, dict[str, Any]] = {}
        self.settings: list[dict[str, Any]] = []
        self.done: dict[tuple[tuple[str, bool], tuple[tuple[str, str], ...]], list[str]] = {}

    def metric_names(self, key: tuple[str, bool], args: Mapping[str, str]) -> list[str] | None:
        done = (key, tuple(sorted(args.items())))
        if done in self.done:
            return self.done[done]
        doc = self.docs.get(key)
        if doc is None:
            return None
        converted = convert_template(doc, args)
        self.notes += [n for n in converted.notes if n not in self.notes]
        self.done[done] = self._add(converted)
        return self.done[done]

    def _add(self, converted: TemplateConversion) -> list[str]:
        names = []
        for metric, settings in zip(converted.metrics, converted.settings, strict=True):
            name, body = metric["name"], {k: v for k, v in metric.items() if k != "name"}
            candidate, n = name, 1
            while candidate in self.metrics and self.metrics[candidate] != {"name": candidate, **body}:
                n += 1
                candidate = f"{name}-{n}"
            if candidate != name:
                self.remarks.append(f"template {converted.name}: metric {shown(name)} is also another metric; "
                                  f"named {shown(candidate)} here")
            self.metrics[candidate] = {"name": candidate, **body}
            self.settings.append(settings)
            names.append(candidate)
        return names


def _seconds(value: Any) -> float | None:
    try:
        return parse_duration(value, digits_are_seconds=True).total_seconds()
    except ValueError:
        return None


def _analysis(templates: _Templates, notes: list[str], remarks: list[str]) -> dict[str, Any]:
    settings = templates.settings
    out: dict[str, Any] = {"judge": "threshold", "provider": "prometheus"}
    timed = []
    for s in settings:
        if "interval" in s:
            seconds = _seconds(s["interval"])
            if seconds is None:
                notes.append(f"analysis: interval {shown(s['interval'])} is not a duration; left out")
            else:
                timed.append((seconds, s["interval"]))
    if timed:
        out["interval"] = min(timed, key=lambda pair: pair[0])[1]
    for key in _LIMITS:
        values = [s.get(key, 0 if key == "failureLimit" else None) for s in settings]
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if any(v is not None and v not in numbers for v in values):
            notes.append(f"analysis: {key} {shown([v for v in values if v not in numbers][0])} is not a number; "
                         "the others' is used")
        if numbers:
            out[key] = min(numbers)
    urls = sorted({s["url"] for s in settings if "url" in s})
    provider: dict[str, Any] = {}
    if urls:
        provider["url"] = urls[0]
        if len(urls) > 1:
            notes.append(f"analysis: the templates query {len(urls)} Prometheus servers ({', '.join(urls)}); "
                         f"tricolor queries one: {urls[0]}")
    timeouts = [_seconds(s["timeout"]) for s in settings if "timeout" in s]
    if any(t is not None for t in timeouts):
        provider["timeout"] = min(t for t in timeouts if t is not None)
    if provider:
        out["providerSettings"] = provider
    out["metrics"] = list(templates.metrics.values())
    remarks.append("analysis: Argo pauses a rollout on an inconclusive analysis; tricolor aborts after "
                   "inconclusiveLimit inconclusive measurements (set extendUntil to let it wait longer)")
    return out


def _check(release: dict[str, Any], notes: list[str]) -> None:
    try:
        Release.model_validate(release)
    except ValidationError as exc:
        for error in exc.errors()[:10]:
            where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
            notes.append(f"the converted release does not load as it is: {where}: "
                         f"{error['msg'].removeprefix('Value error, ')}")


def convert_rollout(documents: Sequence[Any], name: str | None = None) -> ArgoImport:
    """The ``release`` of the Rollout in ``documents`` (with the templates among them)."""
    rollout = find_rollout(documents, name)
    canary = _canary(rollout)
    notes: list[str] = []
    remarks: list[str] = []
    templates = _Templates(documents, notes, remarks)
    max_weight = canary.get("trafficRouting", {}).get("maxTrafficWeight", 100) \
        if isinstance(canary.get("trafficRouting"), Mapping) else 100
    if not isinstance(max_weight, int) or isinstance(max_weight, bool) or max_weight <= 0:
        raise ArgoInputError(f"trafficRouting.maxTrafficWeight {shown(max_weight)} is not a positive integer")
    args_of: dict[int, dict[str, str]] = {}
    for index, step in enumerate(canary.get("steps") or []):
        if isinstance(step, Mapping) and isinstance(step.get("analysis"), Mapping):
            args_of[index] = _given_args(step["analysis"].get("args"), f"steps[{index}] (analysis)", notes)
    current: list[dict[str, str]] = [{}]

    def metrics_of(key: tuple[str, bool]) -> list[str] | None:
        return templates.metric_names(key, current[0])

    steps: list[dict[str, Any]] = []
    raw_steps = canary.get("steps")
    for index, raw in enumerate(raw_steps if isinstance(raw_steps, list) else [raw_steps] if raw_steps else []):
        current[0] = args_of.get(index, {})
        converted = convert_steps([raw], metrics_of, max_weight)
        steps += converted.steps
        notes += [n.replace("steps[0]", f"steps[{index}]", 1) for n in converted.notes]
        remarks += [n.replace("steps[0]", f"steps[{index}]", 1) for n in converted.remarks]
    background = canary.get("analysis")
    if isinstance(background, Mapping):
        given = _given_args(background.get("args"), "analysis (background)", notes)
        for ref in background.get("templates") or []:
            if isinstance(ref, Mapping) and templates.metric_names(template_key(ref), given) is None:
                notes.append(f"analysis (background): template {shown(ref.get('templateName'))} was not given")
        notes.append("analysis (background): Argo measures it during the whole rollout; tricolor judges metrics at "
                     "analysis steps: its metrics are declared, add {analysis: {}} steps where they should be judged")
    release: dict[str, Any] = {"steps": steps}
    if templates.metrics:
        release["analysis"] = _analysis(templates, notes, remarks)
    used = {key for key, _ in templates.done}
    notes += [f"template {shown(key[0])} is not used by the Rollout; not converted"
              for key in templates.docs if key not in used]
    _check(release, notes)
    return ArgoImport(rollout=_name(rollout), release=release, notes=notes, remarks=remarks)

