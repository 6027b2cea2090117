"""What an AWS (ECS Fargate) environment needs that is known before any resource
exists: the validated ``tricolor:aws`` settings (``spec.backends.AwsSettings``), the
region and the Fargate task size. Pure: no Pulumi resources here.

::

    tricolor:aws:
      vpcId: vpc-0a1b2c3d              # the existing network
      subnetIds: [subnet-1, subnet-2]  # tasks (and the ALB unless loadBalancerSubnetIds)
      secrets:                         # spec secret -> Secrets Manager or SSM parameter ARN
        DATABASE_PASSWORD: arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/db
"""

from __future__ import annotations

from dataclasses import dataclass

from ...spec.backends import Alarms, AwsSettings
from ...spec.errors import Problem, SpecError
from ...spec.stack import NAMESPACE, Stack
from ..aws_common.checks import common_problems, stack_file
from .fargate import TaskSize, task_size

KEY = f"config.{NAMESPACE}:aws"


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


def plan_of(stack: Stack, runtime_region: str | None = None) -> AwsPlan:
    """Check ``tricolor:aws`` against the spec; raise ``SpecError`` (every problem, each
    naming its key) or ``BackendLimitError`` (a Fargate size AWS does not offer)."""
    file = stack_file(stack)
    settings = stack.config.aws
    if settings is None:
        raise SpecError(Problem(file, KEY, "the aws backend needs tricolor:aws with at least vpcId and subnetIds"))
    region, problems = common_problems(stack, settings, KEY, runtime_region)
    if problems:
        raise SpecError(problems)
    limits = stack.spec.resources.limits
    size = task_size(limits.cpu, limits.memory, settings.cpu, settings.memory, field=f"{file}: {KEY}")
    assert region is not None
    return AwsPlan(settings=settings, region=region, size=size, file=file)


__all__ = ["KEY", "Alarms", "AwsPlan", "AwsSettings", "plan_of"]
