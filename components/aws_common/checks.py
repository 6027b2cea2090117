"""Checks both AWS backends make on their settings before anything is registered."""

from __future__ import annotations

from typing import Any

from ...spec.backends import AwsCommon
from ...spec.errors import Problem
from ...spec.stack import Stack
from ..errors import ComponentError


def stack_file(stack: Stack) -> str:
    return f"Pulumi.{stack.name}.yaml"


def common_problems(stack: Stack, settings: AwsCommon, key: str, runtime_region: str | None
                    ) -> tuple[str | None, list[Problem]]:
    """The region (the settings', ``aws:region`` or the running stack's) and the problems
    the AWS backends share: secret ARNs for secrets the spec does not have, no region,
    dependencies that need a network without one."""
    file = stack_file(stack)
    problems = [
        Problem(file, f"{key}.secrets.{name}",
                f"the spec has no secret {name!r}; its secrets are {', '.join(sorted(stack.spec.secrets)) or 'none'}")
        for name in sorted(set(settings.secrets) - set(stack.spec.secrets))
    ]
    other: Any = stack.other_config.get("aws:region")
    region = settings.region or (other if isinstance(other, str) else None) or runtime_region
    if region is None:
        problems.append(Problem(file, f"{key}.region", f"no region: set aws:region or {key.split('.', 1)[1]}.region"))
    networked = sorted(d.name for d in stack.spec.dependencies if d.kind != "external")
    if networked and (settings.vpc_id is None or not settings.subnet_ids):
        problems.append(Problem(file, f"{key}.vpcId", f"the dependencies {', '.join(networked)} live in a VPC: "
                                                      "give vpcId and subnetIds"))
    return region, problems


def check_elasticache(stack: Stack) -> None:
    """The ElastiCache node tricolor creates has no AUTH password: refuse asking for one."""
    for dep in stack.spec.dependencies:
        if dep.kind == "redis" and "password" in dep.env.values():
            raise ComponentError(f"dependencies.{dep.name}: the ElastiCache node tricolor creates has no AUTH "
                                 "password; leave password out of env, or use kind: external")


__all__ = ["check_elasticache", "common_problems", "stack_file"]
