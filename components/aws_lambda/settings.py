"""What a Lambda stack needs that is known before any resource exists: the validated
``tricolor:lambda`` settings (``spec.backends.LambdaSettings``), the region, the
function's memory and the images it may run. Pure: no Pulumi resources here.

Limits checked here (AWS Lambda documentation, "Lambda quotas"; "Container images"):

- memory 128..10240 MB: the spec's ``resources.limits.memory`` rounded up to a MB, or
  ``memorySize``; Lambda gives CPU in proportion to memory, so ``limits.cpu`` is not used;
- a container image must be in Amazon ECR (``<account>.dkr.ecr.<region>.amazonaws.com``);
- at most one EFS file system per function, mounted under ``/mnt``;
- a function name has at most 64 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...spec.backends import LAMBDA_MEMORY_MB, LambdaSettings
from ...spec.errors import SpecError
from ...spec.stack import NAMESPACE, Stack
from ..aws_common import base_name
from ..aws_common.checks import common_problems, stack_file
from ..errors import BackendLimitError
from ..quantities import memory_mib

KEY = f"config.{NAMESPACE}:lambda"
ECR_IMAGE = re.compile(r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9_.-]+)?"
                       r"(@sha256:[0-9a-f]{64})?$")
MOUNT_ROOT = "/mnt"  # Lambda mounts EFS only under /mnt
FUNCTION_NAME_MAX = 64


@dataclass(frozen=True)
class LambdaPlan:
    """Everything a Lambda environment needs that is known before any resource exists."""

    settings: LambdaSettings
    region: str
    memory: int
    function_name: str
    file: str


def image_problem(image: str) -> str | None:
    if ECR_IMAGE.match(image):
        return None
    return (f"{image!r} is not an Amazon ECR image; Lambda runs container images from ECR only "
            "(<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)")


def check_images(images: list[str]) -> None:
    problems = [p for p in map(image_problem, images) if p]
    if problems:
        raise BackendLimitError("; ".join(dict.fromkeys(problems)))


def memory_of(stack: Stack, settings: LambdaSettings) -> int:
    """The function's memory in MB: ``memorySize``, else the spec's memory limit."""
    if settings.memory_size is not None:
        return settings.memory_size
    memory = memory_mib(stack.spec.resources.limits.memory)
    low, high = LAMBDA_MEMORY_MB
    if not low <= memory <= high:
        raise BackendLimitError(f"resources.limits.memory: {memory} MB is outside Lambda's {low}..{high} MB; "
                                f"change it or set {KEY.split('.', 1)[1]}.memorySize")
    return max(low, memory)


def plan_of(stack: Stack, runtime_region: str | None = None) -> LambdaPlan:
    """Check ``tricolor:lambda`` against the spec; ``SpecError`` (every problem, each naming
    its key) or ``BackendLimitError`` (a value beyond Lambda's limits)."""
    settings = stack.config.lambda_
    region, problems = common_problems(stack, settings, KEY, runtime_region)
    if problems:
        raise SpecError(problems)
    volumes = [d.name for d in stack.spec.dependencies if d.kind == "volume"]
    if len(volumes) > 1:
        raise BackendLimitError(f"dependencies: {', '.join(volumes)} are volumes; a Lambda function mounts at most "
                                "one EFS file system")
    name = base_name(stack)
    if len(name) > FUNCTION_NAME_MAX:
        raise BackendLimitError(f"function name {name!r} is longer than Lambda's {FUNCTION_NAME_MAX} characters")
    assert region is not None
    return LambdaPlan(settings=settings, region=region, memory=memory_of(stack, settings), function_name=name,
                      file=stack_file(stack))


def provisioned(stack: Stack) -> int:
    """Pre-initialised environments per running color: the spec's replicas (at least
    ``autoscaling.minReplicas``); Lambda itself scales beyond them."""
    spec = stack.spec
    return max(spec.replicas, spec.autoscaling.min_replicas if spec.autoscaling else 0)


__all__ = ["ECR_IMAGE", "KEY", "MOUNT_ROOT", "LambdaPlan", "check_images", "image_problem", "memory_of", "plan_of",
           "provisioned"]
