"""Docker backend, the local target: a network per stack, one container per color, and
an nginx router whose generated configuration splits traffic by weight."""

from __future__ import annotations

from .environment import BlueGreen, Environment, Shared
from .nginx import RouterConfig, render, weighted_servers
from .router import TrafficRouter
from .settings import DockerSettings, settings_of

__all__ = [
    "BlueGreen",
    "DockerSettings",
    "Environment",
    "RouterConfig",
    "Shared",
    "TrafficRouter",
    "render",
    "settings_of",
    "weighted_servers",
]
