"""AWS components: Environment (one color: ECS Fargate service, task definition, target
group, log group, alarms) and BlueGreen (both colors over one ``Shared``)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.stack import Stack
from ...spec.weights import Color
from ...vocab.labels import REVISION
from .. import skeleton
from ..args import EnvironmentArgs, common_labels
from ..aws_common import base_name, color_secret_table, secrets_policy
from ..aws_common.checks import check_elasticache
from ..dependencies import dependency_env
from ..skeleton import child
from . import alb, task
from .rolling import deployment_percents
from .settings import AwsPlan
from .shared import Shared, any_input


def instance_name(stack: Stack, color: Color | None) -> str:
    """ECS service, task family and alarm prefix: ``checkout-prod-blue`` or ``checkout-staging``."""
    return base_name(stack) + (f"-{color}" if color else "")


class Environment(skeleton.EnvironmentBase[Shared]):
    """One running copy of the service on ECS Fargate, reachable through its target group.

    Staging and previews have no color and create their own ``Shared`` (their own ALB).
    The settings are validated before anything is registered.
    """

    backend = "aws"
    shared_class = Shared

    @classmethod
    def check(cls, stack: Stack, settings: AwsPlan, images: list[str]) -> None:
        check_elasticache(stack)

    def build(self, name: str, args: EnvironmentArgs[Shared], shared: Shared) -> pulumi.Input[Any]:
        stack, color, plan = args.stack, args.color, shared.plan
        spec, settings = stack.spec, plan.settings
        instance = instance_name(stack, color)
        tags = common_labels(stack, color)

        log_name = f"/tricolor/{stack.name}/{instance}"
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=log_name, retention_in_days=settings.log_retention_days,
                                       tags=tags, opts=child(self))
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg", port=spec.port, protocol="HTTP", target_type="ip", vpc_id=settings.vpc_id,
            health_check=any_input(alb.target_group_health_check(spec.probes.readiness)), deregistration_delay=30,
            tags=tags, opts=child(self))
        # The smoke-test route: the header names this color (staging: its environment).
        # ECS only attaches a service to a target group that a listener already uses.
        # No priority: the header values exclude each other, so AWS's next free one will do.
        rule = aws.lb.ListenerRule(
            f"{name}-test-rule", listener_arn=shared.test_listener.arn,
            **alb.header_rule(spec.routing.header, color or stack.environment, self.target_group.arn),
            tags=tags, opts=child(self, shared))

        wiring = dependency_env(list(spec.dependencies), shared.dependencies.endpoints)
        env: dict[str, Any] = {**spec.env, **wiring.plain}
        table = dict(shared.secrets)
        if color is not None:  # a color reads its own secrets, holding the values of its revision
            own = color_secret_table(self, name, stack, color, settings.secrets, tags, args.revision)
            if own:
                aws.iam.RolePolicy(
                    f"{name}-secrets-policy", role=shared.execution_role.id,
                    policy=pulumi.Output.all(*own.values()).apply(lambda arns: secrets_policy(list(arns))),
                    opts=child(self))
            table.update(own)
        secrets = {**{k: table[k] for k in spec.secrets}, **{k: table[ref] for k, ref in wiring.secret.items()}}
        # The revision's digest in the container's labels: a new secret value alone still
        # makes a new task definition, so the color's tasks start again and read it.
        container_labels = {**tags, **({REVISION: args.revision.digest} if args.revision is not None else {})}
        definitions = pulumi.Output.all(
            pulumi.Output.from_input(env), pulumi.Output.from_input(secrets),
        ).apply(lambda resolved: json.dumps(task.container_definitions(
            spec, args.image, env=resolved[0], secrets=resolved[1], log_group=log_name, region=plan.region,
            stream_prefix=color or stack.environment, labels=container_labels, mounts=shared.mounts)))
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task", container_definitions=definitions,
            execution_role_arn=shared.execution_role.arn, task_role_arn=shared.task_role.arn,
            **task.task_definition(instance, plan.size, settings.cpu_architecture, shared.mounts),
            tags=tags, opts=child(self, logs))

        scaling = spec.autoscaling
        if args.scaled_down or args.replicas is not None:
            scaling = None  # a scaled-down color runs no tasks (a canary scale: its count), no autoscaler
        desired = 0 if args.scaled_down else args.replicas if args.replicas is not None else \
            max(spec.replicas, scaling.min_replicas) if scaling else spec.replicas
        probe = spec.probes.liveness or spec.probes.readiness
        healthy, maximum = 100, 200
        if args.rolling:  # production updated in place (release.strategy: rolling)
            healthy, maximum = deployment_percents(spec.release.rolling_update, desired)
        self.service = aws.ecs.Service(
            f"{name}-service", name=instance, cluster=shared.cluster, task_definition=self.task_definition.arn,
            desired_count=desired, launch_type="FARGATE",
            network_configuration={"subnets": settings.subnet_ids, "assign_public_ip": settings.assign_public_ip,
                                   "security_groups": [shared.task_security_group.id]},
            load_balancers=[{"target_group_arn": self.target_group.arn, "container_name": spec.name,
                             "container_port": spec.port}],
            deployment_minimum_healthy_percent=healthy, deployment_maximum_percent=maximum,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            health_check_grace_period_seconds=max(30, probe.initial_delay_seconds * 2),
            propagate_tags="SERVICE", wait_for_steady_state=False, tags=tags,
            opts=child(self, rule, ignore_changes=["desiredCount"] if scaling else None))
        if scaling is not None:
            target = aws.appautoscaling.Target(
                f"{name}-scaling", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
                resource_id=f"service/{shared.cluster_name}/{instance}", min_capacity=scaling.min_replicas,
                max_capacity=scaling.max_replicas, tags=tags, opts=child(self, self.service))
            aws.appautoscaling.Policy(
                f"{name}-scaling-cpu", policy_type="TargetTrackingScaling", service_namespace="ecs",
                scalable_dimension="ecs:service:DesiredCount", resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration={
                    "target_value": scaling.target_cpu,
                    "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                },
                opts=child(self, target))

        self.alarm_names = alb.alarm_names(instance)
        for role, alarm_args in alb.alarms(self.alarm_names, settings.alarms, self.target_group.arn_suffix,
                                           shared.alb.arn_suffix).items():
            aws.cloudwatch.MetricAlarm(f"{name}-{role}-alarm", **alarm_args, tags=tags, opts=child(self))
        self._instance = instance
        return self.target_group.arn

    def exports(self) -> dict[str, Any]:
        return {"service": self._instance, "targetGroup": self.target, "alarms": self.alarm_names}


class BlueGreen(skeleton.BlueGreen[Shared, Environment], environment=Environment):
    """Production on AWS: blue and green ECS services over one ``Shared`` (cluster, ALB,
    roles, secrets, dependencies)."""
