"""The settings of each backend in a stack file, typed and validated (pydantic).

A stack file holds one block per backend it uses::

    tricolor:kubernetes: {storageClassName: gp3}
    tricolor:aws:        {vpcId: vpc-0a1b2c3d, subnetIds: [subnet-1, subnet-2]}
    tricolor:docker:     {routerPort: 8080}
    tricolor:lambda:     {region: eu-west-1, concurrency: provisioned}

Invariants:

- An unknown key is refused by name, with the nearest known key ("did you mean
  'listenerPort'?") or the list of known keys; every problem is reported together.
- Integers are bounded where AWS or Kubernetes bound them (ports 1..65535, Lambda
  memory 128..10240 MB and timeout 1..900 s, CloudWatch Logs retentions, ...), so a
  value the cloud would refuse is refused here, before anything is registered.
- Pure data: no Pulumi here. What is derived from these settings and the spec together
  (a Fargate task size, a region) is the components' business.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .model import DnsLabel, ImageRef, matching
from .release import Strict

INT32_MAX = 2**31 - 1
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                      2557, 2922, 3288, 3653)
_SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+"
    r"|ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+)$")
_VPC = re.compile(r"^vpc-[0-9a-f]{8,17}$")
_SUBNET = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Lambda alias names: 1..128 of letters, digits, '-' and '_', not only digits (a version).
_ALIAS = re.compile(r"^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$")


def _unknown_key(model: type[Strict], error: Any) -> InitErrorDetails:
    """An ``extra_forbidden`` error of ``model`` as "unknown key 'x'; did you mean 'y'?"."""
    key = str(error["loc"][-1])
    known = sorted({field.alias or name for name, field in model.model_fields.items()})
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
    return InitErrorDetails(
        type=PydanticCustomError("unknown_key", "unknown key {key}; {hint}", {"key": repr(key), "hint": hint}),
        loc=error["loc"], input=error["input"])


def _same(error: Any) -> InitErrorDetails:
    """A pydantic error passed on unchanged (pydantic's own types, or a custom one)."""
    detail = InitErrorDetails(loc=error["loc"], input=error["input"], type=error["type"])
    if error.get("ctx") is not None:
        detail["ctx"] = error["ctx"]
    try:
        ValidationError.from_exception_data("check", [detail])
    except (KeyError, TypeError, ValueError):  # not one of pydantic's types: keep its message
        detail = InitErrorDetails(loc=error["loc"], input=error["input"],
                                  type=PydanticCustomError(error["type"], error["msg"].replace("{", "(")
                                                           .replace("}", ")")))
    return detail


class BackendSettings(Strict):
    """Base of every backend's settings: unknown keys named, with the nearest known key."""

    @model_validator(mode="wrap")
    @classmethod
    def _did_you_mean(cls, data: Any, handler: Any) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            errors = exc.errors()
            if not any(e["type"] == "extra_forbidden" and len(e["loc"]) == 1 for e in errors):
                raise
            details = [_unknown_key(cls, e) if e["type"] == "extra_forbidden" and len(e["loc"]) == 1 else _same(e)
                       for e in errors]
            raise ValidationError.from_exception_data(exc.title, details) from None


# ---- Kubernetes ------------------------------------------------------------------------

def _subdomain(value: str) -> str:
    if len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        raise ValueError(f"{value!r} is not a DNS-1123 subdomain such as gp3 or standard-rwo")
    return value


class KubernetesSettings(BackendSettings):
    """``tricolor:kubernetes``: what the cluster needs beyond the spec. Every key is optional;
    an absent key leaves Kubernetes' default (nothing is written for it)."""

    storage_class_name: Annotated[str, AfterValidator(_subdomain)] | None = Field(None, alias="storageClassName")
    image_pull_secrets: list[DnsLabel] = Field(default_factory=list, alias="imagePullSecrets")
    termination_grace_period_seconds: StrictInt | None = Field(
        None, alias="terminationGracePeriodSeconds", ge=0, le=INT32_MAX)
    revision_history_limit: StrictInt | None = Field(None, alias="revisionHistoryLimit", ge=0, le=INT32_MAX)
    progress_deadline_seconds: StrictInt | None = Field(None, alias="progressDeadlineSeconds", ge=1, le=INT32_MAX)


# ---- Docker ----------------------------------------------------------------------------


class DockerSettings(BackendSettings):
    """``tricolor:docker``: where the local router listens and what it runs."""

    router_port: StrictInt = Field(8080, alias="routerPort", ge=1, le=65535)
    bind_address: str = Field("127.0.0.1", alias="bindAddress")
    nginx_image: ImageRef = Field("nginx:1.27-alpine", alias="nginxImage")
    network: DnsLabel | None = None
    limits: StrictBool = True

    @field_validator("bind_address")
    @classmethod
    def _address(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address such as 127.0.0.1") from None
        return value


# ---- AWS (ECS Fargate and Lambda) ------------------------------------------------------

class Alarms(BackendSettings):
    """CloudWatch alarms per color: the error rate and the p99 latency."""

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


class AwsCommon(BackendSettings):
    """What the ECS and the Lambda backends both take: the region, the network the shared
    dependencies live in, secrets by ARN, log retention, alarms, dependency sizes."""

    region: Annotated[str, matching(_REGION, "an AWS region such as eu-west-1")] | None = None
    vpc_id: Annotated[str, matching(_VPC, "a VPC id such as vpc-0a1b2c3d")] | None = Field(None, alias="vpcId")
    subnet_ids: list[str] | None = Field(None, alias="subnetIds", min_length=2)
    secrets: dict[str, str] = Field(default_factory=dict)
    log_retention_days: StrictInt = Field(30, alias="logRetentionDays")
    alarms: Alarms = Field(default_factory=Alarms)  # type: ignore[arg-type]
    db_instance_class: str = Field("db.t4g.micro", alias="dbInstanceClass")
    cache_node_type: str = Field("cache.t4g.micro", alias="cacheNodeType")

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: list[str] | None) -> list[str] | None:
        return _subnet_list(value)

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


def _subnet_list(value: list[str] | None) -> list[str] | None:
    for subnet in value or []:
        if not _SUBNET.match(subnet):
            raise ValueError(f"{subnet!r} is not a subnet id such as subnet-0a1b2c3d")
    if value and len(set(value)) != len(value):
        raise ValueError("a subnet is listed twice")
    return value


class AwsSettings(AwsCommon):
    """``tricolor:aws``: ECS Fargate services behind an ALB, in an existing VPC."""

    vpc_id: Annotated[str, matching(_VPC, "a VPC id such as vpc-0a1b2c3d")] = Field(alias="vpcId")
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
    cpu: StrictInt | None = Field(None, ge=256, le=16384)
    memory: StrictInt | None = Field(None, ge=512, le=122880)
    cpu_architecture: Literal["X86_64", "ARM64"] = Field("X86_64", alias="cpuArchitecture")

    @field_validator("load_balancer_subnet_ids")
    @classmethod
    def _lb_subnets(cls, value: list[str] | None) -> list[str] | None:
        return _subnet_list(value)

    @field_validator("ingress_cidrs", "test_ingress_cidrs")
    @classmethod
    def _cidrs(cls, value: list[str] | None) -> list[str] | None:
        for cidr in value or []:
            try:
                ipaddress.ip_network(cidr)
            except ValueError:
                raise ValueError(f"{cidr!r} is not a CIDR block such as 10.0.0.0/8") from None
        return value

    @model_validator(mode="after")
    def _ports(self) -> AwsSettings:
        if self.listener_port == self.test_listener_port:
            raise ValueError(f"listenerPort and testListenerPort are both {self.listener_port}")
        return self


# Lambda's own limits (AWS documentation, "Lambda quotas" and the CreateFunction API).
LAMBDA_MEMORY_MB = (128, 10240)
LAMBDA_TIMEOUT_S = (1, 900)
LAMBDA_EPHEMERAL_MB = (512, 10240)


class LambdaSettings(AwsCommon):
    """``tricolor:lambda``: one container-image function, published as versions, with an
    alias that splits production traffic between the blue and the green version.

    ``concurrency`` turns the spec's replicas into Lambda concurrency: ``provisioned``
    (per color, that many pre-initialised environments on the color's alias; a
    scaled-down color has none), ``reserved`` (the function's reserved concurrency), or
    ``none``. ``vpcId``/``subnetIds`` are needed when the spec has databases, caches or
    volumes: the function then runs in those subnets.
    """

    alias: str = "live"
    memory_size: StrictInt | None = Field(None, alias="memorySize", ge=LAMBDA_MEMORY_MB[0], le=LAMBDA_MEMORY_MB[1])
    timeout: StrictInt = Field(30, ge=LAMBDA_TIMEOUT_S[0], le=LAMBDA_TIMEOUT_S[1])
    ephemeral_storage: StrictInt = Field(512, alias="ephemeralStorage", ge=LAMBDA_EPHEMERAL_MB[0],
                                         le=LAMBDA_EPHEMERAL_MB[1])
    architecture: Literal["x86_64", "arm64"] = "x86_64"
    concurrency: Literal["provisioned", "reserved", "none"] = "provisioned"

    @field_validator("alias")
    @classmethod
    def _alias(cls, value: str) -> str:
        if not _ALIAS.match(value):
            raise ValueError(f"{value!r} is not a Lambda alias name: 1 to 128 letters, digits, '-' or '_', "
                             "not only digits")
        return value

    @model_validator(mode="after")
    def _network(self) -> LambdaSettings:
        if (self.vpc_id is None) != (self.subnet_ids is None):
            raise ValueError("give vpcId and subnetIds together (the function's network), or neither")
        return self


#: ``tricolor:<backend>`` key -> its settings model.
SETTINGS: dict[str, type[BackendSettings]] = {
    "kubernetes": KubernetesSettings,
    "aws": AwsSettings,
    "docker": DockerSettings,
    "lambda": LambdaSettings,
}

__all__ = [
    "LAMBDA_EPHEMERAL_MB",
    "LAMBDA_MEMORY_MB",
    "LAMBDA_TIMEOUT_S",
    "LOG_RETENTION_DAYS",
    "SETTINGS",
    "Alarms",
    "AwsCommon",
    "AwsSettings",
    "BackendSettings",
    "DockerSettings",
    "KubernetesSettings",
    "LambdaSettings",
]
