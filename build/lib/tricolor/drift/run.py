"""One drift run: read every stack from a source, compare, record the history.

Used by ``tricolor drift`` and the benchmark; progress is reported through a callback
so the core stays free of terminal code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .diff import compare
from .errors import DriftError
from .ignore import IgnoreRules
from .model import DriftResult, Snapshot
from .source import Source

Progress = Callable[[str, str], None]  # (stack, what is being read)


def collect(source: Source, stacks: Sequence[str], progress: Progress | None = None) -> list[Snapshot]:
    """The snapshots of every stack, in order; the first failing stack stops the run."""
    if not stacks:
        raise DriftError("no stacks given (use --stacks staging,prod)")
    dupes = sorted({s for s in stacks if list(stacks).count(s) > 1})
    if dupes:
        raise DriftError(f"stack(s) named more than once: {', '.join(dupes)}")
    snapshots: list[Snapshot] = []
    for stack in stacks:
        if progress:
            progress(stack, source.describe(stack))
        snapshots.extend(source.snapshots(stack))
    return snapshots


def run(source: Source, stacks: Sequence[str], allowed: Sequence[str], ignore: IgnoreRules | None = None,
        history: Path | None = None, progress: Progress | None = None) -> DriftResult:
    snapshots = collect(source, stacks, progress)
    if len(snapshots) < 2:
        raise DriftError(f"stack(s) {', '.join(stacks)} give only {len(snapshots)} environment(s); "
                         "drift compares two or more (a production stack counts as blue and green)")
    result = compare(snapshots, allowed, ignore)
    if history is not None:
        from .history import History

        with History(history) as db:
            result = db.record(result)
    return result
