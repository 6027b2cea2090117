"""CPU and memory requests and limits, and a readiness probe, on every production color."""

from __future__ import annotations

from pydantic import Field

from .model import Context, Finding, Options, Resource, Rule
from .rules_images import applies
from .shapes import color_of, containers_of, environment_of

NAME = "production-resources"


class ResourceOptions(Options):
    environments: list[str] = Field(
        default_factory=lambda: ["production"],
        description="Environments where the rule applies; '*' for all.",
    )
    colored_only: bool = Field(
        True,
        alias="coloredOnly",
        description="Check only workloads of a color (blue or green), not shared ones.",
    )
    require_requests: bool = Field(
        True, alias="requireRequests", description="Demand CPU and memory requests."
    )
    require_limits: bool = Field(True, alias="requireLimits", description="Demand CPU and memory limits.")
    require_readiness: bool = Field(
        True,
        alias="requireReadiness",
        description="Demand a readiness probe (a health check on ECS and Docker).",
    )


def check(resource: Resource, options: ResourceOptions, context: Context) -> list[Finding]:
    containers = [c for c in containers_of(resource) if c.runs_service]
    if not containers or not applies(environment_of(resource, context), options.environments):
        return []
    color = color_of(resource)
    if options.colored_only and color is None:
        return []
    where = f"{resource.describe()}" + (f" ({color})" if color else "")
    findings: list[Finding] = []
    wanted = [("requests", options.require_requests), ("limits", options.require_limits)]
    for container in containers:
        missing = [
            container.fields[f"{kind}.{what}"]
            for kind, enabled in wanted
            if enabled
            for what in ("cpu", "memory")
            if getattr(container, kind).get(what) in (None, "", 0)
        ]
        if missing:
            findings.append(Finding(f"{where}: no {', '.join(missing)}", resource.urn))
        if options.require_readiness and not container.readiness:
            findings.append(
                Finding(f"{where}: no readiness probe ({container.readiness_field})", resource.urn)
            )
    return findings


RULE = Rule(
    name=NAME,
    description="Every production color sets CPU and memory requests and limits and a readiness probe.",
    kind="resource",
    enforcement="mandatory",
    options=ResourceOptions,
    check=check,
)
