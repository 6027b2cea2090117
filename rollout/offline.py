"""``OfflineApplier``: the stack program under Pulumi's mock runtime.

Each apply renders the program with the change's weights and images (the ledger is
bypassed for that render) and compares every resource's inputs with the previous
render: the URNs whose inputs differ are what the step changes. A router-scoped change
that would touch anything but the router is an ``ApplyError``: a weight step updates the
router alone. It powers ``release --dry-run`` and the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..spec import Color, Weights
from .applier import ApplyResult, Change
from .errors import ApplyError
from .ledger import forced_state

ROUTER_MARK = "TrafficRouter"


def is_router(urn: str) -> bool:
    return ROUTER_MARK in urn.split("::")[-2]


class OfflineApplier:
    name = "offline"

    def __init__(self, stack: str, spec_file: Path | None = None, stacks_dir: Path | None = None,
                 initial: tuple[Weights, dict[Color, str]] | None = None) -> None:
        from ..stacks.render import load_stacks

        if stacks_dir is not None:
            (self.item,) = load_stacks([stack], spec_file, stacks_dir)
        else:
            (self.item,) = load_stacks([stack], spec_file)
        self.stack = stack
        self.state = initial or (self.item.stack.weights, self.item.stack.images)
        self.scaled_down: Color | None = None
        self._cache: dict[str, dict[str, str]] = {}
        self.history: list[tuple[Change, list[str]]] = []

    def render(self, weights: Weights, images: dict[Color, str], scaled_down: Color | None = None) -> dict[str, str]:
        """URN -> canonical JSON of the resource's inputs, for that state."""
        from ..stacks.render import render

        key = json.dumps([weights.as_dict(), images, scaled_down], sort_keys=True)
        if key not in self._cache:
            with forced_state(weights, images, scaled_down):
                rendered = render(self.item)
            self._cache[key] = {r.urn: json.dumps(r.inputs, sort_keys=True) for r in rendered.resources}
        return self._cache[key]

    def diff(self, before: tuple[Weights, dict[Color, str]], after: tuple[Weights, dict[Color, str]],
             scaled: tuple[Color | None, Color | None] = (None, None)) -> list[str]:
        old, new = self.render(*before, scaled[0]), self.render(*after, scaled[1])
        return sorted(urn for urn in set(old) | set(new) if old.get(urn) != new.get(urn))

    def preflight(self) -> None:
        self.render(*self.state)  # the program renders with the state in force

    def current(self, stack: str) -> tuple[Weights, dict[Color, str]] | None:
        return self.state if stack == self.stack else None

    def apply(self, change: Change) -> ApplyResult:
        after = (change.weights, dict(change.images))
        changed = self.diff(self.state, after, (self.scaled_down, change.scaled_down))
        if change.scope == "router":
            outside = [urn for urn in changed if not is_router(urn)]
            if outside:
                raise ApplyError(f"step {change.step} ({change.label}) is a router update but would change "
                                 f"{', '.join(outside)}")
        self.state = after
        self.scaled_down = change.scaled_down
        self.history.append((change, changed))
        return ApplyResult(changed, f"{len(changed)} resource(s) changed")
