"""The Pulumi program: config -> components -> exports.

``pulumi up -s staging`` builds one environment; ``pulumi up -s prod`` builds blue,
green and the router. The same function runs under Pulumi's mock runtime for
``tricolor plan``.
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..components import BlueGreenArgs, EnvironmentArgs, RouterArgs, get_backend
from ..spec import Color, Stack, Weights
from .config import resolve, runtime_config


def release_state(stack: Stack) -> tuple[Weights, dict[Color, str], Color | None]:
    """Weights, images and the scaled-down color in force for a production stack: from
    the release ledger when it has a record for the stack (``$TRICOLOR_LEDGER`` or
    ``.tricolor/ledger``), else from the stack's configuration. A plain ``pulumi up``
    never undoes a canary, nor wakes a color the release scaled down."""
    from ..rollout.ledger import state_in_force

    in_force = state_in_force(stack.name)
    if in_force is None:
        return stack.weights, stack.images, None
    return in_force.weights, in_force.images, in_force.scaled_down


def build(stack: Stack) -> dict[str, Any]:
    """Build the stack's components and return what the program exports."""
    backend = get_backend(stack.backend)
    name = stack.spec.name
    outputs: dict[str, Any] = {"environment": stack.environment, "backend": stack.backend}
    if stack.environment == "production":
        weights, images, scaled_down = release_state(stack)
        pair = backend.BlueGreen(name, BlueGreenArgs(stack=stack, images=images, scaled_down=scaled_down))
        backend.TrafficRouter(f"{name}-router", RouterArgs(
            stack=stack, targets=pair.targets, weights=weights, shared=pair.shared))
        outputs.update(services=pair.targets, weights=weights.as_dict(), images=dict(images),
                       scaled_down=scaled_down)
        outputs["namespace"] = getattr(pair, "namespace", None)
    else:
        env = backend.Environment(name, EnvironmentArgs(stack=stack, image=stack.image_of()))
        backend.TrafficRouter(f"{name}-router", RouterArgs(stack=stack, targets={"main": env.target}, shared=env))
        outputs.update(service=env.target, image=stack.image_of())
        outputs["namespace"] = getattr(env, "namespace", None)
    outputs["route"] = f"{name}-router"
    return {k: v for k, v in outputs.items() if v is not None}


def main() -> None:
    """Entry point of ``stacks/__main__.py``."""
    stack = resolve(pulumi.get_stack(), runtime_config())
    for key, value in build(stack).items():
        pulumi.export(key, value)
