"""The release ledger: read and compare-and-swap update of one record per stack, and the
history of its past releases.

``Ledger.update`` reads the record, applies a pure function, and writes the result
only if nobody wrote in between, retrying on conflict; every change of a release goes
through it. A record that reaches a terminal state is also kept under
``history/<stack>/`` (and again, idempotently, when the next release replaces it, in
case a kill fell between the two writes), so ``release history`` lists every past
release, not only the last one.

``state_in_force`` is what the Pulumi program must build from a record: the state in
force, or while a change is being applied, its target (the engine is applying exactly
that), so a plain ``pulumi up`` never undoes a canary.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import ConflictError, LedgerError
from .record import InForce, LedgerRecord, StepState
from .stores.base import LedgerStore, StoreContext, check_stack, ledger_location
from .stores.registry import open_store

__all__ = ["Ledger", "state_in_force"]


def _history_key(rec: LedgerRecord) -> str:
    return f"history/{rec.stack}/{int(rec.started_at * 1000):015d}-{rec.release_id}.json"


class Ledger:
    def __init__(self, store: LedgerStore) -> None:
        self.store = store

    @classmethod
    def open(cls, location: str | None = None) -> Ledger:
        """The ledger at ``location`` (see ``stores.base.ledger_location`` for the default)."""
        return cls(open_store(StoreContext(ledger_location(location))))

    @property
    def url(self) -> str:
        return self.store.url

    def where(self, stack: str) -> str:
        return self.store.where(stack)

    def read(self, stack: str) -> LedgerRecord | None:
        found = self.store.read(check_stack(stack))
        return None if found is None else LedgerRecord.from_json(found[0], self.where(stack))

    def update(self, stack: str, change: Callable[[LedgerRecord | None], LedgerRecord],
               attempts: int = 60) -> LedgerRecord:
        """Apply ``change`` to the latest record and write it with compare-and-swap.

        ``change`` is called again on the fresh record after a conflict; it may raise to
        refuse (nothing is written then).
        """
        check_stack(stack)
        for attempt in range(attempts):
            found = self.store.read(stack)
            current = None if found is None else LedgerRecord.from_json(found[0], self.where(stack))
            updated = change(current)
            if current is not None and updated == current:
                return current
            if updated.stack != stack:
                raise LedgerError(f"{self.where(stack)}: record for stack {updated.stack!r} cannot be written here")
            if current is not None and current.terminal and current.release_id != updated.release_id:
                self.archive(current)  # the record it replaces is kept first
            try:
                self.store.write(stack, updated.to_json(), None if found is None else found[1])
            except ConflictError:
                time.sleep(min(0.2, 0.005 * (attempt + 1)))
                continue
            if updated.terminal:
                self.archive(updated)
            return updated
        raise ConflictError(f"{self.where(stack)}: still conflicting after {attempts} attempts")

    def archive(self, rec: LedgerRecord) -> None:
        self.store.put(_history_key(rec), rec.to_json())

    def history(self, stack: str) -> list[LedgerRecord]:
        """Every release of ``stack`` the ledger knows, oldest first (the current one last)."""
        check_stack(stack)
        found: dict[str, LedgerRecord] = {}
        for key in self.store.keys(f"history/{stack}"):
            data = self.store.get(key)
            if data is not None:
                rec = LedgerRecord.from_json(data, f"{self.store.url}/{key}")
                found[rec.release_id] = rec
        current = self.read(stack)
        if current is not None:
            found[current.release_id] = current
        return sorted(found.values(), key=lambda r: r.started_at)

    def stacks(self) -> list[str]:
        return self.store.stacks()


def state_in_force(rec: LedgerRecord) -> InForce:
    """What the program builds for the stack of ``rec``: the target while applying (so a
    ``pulumi up`` during a step builds what the step puts in force), else the state in force."""
    if rec.step_state == StepState.APPLYING and rec.target is not None:
        return rec.target
    return rec.in_force
