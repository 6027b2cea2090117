"""What ``release start`` prepares and shows about the revision it releases.

The revision is the image (``--image``, else the active color's: a config-only release)
on the spec as it is, with the versions of the secret values read where the applier
reads config (the Automation API for ``pulumi``; the stack file, as a render reads it,
for ``offline``). Before anything is written, the shared resources the revision would
change are found by rendering the stack with the shared part in force and with the new
one (offline, no credentials): when there are any they are listed, and the release
needs ``--include-shared``, with a warning that they are not canaried.

Nothing printed is read as markup; no secret value is read into anything printed (only
versions, which are salted hashes, and references).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from rich.markup import escape
from rich.text import Text

from ...drift.changes import StackChanges
from ...rollout.ledger import Ledger
from ...rollout.revisions import (
    Candidate,
    candidate_of,
    config_versions,
    prepare_state,
    shared_changes,
    with_changes,
)
from ...rollout.verbs import Prepared
from ...spec.stack import Stack
from ...stacks.config import StackInput
from ..common import err_console
from ..plan_output import text_lines

__all__ = ["secret_source", "versions", "with_secrets", "with_shared_changes"]


def secret_source(applier: Any) -> Any:
    """The applier when it reads secret config itself (``secret_config``), else ``None``
    (the stack file, as a render reads it)."""
    return applier if callable(getattr(applier, "secret_config", None)) else None


def versions(item: StackInput, applier: Any) -> dict[str, str]:
    return config_versions(item, secret_source(applier))


def with_secrets(prepared: Prepared, stack: Stack, secrets: dict[str, str]) -> Prepared:
    """``prepared`` whose revision records these versions of the secret values."""
    if prepared.candidate is None:
        return prepared
    fresh = candidate_of(stack, prepared.candidate.image, secrets, prepared.candidate.include_shared)
    return replace(prepared, candidate=fresh)


def with_shared_changes(prepared: Prepared, item: StackInput, ledger: Ledger, quiet: bool = False) -> Prepared:
    """``prepared`` with the shared resources its revision changes (rendered offline), and
    what the release deploys shown on standard error."""
    candidate = prepared.candidate
    if candidate is None:
        return prepared
    current = ledger.read(item.stack.name)
    state, catalog, revision = prepare_state(current, prepared.configured, candidate, time.time())
    assert state.revisions is not None and state.shared is not None
    shared = catalog[state.shared]
    if revision.digest != shared.digest or revision.shared != shared.shared:
        changes = shared_changes(item, state, catalog, revision)
        candidate = with_changes(candidate, changes)
        if changes.resources and not quiet:
            _show_shared(changes, revision.id, candidate)
    else:
        candidate = replace(candidate, shared_changes=())
    if not quiet:
        active = state.weights.active
        running = catalog[state.revisions[active]]
        kind = "config-only release" if candidate.image is None else "release"
        err_console.print(Text(f"{kind}: {revision.label} (the active color {active} runs {running.label})"),
                          soft_wrap=True)
    return replace(prepared, candidate=candidate)


def _show_shared(changes: StackChanges, revision: str, candidate: Candidate) -> None:
    head = "[yellow]warning:[/]" if candidate.include_shared else "[bold red]shared:[/]"
    err_console.print(f"{head} {escape(revision)} changes resources both colors share; they change for both "
                      "colors at once at the deploy step and are NOT canaried (nor rolled back by abort or "
                      "rollback):", soft_wrap=True)
    for line, _ in text_lines([changes], {})[1:-1]:
        err_console.print(Text(line), soft_wrap=True)
