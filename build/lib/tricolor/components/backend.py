"""Select a backend's components by the stack's ``tricolor:backend``."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Protocol

import pulumi

from ..spec import BACKENDS
from .args import BlueGreenArgs, EnvironmentArgs, RouterArgs
from .errors import UnknownBackendError


class EnvironmentComponent(Protocol):
    target: Any
    def __init__(self, name: str, args: EnvironmentArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...


class BlueGreenComponent(Protocol):
    targets: Any
    shared: Any
    def __init__(self, name: str, args: BlueGreenArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...


class RouterComponent(Protocol):
    def __init__(self, name: str, args: RouterArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...


class Backend(Protocol):
    """What every backend package exports."""

    Environment: type[EnvironmentComponent]
    BlueGreen: type[BlueGreenComponent]
    TrafficRouter: type[RouterComponent]


def get_backend(name: str) -> Backend:
    """The components of backend ``name``; an unknown name lists the supported ones."""
    if name not in BACKENDS:
        raise UnknownBackendError(name, BACKENDS)
    module: ModuleType = importlib.import_module(f"{__package__}.{name}")
    return module
