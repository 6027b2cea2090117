"""A stack's secrets as references: per spec secret, the ARN of a Secrets Manager secret
or SSM parameter. The ARNs the settings give are used as they are; the rest are created
in Secrets Manager from the Pulumi secret config (the value stays a Pulumi secret and
never reaches a task definition, a function's configuration or the output)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from ...spec import Stack
from ..secrets import secret_values
from ..skeleton import child
from .names import base_name

#: reference name (a spec secret, or ``<dependency>/password``) -> ARN (an ECS valueFrom)
SecretTable = dict[str, pulumi.Input[str]]


def secret_table(parent: pulumi.Resource, name: str, stack: Stack, given: Mapping[str, str],
                 tags: Mapping[str, str]) -> SecretTable:
    """Per spec secret, the ARN it is read from (``given`` first, else created here)."""
    out: SecretTable = dict(given)
    missing = sorted(k for k in stack.spec.secrets if k not in out)
    if not missing:
        return out
    values = secret_values(stack)
    for variable in missing:
        role = variable.lower().replace("_", "-")
        secret = aws.secretsmanager.Secret(
            f"{name}-secret-{role}", name=f"{base_name(stack)}/{variable}", recovery_window_in_days=7,
            tags=dict(tags), opts=child(parent))
        aws.secretsmanager.SecretVersion(
            f"{name}-secret-{role}-value", secret_id=secret.id, secret_string=values[variable],
            opts=pulumi.ResourceOptions(parent=secret))
        out[variable] = secret.arn
    return out


__all__ = ["SecretTable", "secret_table"]
