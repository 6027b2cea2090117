"""Header routes (``setHeaderRoute``) as ALB listener rules on the production listener.
Pure, no Pulumi.

Each match of a route becomes one listener rule forwarding to its color's target group
(a route's matches are alternatives; one ALB rule ANDs its conditions, so one rule per
match keeps the OR). The rules take no priority: they all forward to the new color, so
their order does not matter, and AWS gives each the next free one.

What an ALB takes (AWS documentation, "HTTP header conditions"): a header name of at
most 40 characters, not ``Host``; values of at most 128 characters compared
case-insensitively, with the wildcards ``*`` and ``?``; or regular expressions
(``regexValues``, at most 128 characters) without lookarounds, back-references, atomic
groups, possessive quantifiers, recursion or Unicode classes. So:

- ``exact`` -> the value (case-insensitive, as the ALB compares), or when it holds ``*``
  or ``?`` the anchored regular expression of the literal;
- ``prefix`` -> the value followed by ``*`` (likewise);
- ``regex`` -> ``^(?:regex)$`` (a whole-value match, as Envoy and Argo's Istio router do).

At most 100 rules per listener (the default quota) for all header routes together.
"""

from __future__ import annotations

import re
from typing import Any

from ...spec.canary import HeaderMatch, HeaderRoute
from ..errors import BackendLimitError

__all__ = ["ALB_HEADER_NAME_MAX", "ALB_RULES_MAX", "ALB_VALUE_MAX", "condition", "problems", "rules"]

ALB_HEADER_NAME_MAX = 40
ALB_VALUE_MAX = 128
ALB_RULES_MAX = 100
_META = set("\\.^$|?*+()[]{}")
_UNSUPPORTED = re.compile(r"\(\?[=!>]|\(\?<[=!]|\\[1-9]|\\[pPk]|\(\?R|\(\?[0-9]|[*+?}]\+")


def _literal(text: str) -> str:
    return "".join(f"\\{c}" if c in _META else c for c in text)


def condition(match: HeaderMatch) -> dict[str, Any]:
    """The ``http_header`` condition of one match."""
    value = match.header_value
    text = value.value
    wild = "*" in text or "?" in text
    if value.kind == "exact" and not wild:
        config: dict[str, Any] = {"values": [text]}
    elif value.kind == "prefix" and not wild:
        config = {"values": [f"{text}*"]}
    elif value.kind == "regex":
        config = {"regex_values": [f"^(?:{text})$"]}
    else:
        config = {"regex_values": [f"^{_literal(text)}{'$' if value.kind == 'exact' else '.*'}"]}
    return {"http_header": {"http_header_name": match.header_name, **config}}


def _match_problem(route: HeaderRoute, match: HeaderMatch) -> str | None:
    name = match.header_name
    where = f"header route {route.name}, header {name}"
    if len(name) > ALB_HEADER_NAME_MAX:
        return f"{where}: an ALB header condition takes names of at most {ALB_HEADER_NAME_MAX} characters"
    if name.lower() == "host":
        return f"{where}: an ALB routes on Host with a host-header condition, not a header route"
    value = match.header_value
    if value.kind == "regex" and _UNSUPPORTED.search(value.value):
        return (f"{where}: the ALB's regular expressions have no lookarounds, back-references, atomic groups, "
                f"possessive quantifiers, recursion or Unicode classes: {value.value!r}")
    config = condition(match)["http_header"]
    written = (config.get("values") or config["regex_values"])[0]
    if len(written) > ALB_VALUE_MAX:
        return f"{where}: {len(written)} characters once written for the ALB; it takes at most {ALB_VALUE_MAX}"
    return None


def problems(routes: tuple[HeaderRoute, ...]) -> list[str]:
    out = [p for r in routes for m in r.match if (p := _match_problem(r, m))]
    count = sum(len(r.match) for r in routes)
    if count > ALB_RULES_MAX:
        out.append(f"{count} header-route rules; an ALB listener holds {ALB_RULES_MAX} rules by default")
    return out


def rules(routes: tuple[HeaderRoute, ...], target_groups: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(role, listener rule arguments)`` per match, ``role`` naming it (``beta-0``);
    ``BackendLimitError`` for what an ALB cannot take."""
    found = problems(routes)
    if found:
        raise BackendLimitError("; ".join(found))
    return [(f"{route.name}-{i}", {"conditions": [condition(match)],
                                   "actions": [{"type": "forward", "target_group_arn": target_groups[route.color]}]})
            for route in routes for i, match in enumerate(route.match)]
