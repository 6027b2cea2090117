"""What both colors of an AWS stack share, declared once: the ECS cluster, the IAM roles,
the security groups, the ALB with its test listener, the secrets and the stateful
dependencies (RDS, ElastiCache, EFS)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.stack import Stack
from .. import skeleton
from ..args import SharedArgs
from ..aws_common import Dependencies, Network, assume_role, base_name, secret_table, secrets_policy
from ..aws_common.dependencies import ALL_EGRESS
from ..skeleton import child
from .alb import not_found_action
from .settings import AwsPlan, plan_of

EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def runtime_region() -> str | None:
    """``aws:region`` of the running stack (``pulumi up``), if set."""
    return pulumi.Config("aws").get("region")


def any_input(value: Any) -> Any:
    """A plain dict where the SDK's typing wants its input classes (it takes both)."""
    return value


class Shared(skeleton.SharedBase[AwsPlan]):
    """Once per stack; both colors (or the one staging environment) use it."""

    backend = "aws"

    def __init__(self, name: str, args: SharedArgs[AwsPlan], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        stack, plan = args.stack, args.settings
        settings, spec = plan.settings, stack.spec
        self.plan = plan
        self.tags = self.labels
        base = base_name(stack)

        if settings.cluster_arn:
            self.cluster: pulumi.Input[str] = settings.cluster_arn
            self.cluster_name = settings.cluster_arn.rsplit("/", 1)[-1]
        else:
            cluster = aws.ecs.Cluster(f"{name}-cluster", name=base, tags=self.tags, opts=child(self),
                                      settings=[{"name": "containerInsights", "value": "enabled"}])
            self.cluster, self.cluster_name = cluster.arn, base

        self.alb_security_group = aws.ec2.SecurityGroup(
            f"{name}-alb-sg", vpc_id=settings.vpc_id, description=f"{base} load balancer", tags=self.tags,
            ingress=[
                {"protocol": "tcp", "from_port": settings.listener_port, "to_port": settings.listener_port,
                 "cidr_blocks": settings.ingress_cidrs, "description": "production listener"},
                {"protocol": "tcp", "from_port": settings.test_listener_port, "to_port": settings.test_listener_port,
                 "cidr_blocks": plan.test_cidrs, "description": "test listener (smoke tests by header)"},
            ],
            egress=ALL_EGRESS, opts=child(self))
        self.task_security_group = aws.ec2.SecurityGroup(
            f"{name}-task-sg", vpc_id=settings.vpc_id, description=f"{base} tasks", tags=self.tags,
            ingress=[{"protocol": "tcp", "from_port": spec.port, "to_port": spec.port,
                      "security_groups": [self.alb_security_group.id], "description": "from the load balancer"}],
            egress=ALL_EGRESS, opts=child(self))

        self.alb = aws.lb.LoadBalancer(
            f"{name}-alb", load_balancer_type="application", internal=settings.internal,
            security_groups=[self.alb_security_group.id], subnets=plan.load_balancer_subnets,
            drop_invalid_header_fields=True, tags=self.tags, opts=child(self))
        self.test_listener = aws.lb.Listener(
            f"{name}-test-listener", load_balancer_arn=self.alb.arn, port=settings.test_listener_port,
            protocol="HTTP", default_actions=[any_input(not_found_action(spec.routing.header))], tags=self.tags,
            opts=child(self, self.alb))

        network = Network(settings.vpc_id, settings.subnet_ids, self.task_security_group.id)
        self.dependencies = Dependencies.create(self, name, stack, settings, network, self.tags)
        self.mounts = self.dependencies.mounts
        # Spec secrets and RDS-managed passwords: what ECS reads by valueFrom.
        self.secrets = {**secret_table(self, name, stack, settings.secrets, self.tags),
                        **self.dependencies.secrets}
        self.execution_role = aws.iam.Role(
            f"{name}-execution-role", assume_role_policy=assume_role("ecs-tasks.amazonaws.com"),
            description=f"{base}: pull images, write logs, read the service's secrets", tags=self.tags,
            opts=child(self))
        aws.iam.RolePolicyAttachment(f"{name}-execution-policy", role=self.execution_role.id,
                                     policy_arn=EXECUTION_POLICY, opts=child(self))
        if self.secrets:
            aws.iam.RolePolicy(
                f"{name}-secrets-policy", role=self.execution_role.id,
                policy=pulumi.Output.all(*self.secrets.values()).apply(lambda arns: secrets_policy(list(arns))),
                opts=child(self))
        self.task_role = aws.iam.Role(
            f"{name}-task-role", assume_role_policy=assume_role("ecs-tasks.amazonaws.com"),
            description=f"{base}: the service's own role", tags=self.tags, opts=child(self))
        self.register_outputs(self.exports())

    @classmethod
    def settings_of(cls, stack: Stack) -> AwsPlan:
        return plan_of(stack, runtime_region())

    def exports(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "loadBalancer": self.alb.arn, "testListener": self.test_listener.arn}
