"""Backend-neutral arguments of the components every backend provides.

Each backend (``kubernetes``, ``aws``, ``docker``, ``lambda``) implements ``Shared``,
``Environment``, ``BlueGreen`` and ``TrafficRouter`` with these arguments, so the stack
program and the release engine never care where the service runs.

Invariants:

- Blue and green are built from the same ``EnvironmentArgs`` but for color, image,
  whether the color is scaled down and, while a canary scale is in force
  (``setCanaryScale``), the new color's replica count (``color_args``).
- The router gets the header routes in force (``setHeaderRoute``): requests matching any
  of a route's matches go to its color, before the weights apply.
- The resources a stack shares (``Shared``: namespace, network, load balancer,
  function, secrets, stateful dependencies) are typed per backend, never ``Any``: an
  ``Owner`` is anything that holds them (a ``Shared`` itself, a ``BlueGreen``, a
  staging ``Environment``), and ``.shared`` reaches them from each.
- Every label and tag key comes from ``tricolor.vocab.labels``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from ..spec.canary import CanaryScale, HeaderRoute, scaled_replicas
from ..spec.stack import Stack
from ..spec.weights import COLORS, Color, Weights
from ..vocab import labels as keys

S = TypeVar("S")
S_co = TypeVar("S_co", covariant=True)
T = TypeVar("T")


class Owner(Protocol[S_co]):
    """Anything that holds a stack's shared resources: ``owner.shared`` is them."""

    @property
    def shared(self) -> S_co: ...


@dataclass(frozen=True)
class RevisionArgs:
    """What a color (or the stack's shared resources) runs, as the release ledger says.

    ``digest``: the content hash of its configuration, annotated on the objects so that a
    change of configuration alone (a secret value, say) still rolls the color;
    ``secrets``: the version of each secret value it runs; ``keep_secrets``: the secret
    config now holds other values than those, so the objects holding secret values keep
    what they hold (``ignore_changes``) until a release brings this color the new ones.
    """

    digest: str
    secrets: Mapping[str, str] = field(default_factory=dict)
    keep_secrets: bool = False
    id: str = ""


@dataclass(frozen=True)
class SharedArgs(Generic[T]):
    """A stack and its backend settings, already validated (``Shared.settings_of``)."""

    stack: Stack
    settings: T
    revision: RevisionArgs | None = None  # production: the revision whose shared part is in force


@dataclass(frozen=True)
class EnvironmentArgs(Generic[S]):
    """One color of a stack (``color=None`` for staging and previews)."""

    stack: Stack
    image: str
    color: Color | None = None
    # The stack's shared resources when a BlueGreen owns them; ``None``: the environment
    # creates its own (staging, previews).
    shared: S | None = None
    # The idle color after its rollback window: kept declared, running nothing.
    scaled_down: bool = False
    # The replica count of a color under a canary scale (``None``: the spec's).
    replicas: int | None = None
    # Production with ``release.strategy: rolling``: the one environment, updated in place
    # by the platform's rolling update (``release.rollingUpdate``).
    rolling: bool = False
    # Production: the revision this color runs (its configuration is ``stack.spec``).
    revision: RevisionArgs | None = None


@dataclass(frozen=True)
class BlueGreenArgs:
    """``stack`` builds the shared resources and the router; each color is built from
    ``stacks[color]`` (its revision's spec; default ``stack``) with ``revisions[color]``."""

    stack: Stack
    images: Mapping[Color, str]
    scaled_down: Color | None = None
    canary_scale: CanaryScale | None = None
    stacks: Mapping[Color, Stack] = field(default_factory=dict)
    revisions: Mapping[Color, RevisionArgs] = field(default_factory=dict)
    shared_revision: RevisionArgs | None = None


@dataclass(frozen=True)
class RouterArgs(Generic[S]):
    """Where traffic goes: per color a backend target (a Service name, a target group
    ARN, a container address, a Lambda version) and the weights; ``weights=None`` routes
    everything to the one target. ``shared``: the owner of the stack's shared resources
    (``BlueGreen.shared``, the ``BlueGreen`` or the staging ``Environment``)."""

    stack: Stack
    targets: Mapping[str, Any]
    weights: Weights | None = None
    shared: Owner[S] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    header_routes: tuple[HeaderRoute, ...] = ()


def color_args(args: BlueGreenArgs, shared: S) -> dict[Color, EnvironmentArgs[S]]:
    """The arguments of blue and green: the same inputs, differing only in color, image,
    revision (while a release canaries one), whether the color is scaled down and its
    replicas under a canary scale. Every backend's BlueGreen builds from these."""
    scale = args.canary_scale
    out: dict[Color, EnvironmentArgs[S]] = {}
    for color in COLORS:
        stack = args.stacks.get(color, args.stack)
        out[color] = EnvironmentArgs(stack=stack, image=args.images[color], color=color, shared=shared,
                                     scaled_down=args.scaled_down == color, revision=args.revisions.get(color),
                                     replicas=scaled_replicas(scale, full_replicas(stack))
                                     if scale is not None and scale.color == color else None)
    return out


def full_replicas(stack: Stack) -> int:
    """A running color's replicas: the spec's, at least ``autoscaling.minReplicas``."""
    spec = stack.spec
    return max(spec.replicas, spec.autoscaling.min_replicas) if spec.autoscaling else spec.replicas


def common_labels(stack: Stack, color: Color | None) -> dict[str, str]:
    """Labels (Kubernetes) or tags (AWS, Docker) on every object of an environment."""
    labels = {
        keys.APP_NAME: stack.spec.name,
        keys.APP_PART_OF: stack.spec.name,
        keys.APP_MANAGED_BY: keys.MANAGED_BY,
        keys.STACK: stack.name,
        keys.ENVIRONMENT: stack.environment,
    }
    if color is not None:
        labels[keys.COLOR] = color
    preview = stack.config.preview
    if preview is not None:
        labels[keys.PREVIEW] = "true"
        labels[keys.PR] = str(preview.pr)
        labels[keys.TTL] = f"{int(preview.ttl.total_seconds())}s"
        labels[keys.CREATED_AT] = preview.created_at.replace(":", "").replace("+", "")
    return labels


__all__ = [
    "BlueGreenArgs",
    "EnvironmentArgs",
    "Owner",
    "RevisionArgs",
    "RouterArgs",
    "SharedArgs",
    "color_args",
    "common_labels",
    "full_replicas",
]
