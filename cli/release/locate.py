"""Where a release verb's ledger and stack are: the options a verb was given, the
ledger they point at (``--ledger``, else ``$TRICOLOR_LEDGER``, the stack's
``tricolor:ledger``, ``.tricolor/ledger`` in the project: ``cli.ledger``), the stack
loaded from the project.

Apart from ``wiring`` (the engine and its services): a verb that only reads the ledger
(``status``, ``history``, ``list``) imports no applier, metrics provider, notifier or
migration runner, so it starts fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import TricolorError
from ...rollout.ledger import Ledger
from ...rollout.stores.base import LEDGER_ENV, check_stack
from ...spec.stack import Stack
from ...stacks.config import StackInput, load_stacks, read_stack_config
from ..ledger import ledger_at
from .options import Output

__all__ = ["Options", "load_item", "load_stack", "open_ledger"]


@dataclass(frozen=True)
class Options:
    """What a verb was given (``None``: not given, reuse the record or the default)."""

    stack: str
    spec: Path | None = None
    stacks_dir: Path | None = None
    ledger: str | None = None
    applier: str | None = None
    smoke_url: str | None = None
    lock_timeout: float = 60.0
    poll: float = 1.0
    output: Output = Output.text


def _configured_ledger(stack: str, stacks_dir: Path | None) -> str | None:
    """``tricolor:ledger`` from the stack's config file (no spec needed), if any."""
    try:
        config, _ = read_stack_config(stack, stacks_dir) if stacks_dir else read_stack_config(stack)
    except TricolorError:
        return None
    value = config.get("tricolor:ledger")
    return value if isinstance(value, str) else None


def open_ledger(options: Options) -> Ledger:
    check_stack(options.stack)
    # the stack's tricolor:ledger counts only without --ledger and $TRICOLOR_LEDGER
    given = options.ledger or os.environ.get(LEDGER_ENV)
    configured = None if given else _configured_ledger(options.stack, options.stacks_dir)
    return Ledger.open(ledger_at(options.ledger, configured, options.stacks_dir))


def load_item(name: str, spec: Path | None, stacks_dir: Path | None) -> StackInput:
    """The stack with its config as read (a release reads the versions of its secrets)."""
    (item,) = load_stacks([name], spec, stacks_dir) if stacks_dir else load_stacks([name], spec)
    return item


def load_stack(name: str, spec: Path | None, stacks_dir: Path | None) -> Stack:
    return load_item(name, spec, stacks_dir).stack
