"""``PulumiApplier``: Pulumi's Automation API, kept thin.

Select the stack (in the project folder, with ``$TRICOLOR_LEDGER`` set to the ledger
this release uses, so the program reads the same one), set ``tricolor:weights`` and
``tricolor:images`` (so the stack config agrees with the ledger), then ``up``: targeted
at the router's URNs for a weight change, the whole stack for a deploy or a
scale-down (or a change of the new color's scale). ``current`` reads the stack's
``weights``, ``images``, ``scaled_down``, ``header_routes``, ``canary_scale`` and
``revisions`` outputs; ``secret_config`` reads the stack's secret config (decrypted by
Pulumi) so a release records the VERSION of each secret value (never the value). The
Automation API is imported when first used (it is heavy).
"""

from __future__ import annotations

import json
import os
from typing import Any

from ...stacks.config import load_stacks
from ...stacks.render import render
from ..errors import ApplyError
from ..record import InForce
from ..stores.base import LEDGER_ENV, ledger_location
from .base import ApplierContext, ApplyResult, Change, is_router

__all__ = ["PulumiApplier"]


class PulumiApplier:
    name = "pulumi"

    def __init__(self, context: ApplierContext) -> None:
        self.context = context
        self.stack_name = context.stack
        self.env = {LEDGER_ENV: ledger_location(context.ledger, project=context.project)}
        self._stack: Any = None

    def _select(self) -> Any:
        if self._stack is None:
            from pulumi import automation as auto

            try:
                self._stack = auto.select_stack(
                    stack_name=self.stack_name, work_dir=str(self.context.project),
                    opts=auto.LocalWorkspaceOptions(env_vars={**os.environ, **self.env}))
            except Exception as exc:  # the Automation API raises plain exceptions (CLI missing, ...)
                raise ApplyError(f"pulumi: cannot select stack {self.stack_name!r}: {exc}") from None
        return self._stack

    def preflight(self) -> None:
        self._select()

    def router_urns(self) -> list[str]:
        """The URNs of the router component and its children, from the program itself."""
        if self.context.stacks_dir is not None:
            (item,) = load_stacks([self.stack_name], self.context.spec_file, self.context.stacks_dir)
        else:
            (item,) = load_stacks([self.stack_name], self.context.spec_file)
        return [r.urn for r in render(item).resources if is_router(r.urn)]

    def apply(self, change: Change) -> ApplyResult:
        from pulumi import automation as auto

        stack = self._select()
        targets = self.router_urns() if change.scope == "router" else None
        try:
            stack.set_all_config({
                "tricolor:weights": auto.ConfigValue(json.dumps(change.target.weights.as_dict())),
                "tricolor:images": auto.ConfigValue(json.dumps(dict(change.target.images))),
            })
            result = stack.up(target=targets, message=f"tricolor release: {change.label}")
        except Exception as exc:
            raise ApplyError(f"pulumi up on {self.stack_name!r} ({change.label}) failed: {exc}") from None
        summary = result.summary.resource_changes or {}
        return ApplyResult(list(targets or []), ", ".join(f"{k}: {v}" for k, v in sorted(summary.items())))

    def secret_config(self, keys: list[str]) -> dict[str, str | None]:
        """The values of the config ``keys`` (secret config decrypted by Pulumi)."""
        try:
            config = self._select().get_all_config()
        except Exception as exc:  # the Automation API raises plain exceptions
            raise ApplyError(f"pulumi: cannot read the config of {self.stack_name!r}: {exc}") from None
        return {key: config[key].value if key in config else None for key in keys}

    def current(self, stack: str) -> InForce | None:
        try:
            outputs = self._select().outputs()
            scaled = outputs["scaled_down"].value if "scaled_down" in outputs else None
            revisions = outputs["revisions"].value if "revisions" in outputs else None
            shared = outputs["shared_revision"].value if "shared_revision" in outputs else None
            extras = {key: outputs[key].value for key in ("header_routes", "canary_scale") if key in outputs}
            return InForce.model_validate({"weights": outputs["weights"].value, "images": outputs["images"].value,
                                           "scaled_down": scaled, "revisions": revisions, "shared": shared,
                                           **extras})
        except Exception:  # no outputs yet, another shape, the CLI missing: unknown, so re-applied
            return None
