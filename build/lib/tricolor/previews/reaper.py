"""The reaper: a pure decision over listed stacks, then an executor that destroys.

``decide`` never does I/O: it takes the listed stacks, the time and what GitHub said
about each pull request, and says for every stack ``destroy``, ``keep`` or ``skip``
with a reason. ``reap`` carries the decisions out through a ``Destroyer`` and goes on
past failures, reporting each.

Rules:

- a stack without the preview marker is skipped: the reaper never touches it;
- a preview whose facts are broken, whose name disagrees with its tags, or that is
  locked by an update in progress is kept (and the reason shown);
- a preview whose pull request is closed (or merged) is destroyed;
- a preview whose TTL, counted from its creation, has run out is destroyed;
- anything else is kept, with the time it has left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .destroy import Destroyer
from .listing import StackRecord
from .naming import pr_of_stack
from .ttl import describe, is_expired, remaining

Action = Literal["destroy", "keep", "skip"]
PrState = Literal["open", "closed"]


@dataclass(frozen=True)
class Decision:
    record: StackRecord
    action: Action
    reason: str

    @property
    def stack(self) -> str:
        return self.record.name

    @property
    def pr(self) -> int | None:
        return self.record.meta.pr if self.record.meta else None


def decide_one(record: StackRecord, now: datetime, pr_states: Mapping[int, PrState | None]) -> Decision:
    if not record.marked:
        return Decision(record, "skip", "not a preview (no tricolor:preview marker)")
    meta = record.meta
    if meta is None:
        return Decision(record, "keep", f"marked as a preview but unreadable: {record.problem}")
    named = pr_of_stack(record.name)
    if named is not None and named != meta.pr:
        return Decision(record, "keep",
                        f"the name says pull request #{named} but the {meta.source} say #{meta.pr}")
    if record.locked:
        return Decision(record, "keep", "an update holds the stack's lock")
    if pr_states.get(meta.pr) == "closed":
        return Decision(record, "destroy", f"pull request #{meta.pr} is closed")
    left = remaining(meta.created_at, meta.ttl, now)
    if is_expired(meta.created_at, meta.ttl, now):
        return Decision(record, "destroy", f"TTL {describe(meta.ttl)} ran out {describe(-left)} ago")
    return Decision(record, "keep", f"{describe(left)} left of its TTL {describe(meta.ttl)}")


def decide(records: Iterable[StackRecord], now: datetime,
           pr_states: Mapping[int, PrState | None] | None = None) -> list[Decision]:
    """One decision per stack, in the order given."""
    states = pr_states or {}
    return [decide_one(record, now, states) for record in records]


Status = Literal["destroyed", "failed", "would destroy", "kept", "skipped"]


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    status: Status
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        record = self.decision.record
        return {"stack": record.name, "pr": self.decision.pr, "action": self.decision.action,
                "reason": self.decision.reason, "status": self.status, "error": self.error}


@dataclass
class ReapReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def with_status(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[Outcome]:
        return self.with_status("failed")

    @property
    def ok(self) -> bool:
        return not self.failed


def reap(decisions: Iterable[Decision], destroyer: Destroyer, dry_run: bool = False) -> ReapReport:
    """Destroy every ``destroy`` decision; a failure is recorded and the next one goes on."""
    report = ReapReport()
    for decision in decisions:
        if decision.action == "skip":
            report.outcomes.append(Outcome(decision, "skipped"))
        elif decision.action == "keep":
            report.outcomes.append(Outcome(decision, "kept"))
        elif dry_run:
            report.outcomes.append(Outcome(decision, "would destroy"))
        else:
            try:
                destroyer.destroy(decision.record.name)
            except Exception as exc:  # noqa: BLE001 - one failure must not stop the others
                report.outcomes.append(Outcome(decision, "failed", f"{type(exc).__name__}: {exc}"))
            else:
                report.outcomes.append(Outcome(decision, "destroyed"))
    return report
