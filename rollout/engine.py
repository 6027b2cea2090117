"""The release engine: drives the state machine against a ledger, an applier, a metrics
provider and a judge.

Every transition is written to the ledger (compare-and-swap) before the engine acts on
it: an apply is recorded with its target before it starts and marked done after it
ends, so a process killed at any moment is resumed (or aborted) by the next one without
applying a step twice and without a weight the ledger does not know. An apply found
interrupted is finished first: re-applied only when the applier does not report its
target in force.

While it drives, the engine beats in the background (``heartbeat``), so however long an
apply, a measurement or a smoke test takes, its lock is never taken over. When it stops
(done, waiting for a person, or an error) it lets the lock go, so the next verb from
any host can go on at once. Services are built when first needed: an abort never
builds a metrics provider nor a smoke tester.

A migration step (``migration_steps``) is persisted with its deterministic name before
the runner starts it and with its outcome after; a runner that cannot run it (no
cluster, no runner configured) is a failed migration, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from ..spec.release import HttpCheck
from . import machine, migration_steps, steering
from .appliers.base import Applier, Change, Purpose
from .clock import Clock, SystemClock
from .errors import ApplyError, LockedError, NoReleaseError, RolloutError
from .events import describe_target, verdict_text
from .heartbeat import Heartbeat
from .judge import Judge
from .ledger import Ledger
from .lock import Owner, check_takeover, wall_clock
from .machine import Act, Next
from .measure import measure
from .migrations.base import MigrationResult, MigrationRunner
from .notifiers.base import Notifier
from .notifiers.silent import Silent
from .plan import StepAction
from .providers.base import MetricsProvider
from .record import LedgerRecord, Request, RequestAction, Status, StepState

__all__ = ["Engine", "Lazy", "Services", "SmokeRunner", "Stop"]

T = TypeVar("T")
NOTIFY_ON = {Status.ABORTING: "failure", Status.ABORTED: "aborted", Status.ROLLED_BACK: "rolled back",
             Status.SUCCEEDED: "succeeded", Status.COMPLETED: "completed"}


class Lazy(Generic[T]):
    """A service built when first needed, then kept."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._value: list[T] = []

    @classmethod
    def of(cls, value: T) -> Lazy[T]:
        return cls(lambda: value)

    def __call__(self) -> T:
        if not self._value:
            self._value.append(self._make())
        return self._value[0]


class SmokeRunner(Protocol):
    """What the engine needs from a smoke tester (``smoke.SmokeTester``)."""

    def run(self, checks: list[HttpCheck], color: str) -> tuple[bool, str, list[Any]]: ...


@dataclass
class Services:
    applier: Lazy[Applier]
    provider: Lazy[MetricsProvider] | None = None
    judge: Lazy[Judge] | None = None
    smoke: Lazy[SmokeRunner] | None = None
    notifier: Notifier = field(default_factory=Silent)
    migrations: Lazy[MigrationRunner] | None = None

    @classmethod
    def of(cls, applier: Applier, provider: MetricsProvider | None = None, judge: Judge | None = None,
           smoke: SmokeRunner | None = None, notifier: Notifier | None = None,
           migrations: MigrationRunner | None = None) -> Services:
        return cls(applier=Lazy.of(applier), provider=None if provider is None else Lazy.of(provider),
                   judge=None if judge is None else Lazy.of(judge), smoke=None if smoke is None else Lazy.of(smoke),
                   notifier=notifier or Silent(), migrations=None if migrations is None else Lazy.of(migrations))


@dataclass(frozen=True)
class Stop:
    """When a drive stops before the release is over (the lock is let go then).

    ``active``: once the new color is active and only the rollback window is left;
    ``person``: when the release waits for a person (a manual gate, paused)."""

    active: bool = True
    person: bool = False

    def now(self, rec: LedgerRecord, action: Next) -> bool:
        return (self.active and action.rollback_window) or (self.person and action.for_a_person)


@dataclass
class Engine:
    stack: str
    ledger: Ledger
    services: Services
    clock: Clock = field(default_factory=SystemClock)
    owner: Owner = field(default_factory=Owner.here)
    lock_timeout: float = 60.0
    poll: float = 1.0
    on_change: Callable[[LedgerRecord], None] | None = None
    gate_wait: float | None = None  # dry runs: a manual gate is promoted after this many seconds
    budget: int | None = None  # dry runs: stop after this many actions, whatever happens
    notes: list[str] = field(default_factory=list)

    # --- the lock ---------------------------------------------------------------------
    @property
    def beat_every(self) -> float:
        """Seconds between heartbeats: often enough for this engine's own lock timeout,
        and at least every 5 s (a challenger waits three intervals at the least)."""
        return min(self.lock_timeout / 4, 5.0)

    def read(self) -> LedgerRecord:
        rec = self.ledger.read(self.stack)
        if rec is None:
            raise NoReleaseError(f"no release on stack {self.stack!r}")
        return rec

    def take(self, current: LedgerRecord, now: float) -> LedgerRecord:
        """``current`` with our lock (it is ours, free, or its owner is gone)."""
        check_takeover(current.lock, self.owner, wall_clock(), self.lock_timeout, self.stack)
        if current.lock is not None and current.lock.owner == self.owner.id:
            return current
        taken = current.model_copy(update={"lock": self.owner.lock(self.beat_every)})
        if current.lock is None:
            return taken
        return machine.log(taken, now, "takeover", f"{self.owner.actor} takes over from "
                           f"{current.lock.actor or current.lock.owner} (pid {current.lock.pid} on "
                           f"{current.lock.host} is gone or silent)", by=self.owner.actor)

    def acquire(self) -> LedgerRecord:
        """Take the stack's release (ours, unlocked, or its owner gone) to drive it on."""

        def take(current: LedgerRecord | None) -> LedgerRecord:
            if current is None or current.terminal:
                raise NoReleaseError(f"no release in progress on stack {self.stack!r}"
                                     + (f" (the last one is {current.status})" if current else ""))
            return self.take(current, self.clock.now())

        return self.ledger.update(self.stack, take)

    def _write(self, change: Callable[[LedgerRecord], LedgerRecord]) -> LedgerRecord:
        before: list[LedgerRecord] = []

        def guarded(current: LedgerRecord | None) -> LedgerRecord:
            if current is None or current.lock is None or current.lock.owner != self.owner.id:
                holder = current.lock.actor or current.lock.owner if current is not None and current.lock else "nobody"
                raise LockedError(f"stack {self.stack!r}: this engine lost the release lock (now {holder})")
            before[:] = [current]
            beat = current.lock.model_copy(update={"heartbeat": wall_clock()})
            return change(current.model_copy(update={"lock": beat}))

        record = self.ledger.update(self.stack, guarded)
        return self.changed(before[0] if before else None, record)

    def _beat(self) -> None:
        def beat(current: LedgerRecord | None) -> LedgerRecord:
            if current is not None and current.terminal:
                return current  # over: nothing to hold
            if current is None or current.lock is None or current.lock.owner != self.owner.id:
                holder = current.lock.actor or current.lock.owner if current is not None and current.lock else "nobody"
                raise LockedError(f"the release lock is no longer ours (now {holder})")
            return current.model_copy(update={"lock": current.lock.model_copy(update={"heartbeat": wall_clock()})})

        self.ledger.update(self.stack, beat)

    def let_go(self) -> LedgerRecord | None:
        """Give the lock up, if it is ours (best effort: a kill leaves it to be taken over)."""

        def free(current: LedgerRecord | None) -> LedgerRecord:
            if current is None or current.lock is None or current.lock.owner != self.owner.id:
                raise LockedError("not ours")
            return current.model_copy(update={"lock": None})

        try:
            return self.ledger.update(self.stack, free)
        except (LockedError, RolloutError, OSError):
            return None

    def changed(self, before: LedgerRecord | None, after: LedgerRecord) -> LedgerRecord:
        if (before is None or before.status != after.status) and after.status in NOTIFY_ON:
            text = (f"{self.stack}: release {after.release_id} of {after.image} {NOTIFY_ON[after.status]}"
                    + (f": {after.reason}" if after.reason and after.status in (
                        Status.ABORTING, Status.ABORTED, Status.ROLLED_BACK) else ""))
            try:
                problem = self.services.notifier.notify(str(after.status), text, {
                    "stack": self.stack, "release": after.release_id, "image": after.image,
                    "weights": after.weights.as_dict(), "step": after.step_index})
            except Exception as exc:  # a notifier never stops a release
                problem = f"notification failed: {exc.__class__.__name__}"
            if problem:
                self.notes.append(problem)
        if self.on_change is not None:
            self.on_change(after)
        return after

    # --- driving ----------------------------------------------------------------------
    def run(self, stop: Stop | None = None) -> LedgerRecord:
        """Drive the release until it is over, or until ``stop`` says so; the lock is let
        go whenever this returns or raises."""
        stop = stop or Stop()
        self.read()
        with Heartbeat(self._beat, self.beat_every) as heart:
            try:
                return self._loop(stop, heart)
            except BaseException:
                self.let_go()
                raise

    def _loop(self, stop: Stop, heart: Heartbeat) -> LedgerRecord:
        actions = 0
        while True:
            rec = self.read()
            if rec.terminal:
                return rec
            if heart.lost:
                raise LockedError(f"stack {self.stack!r}: {heart.lost}")
            if rec.lock is None or rec.lock.owner != self.owner.id:
                holder = rec.lock.actor or rec.lock.owner if rec.lock else "nobody"
                raise LockedError(f"stack {self.stack!r}: this engine does not hold the release lock ({holder} "
                                  "does); resume, promote or abort takes it over when it is free or its owner gone")
            now = self.clock.now()
            action = machine.next_action(rec, now)
            if action.kind == Act.STOP:
                return rec
            actions += 1
            if stop.now(rec, action) or (self.budget is not None and actions > self.budget):
                return self.let_go() or rec
            self._act(rec, action, now)

    def _act(self, rec: LedgerRecord, action: Next, now: float) -> None:
        if action.kind == Act.REQUEST:
            self._write(lambda r: steering.handle_request(r, self.clock.now()))
        elif action.kind == Act.APPLY:
            self._apply(rec)
        elif action.kind == Act.SMOKE:
            self._smoke(rec)
        elif action.kind == Act.MEASURE:
            self._measure(rec)
        elif action.kind == Act.MIGRATE:
            self._migrate(rec)
        elif action.kind == Act.ADVANCE:
            self._write(lambda r: machine.advance(r, self.clock.now(), "pause over"))
        elif action.kind == Act.FINISH:
            self._write(lambda r: machine.finish(r, self.clock.now()))
        elif action.kind == Act.CLOSE:
            self._write(lambda r: machine.window_over(r, self.clock.now()))
        elif action.for_a_person and self.gate_wait is not None and rec.status == Status.RUNNING:
            self._simulated_promotion()
        else:
            left = self.poll if action.until is None else min(self.poll, action.until - now)
            self.clock.sleep(max(left, 0.0))

    def _simulated_promotion(self) -> None:
        """Dry runs: a person promotes the manual gate after ``gate_wait`` seconds (marked so)."""
        wait = float(self.gate_wait or 0)
        self.clock.sleep(wait)
        request = Request(action=RequestAction.PROMOTE, by="a simulated person", at=self.clock.now(),
                          reason=f"dry run: the manual gate is simulated as promoted after {wait:g}s")
        self._write(lambda r: steering.handle_request(
            machine.log(r.model_copy(update={"request": request}), self.clock.now(), "simulated", request.reason or ""),
            self.clock.now()))

    def _apply(self, rec: LedgerRecord) -> LedgerRecord:
        interrupted = rec.step_state == StepState.APPLYING
        if not interrupted:
            rec = self._write(lambda r: machine.begin_apply(r, self.clock.now()))  # persisted before
        assert rec.target is not None
        change = Change(stack=self.stack, target=rec.target, purpose=_purpose(rec), step=rec.step_index,
                        label=describe_target(rec), colors=rec.target.canary_scale != rec.canary_scale,
                        in_place=rec.settings.rolling, catalog=dict(rec.catalog))
        applier = self.services.applier()
        if interrupted and applier.current(self.stack) == rec.target:
            rec = self._write(lambda r: machine.log(r, self.clock.now(), "recovered",
                                                    "the interrupted apply had taken effect: not applied again"))
        else:
            try:
                applier.apply(change)
            except ApplyError as exc:
                return self._apply_failed(rec, exc)
        return self._write(lambda r: machine.end_apply(r, self.clock.now()))  # persisted after

    def _apply_failed(self, rec: LedgerRecord, exc: ApplyError) -> LedgerRecord:
        now = self.clock.now()
        if rec.status in (Status.RUNNING, Status.PAUSED):
            reason = f"applying step {rec.step_index + 1} failed: {exc}"

            def failed(r: LedgerRecord) -> LedgerRecord:
                out = machine.log(r, now, "apply-failed", f"{reason}; the target was not put in force")
                out = machine.with_(out, step_state=StepState.PENDING, target=None)
                return machine.abort(out, now, reason)

            return self._write(failed)
        self._write(lambda r: machine.log(r, now, "apply-failed", f"{exc}; the target stays recorded"))
        verb = {Status.ABORTING: "abort", Status.ROLLING_BACK: "rollback"}.get(rec.status, "resume")
        raise ApplyError(f"{rec.status} release {rec.release_id} on {self.stack!r}: the change could not be "
                         f"applied: {exc}; its target stays recorded: run `tricolor release {verb}` again "
                         "to finish it") from None

    def _smoke(self, rec: LedgerRecord) -> LedgerRecord:
        checks = list(rec.settings.smoke_tests)
        try:
            if self.services.smoke is None:
                ok, detail = False, "no smoke tester configured"
            else:
                ok, detail, _ = self.services.smoke().run(checks, rec.canary)
        except Exception as exc:  # a smoke tester that cannot run is a failed smoke test
            ok, detail = False, f"smoke tests could not run: {exc.__class__.__name__}: {exc}"
        index = rec.step_index
        return self._write(lambda r: machine.smoke_result(r, self.clock.now(), ok, detail)
                           if r.step_index == index else r)

    def _provider(self) -> MetricsProvider:
        if self.services.provider is None:
            raise RolloutError("no metrics provider configured")
        return self.services.provider()

    def _judge(self) -> Judge:
        if self.services.judge is None:
            raise RolloutError("no judge configured")
        return self.services.judge()

    def _migrate(self, rec: LedgerRecord) -> LedgerRecord:
        index = rec.step_index
        rec = self._write(lambda r: migration_steps.begin(r, self.clock.now()) if r.step_index == index else r)
        if rec.step_index != index:
            return rec
        release = migration_steps.release_of(rec)
        phase = str(rec.plan[index].action)
        try:
            if self.services.migrations is None:
                raise RolloutError("no migration runner configured")
            result = self.services.migrations().run(phase, release)
        except Exception as exc:  # a runner that cannot run is a failed migration
            result = MigrationResult(ok=False, detail=f"the migration could not be run: {exc.__class__.__name__}: "
                                                      f"{exc}")
        return self._write(lambda r: migration_steps.result(r, self.clock.now(), release.name, result.ok,
                                                            result.detail))

    def _measure(self, rec: LedgerRecord) -> LedgerRecord:
        entry = measure(rec, self.clock.now(), self._provider, self._judge)
        text = verdict_text(entry, rec.counters.measurements + 1, rec.settings.analysis.looks)
        return self._write(lambda r: machine.measurement(r, self.clock.now(), entry, text)
                           if r.step_index == entry.step else r)


def _purpose(rec: LedgerRecord) -> Purpose:
    if rec.status == Status.ABORTING:
        return Purpose.ABORT
    if rec.status == Status.ROLLING_BACK:
        return Purpose.ROLLBACK
    if rec.status == Status.SUCCEEDED:
        return Purpose.SCALE_DOWN
    step = rec.current_step
    if step is not None and step.action == StepAction.SET_CANARY_SCALE:
        return Purpose.SCALE
    return Purpose.DEPLOY if step is not None and step.action == StepAction.DEPLOY else Purpose.WEIGHT
