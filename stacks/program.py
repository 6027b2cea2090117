"""The Pulumi program: config and release state -> components -> exports.

``pulumi up -s staging`` builds one environment; ``pulumi up -s prod`` builds blue,
green and the router with the release state in force (weights, images, the color
scaled down); a production stack whose ``release.strategy`` is ``rolling`` builds ONE
environment with the image in force, which a release updates in place. ``build``
reads no file and no environment: its inputs are the stack and that state, so the
same function renders purely under Pulumi's mock runtime for ``tricolor plan`` and the
tests. The entry point (``__main__.py``) reads the state from
the release ledger and passes it in. Each color is built from the revision it runs, the
shared resources and the router from the revision whose shared part is in force
(``colors.py``); a rolling stack's one environment from the revision of the slot in
force; staging and previews follow the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..components import BlueGreenArgs, EnvironmentArgs, RouterArgs, get_backend
from ..components.backend import Backend
from ..spec.stack import Stack
from .colors import colors_of, current_args
from .config import resolve, runtime_config
from .state import ReleaseState

__all__ = ["build", "canary_outputs", "export", "main", "revision_outputs"]


def canary_outputs(state: ReleaseState) -> dict[str, Any]:
    """The header routes and the canary scale in force, exported when there are any (the
    Pulumi applier reads them back to know what is in force)."""
    out: dict[str, Any] = {}
    if state.header_routes:
        out["header_routes"] = [r.model_dump(mode="json", by_alias=True) for r in state.header_routes]
    if state.canary_scale is not None:
        out["canary_scale"] = state.canary_scale.model_dump(mode="json", exclude_none=True)
    return out


def build(stack: Stack, state: ReleaseState | None = None) -> dict[str, Any]:
    """Build the stack's components and return what the program exports; a production
    stack is built with ``state`` (default: what its config says)."""
    backend = get_backend(stack.backend)
    name = stack.spec.name
    outputs: dict[str, Any] = {"environment": stack.environment, "backend": stack.backend}
    if stack.environment == "production" and stack.spec.release.strategy == "rolling":
        outputs.update(rolling(backend, stack, state or ReleaseState.configured(stack)))
    elif stack.environment == "production":
        state = state or ReleaseState.configured(stack)
        weights, images, scaled_down = state.weights, dict(state.images), state.scaled_down
        colors = colors_of(stack, state, secret_config)
        pair = backend.BlueGreen(name, BlueGreenArgs(
            stack=colors.shared, images=images, scaled_down=scaled_down, canary_scale=state.canary_scale,
            stacks=colors.stacks, revisions=colors.revisions, shared_revision=colors.shared_revision))
        backend.TrafficRouter(f"{name}-router", RouterArgs(
            stack=colors.shared, targets=pair.targets, weights=weights, shared=pair.shared,
            header_routes=state.header_routes))
        outputs.update(services=pair.targets, weights=weights.as_dict(), images=dict(images),
                       scaled_down=scaled_down, **canary_outputs(state), **revision_outputs(state))
        outputs["namespace"] = getattr(pair, "namespace", None)
    else:
        env = backend.Environment(name, EnvironmentArgs(stack=stack, image=stack.image_of(),
                                                        revision=current_args(stack, secret_config)))
        backend.TrafficRouter(f"{name}-router", RouterArgs(stack=stack, targets={"main": env.target}, shared=env))
        outputs.update(service=env.target, image=stack.image_of())
        outputs["namespace"] = getattr(env, "namespace", None)
    outputs["route"] = f"{name}-router"
    return {k: v for k, v in outputs.items() if v is not None}


def revision_outputs(state: ReleaseState) -> dict[str, Any]:
    """The revision of each color and the one whose shared part is in force, exported
    when the ledger records them (the Pulumi applier reads them back)."""
    if state.revisions is None:
        return {}
    return {"revisions": {color: revision.id for color, revision in state.revisions.items()},
            "shared_revision": state.shared.id if state.shared is not None else None}


def secret_config(key: str) -> str | None:
    """The value of config ``key`` (``tricolor:databasePassword``), as the program reads
    it; only its version is computed from it, it is never exported."""
    import pulumi  # heavy: imported when a program runs, not when a command starts

    namespace, _, name = key.rpartition(":")
    return pulumi.Config(namespace).get(name)


def rolling(backend: Backend, stack: Stack, state: ReleaseState) -> dict[str, Any]:
    """Production with ``release.strategy: rolling``: ONE environment running the image
    of the slot in force (the ledger's active color) on that slot's revision, updated in
    place by the platform's rolling update, behind a router with one target (no weights
    to move)."""
    name = stack.spec.name
    slot = state.weights.active
    image = state.images.get(slot) or stack.image_of(slot)
    colors = colors_of(stack, state, secret_config)
    env = backend.Environment(name, EnvironmentArgs(stack=colors.stacks[slot], image=image, rolling=True,
                                                    revision=colors.revisions[slot]))
    backend.TrafficRouter(f"{name}-router", RouterArgs(stack=colors.stacks[slot], targets={"main": env.target},
                                                       shared=env))
    return {"strategy": "rolling", "service": env.target, "image": image, "weights": state.weights.as_dict(),
            "images": dict(state.images), "scaled_down": state.scaled_down,
            "namespace": getattr(env, "namespace", None), **revision_outputs(state)}


def export(outputs: dict[str, Any]) -> None:
    import pulumi  # heavy: imported when a program runs, not when a command starts

    for key, value in outputs.items():
        pulumi.export(key, value)


def main(state_of: Callable[[Stack], ReleaseState | None]) -> None:
    """What ``stacks/__main__.py`` runs: resolve the running stack from its config, ask
    ``state_of`` for the release state in force, build and export."""
    import pulumi

    stack = resolve(pulumi.get_stack(), runtime_config())
    export(build(stack, state_of(stack) if stack.environment == "production" else None))
