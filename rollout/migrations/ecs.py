"""``EcsMigrationRunner``: a migration phase as a one-off Fargate task (``RunTask``).

The task borrows everything from the live service of the color it runs for (expand:
the color in force; contract: the new one; rolling: the one service): its task
definition is copied with the release's image and the phase's command on the
service's essential container (the same environment, the same ``secrets`` read by
reference through the same execution role, the same task role, size and volumes) and
registered as the family ``<service>-migrate``; it runs in the service's cluster, the
way the service runs (its launch type or capacity provider strategy: Fargate for the
services tricolor creates) with the service's ``networkConfiguration`` (subnets,
security groups).

Idempotent by name: the run's deterministic name is the task's ``startedBy`` (cut to
ECS's 36 characters with a hash when longer) and ``RunTask``'s ``clientToken``; a task
started by that name is observed, never started again. The runner waits until the task
has ``STOPPED`` and reads its essential container's exit code; past the timeout it
stops the task and reports a failure.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from ...components.aws.settings import plan_of
from ...components.aws_common.names import base_name
from ...errors import TricolorError
from ...spec.stack import Stack
from ..errors import MigrationError
from .base import MigrationContext, MigrationRelease, MigrationResult

__all__ = ["COPIED", "EcsMigrationRunner", "started_by"]

#: what a migration task definition keeps of the service's
COPIED = ("taskRoleArn", "executionRoleArn", "networkMode", "volumes", "requiresCompatibilities", "cpu", "memory",
          "runtimePlatform", "ephemeralStorage")
STARTED_BY_MAX = 36


def started_by(name: str) -> str:
    """``name`` as ECS's ``startedBy`` (at most 36 characters, deterministic)."""
    if len(name) <= STARTED_BY_MAX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:STARTED_BY_MAX - 9]}-{digest}"


class EcsMigrationRunner:
    name = "ecs"

    def __init__(self, context: MigrationContext) -> None:
        self.stack: Stack = context.stack
        self.client = context.client
        self.poll = context.poll
        self.sleep: Callable[[float], None] = context.extra.get("sleep", time.sleep)
        self.clock: Callable[[], float] = context.extra.get("clock", time.monotonic)
        try:
            plan = plan_of(self.stack)
        except TricolorError as exc:  # settings the stack program would refuse too
            raise MigrationError(f"aws: {exc}") from None
        self.region = plan.region
        self.cluster = plan.settings.cluster_arn or base_name(self.stack)

    def _ecs(self) -> Any:
        if self.client is None:
            import boto3

            self.client = boto3.client("ecs", region_name=self.region)
        return self.client

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._ecs(), operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise MigrationError(f"ecs {operation}: {exc}") from None

    def service_name(self, release: MigrationRelease) -> str:
        return base_name(self.stack) + (f"-{release.source}" if release.source else "")

    def _existing(self, token: str) -> str | None:
        for status in ("RUNNING", "STOPPED"):
            arns = self._call("list_tasks", cluster=self.cluster, startedBy=token, desiredStatus=status)["taskArns"]
            if arns:
                return str(arns[0])
        return None

    def _definition(self, release: MigrationRelease) -> tuple[str, dict[str, Any]]:
        """The migration's task definition ARN, and how the service runs (network, launch)."""
        service = self.service_name(release)
        found = self._call("describe_services", cluster=self.cluster, services=[service]).get("services") or []
        if not found or found[0].get("status") == "INACTIVE":
            raise MigrationError(f"ecs: service {service} not found in cluster {self.cluster}: the migration "
                                 "borrows its network and secrets")
        live = self._call("describe_task_definition", taskDefinition=found[0]["taskDefinition"])["taskDefinition"]
        containers = [dict(c) for c in live["containerDefinitions"]]
        main = next((c for c in containers if c.get("name") == self.stack.spec.name), containers[0])
        main.update(image=release.image, command=list(release.command), essential=True)
        for key in ("portMappings", "healthCheck"):
            main.pop(key, None)
        copied = {k: live[k] for k in COPIED if live.get(k)}
        registered = self._call("register_task_definition", family=f"{service}-migrate", containerDefinitions=[main],
                                tags=[{"key": "tricolor.dev/release", "value": release.release_id}], **copied)
        service_of = found[0]
        placement: dict[str, Any] = {}
        if service_of.get("networkConfiguration"):
            placement["networkConfiguration"] = service_of["networkConfiguration"]
        if service_of.get("capacityProviderStrategy"):
            placement["capacityProviderStrategy"] = service_of["capacityProviderStrategy"]
        else:
            placement["launchType"] = service_of.get("launchType") or "FARGATE"
        return str(registered["taskDefinition"]["taskDefinitionArn"]), placement

    def _start(self, release: MigrationRelease, token: str) -> str:
        definition, placement = self._definition(release)
        answer = self._call("run_task", cluster=self.cluster, taskDefinition=definition, count=1, startedBy=token,
                            clientToken=release.name[:64], **placement,
                            tags=[{"key": "tricolor.dev/release", "value": release.release_id},
                                  {"key": "tricolor.dev/migration", "value": release.name}])
        tasks = answer.get("tasks") or []
        if not tasks:
            why = "; ".join(f"{f.get('arn', '')}: {f.get('reason', '')}" for f in answer.get("failures") or [])
            raise MigrationError(f"ecs RunTask started no task ({why or 'no reason given'})")
        return str(tasks[0]["taskArn"])

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult:
        token = started_by(release.name)
        arn = self._existing(token)
        created = arn is None
        if arn is None:
            arn = self._start(release, token)
        deadline = self.clock() + release.timeout
        while True:
            tasks = self._call("describe_tasks", cluster=self.cluster, tasks=[arn]).get("tasks") or []
            if not tasks:
                return MigrationResult(False, f"ecs task {arn} is gone", created)
            task = tasks[0]
            if task.get("lastStatus") == "STOPPED":
                return self._outcome(task, release, created)
            if self.clock() >= deadline:
                self._call("stop_task", cluster=self.cluster, task=arn, reason="tricolor: the migration timed out")
                return MigrationResult(False, f"ecs task {arn} did not end within {release.timeout:g}s (stopped)",
                                       created)
            self.sleep(self.poll)

    def _outcome(self, task: dict[str, Any], release: MigrationRelease, created: bool) -> MigrationResult:
        containers = task.get("containers") or []
        main = next((c for c in containers if c.get("name") == self.stack.spec.name), containers[0] if containers
                    else {})
        code = main.get("exitCode")
        where = f"ecs task {task.get('taskArn')} ({release.name})"
        if code == 0:
            return MigrationResult(True, f"{where} exited 0", created)
        reason = main.get("reason") or task.get("stoppedReason") or "no reason given"
        return MigrationResult(False, f"{where} stopped with exit code {code} ({reason})", created)
