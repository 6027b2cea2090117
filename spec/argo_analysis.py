"""Argo Rollouts' AnalysisTemplates as tricolor metrics (``tricolor import argo``; pure).

A metric of a template converts when its provider is ``prometheus`` and its
``successCondition`` / ``failureCondition`` are plain comparisons of the result with a
number (``result[0] >= 0.95``, ``result < 10``, ``0.95 <= result``):

==========================  ============
Argo                        tricolor
==========================  ============
success ``result >= X``     ``min: X``
success ``result <= X``     ``max: X``
failure ``result >= X``     ``max: X``
failure ``result <= X``     ``min: X``
==========================  ============

(``<`` and ``>`` alike: tricolor's limits are inclusive.) ``direction`` follows:
``decrease`` with a ``min`` alone (a success rate, throughput), ``increase`` with a
``max`` alone (errors, latency), ``either`` with both. A query that is one ratio at its
top level (``sum(ok) / sum(all)``) becomes a ``rate`` metric (``query`` the numerator,
``totalQuery`` the denominator); any other query a ``distribution`` (every value over
the window is a sample; the threshold judge checks its tails against the limits).
``{{args.NAME}}`` is replaced by the argument's value (the step's, else the
template's default), unless its name says it holds a secret (``api-token``): a secret
is never written into ``service.yaml``.

Reported, not converted: other providers, other conditions (``len(...)``, ``all(...)``,
``isNaN``, ``==``, ``default(...)``), ``count``, ``initialDelay``, range-query bounds,
headers and authentication, arguments without a value, and a query that does not tell
the colors apart (no ``{{color}}`` / ``{{version}}``: both colors would read the same
numbers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..vocab.redact import is_secret_name
from .errors import shown

__all__ = ["TemplateConversion", "condition_limit", "mapping", "convert_template", "split_ratio", "substitute"]

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_SUBJECT = r"result(?:\[0\])?"
_FORWARD = re.compile(rf"^\s*{_SUBJECT}\s*(<=|<|>=|>)\s*({_NUMBER})\s*$")
_BACKWARD = re.compile(rf"^\s*({_NUMBER})\s*(<=|<|>=|>)\s*{_SUBJECT}\s*$")
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARG = re.compile(r"\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}")
_OPERATOR_AFTER = re.compile(r"^(on|ignoring|bool|group_left|group_right)\b")


@dataclass
class TemplateConversion:
    name: str
    cluster: bool = False
    metrics: list[dict[str, Any]] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)  # per converted metric: interval, limits, url
    notes: list[str] = field(default_factory=list)


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one (input is whatever YAML gave)."""
    return value if isinstance(value, Mapping) else {}


def condition_limit(text: Any, success: bool) -> tuple[str, float] | None:
    """``("min" | "max", X)`` for a plain comparison of the result with a number."""
    if not isinstance(text, str):
        return None
    forward, backward = _FORWARD.match(text), _BACKWARD.match(text)
    if forward:
        op, number = forward.group(1), forward.group(2)
    elif backward:
        number, op = backward.group(1), _FLIP[backward.group(2)]
    else:
        return None
    above = op in (">", ">=")  # the condition holds above the number
    return ("min" if above == success else "max"), float(number)


def substitute(text: str, args: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with ``{{args.NAME}}`` replaced; the names left without a value."""
    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in args:
            return args[name]
        missing.append(name)
        return match.group(0)

    return _ARG.sub(value, text), missing


def _outer(query: str) -> str:
    """``query`` without parentheses that wrap all of it."""
    while query.startswith("(") and query.endswith(")"):
        depth = 0
        for i, c in enumerate(query):
            depth += c == "("
            depth -= c == ")"
            if depth == 0 and i < len(query) - 1:
                return query
        query = query[1:-1].strip()
    return query


def split_ratio(query: str) -> tuple[str, str] | None:
    """``(numerator, denominator)`` when ``query`` is one division at its top level."""
    text = _outer(query.strip())
    depth, quote, found = 0, "", []
    for i, c in enumerate(text):
        if quote:
            quote = "" if c == quote and text[i - 1] != "\\" else quote
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "/" and depth == 0:
            found.append(i)
    if len(found) != 1:
        return None
    left, right = text[: found[0]].strip(), text[found[0] + 1:].strip()
    if not left or not right or _OPERATOR_AFTER.match(right):
        return None
    return _outer(left), _outer(right)


def _args(template: Mapping[str, Any], given: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    values, notes = {}, []
    spec = mapping(template.get("spec"))
    for arg in spec.get("args") or []:
        if isinstance(arg, Mapping) and isinstance(arg.get("name"), str):
            if "value" in arg and not is_secret_name(arg["name"]):
                values[arg["name"]] = str(arg["value"])
            elif "valueFrom" in arg and arg["name"] not in given:
                notes.append(f"argument {shown(arg['name'])} takes its value from {shown(arg['valueFrom'])} "
                             "(a Secret, a field or a pod-template hash); give it a value by hand")
    return {**values, **given}, notes


def _metric(metric: Mapping[str, Any], args: Mapping[str, str], where: str,
            notes: list[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    provider = mapping(metric.get("provider"))
    kinds = sorted(provider)
    if kinds != ["prometheus"]:
        notes.append(f"{where}: provider {', '.join(kinds) or 'none'} is not converted (tricolor converts "
                     "Prometheus metrics; declare this one by hand with a tricolor provider)")
        return None
    prom = mapping(provider["prometheus"])
    limits: dict[str, float] = {}
    for key, success in (("successCondition", True), ("failureCondition", False)):
        if key not in metric:
            continue
        text, missing = substitute(str(metric[key]), args)
        found = condition_limit(text, success)
        if found is None or missing:
            notes.append(f"{where}: {key} {shown(metric[key])} is not a plain comparison of the result with a "
                         "number; not converted")
            continue
        limits[found[0]] = found[1]
    if not limits:
        notes.append(f"{where}: no condition converts to min or max; left out")
        return None
    if "min" in limits and "max" in limits and limits["min"] > limits["max"]:
        notes.append(f"{where}: its conditions give min {limits['min']:g} above max {limits['max']:g}; left out")
        return None
    query, missing = substitute(str(prom.get("query", "")), args)
    if not query.strip():
        notes.append(f"{where}: no query; left out")
        return None
    if missing:
        notes.append(f"{where}: {', '.join('{{args.' + m + '}}' for m in missing)} has no value; the query keeps "
                     "the placeholder: replace it")
    if "{{color}}" not in query and "{{version}}" not in query:
        notes.append(f"{where}: the query does not tell the colors apart; add a {{{{color}}}} (or {{{{version}}}}) "
                     "label matcher, or both colors read the same numbers")
    for key in ("rangeQuery", "headers", "authentication", "insecure"):
        if key in prom:
            notes.append(f"{where}: prometheus.{key} is not converted")
    for key in ("count", "initialDelay", "consecutiveSuccessLimit", "dryRun"):
        if key in metric:
            notes.append(f"{where}: {key} is not converted (an analysis step measures every interval until it "
                         "decides)")
    out: dict[str, Any] = {"name": str(metric.get("name", ""))}
    ratio = split_ratio(query) if "rangeQuery" not in prom else None
    if ratio is not None:
        out.update(kind="rate", query=ratio[0].strip(), totalQuery=ratio[1].strip())
    else:
        out.update(kind="distribution", query=query.strip())
    out["direction"] = "either" if len(limits) == 2 else "decrease" if "min" in limits else "increase"
    out.update(limits)
    settings = {k: metric[k] for k in ("interval", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit")
                if k in metric}
    if "address" in prom:
        settings["url"] = str(prom["address"])
    if "timeout" in prom:
        settings["timeout"] = prom["timeout"]
    return out, settings


def convert_template(template: Mapping[str, Any], given: Mapping[str, str] | None = None) -> TemplateConversion:
    """The metrics of one AnalysisTemplate (or ClusterAnalysisTemplate) document."""
    meta = mapping(template.get("metadata"))
    name = str(meta.get("name", ""))
    out = TemplateConversion(name=name, cluster=template.get("kind") == "ClusterAnalysisTemplate")
    args, notes = _args(template, dict(given or {}))
    out.notes += [f"template {name}: {n}" for n in notes]
    spec = mapping(template.get("spec"))
    metrics = spec.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        out.notes.append(f"template {name}: no metrics")
        return out
    for index, metric in enumerate(metrics):
        if not isinstance(metric, Mapping):
            out.notes.append(f"template {name}: metrics[{index}] is not a metric")
            continue
        where = f"template {name}, metric {shown(metric.get('name', index))}"
        converted = _metric(metric, args, where, out.notes)
        if converted is not None:
            out.metrics.append(converted[0])
            out.settings.append(converted[1])
    if spec.get("dryRun") or spec.get("measurementRetention"):
        out.notes.append(f"template {name}: dryRun and measurementRetention are not converted")
    return out
