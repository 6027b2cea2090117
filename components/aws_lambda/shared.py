"""What both colors of a Lambda stack share, declared once: the function (its
configuration; the colors' versions own its code), its IAM role and log group, the
secrets as references, and the stateful dependencies in the stack's VPC.

Invariants: secrets reach the function as references only (``<NAME>_SECRET_ARN``
variables naming a Secrets Manager secret or SSM parameter the role may read), never as
values; ``fingerprint`` changes exactly when the function's configuration does, so both
colors' versions are published again with it (as a Deployment's pods would be). In
production the environment variables are each color's own (the revision it runs,
published with its version): the function's configuration shared by both colors is the
rest (``base_fingerprint``), and the function ignores its variables after creation.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.stack import Stack
from .. import skeleton
from ..args import SharedArgs
from ..aws_common import Dependencies, Network, assume_role, secret_table, secrets_policy
from ..aws_common.dependencies import ALL_EGRESS
from ..dependencies import dependency_env
from ..skeleton import child
from .settings import MOUNT_ROOT, LambdaPlan, plan_of, provisioned

BASIC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
VPC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
SECRET_SUFFIX = "_SECRET_ARN"


def runtime_region() -> str | None:
    return pulumi.Config("aws").get("region")


def fingerprint(config: Any) -> str:
    """A stable digest of the function's configuration (references, never values): a
    mapping, or a list of the shared part's digest and a color's variables."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:16]


class Shared(skeleton.SharedBase[LambdaPlan]):
    """Once per stack; both colors (or the one staging environment) publish versions of
    its function."""

    backend = "lambda"

    def __init__(self, name: str, args: SharedArgs[LambdaPlan], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        stack, plan = args.stack, args.settings
        settings = plan.settings
        self.plan, self.tags, self.function_name = plan, self.labels, plan.function_name
        # The version published last: the next one waits for it ($LATEST is shared).
        self.last_version: pulumi.Resource | None = None

        network: Network | None = None
        self.security_group: aws.ec2.SecurityGroup | None = None
        if settings.vpc_id and settings.subnet_ids:
            self.security_group = aws.ec2.SecurityGroup(
                f"{name}-function-sg", vpc_id=settings.vpc_id, description=f"{plan.function_name} function",
                egress=ALL_EGRESS, tags=self.tags, opts=child(self))
            network = Network(settings.vpc_id, settings.subnet_ids, self.security_group.id)
        self.dependencies = Dependencies.create(self, name, stack, settings, network, self.tags, MOUNT_ROOT)
        self.secrets = {**secret_table(self, name, stack, settings.secrets, self.tags), **self.dependencies.secrets}

        self.role = aws.iam.Role(
            f"{name}-role", assume_role_policy=assume_role("lambda.amazonaws.com"),
            description=f"{plan.function_name}: the function's role", tags=self.tags, opts=child(self))
        attachments: list[pulumi.Resource] = [aws.iam.RolePolicyAttachment(
            f"{name}-basic-policy", role=self.role.name, policy_arn=BASIC_POLICY, opts=child(self))]
        if network is not None:
            attachments.append(aws.iam.RolePolicyAttachment(f"{name}-vpc-policy", role=self.role.name,
                                                            policy_arn=VPC_POLICY, opts=child(self)))
        if self.secrets:
            attachments.append(aws.iam.RolePolicy(
                f"{name}-secrets-policy", role=self.role.id,
                policy=pulumi.Output.all(*self.secrets.values()).apply(lambda arns: secrets_policy(list(arns))),
                opts=child(self)))
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/aws/lambda/{plan.function_name}", retention_in_days=settings.log_retention_days,
            tags=self.tags, opts=child(self))

        variables = self.variables(stack)
        config: dict[str, Any] = {
            "role": self.role.arn, "memory_size": plan.memory, "timeout": settings.timeout,
            "ephemeral_storage": {"size": settings.ephemeral_storage}, "architectures": [settings.architecture],
            "environment": {"variables": dict(sorted(variables.items()))} if variables else None,
            "logging_config": {"log_format": "Text", "log_group": self.log_group.name},
            "reserved_concurrent_executions": None,
        }
        if settings.concurrency == "reserved":
            config["reserved_concurrent_executions"] = _reserved(stack)
        if network is not None:
            config["vpc_config"] = {"subnet_ids": network.subnet_ids, "security_group_ids": [self.security_group.id]}  # type: ignore[union-attr]
        if self.dependencies.mounts:
            (mount,) = self.dependencies.mounts
            config["file_system_config"] = {"arn": mount.access_point_arn, "local_mount_path": mount.path}
        self.config_fingerprint: pulumi.Output[str] = pulumi.Output.from_input(config).apply(fingerprint)
        self.base_fingerprint: pulumi.Output[str] = pulumi.Output.from_input(
            {k: v for k, v in config.items() if k != "environment"}).apply(fingerprint)
        # Created with one image; from then on the colors' versions put theirs on $LATEST
        # (and in production their variables).
        owned = ["imageUri", *(["environment"] if stack.environment == "production" else [])]
        self.function = aws.lambda_.Function(
            f"{name}-function", name=plan.function_name, package_type="Image", image_uri=self.first_image(stack),
            publish=False, tags=self.tags, **{k: v for k, v in config.items() if v is not None},
            opts=child(self, *attachments, ignore_changes=owned))
        self.register_outputs(self.exports())

    def variables(self, stack: Stack, own: dict[str, Any] | None = None) -> dict[str, Any]:
        """The function's environment variables for ``stack``'s spec: its env, the
        dependencies' wiring and references to its secrets (``own``: a color's own)."""
        spec = stack.spec
        table = {**self.secrets, **(own or {})}
        wiring = dependency_env(list(spec.dependencies), self.dependencies.endpoints)
        references = {**{k: k for k in spec.secrets}, **wiring.secret}
        # (the function's own, in production, lacks the secrets each color creates for itself:
        # each color's version is published with its own variables)
        return {**spec.env, **wiring.plain,
                **{f"{k}{SECRET_SUFFIX}": table[ref] for k, ref in references.items() if ref in table}}

    @staticmethod
    def first_image(stack: Stack) -> str:
        """The image the function is created with: staging's, or blue's in production."""
        if stack.environment == "production":
            return stack.image_of("blue")
        return stack.image_of(None)

    @classmethod
    def settings_of(cls, stack: Stack) -> LambdaPlan:
        return plan_of(stack, runtime_region())

    def exports(self) -> dict[str, Any]:
        return {"function": self.function_name, "functionArn": self.function.arn}


def _reserved(stack: Stack) -> int:
    """Reserved concurrency for the whole function: the replicas of both colors."""
    return provisioned(stack) * (2 if stack.environment == "production" else 1)
