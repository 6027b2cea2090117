"""Header routes (``setHeaderRoute``) as nginx ``map`` blocks. Pure, no Pulumi.

The router picks an upstream through a chain of maps: the smoke-test header first (it
names a color), then one map per match of each header route in force, in order; each
map's default is the next one, and the last one's is the weighted upstream. A request
matching any match goes to its route's color.

Every match is a case-sensitive PCRE (``~``) on ``$http_<name>``: ``exact`` as
``^<literal>$``, ``prefix`` as ``^<literal>``, ``regex`` as ``^(?:<regex>)$`` (a
whole-value match, as Envoy and Argo's Istio router do). Inside the quoted map key a
backslash and a double quote are escaped for nginx's parser.

nginx passes on headers whose names are letters, digits and ``-`` (``_`` is dropped
unless ``underscores_in_headers`` is on): other names are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...spec.canary import HeaderMatch, HeaderRoute
from ..errors import BackendLimitError

__all__ = ["Link", "chain", "map_key", "problems"]

_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_META = set("\\.^$|?*+()[]{}")


@dataclass(frozen=True)
class Link:
    """One map of the chain: ``$<source>`` matching ``key`` sets ``$<variable>`` to
    ``upstream``, else to ``fallback`` (the next link's variable, or the weighted upstream)."""

    variable: str
    source: str
    key: str
    upstream: str
    fallback: str


def _literal(text: str) -> str:
    return "".join(f"\\{c}" if c in _META else c for c in text)


def map_key(match: HeaderMatch) -> str:
    """The quoted regular-expression key of a ``map`` block for ``match``."""
    value = match.header_value
    if value.kind == "exact":
        pattern = f"^{_literal(value.value)}$"
    elif value.kind == "prefix":
        pattern = f"^{_literal(value.value)}"
    else:
        pattern = f"^(?:{value.value})$"
    return '"~' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'


def variable_of(header: str) -> str:
    """nginx's variable for a request header: ``Custom-Header1`` -> ``http_custom_header1``."""
    return "http_" + header.lower().replace("-", "_")


def problems(routes: tuple[HeaderRoute, ...]) -> list[str]:
    return [f"header route {r.name}: nginx routes on headers of letters, digits and '-' only, not {m.header_name!r}"
            for r in routes for m in r.match if not _NAME.match(m.header_name)]


def chain(routes: tuple[HeaderRoute, ...], upstream_of: dict[str, str], weighted: str) -> list[Link]:
    """The maps after the smoke-test one; ``BackendLimitError`` for a header nginx drops."""
    found = problems(routes)
    if found:
        raise BackendLimitError("; ".join(found))
    pairs = [(route, match) for route in routes for match in route.match]
    links = []
    for i, (route, match) in enumerate(pairs):
        fallback = f"$tricolor_route_{i + 1}" if i + 1 < len(pairs) else weighted
        links.append(Link(variable=f"tricolor_route_{i}", source=variable_of(match.header_name),
                          key=map_key(match), upstream=upstream_of[route.color], fallback=fallback))
    return links
