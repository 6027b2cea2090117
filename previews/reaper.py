"""The reaper: a pure decision over listed stacks, then an executor that destroys.

``decide`` never does I/O: it takes the listed stacks, the time and what GitHub said
about each pull request, and says for every stack ``destroy``, ``keep`` or ``skip``
with a reason. ``reap`` carries the decisions out through a ``Destroyer`` and goes on
past failures, reporting each.

Rules (in this order):

- a stack whose facts cannot be read, or disagree (tags that say "not a preview" over
  labels that say it is, a checkpoint naming another stack), is kept and the reason shown;
- a stack without the preview marker is skipped: the reaper never touches it;
- a preview that Pulumi could not address by its qualified name in this backend's
  layout, whose name disagrees with its facts, that an update has locked, or whose
  creation time is in the future, is kept (and the reason shown);
- a preview whose pull request is closed (or merged) is destroyed;
- a preview whose TTL, counted from its creation, has run out is destroyed;
- anything else is kept, with the time it has left.

``reap`` hands the destroyer the stack's ``StackRef`` (its fully qualified name), and
only after ``recheck`` (the stack read again from the backend and decided again) still
says ``destroy`` for that very stack. A failure, in the recheck or the destroy, is
reported and the next stack goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .destroy import Destroyer
from .listing import StackRecord
from .naming import pr_of_stack
from .ttl import CLOCK_SKEW, as_utc, describe, is_expired, remaining

__all__ = ["Action", "Decision", "Outcome", "PrState", "ReapReport", "Recheck", "decide", "decide_one",
           "decide_down", "reap"]

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
    def qualified(self) -> str:
        return self.record.qualified

    @property
    def pr(self) -> int | None:
        return self.record.meta.pr if self.record.meta else None


def _unsafe(record: StackRecord) -> Decision | None:
    """The decision for a stack the reaper must not destroy whatever its TTL, or ``None``."""
    if record.problem:
        what = "marked as a preview but its facts are unreadable or disagree" if record.marked else "kept"
        return Decision(record, "keep", f"{what}: {record.problem}")
    if not record.marked:
        return Decision(record, "skip", "not a preview (no tricolor:preview marker)")
    if record.meta is None:
        return Decision(record, "keep", "marked as a preview but its facts are unreadable")
    if record.unreachable:
        return Decision(record, "keep", f"never destroyed by name: {record.unreachable}")
    meta = record.meta
    named = pr_of_stack(record.name)
    if named is not None and named != meta.pr:
        return Decision(record, "keep", f"the name says pull request #{named} but the {meta.source} say #{meta.pr}")
    if record.locked is not False:
        return Decision(record, "keep", "an update holds the stack's lock")
    return None


def decide_one(record: StackRecord, now: datetime, pr_states: Mapping[int, PrState | None]) -> Decision:
    unsafe = _unsafe(record)
    if unsafe is not None:
        return unsafe
    meta = record.meta
    assert meta is not None  # _unsafe keeps every record without facts
    if as_utc(meta.created_at) > as_utc(now) + CLOCK_SKEW:
        return Decision(record, "keep", f"its creation time {meta.created_at.isoformat()} is in the future")
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


def decide_down(record: StackRecord, pr: int, stack: str | None = None) -> Decision:
    """``preview down``'s decision: destroy the previews of pull request ``pr`` (only
    ``stack`` when given), under the same safety rules as the reaper."""
    mine = (record.meta is not None and record.meta.pr == pr) or pr_of_stack(record.name) == pr
    if not mine or stack not in (None, record.name):
        return Decision(record, "skip", f"not a preview of pull request #{pr}" + (" on that branch" if mine else ""))
    unsafe = _unsafe(record)
    if unsafe is not None:
        return unsafe
    return Decision(record, "destroy", f"preview down for pull request #{pr}")


Status = Literal["destroyed", "failed", "would destroy", "kept", "skipped"]
#: reads a decided stack again from the backend and decides again
Recheck = Callable[[Decision], Decision]


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    status: Status
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        record = self.decision.record
        return {"stack": record.name, "project": record.project, "qualified": record.qualified,
                "pr": self.decision.pr, "action": self.decision.action, "reason": self.decision.reason,
                "status": self.status, "error": self.error}


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


def _carry_out(decision: Decision, destroyer: Destroyer, recheck: Recheck) -> Outcome:
    try:
        fresh = recheck(decision)
    except Exception as exc:  # noqa: BLE001 - one stack that cannot be re-read never stops the others
        return Outcome(decision, "failed", f"could not re-read it before destroying: {type(exc).__name__}: {exc}")
    if fresh.action != "destroy" or fresh.record.ref != decision.record.ref:
        return Outcome(Decision(fresh.record, "keep", f"changed since it was listed: {fresh.reason}"), "kept")
    try:
        destroyer.destroy(fresh.record.ref)
    except Exception as exc:  # noqa: BLE001 - one failure must not stop the others
        return Outcome(fresh, "failed", f"{type(exc).__name__}: {exc}")
    return Outcome(fresh, "destroyed")


def reap(decisions: Iterable[Decision], destroyer: Destroyer, recheck: Recheck, dry_run: bool = False) -> ReapReport:
    """Destroy every ``destroy`` decision that ``recheck`` confirms; a failure is
    recorded and the next one goes on."""
    report = ReapReport()
    for decision in decisions:
        if decision.action == "skip":
            report.outcomes.append(Outcome(decision, "skipped"))
        elif decision.action == "keep":
            report.outcomes.append(Outcome(decision, "kept"))
        elif dry_run:
            report.outcomes.append(Outcome(decision, "would destroy"))
        else:
            report.outcomes.append(_carry_out(decision, destroyer, recheck))
    return report
