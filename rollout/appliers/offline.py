"""``OfflineApplier``: the stack program under Pulumi's mock runtime.

Each apply renders the program with the change's target state (the release state is a
parameter of the render) and compares every resource's inputs with the render of the
state before: the URNs whose inputs differ are what the change would update (the
properties a resource ignores, ``ignore_changes``, aside, as Pulumi updates it). A
router-scoped change that would touch anything but the router is an ``ApplyError``: a
weight step updates the router alone. It powers ``release --dry-run`` and the tests.

Its "infrastructure" is nothing but what it applied last: with a ledger store in its
context it keeps that in ``offline/<stack>.json`` next to the ledger (written
atomically after each apply), so a later process knows what is in force and
``current`` tells the truth across processes. Without one (dry runs) it starts from
the state it is given and keeps it in memory. It keeps the bodies of the revisions it
rendered with (never a secret value: revisions hold versions), so each color is
rendered from its own revision on both sides of a diff.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import Any

from ...spec.revision import Revision
from ...stacks.config import StackInput, load_stacks
from ...stacks.render import SECRET_TEXT, render
from ...stacks.state import ReleaseState
from ..errors import ApplyError, LedgerError
from ..program_state import as_release_state
from ..record import InForce
from .base import ApplierContext, ApplyResult, Change, is_router

__all__ = ["OfflineApplier"]


class OfflineApplier:
    name = "offline"

    def __init__(self, context: ApplierContext) -> None:
        names = [context.stack]
        if context.stacks_dir is not None:
            (self.item,) = load_stacks(names, context.spec_file, context.stacks_dir)
        else:
            (self.item,) = load_stacks(names, context.spec_file)
        self.stack = context.stack
        self.store = context.store
        self.key = f"offline/{context.stack}.json"
        found = self._read()  # read once: the state and the revisions it last applied
        recorded = self._state_of(found)
        # What it applied last is known; where it starts from otherwise (the ledger's
        # state, else the stack config) is only where its diffs start.
        self.known = recorded is not None or (self.store is None and context.in_force is not None)
        configured = ReleaseState.configured(self.item.stack)
        self.state: InForce = recorded or context.in_force or InForce(weights=configured.weights,
                                                                      images=dict(configured.images))
        self._cache: dict[str, dict[str, str]] = {}
        self._ignored: dict[str, dict[str, tuple[str, ...]]] = {}
        self.history: list[tuple[Change, list[str]]] = []
        self.catalog: dict[str, Revision] = {**self._catalog_of(found), **dict(context.catalog or {})}

    @property
    def input(self) -> StackInput:
        return self.item

    @property
    def _where(self) -> str:
        return f"{self.store.url if self.store else ''}/{self.key}"

    def _read(self) -> dict[str, Any] | None:
        """What it wrote last (``None``: nothing yet)."""
        data = self.store.get(self.key) if self.store is not None else None
        if data is None:
            return None
        try:
            found = json.loads(data)
            if not isinstance(found, dict):
                raise TypeError("not an object")
            return found
        except (ValueError, TypeError) as exc:
            raise LedgerError(f"{self._where}: not what the offline applier writes: {exc}") from None

    def _state_of(self, found: dict[str, Any] | None) -> InForce | None:
        if found is None:
            return None
        try:
            return InForce.model_validate(found["state"])
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerError(f"{self._where}: not what the offline applier writes: {exc}") from None

    def _catalog_of(self, found: dict[str, Any] | None) -> dict[str, Revision]:
        revisions = (found or {}).get("revisions") or {}
        try:
            if not isinstance(revisions, dict):
                raise TypeError("not an object")
            return {str(k): Revision.model_validate(v) for k, v in revisions.items()}
        except (ValueError, TypeError) as exc:
            raise LedgerError(f"{self._where}: revisions: {exc}") from None

    def _save(self, change: Change) -> None:
        if self.store is None:
            return
        named = {*(self.state.revisions or {}).values(), self.state.shared}
        revisions = {k: v.model_dump(mode="json") for k, v in self.catalog.items() if k in named}
        self.store.put(self.key, json.dumps({
            "state": self.state.model_dump(mode="json"), "step": change.step, "purpose": str(change.purpose),
            "label": change.label, "pid": os.getpid(), "at": time.time(), "revisions": revisions},
            indent=2, sort_keys=True).encode())

    def secret_config(self, keys: list[str]) -> Mapping[str, str | None]:
        """The secret config as the render reads it (a secure value is its placeholder)."""
        return {k: self.item.config.get(k, SECRET_TEXT) for k in keys}

    def render(self, state: InForce) -> dict[str, str]:
        """URN -> canonical JSON of the resource's inputs, for that state."""
        key = json.dumps(state.model_dump(mode="json"), sort_keys=True)
        if key not in self._cache:
            rendered = render(self.item, as_release_state(state, self.catalog))
            self._cache[key] = {r.urn: json.dumps(r.inputs, sort_keys=True) for r in rendered.resources}
            self._ignored[key] = {r.urn: r.ignore_changes for r in rendered.resources if r.ignore_changes}
        return self._cache[key]

    def diff(self, before: InForce, after: InForce) -> list[str]:
        """The URNs an update from ``before`` to ``after`` changes: as Pulumi updates an
        existing resource, the properties the new program ignores (``ignore_changes``: a
        color keeping the secret values it runs, a Lambda function its variables) do not
        count."""
        old, new = self.render(before), self.render(after)
        ignored = self._ignored.get(json.dumps(after.model_dump(mode="json"), sort_keys=True), {})
        return sorted(urn for urn in set(old) | set(new) if _differs(old.get(urn), new.get(urn), ignored.get(urn)))

    def preflight(self) -> None:
        self.render(self.state)  # the program renders with the state in force

    def current(self, stack: str) -> InForce | None:
        return self.state if stack == self.stack and self.known else None

    def apply(self, change: Change) -> ApplyResult:
        self.catalog.update(change.catalog)
        changed = self.diff(self.state, change.target)
        if change.scope == "router":
            outside = [urn for urn in changed if not is_router(urn)]
            if outside:
                raise ApplyError(f"step {change.step} ({change.label}) is a router update but would change "
                                 f"{', '.join(outside)}")
        self.state = change.target
        self.known = True
        self._save(change)
        self.history.append((change, changed))
        return ApplyResult(changed, f"{len(changed)} resource(s) changed")


def _differs(old: str | None, new: str | None, ignored: tuple[str, ...] | None) -> bool:
    """Do the inputs differ, the top-level properties in ``ignored`` aside (a resource
    created or deleted always differs)?"""
    if old is None or new is None or not ignored:
        return old != new
    before, after = json.loads(old), json.loads(new)
    return {k: v for k, v in before.items() if k not in ignored} != {k: v for k, v in after.items() if k not in ignored}
