"""The Pulumi program: config and release state -> components -> exports.

``pulumi up -s staging`` builds one environment; ``pulumi up -s prod`` builds blue,
green and the router with the release state in force (weights, images, the color
scaled down). ``build`` reads no file and no environment: its inputs are the stack and
that state, so the same function renders purely under Pulumi's mock runtime for
``tricolor plan`` and the tests. The entry point (``__main__.py``) reads the state from
the release ledger and passes it in. Each color is built from the revision it runs, the
shared resources and the router from the revision whose shared part is in force
(``colors.py``); staging and previews follow the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from ..components import BlueGreenArgs, EnvironmentArgs, RouterArgs, get_backend
from ..spec import Stack
from .colors import colors_of, current_args
from .config import resolve, runtime_config
from .state import ReleaseState

__all__ = ["build", "export", "main"]


def build(stack: Stack, state: ReleaseState | None = None) -> dict[str, Any]:
    """Build the stack's components and return what the program exports; a production
    stack is built with ``state`` (default: what its config says)."""
    backend = get_backend(stack.backend)
    name = stack.spec.name
    outputs: dict[str, Any] = {"environment": stack.environment, "backend": stack.backend}
    if stack.environment == "production":
        state = state or ReleaseState.configured(stack)
        weights, images, scaled_down = state.weights, dict(state.images), state.scaled_down
        colors = colors_of(stack, state, secret_config)
        pair = backend.BlueGreen(name, BlueGreenArgs(
            stack=colors.shared, images=images, scaled_down=scaled_down, stacks=colors.stacks,
            revisions=colors.revisions, shared_revision=colors.shared_revision))
        backend.TrafficRouter(f"{name}-router", RouterArgs(
            stack=colors.shared, targets=pair.targets, weights=weights, shared=pair.shared))
        outputs.update(services=pair.targets, weights=weights.as_dict(), images=dict(images),
                       scaled_down=scaled_down)
        if state.revisions is not None:
            outputs["revisions"] = {color: revision.id for color, revision in state.revisions.items()}
            outputs["shared_revision"] = state.shared.id if state.shared is not None else None
        outputs["namespace"] = getattr(pair, "namespace", None)
    else:
        env = backend.Environment(name, EnvironmentArgs(stack=stack, image=stack.image_of(),
                                                        revision=current_args(stack, secret_config)))
        backend.TrafficRouter(f"{name}-router", RouterArgs(stack=stack, targets={"main": env.target}, shared=env))
        outputs.update(service=env.target, image=stack.image_of())
        outputs["namespace"] = getattr(env, "namespace", None)
    outputs["route"] = f"{name}-router"
    return {k: v for k, v in outputs.items() if v is not None}


def secret_config(key: str) -> str | None:
    """The value of config ``key`` (``tricolor:databasePassword``), as the program reads
    it; only its version is computed from it, it is never exported."""
    namespace, _, name = key.rpartition(":")
    return pulumi.Config(namespace).get(name)


def export(outputs: dict[str, Any]) -> None:
    for key, value in outputs.items():
        pulumi.export(key, value)


def main(state_of: Callable[[Stack], ReleaseState | None]) -> None:
    """What ``stacks/__main__.py`` runs: resolve the running stack from its config, ask
    ``state_of`` for the release state in force, build and export."""
    stack = resolve(pulumi.get_stack(), runtime_config())
    export(build(stack, state_of(stack) if stack.environment == "production" else None))
