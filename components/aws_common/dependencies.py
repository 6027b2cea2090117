"""A stack's shared dependencies on AWS, created once in the stack's VPC: RDS for
``postgres``/``mysql`` (the master password managed by RDS in Secrets Manager), an
ElastiCache node for ``redis``, EFS for a ``volume``; ``external`` creates nothing.

The security group lets in exactly the dependencies' ports, from exactly the client
security group (the ECS tasks', or the Lambda function's). Each dependency yields an
``Endpoint`` from the one table (``components.dependencies``): the service's variables
are built from those, the same way on every backend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.backends import AwsCommon
from ...spec.model import Dependency
from ...spec.naming import dns_label
from ...spec.stack import Stack
from ...vocab import labels as keys
from .. import dependencies as table
from ..quantities import memory_mib
from ..skeleton import child
from .names import base_name, known

EFS_PORT = 2049
ALL_EGRESS: list[Any] = [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
                          "ipv6_cidr_blocks": ["::/0"]}]
# RDS's master user when the spec names none ("postgres" and "root" are not allowed there).
RDS_USER = "tricolor"


@dataclass(frozen=True)
class Network:
    """Where the dependencies live and who may reach them."""

    vpc_id: str
    subnet_ids: list[str]
    client_security_group: pulumi.Input[str]


@dataclass(frozen=True)
class Mount:
    """An EFS volume of a shared dependency, mounted into the service."""

    name: str
    path: str
    file_system_id: Any
    access_point_id: Any
    access_point_arn: Any = None


def redis_version(version: str | None) -> str | None:
    """ElastiCache takes ``7.1`` or ``6.x``, not a bare major version."""
    if version is None or "." in version:
        return version
    return f"{version}.x" if version == "6" else f"{version}.0"


def size_gib(quantity: str) -> int:
    return max(1, math.ceil(memory_mib(quantity, "dependencies.size") / 1024))


@dataclass
class Dependencies:
    """What the dependencies give the service: endpoints by name, EFS mounts, and the
    secret references they add (``<dependency>/password`` -> an ECS ``valueFrom``)."""

    endpoints: dict[str, table.Endpoint] = field(default_factory=dict)
    mounts: list[Mount] = field(default_factory=list)
    secrets: dict[str, pulumi.Input[str]] = field(default_factory=dict)

    @classmethod
    def create(cls, parent: pulumi.Resource, name: str, stack: Stack, settings: AwsCommon, network: Network | None,
               tags: dict[str, str], path_root: str = table.VOLUME_ROOT) -> Dependencies:
        """The dependencies of ``stack`` as children of ``parent``; ``network`` may be
        ``None`` only when none of them needs one (external dependencies only)."""
        out = cls()
        created = [d for d in stack.spec.dependencies if d.kind != "external"]
        for dep in stack.spec.dependencies:
            if dep.kind == "external":
                out.endpoints[dep.name] = table.endpoint(dep, dep.host)
        if not created:
            return out
        assert network is not None, "the caller checks that dependencies have a network"
        base = base_name(stack)
        ports = sorted({table.port_of(d) or EFS_PORT for d in created})
        group = aws.ec2.SecurityGroup(
            f"{name}-dependencies-sg", vpc_id=network.vpc_id, description=f"{base} shared dependencies",
            ingress=[{"protocol": "tcp", "from_port": p, "to_port": p,
                      "security_groups": [network.client_security_group], "description": "from the service"}
                     for p in ports],
            egress=ALL_EGRESS, tags=tags, opts=child(parent))
        kinds = {d.kind for d in created}
        db_subnets = cache_subnets = None
        if kinds & {"postgres", "mysql"}:
            db_subnets = aws.rds.SubnetGroup(f"{name}-db-subnets", subnet_ids=network.subnet_ids, tags=tags,
                                             opts=child(parent))
        if "redis" in kinds:
            cache_subnets = aws.elasticache.SubnetGroup(f"{name}-cache-subnets", subnet_ids=network.subnet_ids,
                                                        name=f"{base}-cache", tags=tags, opts=child(parent))
        for dep in created:
            dep_tags = {**tags, keys.DEPENDENCY: dep.name}
            if dep.kind in ("postgres", "mysql"):
                out._database(parent, name, stack, dep, settings, db_subnets, group, dep_tags)
            elif dep.kind == "redis":
                cache = aws.elasticache.Cluster(
                    f"{name}-{dep.name}", cluster_id=dns_label(base, dep.name, max_length=50), engine="redis",
                    engine_version=redis_version(dep.version), node_type=settings.cache_node_type,
                    num_cache_nodes=1, port=table.port_of(dep), subnet_group_name=cache_subnets.name,  # type: ignore[union-attr]
                    security_group_ids=[group.id], tags=dep_tags, opts=child(parent))
                host = cache.cache_nodes.apply(lambda nodes: known(nodes[0].address if nodes else None))
                out.endpoints[dep.name] = table.endpoint(dep, host)
            else:
                out.mounts.append(_volume(parent, name, dep, network, group, dep_tags, path_root))
                out.endpoints[dep.name] = table.endpoint(dep, "", path_root=path_root)
        return out

    def _database(self, parent: pulumi.Resource, name: str, stack: Stack, dep: Dependency, settings: AwsCommon,
                  subnets: Any, group: aws.ec2.SecurityGroup, tags: dict[str, str]) -> None:
        base = base_name(stack)
        user = table.user_of(dep, RDS_USER)
        db = aws.rds.Instance(
            f"{name}-{dep.name}", identifier=dns_label(base, dep.name), engine=dep.kind,
            engine_version=dep.version, instance_class=settings.db_instance_class,
            allocated_storage=size_gib(dep.size), storage_encrypted=True, db_name=table.database_of(dep),
            db_subnet_group_name=subnets.name, vpc_security_group_ids=[group.id],
            username=user, manage_master_user_password=True, backup_retention_period=7,
            deletion_protection=stack.environment == "production", skip_final_snapshot=False,
            final_snapshot_identifier=dns_label(base, dep.name, "final"), tags=tags, opts=child(parent))
        host = db.address.apply(known)
        # RDS keeps the password in a Secrets Manager secret of JSON {username, password}.
        reference = f"{dep.name}/password"
        self.secrets[reference] = db.master_user_secrets.apply(
            lambda secrets: known(secrets[0].secret_arn if secrets else None) + ":password::")
        self.endpoints[dep.name] = table.endpoint(dep, host, user=user, password=reference)


def _volume(parent: pulumi.Resource, name: str, dep: Dependency, network: Network, group: aws.ec2.SecurityGroup,
            tags: dict[str, str], path_root: str) -> Mount:
    fs = aws.efs.FileSystem(f"{name}-{dep.name}", encrypted=True, tags=tags, opts=child(parent))
    for index, subnet in enumerate(network.subnet_ids):
        aws.efs.MountTarget(f"{name}-{dep.name}-mount-{index}", file_system_id=fs.id, subnet_id=subnet,
                            security_groups=[group.id], opts=pulumi.ResourceOptions(parent=fs))
    point = aws.efs.AccessPoint(
        f"{name}-{dep.name}-access-point", file_system_id=fs.id, tags=tags,
        posix_user={"uid": 1000, "gid": 1000},
        root_directory={"path": f"/{dep.name}", "creation_info": {
            "owner_uid": 1000, "owner_gid": 1000, "permissions": "0755"}},
        opts=pulumi.ResourceOptions(parent=fs))
    return Mount(name=dep.name, path=table.volume_path(dep, path_root), file_system_id=fs.id,
                 access_point_id=point.id, access_point_arn=point.arn)


__all__ = ["ALL_EGRESS", "EFS_PORT", "RDS_USER", "Dependencies", "Mount", "Network", "redis_version", "size_gib"]
