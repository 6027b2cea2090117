"""What every backend package exports: the ``Backend`` protocol and its components'
shapes. The registry that finds a backend by name lives apart (``registry.py``);
backends import this module, never the registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..spec.canary import HeaderRoute
from ..spec.stack import Stack
from .args import BlueGreenArgs, EnvironmentArgs, RouterArgs

if TYPE_CHECKING:  # annotations only: the protocols import no Pulumi
    import pulumi


class SharedComponent(Protocol):
    """A stack's shared resources (typed per backend)."""

    namespace: str | None

    @property
    def shared(self) -> Any: ...


class EnvironmentComponent(Protocol):
    target: pulumi.Output[Any]
    shared: Any
    namespace: str | None

    def __init__(self, name: str, args: EnvironmentArgs[Any], opts: pulumi.ResourceOptions | None = None) -> None: ...

    @classmethod
    def replicas_problems(cls, stack: Stack, settings: Any, replicas: int) -> list[str]: ...


class BlueGreenComponent(Protocol):
    targets: dict[str, pulumi.Output[Any]]
    shared: Any
    namespace: str | None

    def __init__(self, name: str, args: BlueGreenArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...


class RouterComponent(Protocol):
    weights: pulumi.Output[dict[str, int]]

    def __init__(self, name: str, args: RouterArgs[Any], opts: pulumi.ResourceOptions | None = None) -> None: ...

    @classmethod
    def route_problems(cls, stack: Stack, routes: tuple[HeaderRoute, ...]) -> list[str]: ...


class Backend(Protocol):
    """What every backend package exports."""

    Shared: type[Any]
    Environment: type[EnvironmentComponent]
    BlueGreen: type[BlueGreenComponent]
    TrafficRouter: type[RouterComponent]


__all__ = ["Backend", "BlueGreenComponent", "EnvironmentComponent", "RouterComponent", "SharedComponent"]
