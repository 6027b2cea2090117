"""How differences are shown, shared by every report format and by ``plan``.

Values are data, never markup: ``show`` writes a value on one line with control
characters escaped (``\\n``, ``\\x1b``), text as is and anything else as compact JSON;
routes are shown as rules (``header x-tricolor-color=green -> green``, ``weights blue 90
/ green 10``) rather than as raw JSON. Every value here is already normalised and
redacted: no format can show a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from ..vocab.labels import color_in
from .model import Difference, DriftResult

__all__ = ["RANK", "describe", "describe_rule", "display", "matrix", "reason_counts", "short_role", "show",
           "summary_line"]

RANK = {"parity": 0, "allowed": 1, "ignored": 2, "drift": 3}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ROUTERS = (":HTTPRoute", ":GRPCRoute", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule")


def _escape_control(text: str) -> str:
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(m.group(0),
                                                                       f"\\x{ord(m.group(0)):02x}"), text)


def show(value: Any, width: int | None = 80) -> str:
    """A value on one line: missing as ``-``, text as is, others as compact JSON; cut
    with ``…`` past ``width`` characters (``None``: never cut)."""
    if value is None:
        return "-"
    if isinstance(value, str):
        text = value
    else:
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str).decode()
        except (orjson.JSONEncodeError, TypeError):
            text = repr(value)
    text = _escape_control(text)
    return text if width is None or len(text) <= width else text[: max(width - 1, 1)] + "…"


def short_role(role: str) -> str:
    """``kubernetes:apps/v1:Deployment::checkout-deployment`` -> ``Deployment checkout-deployment``."""
    type_, _, name = role.partition("::")
    return f"{type_.rsplit(':', 1)[-1]} {name}" if name else role


def summary_line(result: DriftResult) -> str:
    counts = result.counts
    verdict = "DRIFT" if result.has_drift else "parity"
    new = sum(1 for d in result.differences if d.new)
    extra = f", {new} new since the last recorded run" if result.annotated else ""
    return (f"{verdict}: {counts['drift']} drift, {counts['allowed']} allowed, {counts['ignored']} ignored "
            f"across {result.resources} resources in {', '.join(result.environments)}{extra}")


def reason_counts(differences: Iterable[Difference]) -> dict[str, int]:
    """How many differences each kind of reason covers (``release-managed``, ``parity.allowed``, ...)."""
    out: dict[str, int] = {}
    for d in differences:
        kind = d.reason.split(":", 1)[0] or d.status
        out[kind] = out.get(kind, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


# -- routes as rules ----------------------------------------------------------------------

def _entries(value: Any, name_key: str = "name") -> list[tuple[str, Any]]:
    """A list of named items, or the same keyed by name (the normal form), as pairs."""
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(str(i.get(name_key, "")), i) for i in value if isinstance(i, Mapping)]
    return []


def _label(name: str) -> str:
    return color_in(name) or name


def _matches(rule: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    matches = rule.get("matches")
    for match in matches if isinstance(matches, list) else []:
        if not isinstance(match, Mapping):
            continue
        for name, header in _entries(match.get("headers")):
            value = header.get("value") if isinstance(header, Mapping) else header
            parts.append(f"header {show(name, 60)}={show(value, 60)}")
        path = match.get("path")
        if isinstance(path, Mapping) and path.get("value") not in (None, "/"):
            parts.append(f"path {show(path.get('value'), 60)}")
        if match.get("method"):
            parts.append(f"method {show(match.get('method'), 20)}")
    return parts


def _targets(refs: list[tuple[str, Any]], header_color: str | None) -> str:
    weights = [(name, ref.get("weight", ref.get("Weight")) if isinstance(ref, Mapping) else None)
               for name, ref in refs]
    if len(weights) == 1:
        return f"-> {header_color or _label(weights[0][0])}"
    return "weights " + " / ".join(f"{_label(n)} {show(w, 12)}" for n, w in weights)


def describe_rule(rule: Any) -> str | None:
    """An HTTPRoute rule or an ALB action as one line (``None`` when it is neither)."""
    if not isinstance(rule, Mapping):
        return None
    if "backendRefs" in rule or "matches" in rule:
        parts = _matches(rule)
        colors = [color_in(p.split("=", 1)[-1]) for p in parts if p.startswith("header ")]
        refs = _entries(rule.get("backendRefs"))
        if refs:
            parts.append(_targets(refs, next((c for c in colors if c), None)))
        return " ".join(parts) or "(no match, no backend)"
    forward = rule.get("forward") or rule.get("ForwardConfig")
    if isinstance(forward, Mapping):
        groups = forward.get("targetGroups", forward.get("TargetGroups"))
        pairs = [(str(g.get("name") or g.get("arn") or g.get("TargetGroupArn") or "?"), g)
                 for g in (groups if isinstance(groups, list) else []) if isinstance(g, Mapping)]
        if isinstance(groups, Mapping):
            pairs = list(_entries(groups))
        return _targets(pairs, None) if pairs else "forward (no target group)"
    return None


def describe(value: Any) -> str | None:
    """A route rule, a list of rules or rules keyed by name as one line (``None`` when
    ``value`` is none of these)."""
    return _describe(value)


def _describe(value: Any) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        described = [describe_rule(v) for v in value]
        return "; ".join(d for d in described if d) if all(described) else None
    if isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values()) \
            and not ("backendRefs" in value or "matches" in value or "forward" in value):
        described = [describe_rule(v) for v in value.values()]
        return "; ".join(d for d in described if d) if all(described) else None
    return describe_rule(value)


def _full(difference: Difference, value: Any) -> str:
    if value is not None and difference.type.endswith(_ROUTERS):
        described = _describe(value)
        if described is not None:
            return show(described, None)
    return show(value, None)


def display(difference: Difference, environment: str, width: int | None = 80) -> str:
    """The value of ``difference`` in ``environment`` as a report shows it: cut past
    ``width`` characters, the cut window moved to where the values start to differ so a
    cut never hides the difference."""
    text = _full(difference, difference.values.get(environment))
    if width is None or len(text) <= width:
        return text
    others = {_full(difference, v) for v in difference.values.values()} - {text}
    common = max((len(_common_prefix(text, other)) for other in others), default=0)
    start = max(0, min(common - width // 4, len(text) - (width - 1)))
    if start == 0:
        return text[:width - 1] + "…"
    if len(text) - start <= width - 1:
        return "…" + text[start:]
    return "…" + text[start:start + width - 2] + "…"


def _common_prefix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]


# -- the matrix (HTML, plan) --------------------------------------------------------------

def matrix(result: DriftResult) -> list[dict[str, Any]]:
    """Rows of the matrix: per resource, per environment its status (the worst status
    of the fields where this environment is the odd one; ``parity`` elsewhere) and every
    differing field with its value there and whether this environment is odd."""
    grouped = result.by_resource()
    rows: list[dict[str, Any]] = []
    for role in result.roles or tuple(grouped):
        diffs = grouped.get(role, [])
        cells: list[dict[str, Any]] = []
        for label in result.environments:
            fields: list[dict[str, Any]] = []
            status = "parity"
            for d in diffs:
                odd = label in d.odd
                fields.append({"path": d.path or "(resource)", "value": display(d, label, 120), "status": d.status,
                               "reason": d.reason, "new": bool(d.new), "odd": odd})
                if odd and RANK[d.status] > RANK[status]:
                    status = d.status
            cells.append({"environment": label, "status": status, "fields": fields})
        worst = max((d.status for d in diffs), key=RANK.__getitem__, default="parity")
        rows.append({"resource": role, "type": result.types.get(role, ""), "status": worst, "cells": cells})
    rows.sort(key=lambda r: (-RANK[r["status"]], r["resource"]))
    return rows

