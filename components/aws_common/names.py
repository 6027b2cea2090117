"""Names of a stack's AWS resources, and the offline renderer's placeholder."""

from __future__ import annotations

from ...spec.naming import dns_label
from ...spec.stack import Stack

# What a value computed by AWS (an address, an ARN, a version) shows under the offline
# renderer, where no provider computes anything. Never seen by a deployment.
UNKNOWN = "(known after deployment)"


def base_name(stack: Stack) -> str:
    """``checkout-prod``: valid for every AWS name it prefixes (a DNS label, at most 63)."""
    return dns_label(stack.spec.name, stack.name)


def known(value: str | None) -> str:
    """``value``, or ``UNKNOWN`` where the offline renderer has none."""
    return value or UNKNOWN


__all__ = ["UNKNOWN", "base_name", "known"]
