"""The ``tricolor:aws`` stack settings, validated (pydantic), plus what is derived from
them and the spec before any resource is registered. Pure: no Pulumi resources here.

::

    tricolor:aws:
      vpcId: vpc-0a1b2c3d              # the existing network
      subnetIds: [subnet-1, subnet-2]  # tasks (and the ALB unless loadBalancerSubnetIds)
      secrets:                         # spec secret -> Secrets Manager or SSM parameter ARN
        DATABASE_PASSWORD: arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/db
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from ...spec import Stack
from ...spec.errors import Problem, SpecError
from ...spec.load import validate_model
from ...spec.release import Strict
from ...spec.stack import NAMESPACE
from .fargate import TaskSize, task_size

KEY = f"config.{NAMESPACE}:aws"
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                      2557, 2922, 3288, 3653)
_SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+"
    r"|ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+)$")
_VPC = re.compile(r"^vpc-[0-9a-f]{8,17}$")
_SUBNET = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")


class Alarms(Strict):
    """CloudWatch alarms per target group: 5xx rate and p99 latency."""

    error_rate: float = Field(0.01, alias="errorRate", gt=0, le=1)
    latency_p99_ms: StrictInt = Field(500, alias="latencyP99Ms", ge=1)
    period_seconds: StrictInt = Field(60, alias="periodSeconds")
    evaluation_periods: StrictInt = Field(3, alias="evaluationPeriods", ge=1, le=100)

    @field_validator("period_seconds")
    @classmethod
    def _period(cls, value: int) -> int:
        if value not in (10, 30) and (value < 60 or value % 60):
            raise ValueError(f"{value} is not a CloudWatch period: 10, 30 or a multiple of 60")
        return value


class AwsSettings(Strict):
    region: str | None = None
    vpc_id: str = Field(alias="vpcId")
    subnet_ids: list[str] = Field(alias="subnetIds", min_length=2)
    load_balancer_subnet_ids: list[str] | None = Field(None, alias="loadBalancerSubnetIds", min_length=2)
    internal: StrictBool = False
    assign_public_ip: StrictBool = Field(False, alias="assignPublicIp")
    ingress_cidrs: list[str] = Field(default_factory=lambda: ["0.0.0.0/0"], alias="ingressCidrs", min_length=1)
    test_ingress_cidrs: list[str] | None = Field(None, alias="testIngressCidrs")
    listener_port: StrictInt = Field(80, alias="listenerPort", ge=1, le=65535)
    test_listener_port: StrictInt = Field(8443, alias="testListenerPort", ge=1, le=65535)
    certificate_arn: str | None = Field(None, alias="certificateArn")
    cluster_arn: str | None = Field(None, alias="clusterArn")
    cpu: StrictInt | None = None
    memory: StrictInt | None = None
    cpu_architecture: Literal["X86_64", "ARM64"] = Field("X86_64", alias="cpuArchitecture")
    secrets: dict[str, str] = Field(default_factory=dict)
    log_retention_days: StrictInt = Field(30, alias="logRetentionDays")
    alarms: Alarms = Field(default_factory=Alarms)  # type: ignore[arg-type]
    db_instance_class: str = Field("db.t4g.micro", alias="dbInstanceClass")
    cache_node_type: str = Field("cache.t4g.micro", alias="cacheNodeType")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and not _REGION.match(value):
            raise ValueError(f"{value!r} is not an AWS region such as eu-west-1")
        return value

    @field_validator("vpc_id")
    @classmethod
    def _vpc(cls, value: str) -> str:
        if not _VPC.match(value):
            raise ValueError(f"{value!r} is not a VPC id such as vpc-0a1b2c3d")
        return value

    @field_validator("subnet_ids", "load_balancer_subnet_ids")
    @classmethod
    def _subnets(cls, value: list[str] | None) -> list[str] | None:
        for subnet in value or []:
            if not _SUBNET.match(subnet):
                raise ValueError(f"{subnet!r} is not a subnet id such as subnet-0a1b2c3d")
        if value and len(set(value)) != len(value):
            raise ValueError("a subnet is listed twice")
        return value

    @field_validator("ingress_cidrs", "test_ingress_cidrs")
    @classmethod
    def _cidrs(cls, value: list[str] | None) -> list[str] | None:
        for cidr in value or []:
            try:
                ipaddress.ip_network(cidr)
            except ValueError:
                raise ValueError(f"{cidr!r} is not a CIDR block such as 10.0.0.0/8") from None
        return value

    @field_validator("secrets")
    @classmethod
    def _secret_arns(cls, value: dict[str, str]) -> dict[str, str]:
        for name, arn in value.items():
            if not _SECRET_ARN.match(arn):
                raise ValueError(f"{name}: {arn!r} is not a Secrets Manager secret or SSM parameter ARN")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"{value} is not a CloudWatch Logs retention; use one of "
                             f"{', '.join(map(str, LOG_RETENTION_DAYS))}")
        return value

    @model_validator(mode="after")
    def _ports(self) -> AwsSettings:
        if self.listener_port == self.test_listener_port:
            raise ValueError(f"listenerPort and testListenerPort are both {self.listener_port}")
        return self


@dataclass(frozen=True)
class AwsPlan:
    """Everything an AWS environment needs that is known before any resource exists."""

    settings: AwsSettings
    region: str
    size: TaskSize
    file: str

    @property
    def load_balancer_subnets(self) -> list[str]:
        return self.settings.load_balancer_subnet_ids or self.settings.subnet_ids

    @property
    def test_cidrs(self) -> list[str]:
        return self.settings.test_ingress_cidrs or self.settings.ingress_cidrs


def stack_file(stack: Stack) -> str:
    return f"Pulumi.{stack.name}.yaml"


def plan_of(stack: Stack, runtime_region: str | None = None) -> AwsPlan:
    """Validate ``tricolor:aws`` against the spec; raise ``SpecError`` (every problem, each
    naming its key) or ``BackendLimitError`` (a Fargate size AWS does not offer)."""
    file = stack_file(stack)
    settings: AwsSettings = validate_model(AwsSettings, stack.config.aws, file, prefix=KEY)
    problems = [
        Problem(file, f"{KEY}.secrets.{name}",
                f"the spec has no secret {name!r}; its secrets are {', '.join(sorted(stack.spec.secrets)) or 'none'}")
        for name in sorted(set(settings.secrets) - set(stack.spec.secrets))
    ]
    other: Any = stack.other_config.get("aws:region")
    region = settings.region or (other if isinstance(other, str) else None) or runtime_region
    if region is None:
        problems.append(Problem(file, f"{KEY}.region", "no region: set aws:region or tricolor:aws.region"))
    if problems:
        raise SpecError(problems)
    limits = stack.spec.resources.limits
    size = task_size(limits.cpu, limits.memory, settings.cpu, settings.memory, field=f"{file}: {KEY}")
    assert region is not None
    return AwsPlan(settings=settings, region=region, size=size, file=file)
