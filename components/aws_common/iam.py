"""IAM policy documents (JSON text), pure."""

from __future__ import annotations

import json
import re

# ``arn:...:secret:name-AbCdEf:json-key:stage:version`` (an ECS valueFrom) -> the secret's ARN
_SECRET_SUFFIX = re.compile(r"^(arn:[^:]+:secretsmanager:[^:]+:[0-9]+:secret:[^:]+):.*$")


def assume_role(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def secret_resource(value_from: str) -> str:
    """The ARN a policy grants for an ECS ``valueFrom`` (a JSON key's suffix taken off)."""
    match = _SECRET_SUFFIX.match(value_from)
    return match.group(1) if match else value_from


def secrets_policy(arns: list[str]) -> str:
    """Read access to exactly the referenced Secrets Manager secrets and SSM parameters."""
    statements = []
    resources = sorted({secret_resource(a) for a in arns})
    managers = [a for a in resources if ":secretsmanager:" in a]
    parameters = [a for a in resources if ":ssm:" in a]
    if managers:
        statements.append({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": managers})
    if parameters:
        statements.append({"Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": parameters})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


__all__ = ["assume_role", "secret_resource", "secrets_policy"]
