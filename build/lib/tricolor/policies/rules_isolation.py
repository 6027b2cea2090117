"""The idle color is not reachable from outside except through the smoke-test route.

Both colors are reached only through the router: the weighted rule (where the idle
color has weight 0) and, per color, the smoke-test rule gated by a header match. A
color must not be exposed on its own: no Kubernetes LoadBalancer or NodePort Service,
external IPs or Ingress; no router rule that sends everything to one color without the
header match; no ALB action forwarding to one color's target group without an
``http-header`` condition; no public IP on a color's ECS service; no published Docker
port on a color's container.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from .model import Context, Finding, Options, Resource, Rule, is_opaque
from .rules_weights import AWS_ROUTERS
from .shapes import DOCKER_CONTAINER, color_in, color_of, get, k8s_kind

NAME = "idle-color-isolated"
ECS_SERVICE = "aws:ecs/service:Service"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class IsolationOptions(Options):
    smoke_header: str | None = Field(
        None,
        alias="smokeHeader",
        description="The header of the smoke-test route (e.g. x-tricolor-color); any header match "
        "counts when unset.",
    )


def _header_gated(matches: Any, header: str | None) -> bool:
    """Whether every match of a route rule requires the smoke-test header."""
    if not isinstance(matches, list) or not matches:
        return False  # no match at all matches every request
    for match in matches:
        headers = get(match, "headers")
        names = [str(get(h, "name") or "").lower() for h in headers] if isinstance(headers, list) else []
        if not names or (header and header.lower() not in names):
            return False
    return True


def _single_color(targets: list[Any]) -> str | None:
    colors = {color_in(t) for t in targets if not is_opaque(t)}
    if len(colors) == 1 and len(targets) >= 1:
        (color,) = colors
        return color
    return None


def _route_findings(resource: Resource, options: IsolationOptions) -> list[Finding]:
    rules = get(resource.props, "spec", "rules")
    findings = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        refs = get(rule, "backendRefs")
        names = [get(ref, "name") for ref in refs] if isinstance(refs, list) else []
        color = _single_color(names)
        if color and not _header_gated(get(rule, "matches"), options.smoke_header):
            findings.append(
                Finding(
                    f"{resource.describe()}: spec.rules[{i}] sends every request it matches to the "
                    f"{color} color without the smoke-test header match (spec.rules[{i}].matches[].headers)",
                    resource.urn,
                )
            )
    return findings


def _alb_findings(resource: Resource, options: IsolationOptions) -> list[Finding]:
    key = AWS_ROUTERS[resource.type]
    actions = resource.props.get(key)
    findings = []
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        if get(action, "type") not in (None, "forward"):
            continue
        groups = get(action, "forward", "targetGroups")
        targets = [get(g, "arn") for g in groups] if isinstance(groups, list) else []
        if not targets and get(action, "targetGroupArn") is not None:
            targets = [get(action, "targetGroupArn")]
        color = _single_color(targets)
        if color is None:
            continue
        conditions = resource.props.get("conditions")
        headers = (
            [get(c, "httpHeader", "httpHeaderName") for c in conditions]
            if isinstance(conditions, list)
            else []
        )
        gated = any(h for h in headers) and (
            not options.smoke_header or options.smoke_header.lower() in [str(h).lower() for h in headers if h]
        )
        if key == "defaultActions" or not gated:
            findings.append(
                Finding(
                    f"{resource.describe()}: {key}[{i}] forwards every request to the {color} color's "
                    "target group without an http-header condition (conditions[].httpHeader)",
                    resource.urn,
                )
            )
    return findings


def _ingress_backends(props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    out = [("spec.defaultBackend.service.name", get(props, "spec", "defaultBackend", "service", "name"))]
    rules = get(props, "spec", "rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = get(rule, "http", "paths")
        for j, path in enumerate(paths if isinstance(paths, list) else []):
            out.append(
                (
                    f"spec.rules[{i}].http.paths[{j}].backend.service.name",
                    get(path, "backend", "service", "name"),
                )
            )
    return out


def check(resource: Resource, options: IsolationOptions, context: Context) -> list[Finding]:
    kind = k8s_kind(resource)
    props = resource.props
    if kind in ("HTTPRoute", "GRPCRoute") and resource.type.startswith(
        "kubernetes:gateway.networking.k8s.io/"
    ):
        return _route_findings(resource, options)
    if resource.type in AWS_ROUTERS:
        return _alb_findings(resource, options)
    if kind == "Ingress":
        return [
            Finding(
                f"{resource.describe()}: {where} exposes the {color_in(name)} color directly, "
                "outside the router",
                resource.urn,
            )
            for where, name in _ingress_backends(props)
            if color_in(name)
        ]
    color = color_of(resource)
    if color is None:
        return []
    findings = []
    where = f"{resource.describe()} ({color})"
    if kind == "Service":
        service_type = get(props, "spec", "type")
        if service_type in ("LoadBalancer", "NodePort"):
            findings.append(
                Finding(
                    f"{where}: spec.type is {service_type}; a color is reached only through "
                    "the router (use ClusterIP)",
                    resource.urn,
                )
            )
        if get(props, "spec", "externalIPs"):
            findings.append(
                Finding(f"{where}: spec.externalIPs exposes the color outside the router", resource.urn)
            )
    elif resource.type == ECS_SERVICE:
        if get(props, "networkConfiguration", "assignPublicIp") is True:
            findings.append(
                Finding(
                    f"{where}: networkConfiguration.assignPublicIp gives the color a public IP", resource.urn
                )
            )
    elif resource.type == DOCKER_CONTAINER:
        ports = props.get("ports")
        for i, port in enumerate(ports if isinstance(ports, list) else []):
            if isinstance(port, Mapping) and get(port, "ip") not in _LOOPBACK:
                findings.append(
                    Finding(
                        f"{where}: ports[{i}] publishes port {get(port, 'internal')} on "
                        f"{get(port, 'ip') or '0.0.0.0'}:{get(port, 'external') or '(random)'}; "
                        "only the router publishes",
                        resource.urn,
                    )
                )
        if props.get("publishAllPorts") is True:
            findings.append(Finding(f"{where}: publishAllPorts publishes the color's ports", resource.urn))
        if props.get("networkMode") == "host":
            findings.append(
                Finding(f"{where}: networkMode host puts the color on the host's network", resource.urn)
            )
    return findings


RULE = Rule(
    name=NAME,
    description="The idle color is not reachable from outside except through the smoke-test route.",
    kind="resource",
    enforcement="mandatory",
    options=IsolationOptions,
    check=check,
)
