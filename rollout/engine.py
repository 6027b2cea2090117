"""The release engine: drives the state machine against a ledger, an applier, a metrics
provider and a judge.

Every transition is written to the ledger (compare-and-swap) before the engine acts on
it: an apply is recorded with its target before it starts and marked done after it
ends, so a process killed at any moment is resumed (or aborted) by the next one without
applying a step twice and without a weight the ledger does not know.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..spec import Stack, Weights, image_problem
from ..spec.release import Metric
from . import machine
from .applier import Applier, Change
from .clock import Clock, SystemClock
from .errors import ApplyError, InvalidRequestError, LockedError, NoReleaseError, ProviderError
from .judge import Judge, MetricVerdict, MetricWindow, combine
from .ledger import Ledger
from .lock import Owner, check_takeover
from .metrics import MetricsProvider, Window, metric_problems, version_of
from .notify import NoNotifier, Notifier
from .plan import build_plan
from .record import LedgerRecord, Request, VerdictEntry

NOTIFY_ON = {"aborting": "failure", "aborted": "aborted", "rolled-back": "rolled back",
             "succeeded": "succeeded", "completed": "completed"}


class SmokeRunner(Protocol):
    """What the engine needs from a smoke tester (``smoke.SmokeTester`` and friends)."""

    def run(self, checks: list[Any], color: str) -> tuple[bool, str, list[Any]]: ...


@dataclass
class Engine:
    stack: Stack
    ledger: Ledger
    applier: Applier
    provider: MetricsProvider | None = None
    judge: Judge | None = None
    smoke: SmokeRunner | None = None
    notifier: Notifier = field(default_factory=NoNotifier)
    clock: Clock = field(default_factory=SystemClock)
    owner: Owner = field(default_factory=Owner.here)
    lock_timeout: float = 60.0
    poll: float = 1.0
    exit_when_waiting: bool = False
    on_change: Callable[[LedgerRecord], None] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.stack.name

    # --- taking the stack -------------------------------------------------------------
    def start(self, image: str) -> LedgerRecord:
        """Create the release record with our lock; exactly one concurrent start wins."""
        problem = image_problem(image)
        if problem:
            raise InvalidRequestError(f"--image: {problem}")
        if self.stack.environment != "production":
            raise InvalidRequestError(f"stack {self.name!r} is {self.stack.environment}: releases are for "
                                      "production stacks (blue, green and a router)")
        release = self.stack.spec.release
        if self.provider is not None and any(step.action == "analysis" for step in build_plan(release)):
            problems = metric_problems(self.provider.name, release.analysis.metrics)
            if problems:
                raise InvalidRequestError("the analysis cannot run:\n  - " + "\n  - ".join(problems))
        plan = build_plan(release)
        settings = machine.settings_of(release.analysis, release)
        self.applier.preflight()

        def create(current: LedgerRecord | None) -> LedgerRecord:
            now = self.clock.now()
            if current is not None and not current.terminal:
                if current.lock is not None:
                    check_takeover(current.lock, self.owner, now, self.lock_timeout, self.name)
                raise InvalidRequestError(
                    f"stack {self.name!r} already has release {current.release_id} ({current.status}); "
                    "resume, promote, abort or roll it back first")
            weights, images = (current.in_force, current.images) if current else (self.stack.weights,
                                                                                   self.stack.images)
            if images.get(weights.active) == image:
                raise InvalidRequestError(f"--image: {image} is already the active image of {self.name!r}")
            return machine.new_record(
                stack=self.name, release_id=uuid.uuid4().hex[:12], image=image, plan=plan, weights=weights,
                images=dict(images), settings=settings, now=now, lock=self.owner.lock(now))  # type: ignore[arg-type]

        return self._changed(None, self.ledger.update(self.name, create))

    def acquire(self) -> LedgerRecord:
        """Take over the stack's release (ours, unlocked, or stale) to drive it on."""

        def take(current: LedgerRecord | None) -> LedgerRecord:
            if current is None or current.terminal:
                raise NoReleaseError(f"no release in progress on stack {self.name!r}"
                                     + (f" (the last one is {current.status})" if current else ""))
            now = self.clock.now()
            check_takeover(current.lock, self.owner, now, self.lock_timeout, self.name)
            if current.lock is not None and current.lock.owner == self.owner.id:
                return current
            taken = current.model_copy(update={"lock": self.owner.lock(now)})
            previous = f" from {current.lock.owner}" if current.lock else ""
            return machine._log(taken, now, "takeover", f"lock taken by {self.owner.id}{previous}")

        return self.ledger.update(self.name, take)

    # --- driving ----------------------------------------------------------------------
    def _write(self, change: Callable[[LedgerRecord], LedgerRecord]) -> LedgerRecord:
        before: list[LedgerRecord] = []

        def guarded(current: LedgerRecord | None) -> LedgerRecord:
            if current is None or current.lock is None or current.lock.owner != self.owner.id:
                holder = current.lock.owner if current is not None and current.lock else "nobody"
                raise LockedError(f"stack {self.name!r}: this engine lost the release lock (now {holder})")
            before[:] = [current]
            return change(current)

        record = self.ledger.update(self.name, guarded)
        return self._changed(before[0] if before else None, record)

    def _changed(self, before: LedgerRecord | None, after: LedgerRecord) -> LedgerRecord:
        if (before is None or before.status != after.status) and after.status in NOTIFY_ON:
            text = (f"{self.name}: release {after.release_id} of {after.image} {NOTIFY_ON[after.status]}"
                    + (f": {after.reason}" if after.reason and after.status in ("aborting", "aborted",
                                                                                "rolled-back") else ""))
            problem = self.notifier.notify(after.status, text, {
                "stack": self.name, "release": after.release_id, "image": after.image,
                "weights": after.weights, "step": after.step_index})
            if problem:
                self.notes.append(problem)
        if self.on_change is not None:
            self.on_change(after)
        return after

    def _heartbeat(self, rec: LedgerRecord) -> LedgerRecord:
        now = self.clock.now()
        if rec.lock is None or rec.lock.owner != self.owner.id:
            holder = rec.lock.owner if rec.lock else "nobody"
            raise LockedError(f"stack {self.name!r}: this engine does not hold the release lock ({holder} does); "
                              "resume, promote or abort takes it over when it is free or stale")
        if now - rec.lock.heartbeat < self.lock_timeout / 4:
            return rec

        def beat(current: LedgerRecord) -> LedgerRecord:
            assert current.lock is not None
            return current.model_copy(update={"lock": current.lock.model_copy(update={"heartbeat": now})})

        return self._write(beat)

    def run(self) -> LedgerRecord:
        """Drive the release until it is finished (or waits for a person, if so configured)."""
        rec = self.ledger.read(self.name)
        if rec is None:
            raise NoReleaseError(f"no release on stack {self.name!r}")
        while True:
            rec = self.ledger.read(self.name) or rec
            if rec.terminal:
                return rec
            rec = self._heartbeat(rec)
            now = self.clock.now()
            action = machine.next_action(rec, now)
            if action.kind == "stop":
                return rec
            if action.kind == "request":
                rec = self._write(lambda r: machine.handle_request(r, self.clock.now()))
            elif action.kind == "apply":
                rec = self._apply(rec, action.scope)
            elif action.kind == "smoke":
                rec = self._smoke(rec)
            elif action.kind == "measure":
                rec = self._write(self._judged(self.measure(rec)))
            elif action.kind == "advance":
                rec = self._write(lambda r: machine.advance(r, self.clock.now()))
            elif action.kind == "finish":
                rec = self._write(lambda r: machine.finish(r, self.clock.now()))
            elif action.kind == "close":
                rec = self._write(lambda r: machine.window_over(r, self.clock.now()))
            elif action.kind == "wait":
                if action.until is None and self.exit_when_waiting:
                    return self._write(lambda r: r.model_copy(update={"lock": None}))
                left = self.poll if action.until is None else min(self.poll, action.until - now)
                self.clock.sleep(max(left, 0.0))

    def _judged(self, entry: VerdictEntry) -> Callable[[LedgerRecord], LedgerRecord]:
        return lambda r: machine.measurement(r, self.clock.now(), entry)

    def _apply(self, rec: LedgerRecord, scope: str) -> LedgerRecord:
        resumed = rec.step_state == "applying" and rec.target is not None
        if not resumed:
            rec = self._write(lambda r: machine.begin_apply(r, self.clock.now()))  # persisted before
        assert rec.target is not None
        _, _, scaled = machine.target_of(rec) if rec.status == "succeeded" else (None, None, None)
        images = rec.target_images or rec.images
        change = Change(stack=self.name, weights=Weights.from_mapping(rec.target),
                        images={"blue": images["blue"], "green": images["green"]},
                        scope=scope,  # type: ignore[arg-type]
                        step=rec.step_index, label=f"{rec.status} step {rec.step_index}", scaled_down=scaled)
        if not (resumed and self.applier.current(self.name) == (change.weights, change.images)
                and scaled is None):
            try:
                self.applier.apply(change)
            except ApplyError as exc:
                if rec.status != "running":
                    raise  # aborting or rolling back: the target stays recorded; resume retries it
                reason = f"applying step {rec.step_index} failed: {exc}"
                return self._write(lambda r: machine.abort(
                    machine._log(r, self.clock.now(), "apply-failed", f"target was {r.target}"),
                    self.clock.now(), reason))
        return self._write(lambda r: machine.end_apply(r, self.clock.now()))  # persisted after

    def _smoke(self, rec: LedgerRecord) -> LedgerRecord:
        checks = list(self.stack.spec.release.smoke_tests)
        if self.smoke is None:
            ok, detail = False, "no smoke tester configured"
        else:
            ok, detail, _ = self.smoke.run(checks, rec.canary)
        return self._write(lambda r: machine.smoke_result(r, self.clock.now(), ok, detail))

    def metrics_for(self, rec: LedgerRecord) -> list[Metric]:
        step = rec.current_step
        wanted = set(step.metrics) if step is not None else set()
        metrics = self.stack.spec.release.analysis.metrics
        return [m for m in metrics if not wanted or m.name in wanted]

    def measure(self, rec: LedgerRecord) -> VerdictEntry:
        """One measurement of every metric of the analysis step, judged."""
        now = self.clock.now()
        window = Window(start=rec.weight_since or rec.started_at, end=now, canary=rec.canary, baseline=rec.stable,
                        canary_version=version_of(rec.images[rec.canary]),
                        baseline_version=version_of(rec.images[rec.stable]),
                        canary_weight=machine.canary_weight(rec))
        if self.provider is None or self.judge is None:
            return VerdictEntry(at=now, step=rec.step_index, verdict="error", reason="no metrics provider or judge")
        verdicts: list[MetricVerdict] = []
        for metric in self.metrics_for(rec):
            try:
                m = self.provider.measure(metric, window)
            except (ProviderError, OSError) as exc:
                return VerdictEntry(at=now, step=rec.step_index, verdict="error", reason=f"{metric.name}: {exc}")
            if m.verdict is not None:
                verdicts.append(MetricVerdict(metric.name, m.verdict, m.reason, {"source": self.provider.name}))
                continue
            verdicts.append(self.judge.judge_metric(MetricWindow(
                name=metric.name, kind=metric.kind, baseline=m.baseline, canary=m.canary, min=metric.min,
                max=metric.max, tolerance=metric.tolerance, quantile=metric.quantile,
                expected_share=window.canary_weight / 100), rec.counters.measurements + 1))
        judgement = combine(verdicts, self.judge.name)
        return VerdictEntry(at=now, step=rec.step_index, verdict=judgement.verdict, reason=judgement.reason,
                            metrics=[{**v.as_dict(), "window_start": window.start, "window_end": window.end}
                                     for v in judgement.metrics])


def request(ledger: Ledger, stack: str, action: str, by: str, now: float, reason: str | None = None) -> LedgerRecord:
    """Leave a request (pause, resume, promote, abort, rollback) on the stack's release."""

    def add(current: LedgerRecord | None) -> LedgerRecord:
        if current is None:
            raise NoReleaseError(f"no release on stack {stack!r}: nothing to {action}")
        if current.terminal:
            raise NoReleaseError(f"no release running on stack {stack!r} (release {current.release_id} is "
                                 f"{current.status}): nothing to {action}")
        if action == "rollback" and current.status != "succeeded":
            raise InvalidRequestError(f"rollback applies to a release that succeeded, within its rollback "
                                      f"window; release {current.release_id} is {current.status} (use abort)")
        if action == "rollback" and current.rollback_until is not None and now > current.rollback_until:
            raise InvalidRequestError(f"the rollback window of release {current.release_id} is over")
        if action in ("abort", "pause", "promote") and current.status in ("succeeded", "aborting", "rolling-back"):
            raise InvalidRequestError(f"release {current.release_id} is {current.status}: cannot {action}")
        if action == "resume" and current.status != "paused" and not _awaiting_promote(current):
            raise InvalidRequestError(f"release {current.release_id} is {current.status}, not paused")
        return machine.add_request(current, Request(action=action, by=by, at=now, reason=reason))  # type: ignore[arg-type]

    return ledger.update(stack, add)


def _awaiting_promote(rec: LedgerRecord) -> bool:
    step = rec.current_step
    return rec.status == "running" and step is not None and step.action == "pause" and step.duration is None
