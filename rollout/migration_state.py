"""What a release's migrations mean for its state: pure helpers over the ledger record.

- ``contract_index``: the contract step still ahead of a succeeded release;
- ``contract_skipped``: the text (and entry) of a contract the release will not run;
- ``rollback_refusal``: why rolling back is refused once the contract started (the
  schema no longer fits the old version: a contract drops what it still reads);
- ``migration_name``: the deterministic name of one run (release, phase, attempt), so a
  process that finds a run recorded observes that same run again, never starts another.
"""

from __future__ import annotations

from ..spec.naming import dns_label
from .plan import StepAction
from .record import LedgerRecord, MigrationEntry, MigrationState

__all__ = ["contract_index", "contract_skipped", "migration_name", "rollback_refusal"]


def contract_index(rec: LedgerRecord) -> int | None:
    """The contract step still ahead of ``rec``, if its plan has one."""
    return next((s.index for s in rec.plan if s.action == StepAction.CONTRACT and s.index > rec.step_index), None)


def migration_name(app: str, phase: str, release_id: str, attempt: int = 1) -> str:
    """``checkout-expand-3f2a9c1d7e4b-1``: a DNS-1123 label (a Kubernetes Job, a container)."""
    return dns_label(app, phase, release_id, str(attempt))


def contract_skipped(rec: LedgerRecord, now: float, why: str) -> tuple[str, MigrationEntry]:
    """The event text and the ledger entry of a contract the release does not run."""
    migrations = rec.settings.migrations
    words = " ".join(migrations.command_line("contract")) if migrations is not None else ""
    entry = MigrationEntry(phase="contract", name="", state=MigrationState.SKIPPED,
                           image=(migrations.image if migrations is not None else None) or rec.image,
                           command=migrations.command_line("contract") if migrations is not None else [],
                           started_at=now, finished_at=now, detail=why)
    return f"contract migration not run: {why} (`{words[:80]}`)", entry


def rollback_refusal(rec: LedgerRecord) -> str:
    """Why the old version cannot come back once the contract migration started ("" before)."""
    entry = rec.contracted
    if entry is None:
        return ""
    return (f"; its contract migration ran ({entry.name}, {entry.state}): the schema no longer fits the old "
            "version, so rolling back to it is refused")
