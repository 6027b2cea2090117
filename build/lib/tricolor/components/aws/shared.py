"""What both colors of an AWS stack share, declared once: the ECS cluster, the IAM roles,
the security groups, the ALB with its test listener, the secrets and the stateful
dependencies (RDS, ElastiCache, EFS)."""

from __future__ import annotations

import json
import math
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec import Stack, dns_label
from ...spec.model import Dependency
from ..args import common_labels
from ..secrets import secret_values
from .alb import not_found_action
from .fargate import memory_mib
from .settings import AwsPlan
from .task import Mount

EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
ALL_EGRESS: list[Any] = [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
               "ipv6_cidr_blocks": ["::/0"]}]
EFS_PORT = 2049
DEPENDENCY_PORTS = {"postgres": 5432, "mysql": 3306, "redis": 6379}
# What an environment variable shows under the offline renderer, where the provider
# computes nothing (a database address, for instance). Never seen by a deployment.
UNKNOWN = "(known after deployment)"


def base_name(stack: Stack) -> str:
    """``checkout-prod``: valid for every AWS name it prefixes (a DNS label, at most 63)."""
    return dns_label(stack.spec.name, stack.name)


def assume_role(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def secrets_policy(arns: list[str]) -> str:
    """Read access to exactly the referenced Secrets Manager secrets and SSM parameters."""
    statements = []
    managers = sorted(a for a in arns if ":secretsmanager:" in a)
    parameters = sorted(a for a in arns if ":ssm:" in a)
    if managers:
        statements.append({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": managers})
    if parameters:
        statements.append({"Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": parameters})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def redis_version(version: str | None) -> str | None:
    """ElastiCache takes ``7.1`` or ``6.x``, not a bare major version."""
    if version is None or "." in version:
        return version
    return f"{version}.x" if version == "6" else f"{version}.0"


def size_gib(quantity: str) -> int:
    return max(1, math.ceil(memory_mib(quantity, "dependencies.size") / 1024))


class Shared(pulumi.ComponentResource):
    """Once per stack; both colors (or the one staging environment) use it."""

    def __init__(self, name: str, stack: Stack, plan: AwsPlan, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tricolor:aws:Shared", name, None, opts)
        settings, spec = plan.settings, stack.spec
        self.stack, self.plan = stack, plan
        self.tags = common_labels(stack, None)
        base = base_name(stack)
        child = pulumi.ResourceOptions(parent=self)

        if settings.cluster_arn:
            self.cluster: pulumi.Input[str] = settings.cluster_arn
            self.cluster_name = settings.cluster_arn.rsplit("/", 1)[-1]
        else:
            cluster = aws.ecs.Cluster(f"{name}-cluster", name=base, tags=self.tags, opts=child,
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
            egress=ALL_EGRESS, opts=child)
        self.task_security_group = aws.ec2.SecurityGroup(
            f"{name}-task-sg", vpc_id=settings.vpc_id, description=f"{base} tasks", tags=self.tags,
            ingress=[{"protocol": "tcp", "from_port": spec.port, "to_port": spec.port,
                      "security_groups": [self.alb_security_group.id], "description": "from the load balancer"}],
            egress=ALL_EGRESS, opts=child)

        self.alb = aws.lb.LoadBalancer(
            f"{name}-alb", load_balancer_type="application", internal=settings.internal,
            security_groups=[self.alb_security_group.id], subnets=plan.load_balancer_subnets,
            drop_invalid_header_fields=True, tags=self.tags, opts=child)
        self.test_listener = aws.lb.Listener(
            f"{name}-test-listener", load_balancer_arn=self.alb.arn, port=settings.test_listener_port,
            protocol="HTTP", default_actions=[self._any(not_found_action(spec.routing.header))], tags=self.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.alb]))

        self.secrets = self._secrets(name, stack, plan)
        self.execution_role = aws.iam.Role(
            f"{name}-execution-role", assume_role_policy=assume_role("ecs-tasks.amazonaws.com"),
            description=f"{base}: pull images, write logs, read the service's secrets", tags=self.tags, opts=child)
        aws.iam.RolePolicyAttachment(f"{name}-execution-policy", role=self.execution_role.id,
                                     policy_arn=EXECUTION_POLICY, opts=child)
        if self.secrets:
            aws.iam.RolePolicy(
                f"{name}-secrets-policy", role=self.execution_role.id,
                policy=pulumi.Output.all(*self.secrets.values()).apply(lambda arns: secrets_policy(list(arns))),
                opts=child)
        self.task_role = aws.iam.Role(
            f"{name}-task-role", assume_role_policy=assume_role("ecs-tasks.amazonaws.com"),
            description=f"{base}: the service's own role", tags=self.tags, opts=child)

        self.env: dict[str, pulumi.Input[str]] = {}
        self.mounts: list[Mount] = []
        if spec.dependencies:
            self._dependencies(name, stack, plan)
        self.register_outputs({"cluster": self.cluster, "loadBalancer": self.alb.arn,
                               "testListener": self.test_listener.arn})

    @staticmethod
    def _any(value: Any) -> Any:
        """A plain dict where the SDK's typing wants its input classes (it takes both)."""
        return value

    def _secrets(self, name: str, stack: Stack, plan: AwsPlan) -> dict[str, pulumi.Input[str]]:
        """Per spec secret, the ARN ECS reads it from: the one given in ``tricolor:aws.secrets``
        or a Secrets Manager secret created here from the Pulumi secret config."""
        out: dict[str, pulumi.Input[str]] = {k: v for k, v in plan.settings.secrets.items()}
        missing = {k: v for k, v in stack.spec.secrets.items() if k not in out}
        if not missing:
            return out
        values = secret_values(stack)
        for variable in sorted(missing):
            role = variable.lower().replace("_", "-")
            secret = aws.secretsmanager.Secret(
                f"{name}-secret-{role}", name=f"{base_name(stack)}/{variable}", recovery_window_in_days=7,
                tags=self.tags, opts=pulumi.ResourceOptions(parent=self))
            aws.secretsmanager.SecretVersion(
                f"{name}-secret-{role}-value", secret_id=secret.id, secret_string=values[variable],
                opts=pulumi.ResourceOptions(parent=secret))
            out[variable] = secret.arn
        return out

    def _dependencies(self, name: str, stack: Stack, plan: AwsPlan) -> None:
        settings, base = plan.settings, base_name(stack)
        child = pulumi.ResourceOptions(parent=self)
        ports = sorted({DEPENDENCY_PORTS.get(d.kind, EFS_PORT) for d in stack.spec.dependencies})
        group = aws.ec2.SecurityGroup(
            f"{name}-dependencies-sg", vpc_id=settings.vpc_id, description=f"{base} shared dependencies",
            ingress=[{"protocol": "tcp", "from_port": p, "to_port": p,
                      "security_groups": [self.task_security_group.id], "description": "from the tasks"}
                     for p in ports],
            egress=ALL_EGRESS, tags=self.tags, opts=child)
        kinds = {d.kind for d in stack.spec.dependencies}
        db_subnets = cache_subnets = None
        if kinds & {"postgres", "mysql"}:
            db_subnets = aws.rds.SubnetGroup(f"{name}-db-subnets", subnet_ids=settings.subnet_ids,
                                             tags=self.tags, opts=child)
        if "redis" in kinds:
            cache_subnets = aws.elasticache.SubnetGroup(f"{name}-cache-subnets", subnet_ids=settings.subnet_ids,
                                                        name=f"{base}-cache", tags=self.tags, opts=child)
        for dep in stack.spec.dependencies:
            tags = {**self.tags, "tricolor.dev/dependency": dep.name}
            host: pulumi.Input[str] = UNKNOWN
            if dep.kind in ("postgres", "mysql"):
                assert db_subnets is not None
                db = aws.rds.Instance(
                    f"{name}-{dep.name}", identifier=dns_label(base, dep.name), engine=dep.kind,
                    engine_version=dep.version, instance_class=settings.db_instance_class,
                    allocated_storage=size_gib(dep.size), storage_encrypted=True,
                    db_subnet_group_name=db_subnets.name, vpc_security_group_ids=[group.id],
                    username="tricolor", manage_master_user_password=True, backup_retention_period=7,
                    deletion_protection=stack.environment == "production", skip_final_snapshot=False,
                    final_snapshot_identifier=dns_label(base, dep.name, "final"), tags=tags, opts=child)
                host = db.address.apply(lambda a: a or UNKNOWN)
            elif dep.kind == "redis":
                assert cache_subnets is not None
                cache = aws.elasticache.Cluster(
                    f"{name}-{dep.name}", cluster_id=dns_label(base, dep.name, max_length=50), engine="redis",
                    engine_version=redis_version(dep.version), node_type=settings.cache_node_type, num_cache_nodes=1,
                    port=DEPENDENCY_PORTS["redis"], subnet_group_name=cache_subnets.name,
                    security_group_ids=[group.id], tags=tags, opts=child)
                host = cache.cache_nodes.apply(lambda nodes: (nodes[0].address if nodes else None) or UNKNOWN)
            else:
                self.mounts.append(self._volume(name, dep, plan, group, tags))
            self._dependency_env(dep, host)

    def _volume(self, name: str, dep: Dependency, plan: AwsPlan, group: aws.ec2.SecurityGroup,
                tags: dict[str, str]) -> Mount:
        child = pulumi.ResourceOptions(parent=self)
        fs = aws.efs.FileSystem(f"{name}-{dep.name}", encrypted=True, tags=tags, opts=child)
        for index, subnet in enumerate(plan.settings.subnet_ids):
            aws.efs.MountTarget(f"{name}-{dep.name}-mount-{index}", file_system_id=fs.id, subnet_id=subnet,
                                security_groups=[group.id], opts=pulumi.ResourceOptions(parent=fs))
        point = aws.efs.AccessPoint(
            f"{name}-{dep.name}-access-point", file_system_id=fs.id, tags=tags,
            posix_user={"uid": 1000, "gid": 1000},
            root_directory={"path": f"/{dep.name}", "creation_info": {
                "owner_uid": 1000, "owner_gid": 1000, "permissions": "0755"}},
            opts=pulumi.ResourceOptions(parent=fs))
        return Mount(name=dep.name, path=f"/data/{dep.name}", file_system_id=fs.id, access_point_id=point.id)

    def _dependency_env(self, dep: Dependency, host: pulumi.Input[str]) -> None:
        port = DEPENDENCY_PORTS.get(dep.kind)
        attributes: dict[str, Any] = {
            "host": host,
            "port": str(port or ""),
            "url": pulumi.Output.concat(dep.kind, "://", host, f":{port}") if port else "",
            "path": f"/data/{dep.name}",
        }
        for variable, attribute in dep.env.items():
            self.env[variable] = attributes.get(attribute, "")
