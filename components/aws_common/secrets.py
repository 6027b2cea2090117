"""A stack's secrets as references: per spec secret, the ARN of a Secrets Manager secret
or SSM parameter. The ARNs the settings give are used as they are; the rest are created
in Secrets Manager from the Pulumi secret config (the value stays a Pulumi secret and
never reaches a task definition, a function's configuration or the output).

In production each color has its own secrets (``checkout-prod/blue/STRIPE_API_KEY``,
``color_secret_table``) holding the values of the revision it runs, tagged with their
versions: a new value reaches one color at a time (the color's tasks or version read
it when the release deploys it). ARNs the settings give are the team's own: shared, as
given."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from ...spec.stack import Stack
from ...spec.weights import Color
from ...vocab.labels import VALUE_VERSIONS
from ..args import RevisionArgs
from ..revisions import ignored, versions_digest
from ..secrets import secret_values
from ..skeleton import child
from .names import base_name

#: reference name (a spec secret, or ``<dependency>/password``) -> ARN (an ECS valueFrom)
SecretTable = dict[str, pulumi.Input[str]]


def secret_table(parent: pulumi.Resource, name: str, stack: Stack, given: Mapping[str, str],
                 tags: Mapping[str, str]) -> SecretTable:
    """Per spec secret, the ARN it is read from (``given`` first, else created here; in
    production the colors create their own, ``color_secret_table``)."""
    out: SecretTable = dict(given)
    missing = sorted(k for k in stack.spec.secrets if k not in out)
    if not missing or stack.environment == "production":
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


def color_secret_table(parent: pulumi.Resource, name: str, stack: Stack, color: Color, given: Mapping[str, str],
                       tags: Mapping[str, str], revision: RevisionArgs | None) -> SecretTable:
    """Per spec secret not ``given``, a secret of this color with the value of the
    revision it runs (kept while the config holds a value not released to it)."""
    missing = sorted(k for k in stack.spec.secrets if k not in given)
    if not missing:
        return {}
    values = secret_values(stack)
    held = revision.secrets if revision is not None else {}
    out: SecretTable = {}
    for variable in missing:
        role = variable.lower().replace("_", "-")
        secret = aws.secretsmanager.Secret(
            f"{name}-secret-{role}", name=f"{base_name(stack)}/{color}/{variable}", recovery_window_in_days=7,
            tags={**tags, VALUE_VERSIONS: versions_digest({variable: held.get(variable, "")} if held else {})},
            opts=child(parent))
        aws.secretsmanager.SecretVersion(
            f"{name}-secret-{role}-value", secret_id=secret.id, secret_string=values[variable],
            opts=pulumi.ResourceOptions(parent=secret, ignore_changes=ignored(revision, "secretString")))
        out[variable] = secret.arn
    return out


__all__ = ["SecretTable", "color_secret_table", "secret_table"]
