"""What the two AWS backends (``aws``: ECS Fargate behind an ALB; ``lambda``) build the
same way: names, IAM documents, Secrets Manager secrets from Pulumi secret config, and
the shared dependencies (RDS, ElastiCache, EFS) in the stack's VPC."""

from __future__ import annotations

from .dependencies import Dependencies, Network, redis_version, size_gib
from .iam import assume_role, secrets_policy
from .names import UNKNOWN, base_name
from .secrets import SecretTable, color_secret_table, secret_table

__all__ = [
    "UNKNOWN",
    "Dependencies",
    "Network",
    "SecretTable",
    "assume_role",
    "base_name",
    "color_secret_table",
    "redis_version",
    "secret_table",
    "secrets_policy",
    "size_gib",
]
