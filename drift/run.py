"""One drift run: read every stack from a source, compare, consult or record the history.

Used by ``tricolor drift`` and the benchmark; progress is reported through a callback
so the core stays free of terminal code. The history is written only when asked
(``record``); otherwise an existing history only annotates the result.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .diff import compare
from .errors import DriftError
from .history import History
from .ignore import IgnoreRules
from .model import DriftResult, Snapshot
from .source import Source

__all__ = ["collect", "run"]

Progress = Callable[[str, str], None]  # (stack, what is being read)


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """Reading and normalising build no reference cycles (JSON documents, bytes, frozen
    dataclasses), so Python's cyclic collector would only re-scan the parsed documents
    again and again (about half of the parse time); it is paused meanwhile. Memory is
    still freed as usual, by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect(source: Source, stacks: Sequence[str], progress: Progress | None = None) -> list[Snapshot]:
    """The snapshots of every stack, in order; the first failing stack stops the run."""
    if not stacks:
        raise DriftError("no stacks given (use --stacks staging,prod)")
    dupes = sorted({s for s in stacks if list(stacks).count(s) > 1})
    if dupes:
        raise DriftError(f"stack(s) named more than once: {', '.join(dupes)}")
    snapshots: list[Snapshot] = []
    with paused_cycle_collection():
        for stack in stacks:
            if progress:
                progress(stack, source.describe(stack))
            snapshots.extend(source.snapshots(stack))
    return snapshots


def run(source: Source, stacks: Sequence[str], allowed: Sequence[str], ignore: IgnoreRules | None = None,
        history: Path | None = None, progress: Progress | None = None, record: bool = False) -> DriftResult:
    snapshots = collect(source, stacks, progress)
    if len(snapshots) < 2:
        raise DriftError(f"stack(s) {', '.join(stacks)} give only {len(snapshots)} environment(s); "
                         "drift compares two or more (a production stack counts as blue and green)")
    result = compare(snapshots, allowed, ignore)
    del snapshots
    if history is None:
        return result
    if record:
        with History(history) as db:
            return db.record(result)
    if history.is_file():
        with History(history, readonly=True) as db:
            return db.annotate(result)
    return result
