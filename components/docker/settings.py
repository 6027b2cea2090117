"""The names of a local stack's network and containers, and the spec's limits as Docker
takes them. The ``tricolor:docker`` settings themselves are ``spec.backends.DockerSettings``.
Pure: no Pulumi resources here.

::

    tricolor:docker:
      routerPort: 8080          # the router on http://127.0.0.1:8080
      bindAddress: 127.0.0.1
      nginxImage: nginx:1.27-alpine
"""

from __future__ import annotations

from ...spec.backends import DockerSettings
from ...spec.naming import dns_label
from ...spec.stack import Stack
from ...spec.weights import Color
from ..quantities import cores, memory_mib

DOCKER_MIN_MEMORY_MB = 6  # Docker's minimum memory limit


def settings_of(stack: Stack) -> DockerSettings:
    """``tricolor:docker``, validated with the stack's config."""
    return stack.config.docker


def network_name(stack: Stack, settings: DockerSettings) -> str:
    """One network per stack: staging and production are separate sets."""
    return settings.network or dns_label("tricolor", stack.spec.name, stack.name)


def alias(stack: Stack, color: Color | None) -> str:
    """The name other containers reach an environment by (``checkout-blue``)."""
    return dns_label(stack.spec.name, color or "")


def container_name(stack: Stack, role: str) -> str:
    """Unique on the host: ``checkout-local-blue``, ``checkout-local-router``; an
    environment without a color is the stack's alone (``checkout-staging``)."""
    return dns_label(stack.spec.name, stack.name, role)


def memory_mb(quantity: str) -> int:
    return max(DOCKER_MIN_MEMORY_MB, memory_mib(quantity))


def cpus(quantity: str) -> str:
    return f"{cores(quantity):g}"


__all__ = ["DockerSettings", "alias", "container_name", "cpus", "memory_mb", "network_name", "settings_of"]
