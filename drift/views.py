"""A router as one color sees it, so blue and green can be compared like any resource.

A production router holds both colors: an HTTPRoute has a header rule per color
(``x-tricolor-color: blue``) and weighted rules over both colors' backends; an ALB
listener forwards to both target groups with weights. The view of one color keeps its
own header rule (as ``colorRoute``) and only its own backends; shared backends stay.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..vocab.labels import COLORS, color_in

__all__ = ["ROUTER_VIEWS", "router_view"]


def _color_of_name(name: Any) -> str | None:
    return color_in(name) if isinstance(name, str) else None


def _split_http_route(body: Mapping[str, Any], color: str) -> dict[str, Any]:
    """A production HTTPRoute as seen by one color: its header rule becomes
    ``colorRoute``, and weighted rules keep only that color's backends."""
    spec = dict(body.get("spec") or {}) if isinstance(body.get("spec"), Mapping) else {}
    rules: list[Any] = []
    mine = None
    for rule in spec.get("rules") or []:
        if not isinstance(rule, Mapping):
            rules.append(rule)
            continue
        headers = [h for m in rule.get("matches") or [] if isinstance(m, Mapping)
                   for h in m.get("headers") or [] if isinstance(h, Mapping) and h.get("value") in COLORS]
        if headers:
            if headers[0].get("value") == color:
                mine = rule
            continue
        refs = [r for r in rule.get("backendRefs") or []
                if not isinstance(r, Mapping) or _color_of_name(r.get("name")) in (color, None)]
        rules.append({**rule, "backendRefs": refs})
    if "spec" in body:
        spec["rules"] = rules
    out = {**body, "spec": spec} if "spec" in body else dict(body)
    if mine is not None:
        out["colorRoute"] = mine
    return out


def _group_name(group: Mapping[str, Any]) -> str:
    if group.get("name"):
        return str(group["name"])
    arn = str(group.get("arn") or group.get("TargetGroupArn") or "")
    parts = arn.split("/")  # arn:...:targetgroup/<name>/<id>
    return parts[-2] if len(parts) >= 3 else arn


def _split_listener(body: Mapping[str, Any], color: str) -> dict[str, Any]:
    """An ALB listener as seen by one color: weighted target groups of that color only."""
    def keep(action: Any) -> Any:
        if not isinstance(action, Mapping):
            return action
        forward = action.get("forward") or action.get("ForwardConfig")
        if not isinstance(forward, Mapping):
            return action
        key = "targetGroups" if "targetGroups" in forward else "TargetGroups"
        groups = [g for g in forward.get(key) or []
                  if not isinstance(g, Mapping) or _color_of_name(_group_name(g)) in (color, None)]
        return {**action, ("forward" if "forward" in action else "ForwardConfig"): {**forward, key: groups}}

    out = dict(body)
    for key in ("defaultActions", "DefaultActions", "actions", "Actions"):
        if isinstance(out.get(key), list):
            out[key] = [keep(a) for a in out[key]]
    return out


View = Callable[[Mapping[str, Any], str], dict[str, Any]]
ROUTER_VIEWS: dict[str, View] = {":HTTPRoute": _split_http_route, "aws:lb/listener:Listener": _split_listener,
                                 "aws:lb/listenerRule:ListenerRule": _split_listener}


def router_view(type_: str, body: Mapping[str, Any], color: str | None) -> Mapping[str, Any]:
    """``body`` as ``color`` sees it (``body`` itself when it is no router, or no color)."""
    if color is None:
        return body
    for suffix, view in ROUTER_VIEWS.items():
        if type_.endswith(suffix):
            return view(body, color)
    return body
