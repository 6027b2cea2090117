"""Desired versus live for one stack: a thin call of the Automation API's refresh preview.

The Pulumi engine reads every resource from the cloud and compares it with the state;
each resource's recorded outputs (``<stack> (state)``) and refreshed outputs
(``<stack> (live)``) become two snapshots compared by the same ``compare`` as
environments are, so the report formats are the same. Where the Pulumi CLI is absent,
``DesiredStateError`` says so plainly; nothing here imitates the engine.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .diff import compare
from .errors import DesiredStateError
from .ignore import IgnoreRules
from .model import DriftResult, Resource, Snapshot
from .normalize import Affixes, canonical, parse_urn, role_from_urn

NO_CLI = ("desired-versus-live needs the Pulumi CLI ('pulumi' on PATH) and it is not installed here; "
          "install it (https://www.pulumi.com/docs/iac/download-install/) or compare environments "
          "with 'tricolor drift --stacks STACK,STACK', which needs no Pulumi CLI")


def pulumi_cli(which: Any = shutil.which) -> str:
    path = which("pulumi")
    if not path:
        raise DesiredStateError(NO_CLI)
    return str(path)


def result_from_events(stack: str, events: Iterable[Any], allowed: Sequence[str] = (),
                       ignore: IgnoreRules | None = None) -> DriftResult:
    """Turn the engine events of a refresh preview into a drift result."""
    recorded: dict[str, tuple[str, str, Mapping[str, Any]]] = {}
    refreshed: dict[str, tuple[str, str, Mapping[str, Any]]] = {}
    for event in events:
        step = getattr(event, "resource_pre_event", None) or getattr(event, "res_outputs_event", None)
        meta = getattr(step, "metadata", None)
        if meta is None or meta.urn.endswith("pulumi:pulumi:Stack") or meta.type.startswith("pulumi:providers:"):
            continue
        _, type_, name = parse_urn(meta.urn)
        role = role_from_urn(meta.urn)
        if meta.old is not None and meta.old.custom is not False:
            recorded[role] = (type_, name, meta.old.outputs or meta.old.inputs or {})
        op = getattr(meta.op, "value", meta.op)
        if meta.new is not None and op != "delete":
            refreshed[role] = (type_, name, meta.new.outputs or meta.new.inputs or {})
        elif op == "delete":
            refreshed.pop(role, None)
    affixes = Affixes(stack)

    def snapshot(label: str, found: Mapping[str, tuple[str, str, Mapping[str, Any]]]) -> Snapshot:
        resources = {role: Resource(role, t, n, canonical(body, affixes)) for role, (t, n, body) in found.items()}
        return Snapshot(stack=stack, environment=label, resources=resources, source=label)

    return compare([snapshot(f"{stack} (state)", recorded), snapshot(f"{stack} (live)", refreshed)],
                   allowed, ignore)


def desired_vs_live(stack: str, work_dir: Path, backend_url: str | None = None, allowed: Sequence[str] = (),
                    ignore: IgnoreRules | None = None) -> DriftResult:
    """Run ``pulumi refresh --preview-only`` through the Automation API and report it."""
    pulumi_cli()
    from pulumi import automation as auto

    env = {"PULUMI_BACKEND_URL": backend_url} if backend_url else None
    events: list[Any] = []
    try:
        selected = auto.select_stack(stack_name=stack, work_dir=str(work_dir),
                                     opts=auto.LocalWorkspaceOptions(env_vars=env))
        selected.preview_refresh(on_event=events.append, color="never", suppress_progress=True)
    except auto.CommandError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        raise DesiredStateError(f"stack {stack}: the refresh preview failed: {lines[-1] if lines else exc}") from None
    return result_from_events(stack, events, allowed, ignore)
