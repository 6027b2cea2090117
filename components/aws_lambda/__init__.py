"""Lambda backend (``tricolor:backend: lambda``): one container-image function, each color
a published version, production traffic on an alias whose routing configuration carries
the canary's share. ``lambda`` is a Python keyword, hence the package's name."""

from __future__ import annotations

from .environment import BlueGreen, Environment
from .metrics import dimensions, metric_queries
from .router import TrafficRouter
from .routing import AliasRouting, alias_for, fraction, percent, weights_of
from .settings import LambdaPlan, plan_of
from .shared import Shared
from .versions import PublishedVersion, VersionProvider

__all__ = [
    "AliasRouting",
    "BlueGreen",
    "Environment",
    "LambdaPlan",
    "PublishedVersion",
    "Shared",
    "TrafficRouter",
    "VersionProvider",
    "alias_for",
    "dimensions",
    "fraction",
    "metric_queries",
    "percent",
    "plan_of",
    "weights_of",
]
