"""AWS components: Environment (one color: ECS Fargate service, task definition, target
group, log group, alarms) and BlueGreen (both colors over one ``Shared``)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec import Color, Stack
from ..args import BlueGreenArgs, EnvironmentArgs, color_args, common_labels
from . import alb, task
from .settings import AwsPlan, plan_of
from .shared import Shared, base_name


def runtime_region() -> str | None:
    """``aws:region`` of the running stack (``pulumi up``), if set."""
    return pulumi.Config("aws").get("region")


def instance_name(stack: Stack, color: Color | None) -> str:
    """ECS service, task family and alarm prefix: ``checkout-prod-blue`` or ``checkout-staging``."""
    return base_name(stack) + (f"-{color}" if color else "")


def _child(parent: pulumi.Resource, depends_on: list[Any] | None = None) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=depends_on or [])


class Environment(pulumi.ComponentResource):
    """One running copy of the service on ECS Fargate, reachable through its target group.

    Staging and previews have no color and create their own ``Shared`` (their own ALB).
    The settings are validated before anything is registered.
    """

    target: pulumi.Output[str]

    def __init__(self, name: str, args: EnvironmentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        stack, color = args.stack, args.color
        plan: AwsPlan = args.shared.plan if args.shared is not None else plan_of(stack, runtime_region())
        super().__init__("tricolor:aws:Environment", name, None, opts)
        shared: Shared = args.shared or Shared(f"{name}-shared", stack, plan, opts=_child(self))
        self.shared = shared
        spec, settings = stack.spec, plan.settings
        instance = instance_name(stack, color)
        tags = common_labels(stack, color)

        log_name = f"/tricolor/{stack.name}/{instance}"
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=log_name, retention_in_days=settings.log_retention_days,
                                       tags=tags, opts=_child(self))
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg", port=spec.port, protocol="HTTP", target_type="ip", vpc_id=settings.vpc_id,
            health_check=shared._any(alb.target_group_health_check(spec.probes.readiness)), deregistration_delay=30,
            tags=tags, opts=_child(self))
        # The smoke-test route: the header names this color (staging: its environment).
        # ECS only attaches a service to a target group that a listener already uses.
        # No priority: the header values exclude each other, so AWS's next free one will do.
        rule = aws.lb.ListenerRule(
            f"{name}-test-rule", listener_arn=shared.test_listener.arn,
            **alb.header_rule(spec.routing.header, color or stack.environment, self.target_group.arn),
            tags=tags, opts=_child(self, [shared]))

        env: dict[str, Any] = {**spec.env, **shared.env}
        definitions = pulumi.Output.all(
            pulumi.Output.from_input(env), pulumi.Output.from_input(dict(shared.secrets)),
        ).apply(lambda resolved: json.dumps(task.container_definitions(
            spec, args.image, env=resolved[0], secrets=resolved[1], log_group=log_name, region=plan.region,
            stream_prefix=color or stack.environment, labels=tags, mounts=shared.mounts)))
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task", container_definitions=definitions,
            execution_role_arn=shared.execution_role.arn, task_role_arn=shared.task_role.arn,
            **task.task_definition(instance, plan.size, settings.cpu_architecture, shared.mounts),
            tags=tags, opts=_child(self, [logs]))

        scaling = spec.autoscaling
        if args.scaled_down:
            scaling = None  # a scaled-down color runs no tasks, so no autoscaler may wake it
        desired = 0 if args.scaled_down else max(spec.replicas, scaling.min_replicas) if scaling else spec.replicas
        probe = spec.probes.liveness or spec.probes.readiness
        self.service = aws.ecs.Service(
            f"{name}-service", name=instance, cluster=shared.cluster, task_definition=self.task_definition.arn,
            desired_count=desired, launch_type="FARGATE",
            network_configuration={"subnets": settings.subnet_ids, "assign_public_ip": settings.assign_public_ip,
                                   "security_groups": [shared.task_security_group.id]},
            load_balancers=[{"target_group_arn": self.target_group.arn, "container_name": spec.name,
                             "container_port": spec.port}],
            deployment_minimum_healthy_percent=100, deployment_maximum_percent=200,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            health_check_grace_period_seconds=max(30, probe.initial_delay_seconds * 2),
            propagate_tags="SERVICE", wait_for_steady_state=False, tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[rule],
                                        ignore_changes=["desiredCount"] if scaling else None))
        if scaling is not None:
            target = aws.appautoscaling.Target(
                f"{name}-scaling", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
                resource_id=f"service/{shared.cluster_name}/{instance}", min_capacity=scaling.min_replicas,
                max_capacity=scaling.max_replicas, tags=tags, opts=_child(self, [self.service]))
            aws.appautoscaling.Policy(
                f"{name}-scaling-cpu", policy_type="TargetTrackingScaling", service_namespace="ecs",
                scalable_dimension="ecs:service:DesiredCount", resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration={
                    "target_value": scaling.target_cpu,
                    "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                },
                opts=_child(self, [target]))

        self.alarm_names = alb.alarm_names(instance)
        for role, alarm_args in alb.alarms(self.alarm_names, settings.alarms, self.target_group.arn_suffix,
                                           shared.alb.arn_suffix).items():
            aws.cloudwatch.MetricAlarm(f"{name}-{role}-alarm", **alarm_args, tags=tags, opts=_child(self))

        self.target = self.target_group.arn
        self.register_outputs({"service": instance, "targetGroup": self.target, "image": args.image,
                               "alarms": self.alarm_names})


class BlueGreen(pulumi.ComponentResource):
    """Production: blue and green from the same code path and inputs (color and image
    apart), over one ``Shared`` (cluster, ALB, roles, secrets, dependencies)."""

    targets: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: BlueGreenArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        plan = plan_of(args.stack, runtime_region())  # every setting checked before registering
        super().__init__("tricolor:aws:BlueGreen", name, None, opts)
        self.shared = Shared(f"{name}-shared", args.stack, plan, opts=_child(self))
        self.colors: dict[Color, Environment] = {
            color: Environment(f"{name}-{color}", env_args, opts=_child(self))
            for color, env_args in color_args(args, self.shared).items()
        }
        self.targets = {color: env.target for color, env in self.colors.items()}
        self.alarm_names = {color: env.alarm_names for color, env in self.colors.items()}
        self.register_outputs({"targetGroups": self.targets, "alarms": self.alarm_names})
