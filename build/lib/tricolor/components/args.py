"""Backend-neutral arguments of the three components every backend provides.

Each backend (``kubernetes``, ``aws``, ``docker``) implements ``Environment``,
``BlueGreen`` and ``TrafficRouter`` with these arguments, so the stack program and the
release engine never care where the service runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..spec import COLORS, Color, Stack, Weights

# The label and tag keys tricolor puts on everything it creates (drift selects by them).
LABEL_PREFIX = "tricolor.dev"
MANAGED_BY = "tricolor"


@dataclass(frozen=True)
class EnvironmentArgs:
    """One color of a stack (``color=None`` for staging and previews)."""

    stack: Stack
    image: str
    color: Color | None = None
    # Resources shared by both colors (namespace, secrets, stateful dependencies) when
    # BlueGreen owns them; ``None`` means the environment creates its own.
    shared: Any = None
    # The idle color after its rollback window: kept declared, running no replicas.
    scaled_down: bool = False


@dataclass(frozen=True)
class BlueGreenArgs:
    stack: Stack
    images: Mapping[Color, str]
    scaled_down: Color | None = None


@dataclass(frozen=True)
class RouterArgs:
    """Where traffic goes: per color a backend target (a Service name, a target group
    ARN, a container name) and the weights; ``weights=None`` routes all to one target."""

    stack: Stack
    targets: Mapping[str, Any]
    weights: Weights | None = None
    shared: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def color_args(args: BlueGreenArgs, shared: Any) -> dict[Color, EnvironmentArgs]:
    """The arguments of blue and green: the same inputs, differing only in color, image
    and whether the color is scaled down. Every backend's BlueGreen builds from these."""
    return {
        color: EnvironmentArgs(stack=args.stack, image=args.images[color], color=color, shared=shared,
                               scaled_down=args.scaled_down == color)
        for color in COLORS
    }


def common_labels(stack: Stack, color: Color | None) -> dict[str, str]:
    """Labels (Kubernetes) or tags (AWS, Docker) on every object of an environment."""
    labels = {
        "app.kubernetes.io/name": stack.spec.name,
        "app.kubernetes.io/part-of": stack.spec.name,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        f"{LABEL_PREFIX}/stack": stack.name,
        f"{LABEL_PREFIX}/environment": stack.environment,
    }
    if color is not None:
        labels[f"{LABEL_PREFIX}/color"] = color
    preview = stack.config.preview
    if preview is not None:
        labels[f"{LABEL_PREFIX}/preview"] = "true"
        labels[f"{LABEL_PREFIX}/pr"] = str(preview.pr)
        labels[f"{LABEL_PREFIX}/ttl"] = f"{int(preview.ttl.total_seconds())}s"
        labels[f"{LABEL_PREFIX}/created-at"] = preview.created_at.replace(":", "").replace("+", "")
    return labels
