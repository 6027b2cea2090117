"""The release state machine: pure functions from a ledger record to the next one.

``next_action`` says what the engine must do now; the other functions are the
transitions, each returning a new record. No I/O here: the engine persists every
record these return before it acts on it, and again after.

Invariants (checked by the property tests):

- weights are always valid integers adding up to 100; the infrastructure holds the
  recorded weights or, while a step is ``applying``, possibly its recorded target;
- an interrupted apply is finished first (re-applied only when it did not take
  effect), before any request is handled, so no weight is ever unknown;
- while aborting or rolling back the canary weight only goes to 0, and an abort always
  ends with the canary at 0;
- header routes send only to the new color and a canary scale sizes only it, both while
  its weight is below 100: ``setWeight: 100``, an abort and a rollback end them
  (``canary_state.py``); a route or a scale step never moves the weights;
- a release in a terminal state never moves again; every other state has a next action
  or waits for a person, and ``abort`` (or ``rollback``) ends it from anywhere;
- revisions move with images: the deploy step gives the canary the release's revision
  (and the shared part of it), an abort or a rollback puts all traffic on the color that
  still runs the old revision, and after the rollback window the old color is brought to
  the new revision as it is scaled down (a ``rolling`` release's two slots are the two
  colors' revisions: the one environment runs the active slot's);
- a contract migration (``migration_steps``) is entered only once the rollback window is
  over and the old version is gone (scaled down; replaced, for ``rolling``); rollback
  is refused from then on. A ``rolling`` release applies every change to the one
  environment (``Change.in_place``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..spec.revision import Revision
from ..spec.weights import Weights, other
from . import traffic
from .analysis import decide, extending, tally
from .canary_state import carried, describe_extras
from .errors import InvalidRequestError
from .events import describe_target, step_label
from .migration_state import contract_index, contract_skipped, rollback_refusal
from .plan import PlanStep, StepAction
from .record import (
    Counters,
    Event,
    InForce,
    LedgerRecord,
    LockInfo,
    MigrationState,
    Status,
    StepState,
    Verdict,
    VerdictEntry,
)
from .settings import ReleaseSettings

__all__ = ["Act", "Next", "new_record", "next_action", "target_of", "begin_apply", "end_apply", "advance",
           "finish", "window_over", "abort", "rollback", "supersede", "smoke_result",
           "measurement", "canary_weight", "log", "with_", "close"]


class Act(StrEnum):
    STOP = "stop"
    REQUEST = "request"
    APPLY = "apply"
    SMOKE = "smoke"
    MEASURE = "measure"
    WAIT = "wait"
    ADVANCE = "advance"
    FINISH = "finish"
    CLOSE = "close"
    MIGRATE = "migrate"  # run (or observe again) the migration of the current step


@dataclass(frozen=True)
class Next:
    """What the engine does next; ``until`` for waits (``None``: until someone acts)."""

    kind: Act
    until: float | None = None
    reason: str = ""

    @property
    def for_a_person(self) -> bool:
        return self.kind == Act.WAIT and self.until is None

    @property
    def rollback_window(self) -> bool:
        return self.kind == Act.WAIT and self.reason == "rollback window"


def new_record(*, stack: str, release_id: str, image: str, plan: list[PlanStep], state: InForce,
               settings: ReleaseSettings, now: float, lock: LockInfo | None, by: str = "",
               revision: Revision | None = None, catalog: dict[str, Revision] | None = None,
               include_shared: bool = False) -> LedgerRecord:
    """A fresh release: the idle color (weight 0) becomes the canary; with ``revision``,
    it deploys that revision (``catalog``: the bodies of the revisions in force)."""
    if state.weights.blue not in (0, 100):
        raise InvalidRequestError(
            f"weights in force are split ({state.weights.as_dict()}): abort or finish that release first")
    stable = state.weights.active
    canary = other(stable)
    known = {**(catalog or {}), **({revision.id: revision} if revision is not None else {})}
    rolling = settings.rolling
    record = LedgerRecord(
        stack=stack, release_id=release_id, status=Status.RUNNING, canary=canary, stable=stable, image=image,
        weights=state.weights, images=dict(state.images), scaled_down=state.scaled_down,
        header_routes=state.header_routes, canary_scale=state.canary_scale, plan=plan,
        settings=settings, started_at=now, started_by=by, updated_at=now, step_started_at=now, weight_since=now,
        lock=lock, revisions=state.revisions, shared=state.shared, catalog=known,
        revision=revision.id if revision is not None else None, include_shared=include_shared)
    what = image if revision is None else revision.label
    where = (f"rolled out in place (replacing {state.images[stable]}), {len(plan)} steps" if rolling else
             f"to {canary} ({stable} stays active at 100 %, {len(plan)} steps)")
    return log(record, now, "start", f"release {release_id}{f' by {by}' if by else ''}: {what} {where}",
               by=by or None)


def log(rec: LedgerRecord, now: float, kind: str, detail: str = "", by: str | None = None) -> LedgerRecord:
    event = Event(at=now, kind=kind, step=rec.step_index, weights=rec.weights, detail=detail, by=by)
    return rec.model_copy(update={"events": [*rec.events, event], "updated_at": now})


def with_(rec: LedgerRecord, **update: Any) -> LedgerRecord:
    """A copy with ``update`` applied and validated (weights stay valid)."""
    return LedgerRecord.model_validate({**dict(rec), **update})


def next_action(rec: LedgerRecord, now: float) -> Next:
    if rec.terminal:
        return Next(Act.STOP, reason=f"release is {rec.status}")
    if rec.step_state == StepState.APPLYING:
        return Next(Act.APPLY, reason="finish the apply in progress")
    if rec.request is not None:
        return Next(Act.REQUEST)
    if rec.status.closing:
        return Next(Act.APPLY)
    if rec.status == Status.PAUSED:
        return Next(Act.WAIT, None, reason=f"paused by {rec.paused_by}")
    if rec.status == Status.SUCCEEDED:
        if now < (now if rec.rollback_until is None else rec.rollback_until):
            return Next(Act.WAIT, rec.rollback_until, reason="rollback window")
        step = rec.current_step
        if step is not None and step.action == StepAction.CONTRACT:
            return Next(Act.MIGRATE)
        # rolling: the previous version is gone already (replaced in place); nothing to scale down
        return Next(Act.APPLY) if rec.settings.scale_down_idle and not rec.settings.rolling else Next(Act.CLOSE)
    step = rec.current_step
    if step is None or step.action in (StepAction.FINISH, StepAction.CONTRACT):
        return Next(Act.FINISH)
    if step.action.applies:
        return Next(Act.APPLY)
    if step.action.migrates:
        return Next(Act.MIGRATE)
    if step.action == StepAction.SMOKE:
        return Next(Act.SMOKE)
    if step.action == StepAction.PAUSE:
        if step.duration is None:
            return Next(Act.WAIT, None, reason="manual gate: waits until promoted")
        until = (now if rec.step_started_at is None else rec.step_started_at) + step.duration
        return Next(Act.ADVANCE) if now >= until else Next(Act.WAIT, until, reason="pause")
    last = rec.counters.last_at
    interval = rec.settings.analysis.interval
    if last is None or now >= last + interval:
        return Next(Act.MEASURE)
    return Next(Act.WAIT, last + interval, reason="next measurement")


def target_of(rec: LedgerRecord) -> InForce:
    """The state the next apply must put in force."""
    images = dict(rec.images)
    kept: dict[str, Any] = {"revisions": rec.revisions, "shared": rec.shared}
    if rec.status.closing:  # abort or rollback: all traffic on the stable color (its own revision), both up
        return InForce(weights=Weights.all_on(rec.stable), images=images, scaled_down=None, **kept)
    if rec.status == Status.SUCCEEDED:  # after the flip ``canary`` names the old color: the new revision
        given = _given(rec, images) if rec.revision is not None else {"images": images, **kept}
        return InForce(weights=rec.weights, scaled_down=rec.canary, **given)
    step = rec.current_step
    if step is None or not step.action.applies:
        raise InvalidRequestError(f"step {rec.step_index} of release {rec.release_id} changes nothing")
    if step.action == StepAction.DEPLOY:  # blueGreen: at weight 0; rolling: the one environment (100)
        given = _given(rec, images)
        if rec.revision is not None:
            given["shared"] = rec.revision  # the shared part moves with the deploy (refused unless unchanged
            # or --include-shared)
        return InForce(weights=step.weights(rec.canary), scaled_down=None, **given, **carried(rec, step))
    # a route or a scale keeps the weights in force (after promote --full they are not the plan's)
    weights = step.weights(rec.canary) if step.action == StepAction.SET_WEIGHT else rec.weights
    return InForce(weights=weights, images=images, scaled_down=None, **kept, **carried(rec, step))


def _given(rec: LedgerRecord, images: dict[Any, str]) -> dict[str, Any]:
    """Images and revisions with the canary given the release's image and revision (a
    record from before revisions: the image alone)."""
    if rec.revision is None or rec.revisions is None:
        return {"images": {**images, rec.canary: rec.image}, "revisions": rec.revisions, "shared": rec.shared}
    return {"images": {**images, rec.canary: rec.image}, "revisions": {**rec.revisions, rec.canary: rec.revision},
            "shared": rec.shared}


def begin_apply(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Persisted before a change is applied: the target is known before it can be in force."""
    if rec.step_state == StepState.APPLYING and rec.target is not None:
        return rec  # an interrupted apply: the same target
    target = target_of(rec)
    if rec.status == Status.ABORTING and target.weights.of(rec.canary) > rec.weights.of(rec.canary):
        raise AssertionError("an abort never raises the canary weight")
    out = with_(rec, step_state=StepState.APPLYING, target=target)
    return log(out, now, "apply", describe_target(out))


def end_apply(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Persisted after the change is in force: the target becomes the state in force."""
    if rec.target is None or rec.step_state != StepState.APPLYING:
        raise InvalidRequestError("no apply in progress")
    target = rec.target
    update: dict[str, Any] = {"weights": target.weights, "images": dict(target.images),
                              "scaled_down": target.scaled_down, "header_routes": target.header_routes,
                              "canary_scale": target.canary_scale, "target": None, "step_state": StepState.APPLIED,
                              "revisions": target.revisions, "shared": target.shared}
    if target.weights != rec.weights:
        update["weight_since"] = now
    out = log(with_(rec, **update), now, "applied",
              f"in force: blue {target.weights.blue} %, green {target.weights.green} %"
              + (f"; {target.scaled_down} scaled down" if target.scaled_down else "")
              + describe_extras(target.header_routes, target.canary_scale))
    if out.status == Status.ABORTING:
        return _close(out, now, Status.ABORTED)
    if out.status == Status.ROLLING_BACK:
        return _close(out, now, Status.ROLLED_BACK)
    if out.status == Status.SUCCEEDED:
        contract = contract_index(out)
        if contract is not None:
            return advance(out, now, f"{target.scaled_down} is scaled down: the contract migration runs now",
                           to=contract)
        return _close(out, now, Status.COMPLETED)
    return advance(out, now)


def advance(rec: LedgerRecord, now: float, detail: str = "", to: int | None = None) -> LedgerRecord:
    """Move to the next step (or step ``to``); a new step starts pending, with fresh counters."""
    index = rec.step_index + 1 if to is None else to
    out = with_(rec, step_index=index, step_state=StepState.PENDING, step_started_at=now, counters=Counters())
    step = out.current_step
    if step is None:
        text = "all steps done"
    elif step.action.applies:  # its apply event says what it does
        text = step_label(out, step)
    else:
        text = f"{step_label(out, step)} {step.description}"
    return log(out, now, "step", f"{text}{f' ({detail})' if detail else ''}")


def finish(rec: LedgerRecord, now: float) -> LedgerRecord:
    """100 % on the new color: it becomes the stable one; the old one stays warm."""
    window = rec.settings.rollback_window
    old = rec.stable
    out = with_(rec, status=Status.SUCCEEDED, stable=rec.canary, canary=old, rollback_until=now + window,
                step_state=StepState.APPLIED)
    if rec.settings.rolling:
        return log(out, now, "succeeded", f"{out.image} is in force; the previous image {rec.images[old]} can be "
                   f"applied again (rollback) for {window:g}s")
    return log(out, now, "succeeded", f"{out.stable} is active with {out.image}; {old} stays warm "
               f"{f'for the rollback window ({window:g}s)' if window > 0 else 'until it is scaled down'}")


def window_over(rec: LedgerRecord, now: float) -> LedgerRecord:
    """The rollback window ended and nothing is scaled down: ``rolling`` (the previous
    version was replaced in place: its contract runs now) or ``scaleDownIdle: false``
    (the old color keeps running the old version: its contract is not run)."""
    contract = contract_index(rec)
    if contract is not None and rec.settings.rolling:
        return advance(rec, now, "the rollback window is over: the contract migration runs now", to=contract)
    if contract is not None:
        rec = _skip_contract(rec, now, f"{rec.canary} keeps running the old version (scaleDownIdle: false); "
                                       "run the contract once it is gone")
    return _close(rec, now, Status.COMPLETED)


def _skip_contract(rec: LedgerRecord, now: float, why: str) -> LedgerRecord:
    text, entry = contract_skipped(rec, now, why)
    return log(with_(rec, migrations=[*rec.migrations, entry]), now, "contract-skipped", text)


def supersede(rec: LedgerRecord, now: float, by: str) -> LedgerRecord:
    """A succeeded release closed by a new one: the old color is about to get the new image."""
    if rec.status != Status.SUCCEEDED:
        raise InvalidRequestError(f"release {rec.release_id} is {rec.status}, not succeeded")
    out = log(rec, now, "superseded", f"a new release by {by} deploys to {rec.canary}; its rollback window ends")
    if contract_index(out) is not None:
        out = _skip_contract(out, now, "the release was superseded before its rollback window closed")
    return _close(out, now, Status.COMPLETED)


def close(rec: LedgerRecord, now: float, status: Status) -> LedgerRecord:
    """End the release in ``status`` (terminal)."""
    return _close(rec, now, status)


def _close(rec: LedgerRecord, now: float, status: Status) -> LedgerRecord:
    running = [m.model_copy(update={"state": MigrationState.ABANDONED, "finished_at": now,
                                    "detail": "the release ended while it ran"})
               if m.state == MigrationState.RUNNING else m for m in rec.migrations]
    out = with_(rec, status=status, finished_at=now, lock=None, request=None, step_state=StepState.APPLIED,
                target=None, paused_by=None, migrations=running)
    text = {Status.ABORTED: f"aborted: {rec.stable} has all traffic, {rec.canary} 0 %"
                            + (f" (the previous image {rec.images[rec.stable]} is applied again)"
                               if rec.settings.rolling else ""),
            Status.ROLLED_BACK: f"rolled back: {rec.stable} has all traffic again"
                                + (f" ({rec.images[rec.stable]} is applied again)" if rec.settings.rolling else ""),
            Status.COMPLETED: f"completed: {rec.stable} is active"
                              + (f", {rec.scaled_down} scaled down" if rec.scaled_down else "")}[status]
    return log(out, now, str(status), text + (f" ({rec.reason})" if rec.reason else ""))


def abort(rec: LedgerRecord, now: float, reason: str, by: str | None = None) -> LedgerRecord:
    """Canary weight to 0 in one targeted update (applied next)."""
    if rec.status not in (Status.RUNNING, Status.PAUSED):
        return rec
    out = with_(rec, status=Status.ABORTING, reason=reason, paused_by=None)
    return log(out, now, "abort", f"abort: {reason}", by=by)


def rollback(rec: LedgerRecord, now: float, reason: str, by: str | None = None) -> LedgerRecord:
    if (rec.status != Status.SUCCEEDED or (rec.rollback_until is not None and now > rec.rollback_until)
            or rec.contracted is not None):
        raise InvalidRequestError(f"rollback is possible only within the rollback window after a release "
                                  f"succeeded; {rec.stack} release {rec.release_id} is {rec.status}"
                                  + (" and its window is over" if rec.status == Status.SUCCEEDED else "")
                                  + rollback_refusal(rec))
    # After the flip ``stable`` is the new color; rolling back puts all traffic on the old one.
    out = with_(rec, status=Status.ROLLING_BACK, stable=rec.canary, canary=rec.stable, reason=reason)
    return log(out, now, "rollback", f"rollback: {reason}", by=by)


def smoke_result(rec: LedgerRecord, now: float, ok: bool, detail: str) -> LedgerRecord:
    if ok:
        return advance(rec, now, f"smoke tests passed: {detail}")
    return abort(log(rec, now, "smoke-failed", detail), now, f"smoke tests failed: {detail}")


def measurement(rec: LedgerRecord, now: float, entry: VerdictEntry, text: str) -> LedgerRecord:
    """Count one measurement of the analysis step and decide: go on, pass, or abort."""
    extended = extending(rec.settings.analysis, rec.step_started_at, now)
    counters = traffic.held(tally(rec.counters, entry.verdict, now, extended), entry)
    out = rec.model_copy(update={"counters": counters, "verdicts": [*rec.verdicts, entry]})
    if extended and entry.verdict == Verdict.INCONCLUSIVE:
        text += f" [not counted: within extendUntil ({rec.settings.analysis.extend_until:g}s)]"
    out = log(out, now, "verdict", text)
    if traffic.mismatch(entry):
        out = log(out, now, traffic.MISMATCH, f"{entry.reason.split(';')[0]}: the step holds "
                  f"({counters.traffic_mismatches}/{rec.settings.analysis.traffic_mismatch_limit})")
        limit = traffic.over_limit(counters, rec.settings.analysis)
        if limit:
            return abort(out, now, limit)
    outcome, why = decide(counters, rec.settings.analysis)
    if outcome == "abort":
        return abort(out, now, f"{why}: {entry.reason}")
    if outcome == "pass":
        return advance(out, now, f"analysis passed: {why}")
    return out


def canary_weight(rec: LedgerRecord) -> int:
    return rec.weights.of(rec.canary)
