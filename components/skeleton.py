"""The one skeleton every backend fills in: ``Shared``, ``Environment``, ``BlueGreen``
and ``TrafficRouter`` base classes, and the one child-options helper.

A backend writes only what differs: how its settings are validated
(``Shared.settings_of``), which resources its ``Shared`` and ``Environment`` create
(``build``), and how its router turns weights into the backend's own structure and
back (``plan``/``build``). The skeleton keeps the conventions for all of them:

- ``__init__(self, name, args, opts=None)``; type token ``tricolor:<backend>:<Class>``;
- every setting and limit is checked before the first resource is registered;
- ``parent=self`` on every child (``child``), children named ``f"{name}-<role>"``;
- ``register_outputs(...)`` last; no resource is created inside ``.apply()``;
- production is one ``BlueGreen`` class parametrised by the backend's ``Environment``
  (and through it, its ``Shared``): blue and green from the same code path and inputs;
- every ``TrafficRouter`` exports ``weights``: the percentages per target read back
  from the structure it gave the backend (not an echo of its arguments).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

import pulumi

from ..spec.canary import HeaderRoute
from ..spec.stack import Stack
from ..spec.weights import Color
from .args import BlueGreenArgs, EnvironmentArgs, RouterArgs, SharedArgs, color_args, common_labels
from .errors import ComponentError

T = TypeVar("T")
S = TypeVar("S", bound="SharedBase[Any]")
E = TypeVar("E", bound="EnvironmentBase[Any]")


def child(parent: pulumi.Resource, *depends_on: pulumi.Resource | None, **options: Any) -> pulumi.ResourceOptions:
    """Options of a child of ``parent``: ``parent=parent``, ``depends_on`` the given
    resources (``None`` skipped), plus any other resource option."""
    return pulumi.ResourceOptions(parent=parent, depends_on=[d for d in depends_on if d is not None], **options)


class SharedBase(pulumi.ComponentResource, ABC, Generic[T]):
    """What both colors of a stack share, declared exactly once.

    Subclasses set ``backend``, implement ``settings_of`` (pure validation) and create
    their resources in ``__init__`` after calling this one, ending with
    ``self.register_outputs(self.exports())``.
    """

    backend: ClassVar[str]

    def __init__(self, name: str, args: SharedArgs[T], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"tricolor:{self.backend}:Shared", name, None, opts)
        self.stack: Stack = args.stack
        self.settings: T = args.settings
        self.labels = common_labels(args.stack, None)
        # Where the environments live, for backends that have such a place (Kubernetes).
        self.namespace: str | None = None

    @classmethod
    @abstractmethod
    def settings_of(cls, stack: Stack) -> T:
        """The backend's settings for ``stack``, validated; raises before anything exists."""

    @property
    def shared(self) -> SharedBase[T]:
        """A ``Shared`` is its own owner (``RouterArgs.shared`` takes any owner)."""
        return self

    def exports(self) -> dict[str, Any]:
        """The outputs this component registers."""
        return {}


class EnvironmentBase(pulumi.ComponentResource, ABC, Generic[S]):
    """One running copy of the service. Staging and previews have no color and create
    their own ``Shared``; blue and green get the ``BlueGreen``'s.

    Subclasses set ``backend`` and ``shared_class`` and implement ``build`` (create the
    resources, return the target the router reaches); ``check`` validates what the
    backend limits before anything is registered.
    """

    backend: ClassVar[str]
    shared_class: ClassVar[type[SharedBase[Any]]]
    target: pulumi.Output[Any]

    def __init__(self, name: str, args: EnvironmentArgs[S], opts: pulumi.ResourceOptions | None = None) -> None:
        settings = args.shared.settings if args.shared is not None else self.shared_class.settings_of(args.stack)
        self.check(args.stack, settings, [args.image])
        super().__init__(f"tricolor:{self.backend}:Environment", name, None, opts)
        shared = args.shared if args.shared is not None else self.shared_class(
            f"{name}-shared", SharedArgs(args.stack, settings, args.revision), opts=child(self))
        self.shared: S = shared  # type: ignore[assignment]
        self.namespace = self.shared.namespace
        self.target = pulumi.Output.from_input(self.build(name, args, self.shared))
        self.register_outputs({"target": self.target, "image": args.image, **self.exports()})

    @classmethod
    def check(cls, stack: Stack, settings: Any, images: list[str]) -> None:
        """Raise ``ComponentError`` for what the backend cannot run (before registering)."""

    @classmethod
    def replicas_problems(cls, stack: Stack, settings: Any, replicas: int) -> list[str]:
        """What the backend cannot do of a color scaled to ``replicas`` (``setCanaryScale``);
        checked before a release starts and before anything is registered."""
        return []

    @abstractmethod
    def build(self, name: str, args: EnvironmentArgs[S], shared: S) -> pulumi.Input[Any]:
        """Register the environment's resources; returns what routers send traffic to."""

    def exports(self) -> dict[str, Any]:
        return {}


class BlueGreen(pulumi.ComponentResource, Generic[S, E]):
    """Production: blue and green built by the same code path from the same inputs,
    differing only in color and image; the shared resources exist once.

    A backend declares ``class BlueGreen(skeleton.BlueGreen[Shared, Environment],
    environment=Environment)`` and nothing else.
    """

    environment_class: ClassVar[type[EnvironmentBase[Any]]]
    targets: dict[str, pulumi.Output[Any]]

    def __init_subclass__(cls, environment: type[EnvironmentBase[Any]] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if environment is not None:
            cls.environment_class = environment

    def __init__(self, name: str, args: BlueGreenArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        env_class = self.environment_class
        settings = env_class.shared_class.settings_of(args.stack)
        env_class.check(args.stack, settings, [args.images[c] for c in sorted(args.images)])
        scaled = [a.replicas for a in color_args(args, None).values() if a.replicas is not None]
        problems = [p for count in scaled for p in env_class.replicas_problems(args.stack, settings, count)]
        if problems:
            raise ComponentError("; ".join(problems))
        super().__init__(f"tricolor:{env_class.backend}:BlueGreen", name, None, opts)
        shared = env_class.shared_class(f"{name}-shared", SharedArgs(args.stack, settings, args.shared_revision),
                                        opts=child(self))
        self.shared: S = shared  # type: ignore[assignment]
        self.colors: dict[Color, E] = {
            color: env_class(f"{name}-{color}", env_args, opts=child(self))  # type: ignore[misc]
            for color, env_args in color_args(args, self.shared).items()
        }
        self.namespace = self.shared.namespace
        self.targets = {color: env.target for color, env in self.colors.items()}
        self.register_outputs({"targets": self.targets, **self.shared.exports(),
                               "colors": {color: env.exports() for color, env in self.colors.items()}})


class RouterBase(pulumi.ComponentResource, ABC, Generic[S, T]):
    """The TrafficRouter skeleton: ``plan`` turns the weights into the backend's own
    structure (raising ``BackendLimitError`` before anything is registered), ``build``
    creates the resources from it and returns the ``weights`` output: the percentages
    per target, read back from that structure.

    A weight step of a release changes only this component's resources.
    """

    backend: ClassVar[str]
    needs_shared: ClassVar[bool] = True

    def __init__(self, name: str, args: RouterArgs[S], opts: pulumi.ResourceOptions | None = None) -> None:
        weights = args.weights.as_dict() if args.weights is not None else None
        native = self.plan(args, weights)
        if self.needs_shared and args.shared is None:
            raise ComponentError(f"the {self.backend} router needs the stack's shared resources: RouterArgs.shared "
                                 "is BlueGreen.shared, the BlueGreen or the Environment")
        super().__init__(f"tricolor:{self.backend}:TrafficRouter", name, None, opts)
        shared: S | None = args.shared.shared if args.shared is not None else None
        self.weights: pulumi.Output[dict[str, int]] = pulumi.Output.from_input(
            self.build(name, args, native, shared))
        self.register_outputs({**self.exports(), "weights": self.weights})

    @abstractmethod
    def plan(self, args: RouterArgs[S], weights: Mapping[str, int] | None) -> T:
        """The router's native description at ``weights`` (pure; refuses what it cannot do)."""

    @classmethod
    def route_problems(cls, stack: Stack, routes: tuple[HeaderRoute, ...]) -> list[str]:
        """What this router cannot do of the header routes ``routes`` (checked before a
        release starts; ``plan`` refuses the same with ``BackendLimitError``)."""
        return []

    @abstractmethod
    def build(self, name: str, args: RouterArgs[S], native: T, shared: S | None) -> pulumi.Input[dict[str, int]]:
        """Register the router's resources from ``native``; returns the weights it configured."""

    def exports(self) -> dict[str, Any]:
        return {}


__all__ = ["BlueGreen", "EnvironmentBase", "RouterBase", "SharedBase", "child"]
