"""Router weights are valid for the backend: integers, in the backend's range, and
stable plus canary equal to the total.

- Kubernetes Gateway API ``HTTPRoute``: ``spec.rules[].backendRefs[].weight``,
  0..1,000,000, at most 16 backendRefs per rule (the HTTPRoute CRD's schema).
- AWS ALB ``Listener`` / ``ListenerRule``: ``defaultActions[]`` / ``actions[]`` of type
  ``forward`` with ``forward.targetGroups[].weight``, 0..999, at most 5 target groups.
- Docker (an nginx router container): the ``upstream`` blocks of the nginx
  configuration it uploads (``uploads[].content``), ``server ... weight=N;``, where a
  weight is at least 1 (nginx has no weight 0: a color at 0 is left out).
- AWS Lambda ``Alias``: ``routingConfig.additionalVersionWeights`` ({version: fraction}),
  at most ONE additional version, its weight a fraction 0.0..1.0 (the primary version
  ``functionVersion`` takes the rest, so there is no sum to check), a whole percentage
  as tricolor writes it (``0.1``, never ``0.125``), and never the primary version itself
  (Lambda refuses that).

A rule or action with a single backend carries all traffic; one with several is a
split and its weights must add up to ``total`` (100: tricolor weights are percentages).
The limits are the one table in ``tricolor.vocab.limits``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from ..vocab.limits import ALB, GATEWAY, LAMBDA, NGINX, TOTAL, Limits
from ..vocab.wire import is_opaque
from .model import Context, Finding, Options, Resource, Rule
from .quote import quoted
from .shapes import AWS_ROUTERS, DOCKER_CONTAINER, get

NAME = "router-weights"
LAMBDA_ALIAS = "aws:lambda/alias:Alias"


_UPSTREAM = re.compile(r"upstream\s+([A-Za-z0-9_.-]+)\s*\{([^}]*)\}")
_SERVER = re.compile(r"(?m)^\s*server\s+([^\s;]+)([^;]*);")
_WEIGHT = re.compile(r"\bweight=([^\s;]+)")


class WeightOptions(Options):
    total: int = Field(100, ge=1, description="What the weights of a split must add up to.")


@dataclass(frozen=True)
class Split:
    """Weighted backends at one place of a router resource."""

    path: str
    weights: list[tuple[str, Any]]  # (field path of the weight, value; None when absent)
    limits: Limits


def is_http_route(resource: Resource) -> bool:
    return resource.type.startswith("kubernetes:gateway.networking.k8s.io/") and resource.type.endswith(
        ":HTTPRoute"
    )


def splits_of(resource: Resource) -> list[Split]:
    """Every set of weighted backends the resource routes to."""
    props = resource.props
    out: list[Split] = []
    if is_http_route(resource):
        rules = get(props, "spec", "rules")
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            refs = get(rule, "backendRefs")
            if isinstance(refs, list) and refs:
                path = f"spec.rules[{i}].backendRefs"
                out.append(
                    Split(
                        path,
                        [(f"{path}[{j}].weight", get(ref, "weight")) for j, ref in enumerate(refs)],
                        GATEWAY,
                    )
                )
    elif resource.type in AWS_ROUTERS:
        key = AWS_ROUTERS[resource.type]
        actions = props.get(key)
        for i, action in enumerate(actions if isinstance(actions, list) else []):
            groups = get(action, "forward", "targetGroups")
            if isinstance(groups, list) and groups:
                path = f"{key}[{i}].forward.targetGroups"
                out.append(
                    Split(
                        path, [(f"{path}[{j}].weight", get(g, "weight")) for j, g in enumerate(groups)], ALB
                    )
                )
    elif resource.type == DOCKER_CONTAINER:
        uploads = props.get("uploads")
        for i, upload in enumerate(uploads if isinstance(uploads, list) else []):
            out.extend(nginx_splits(get(upload, "content"), f"uploads[{i}].content"))
    return out


def nginx_splits(content: Any, where: str) -> list[Split]:
    """The weighted ``upstream`` blocks of an nginx configuration (those naming a weight)."""
    if not isinstance(content, str):
        return []
    out = []
    for match in _UPSTREAM.finditer(content):
        servers = _SERVER.findall(match.group(2))
        weights = [_WEIGHT.search(params) for _, params in servers]
        if not any(weights):
            continue
        path = f"{where} upstream {match.group(1)}"
        out.append(
            Split(
                path,
                [
                    (f"{path} server {server}", _number(w.group(1)) if w else None)
                    for (server, _), w in zip(servers, weights, strict=True)
                ],
                NGINX,
            )
        )
    return out


def _number(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def lambda_findings(resource: Resource) -> list[Finding]:
    """An alias's additional version weights against ``vocab.limits.LAMBDA``."""
    weights = get(resource.props, "routingConfig", "additionalVersionWeights")
    if not isinstance(weights, dict) or not weights:
        return []
    where = f"{resource.describe()}: routingConfig.additionalVersionWeights"
    findings = []
    if len(weights) > LAMBDA.max_backends - 1:
        findings.append(Finding(f"{where} has {len(weights)} versions; a {LAMBDA.what} routes to its primary "
                                f"version and at most {LAMBDA.max_backends - 1} additional one", resource.urn))
    primary = resource.props.get("functionVersion")
    for version, value in weights.items():
        shown = quoted(version, "version")
        if is_opaque(value):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            findings.append(Finding(f"{where}[{shown}] is {quoted(value, 'weight')}, not a number", resource.urn))
        elif not LAMBDA.min_weight <= value <= LAMBDA.max_weight:
            findings.append(Finding(f"{where}[{shown}] is {value}, outside {_whole(LAMBDA.min_weight)}.."
                                    f"{_whole(LAMBDA.max_weight)} allowed by a {LAMBDA.what}", resource.urn))
        elif abs(round(value * TOTAL) - value * TOTAL) > 1e-9:
            findings.append(Finding(f"{where}[{shown}] is {value}, not a whole percentage (tricolor weights are "
                                    f"whole percentages: 0.1 for 10 %)", resource.urn))
        if version == primary and not is_opaque(primary):
            findings.append(Finding(f"{where}[{shown}] is the primary version (functionVersion) itself; Lambda "
                                    "refuses an additional version equal to the primary", resource.urn))
    return findings


def check(resource: Resource, options: WeightOptions, context: Context) -> list[Finding]:
    if resource.type == LAMBDA_ALIAS:
        return lambda_findings(resource)
    findings: list[Finding] = []
    for split in splits_of(resource):
        limits = split.limits
        values = [value for _, value in split.weights]
        if any(is_opaque(v) for v in values):
            continue
        if len(values) > limits.max_backends:
            findings.append(
                Finding(
                    f"{resource.describe()}: {split.path} has {len(values)} backends; "
                    f"a {limits.what} takes at most {limits.max_backends}",
                    resource.urn,
                )
            )
        valid = True
        for where, value in split.weights:
            problem = _weight_problem(value, limits, split=len(values) > 1)
            if problem:
                valid = False
                findings.append(Finding(f"{resource.describe()}: {where} {problem}", resource.urn))
        if valid and len(values) > 1 and sum(values) != options.total:
            shown = " + ".join(str(v) for v in values)
            findings.append(
                Finding(
                    f"{resource.describe()}: {split.path} weights {shown} = {sum(values)}; "
                    f"stable plus canary must equal {options.total}",
                    resource.urn,
                )
            )
    return findings


def _whole(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _weight_problem(value: Any, limits: Limits, split: bool) -> str | None:
    if value is None:
        return "is missing (a split needs an explicit weight)" if split else None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"is {quoted(value, 'weight')}, not an integer"
    if not limits.min_weight <= value <= limits.max_weight:
        low, high = _whole(limits.min_weight), _whole(limits.max_weight)
        return f"is {value}, outside {low}..{high} allowed by a {limits.what}"
    return None


RULE = Rule(
    name=NAME,
    description="Router weights are integers in the backend's range, and stable plus canary equal the total.",
    kind="resource",
    enforcement="mandatory",
    options=WeightOptions,
    check=check,
)
