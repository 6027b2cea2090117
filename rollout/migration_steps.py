"""The state machine's migration transitions (pure, like ``machine``).

A migration step is persisted before it runs (``begin``: a ``running`` entry with its
deterministic name) and after (``result``). A process killed in between leaves the
entry ``running``: the next one finds it and observes the same run (``begin`` changes
nothing then), never starts a second one. A failed run is a new attempt (a new name)
only when the release tries the phase again.

- ``expand`` (running): success goes on to the deploy; failure aborts the release (the
  old version keeps all traffic; nothing was deployed).
- ``contract`` (succeeded, after the rollback window and the scale-down): success
  completes the release; failure completes it too, with the failure as its reason (the
  new version is active and the old one gone; the CLI exits 2 and names the run), so no
  release is ever stuck behind a contract.
"""

from __future__ import annotations

from .errors import InvalidRequestError
from .events import step_label
from .machine import abort, advance, close, log, with_
from .migration_state import migration_name
from .migrations.base import MigrationRelease
from .record import LedgerRecord, MigrationEntry, MigrationState, Status

__all__ = ["begin", "release_of", "result"]


def _phase(rec: LedgerRecord) -> str:
    step = rec.current_step
    if step is None or not step.action.migrates:
        raise InvalidRequestError(f"step {rec.step_index} of release {rec.release_id} runs no migration")
    return str(step.action)


def begin(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Persisted before the run: its entry, ``running``, with its deterministic name."""
    phase = _phase(rec)
    last = rec.migration(phase)
    if last is not None and last.state == MigrationState.RUNNING:
        return rec  # interrupted: that run is observed again
    migrations = rec.settings.migrations
    if migrations is None:
        raise InvalidRequestError(f"release {rec.release_id} has a {phase} step but no migrations recorded")
    attempt = last.attempt + 1 if last is not None else 1
    entry = MigrationEntry(phase=phase, name=migration_name(rec.stack, phase, rec.release_id, attempt),
                           attempt=attempt, state=MigrationState.RUNNING, image=migrations.image or rec.image,
                           command=migrations.command_line(phase), started_at=now)
    out = with_(rec, migrations=[*rec.migrations, entry])
    words = " ".join(entry.command)
    return log(out, now, "migrate", f"{step_label(out, out.current_step)} {phase} migration {entry.name}: "
               f"`{words[:100]}` with {entry.image}")


def release_of(rec: LedgerRecord) -> MigrationRelease:
    """What the runner is given for the run ``begin`` recorded."""
    phase = _phase(rec)
    entry = rec.migration(phase)
    migrations = rec.settings.migrations
    if entry is None or entry.state != MigrationState.RUNNING or migrations is None:
        raise InvalidRequestError(f"release {rec.release_id}: no {phase} migration is running")
    return MigrationRelease(stack=rec.stack, release_id=rec.release_id, name=entry.name, image=entry.image,
                            command=tuple(entry.command), timeout=migrations.timeout.total_seconds(),
                            attempt=entry.attempt, source=None if rec.settings.rolling else rec.stable)


def result(rec: LedgerRecord, now: float, name: str, ok: bool, detail: str) -> LedgerRecord:
    """Persisted after the run: its outcome, and what the release does next."""
    index = next((i for i, m in enumerate(rec.migrations) if m.name == name), None)
    if index is None or rec.migrations[index].state != MigrationState.RUNNING:
        return rec  # recorded already (or the release moved on)
    entry = rec.migrations[index]
    done = entry.model_copy(update={"state": MigrationState.SUCCEEDED if ok else MigrationState.FAILED,
                                    "finished_at": now, "detail": detail[:500]})
    out = with_(rec, migrations=[*rec.migrations[:index], done, *rec.migrations[index + 1:]])
    word = "succeeded" if ok else "failed"
    text = f"{entry.phase} migration {name} {word}" + (f": {detail[:300]}" if detail else "")
    if entry.phase == "expand":
        if rec.status not in (Status.RUNNING, Status.PAUSED):
            return log(out, now, "migrated", text)
        if ok:
            return advance(log(out, now, "migrated", text), now, "the expand migration succeeded")
        return abort(log(out, now, "migration-failed", text), now, f"expand migration {name} failed: {detail[:300]}")
    if ok:
        return close(log(out, now, "migrated", text), now, Status.COMPLETED)
    out = with_(out, reason=f"contract migration {name} failed: {detail[:300]}")
    return close(log(out, now, "migration-failed", text + "; the release completes (the new version is active, "
                     "the old one gone): run the contract again by hand"), now, Status.COMPLETED)
