"""``PulumiApplier``: Pulumi's Automation API, kept thin.

Select the stack, set ``tricolor:weights`` and ``tricolor:images`` (so the stack config
agrees with the ledger the program reads), then ``up``: targeted at the router's URNs
for a weight change, the whole stack for a deploy. ``current`` reads the stack's
``weights`` and ``images`` outputs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .. import ROOT
from ..spec import Color, Weights
from .applier import ApplyResult, Change
from .errors import ApplyError
from .offline import is_router
from .store import LEDGER_ENV, ledger_url


class PulumiApplier:
    name = "pulumi"

    def __init__(self, stack: str, work_dir: Path = ROOT, ledger: str | None = None,
                 spec_file: Path | None = None) -> None:
        self.stack_name = stack
        self.work_dir = work_dir
        self.spec_file = spec_file
        self.env = {LEDGER_ENV: ledger_url(ledger)}
        self._stack: Any = None

    def _select(self) -> Any:
        if self._stack is None:
            from pulumi import automation as auto

            try:
                self._stack = auto.select_stack(
                    stack_name=self.stack_name, work_dir=str(self.work_dir),
                    opts=auto.LocalWorkspaceOptions(env_vars={**os.environ, **self.env}))
            except Exception as exc:  # the Automation API raises plain exceptions (CLI missing, ...)
                raise ApplyError(f"pulumi: cannot select stack {self.stack_name!r}: {exc}") from None
        return self._stack

    def preflight(self) -> None:
        self._select()

    def router_urns(self) -> list[str]:
        """The URNs of the router component and its children, from the program itself."""
        from ..stacks.render import load_stacks, render

        (item,) = load_stacks([self.stack_name], self.spec_file)
        return [r.urn for r in render(item).resources if is_router(r.urn)]

    def apply(self, change: Change) -> ApplyResult:
        from pulumi import automation as auto

        stack = self._select()
        targets = self.router_urns() if change.scope == "router" else None
        try:
            stack.set_all_config({
                "tricolor:weights": auto.ConfigValue(json.dumps(change.weights.as_dict())),
                "tricolor:images": auto.ConfigValue(json.dumps(dict(change.images))),
            })
            result = stack.up(target=targets, message=f"tricolor release: {change.label}")
        except Exception as exc:
            raise ApplyError(f"pulumi up on {self.stack_name!r} ({change.label}) failed: {exc}") from None
        summary = result.summary.resource_changes or {}
        return ApplyResult(list(targets or []), ", ".join(f"{k}: {v}" for k, v in sorted(summary.items())))

    def current(self, stack: str) -> tuple[Weights, dict[Color, str]] | None:
        try:
            outputs = self._select().outputs()
            weights = Weights.from_mapping(outputs["weights"].value)
            images: dict[Color, str] = {"blue": str(outputs["images"].value["blue"]),
                                        "green": str(outputs["images"].value["green"])}
        except (KeyError, ValueError, TypeError, ApplyError):
            return None
        return weights, images
