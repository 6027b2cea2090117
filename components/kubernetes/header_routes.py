"""Header routes (``setHeaderRoute``) as Gateway API HTTPRoute rules. Pure, no Pulumi.

Each route in force is one rule sending its matches to its color's Service, placed
after the per-color smoke-test rules and before the weighted rule. A route's matches
are alternatives (a request matching any of them goes to the color): one
``HTTPRouteMatch`` each, with the route's path prefix and one header match.

What the Gateway API takes (the HTTPRoute CRD, standard channel v1.6.1): header matches
of type ``Exact`` (core) and ``RegularExpression`` (implementation-specific: the
dialect is the gateway's, RE2 for Envoy-based ones); a ``prefix`` becomes the regular
expression ``^<prefix, escaped>.*``. At most 16 rules per route (the two smoke-test
rules and the weighted one leave 13 for header routes), 64 matches per rule and 128 in
all (the CRD's validation rule). Values are case-sensitive; names are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...spec.canary import HeaderMatch, HeaderRoute
from ..errors import BackendLimitError

__all__ = ["MAX_MATCHES", "MAX_RULES", "gateway_match", "header_rules", "problems", "regex_literal"]

MAX_RULES = 16
MAX_MATCHES = 128
MAX_MATCHES_PER_RULE = 64
_META = set("\\.^$|?*+()[]{}")


def regex_literal(text: str) -> str:
    """``text`` as a regular expression matching exactly it (RE2 and PCRE alike: only
    the metacharacters are escaped)."""
    return "".join(f"\\{c}" if c in _META else c for c in text)


def gateway_match(match: HeaderMatch) -> dict[str, Any]:
    value = match.header_value
    if value.kind == "exact":
        return {"type": "Exact", "name": match.header_name, "value": value.value}
    pattern = value.value if value.kind == "regex" else f"^{regex_literal(value.value)}.*"
    return {"type": "RegularExpression", "name": match.header_name, "value": pattern}


def problems(routes: tuple[HeaderRoute, ...], other_rules: int = 3, other_matches: int = 3) -> list[str]:
    """What an HTTPRoute cannot hold, beside ``other_rules`` rules with ``other_matches`` matches."""
    out = []
    if len(routes) + other_rules > MAX_RULES:
        out.append(f"{len(routes)} header routes in force; an HTTPRoute holds at most {MAX_RULES} rules, "
                   f"{MAX_RULES - other_rules} for header routes")
    for route in routes:
        if len(route.match) > MAX_MATCHES_PER_RULE:
            out.append(f"header route {route.name}: {len(route.match)} matches; an HTTPRoute rule holds at most "
                       f"{MAX_MATCHES_PER_RULE}")
    total = sum(len(r.match) for r in routes) + other_matches
    if total > MAX_MATCHES:
        out.append(f"{total} matches in one HTTPRoute; the Gateway API allows at most {MAX_MATCHES}")
    return out


def header_rules(routes: tuple[HeaderRoute, ...], services: Mapping[str, Any], path: Mapping[str, Any],
                 port: int) -> list[dict[str, Any]]:
    """One rule per route; ``BackendLimitError`` for what the Gateway API cannot hold."""
    found = problems(routes)
    if found:
        raise BackendLimitError("; ".join(found))
    return [{"matches": [{"path": dict(path), "headers": [gateway_match(m)]} for m in route.match],
             "backendRefs": [{"name": services[route.color], "port": port, "weight": 1}]} for route in routes]
