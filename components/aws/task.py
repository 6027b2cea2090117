"""ECS task shapes built from the spec: container definitions (the JSON ECS takes) and
the task definition arguments. Pure functions: every value is already resolved.

Secrets are ``valueFrom`` references to Secrets Manager secrets or SSM parameters;
their values never appear in a task definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...spec.model import Probe, ServiceSpec
from ..aws_common.dependencies import Mount
from .fargate import TaskSize


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def health_check(probe: Probe, port: int) -> dict[str, Any]:
    """A container health check from a probe, within ECS limits (interval 5..300 s,
    timeout 2..60 s, retries 1..10, start period 0..300 s)."""
    url = f"http://localhost:{probe.port or port}{probe.path}"
    return {
        "command": ["CMD-SHELL", f"curl -fsS {url} > /dev/null || exit 1"],
        "interval": _clamp(probe.period_seconds, 5, 300),
        "timeout": _clamp(probe.timeout_seconds, 2, 60),
        "retries": _clamp(probe.failure_threshold, 1, 10),
        "startPeriod": _clamp(probe.initial_delay_seconds, 0, 300),
    }


def container_definitions(
    spec: ServiceSpec,
    image: str,
    env: Mapping[str, str],
    secrets: Mapping[str, str],
    log_group: str,
    region: str,
    stream_prefix: str,
    labels: Mapping[str, str],
    mounts: list[Mount] | tuple[Mount, ...] = (),
) -> list[dict[str, Any]]:
    """The one essential container of the service, as ECS ``containerDefinitions``."""
    probe = spec.probes.liveness or spec.probes.readiness
    container: dict[str, Any] = {
        "name": spec.name,
        "image": image,
        "essential": True,
        "portMappings": [{"name": "http", "containerPort": spec.port, "hostPort": spec.port, "protocol": "tcp"}],
        "environment": [{"name": k, "value": str(v)} for k, v in sorted(env.items())],
        "secrets": [{"name": k, "valueFrom": arn} for k, arn in sorted(secrets.items())],
        "healthCheck": health_check(probe, spec.port),
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": stream_prefix},
        },
        "dockerLabels": dict(sorted(labels.items())),
        "readonlyRootFilesystem": False,
    }
    if mounts:
        container["mountPoints"] = [{"sourceVolume": m.name, "containerPath": m.path, "readOnly": False}
                                    for m in mounts]
    return [container]


def task_definition(family: str, size: TaskSize, architecture: str, mounts: list[Mount] | tuple[Mount, ...] = ()
                    ) -> dict[str, Any]:
    """Task definition arguments other than the container definitions and the roles."""
    out: dict[str, Any] = {
        "family": family,
        "cpu": str(size.cpu),
        "memory": str(size.memory),
        "network_mode": "awsvpc",
        "requires_compatibilities": ["FARGATE"],
        "runtime_platform": {"operating_system_family": "LINUX", "cpu_architecture": architecture},
    }
    if mounts:
        out["volumes"] = [{
            "name": m.name,
            "efs_volume_configuration": {
                "file_system_id": m.file_system_id,
                "transit_encryption": "ENABLED",
                "authorization_config": {"access_point_id": m.access_point_id, "iam": "DISABLED"},
            },
        } for m in mounts]
    return out
