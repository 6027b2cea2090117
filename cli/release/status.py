"""``tricolor release status|history|list``: read the ledger, never change it.

``status`` exits 0 when the release completed or succeeded (and before the first
release, showing what the stack config puts in force), 2 when it was aborted or
rolled back (or completed with a failed contract migration), 3 while it is still
running or paused (with ``--watch``: when ``--timeout`` ran out first).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ...lazy import later
from ...rollout.errors import InvalidRequestError
from ...rollout.ledger import Ledger
from ...rollout.record import InForce, LedgerRecord, Status
from ...spec.durations import parse_duration
from ..common import console, guarded, print_json
from ..ledger import ledger_at
from .app import app
from .locate import Options, load_stack, open_ledger
from .options import LedgerOpt, Output, OutputOpt, SpecOpt, StackOpt, StacksDirOpt
from .view import configured_table, document, history_table, list_table, status_table

if TYPE_CHECKING:
    import rich.live as live_view
else:
    live_view = later("rich.live")  # --watch only

__all__ = ["history_command", "list_command", "status_command"]

SETTLED = (Status.COMPLETED, Status.SUCCEEDED, Status.ABORTED, Status.ROLLED_BACK)


def _configured(stack: str, spec: Path | None, stacks_dir: Path | None) -> InForce:
    target = load_stack(stack, spec, stacks_dir)
    if target.environment != "production":
        raise InvalidRequestError(f"stack {stack!r} is {target.environment}: releases are for production stacks")
    return InForce(weights=target.weights, images=dict(target.images))


def _show(rec: LedgerRecord, output: Output) -> None:
    if output == Output.json:
        print_json(document(rec))
    else:
        console.print(status_table(rec))


def _watch(store: Ledger, stack: str, rec: LedgerRecord, timeout: float | None) -> LedgerRecord:
    deadline = None if timeout is None else time.monotonic() + timeout
    with live_view.Live(status_table(rec), console=console, refresh_per_second=2) as live:
        while rec.status not in SETTLED and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic())))
            rec = store.read(stack) or rec
            live.update(status_table(rec))
    return rec


@app.command("status")
@guarded
def status_command(
    stack: StackOpt, ledger: LedgerOpt = None, output: OutputOpt = Output.text, spec: SpecOpt = None,
    stacks_dir: StacksDirOpt = None,
    watch: Annotated[bool, typer.Option("--watch", "-w", help="A live view until the release completes, "
                                        "succeeds, aborts or rolls back.")] = False,
    timeout: Annotated[str | None, typer.Option("--timeout", metavar="DURATION", help="With --watch: give up "
                                                "after this long (exit 3 if still running).")] = None,
) -> None:
    """Show the release of STACK: active color and images, step, time left, last verdict."""
    try:
        limit = parse_duration(timeout).total_seconds() if timeout is not None else None
    except ValueError as exc:
        raise InvalidRequestError(f"--timeout: {exc}") from None
    store = open_ledger(Options(stack=stack, ledger=ledger, stacks_dir=stacks_dir))
    rec = store.read(stack)
    if rec is None:
        state = _configured(stack, spec, stacks_dir)
        if output == Output.json:
            print_json({"stack": stack, "release": None, "status": None, "active": state.weights.active,
                        **state.model_dump(mode="json"), "source": "stack config"})
        else:
            console.print(configured_table(stack, state, store.where(stack)))
        return
    if watch and output == Output.text:
        rec = _watch(store, stack, rec, limit)
    elif watch:
        deadline = None if limit is None else time.monotonic() + limit
        while rec.status not in SETTLED and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.5)
            rec = store.read(stack) or rec
        _show(rec, output)
    else:
        _show(rec, output)
    raise typer.Exit(rec.exit_code)


@app.command("history")
@guarded
def history_command(stack: StackOpt, ledger: LedgerOpt = None, output: OutputOpt = Output.text,
                    stacks_dir: StacksDirOpt = None) -> None:
    """Every release of STACK the ledger keeps, oldest first."""
    store = open_ledger(Options(stack=stack, ledger=ledger, stacks_dir=stacks_dir))
    records = store.history(stack)
    if output == Output.json:
        print_json([{"release": r.release_id, "image": r.image, "status": str(r.status), "started_at": r.started_at,
                     "started_by": r.started_by, "finished_at": r.finished_at, "reason": r.reason,
                     "weights": r.weights.as_dict(), "active": r.active} for r in records])
    else:
        console.print(history_table(stack, records))


@app.command("list")
@guarded
def list_command(ledger: LedgerOpt = None, output: OutputOpt = Output.text) -> None:
    """Every stack of the ledger with its last release."""
    store = Ledger.open(ledger_at(ledger))
    records = [rec for name in store.stacks() if (rec := store.read(name)) is not None]
    if output == Output.json:
        print_json([{"stack": r.stack, "release": r.release_id, "status": str(r.status), "active": r.active,
                     "image": r.images[r.active], "weights": r.weights.as_dict(), "updated_at": r.updated_at}
                    for r in records])
    else:
        console.print(list_table(store.url, records))
