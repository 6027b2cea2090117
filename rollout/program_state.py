"""The release state a stack program is built with, read from the release ledger.

The ledger is the one source of truth of the weights and images in force: the entry
point of the Pulumi program (``stacks/__main__.py``) asks ``ledger_state`` and passes
the answer to ``build()``, so a plain ``pulumi up`` by anyone, from any machine, reads
the same ledger (``tricolor:ledger`` in the stack config; ``$TRICOLOR_LEDGER``
overrides it) and never undoes a canary half way. Before the first release the stack
config's values are in force. A ledger that cannot be read is an error, never a silent
fall back to the config. Each color gets the body of the revision it runs (from the
record's catalog), so the program renders it from its own revision.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..spec.revision import Revision
from ..spec.stack import Stack
from ..stacks.state import ReleaseState
from .ledger import Ledger, state_in_force
from .record import InForce
from .revisions import release_state
from .stores.base import ledger_location

__all__ = ["as_release_state", "ledger_state"]


def as_release_state(state: InForce, catalog: Mapping[str, Revision] | None = None) -> ReleaseState:
    """The program's input for ``state`` (weights, images, header routes, canary scale),
    with the revisions it names (from ``catalog``)."""
    return release_state(state, catalog or {})


def ledger_state(stack: Stack, project: Path | None = None) -> ReleaseState:
    """The state in force for ``stack`` (a production stack) from its ledger."""
    ledger = Ledger.open(ledger_location(configured=stack.config.ledger, project=project))
    record = ledger.read(stack.name)
    if record is None:
        return ReleaseState.configured(stack)
    return as_release_state(state_in_force(record), record.catalog)
