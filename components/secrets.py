"""Secret values of a stack, read from Pulumi secret config and kept secret."""

from __future__ import annotations

import pulumi

from ..spec.stack import NAMESPACE, Stack
from .errors import ComponentError


def secret_values(stack: Stack) -> dict[str, pulumi.Output[str]]:
    """``{ENV_NAME: secret Output}`` for each of the spec's secrets.

    A secret missing from the stack's config is an error naming the config key and the
    command that sets it; the value never comes from the spec.
    """
    values: dict[str, pulumi.Output[str]] = {}
    missing = []
    for variable, ref in sorted(stack.spec.secrets.items()):
        namespace, _, key = ref.config.rpartition(":")
        config = pulumi.Config(namespace or NAMESPACE)
        value = config.get_secret(key)
        if value is None:
            missing.append(f"{namespace or NAMESPACE}:{key}")
            continue
        values[variable] = value
    if missing:
        commands = "; ".join(f"pulumi config set --secret {key} ..." for key in missing)
        raise ComponentError(f"stack {stack.name}: secret config {', '.join(missing)} is not set ({commands})")
    return values
