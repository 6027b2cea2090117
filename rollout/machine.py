"""The release state machine: pure functions from a ledger record to the next one.

``next_action`` says what the engine must do now; the other functions are the
transitions, each returning a new record. No I/O here: the engine persists every
record these return before it acts on it, and again after.

Invariants (checked by the property tests): weights are always valid integers adding
up to 100; while aborting or rolling back the canary weight only goes to 0; a release
in a terminal state never moves again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..spec import Color, Weights
from .analysis import decide, tally
from .errors import InvalidRequestError
from .plan import APPLYING, PlanStep
from .record import Counters, Event, LedgerRecord, LockInfo, Request, VerdictEntry

ActionKind = Literal["stop", "request", "apply", "smoke", "measure", "wait", "advance", "finish", "close"]


@dataclass(frozen=True)
class Next:
    """What the engine does next; ``until`` for waits (``None``: until someone acts)."""

    kind: ActionKind
    until: float | None = None
    scope: Literal["full", "router"] = "router"
    reason: str = ""


def settings_of(analysis: Any, release: Any) -> dict[str, Any]:
    """The settings a release keeps in its record so a resumed run behaves the same."""
    return {
        "interval": analysis.interval.total_seconds(),
        "failure_limit": analysis.failure_limit,
        "inconclusive_limit": analysis.inconclusive_limit,
        "consecutive_error_limit": analysis.consecutive_error_limit,
        "consecutive_success_limit": analysis.consecutive_success_limit,
        "rollback_window": release.rollback_window.total_seconds(),
        "scale_down_idle": release.scale_down_idle,
    }


def new_record(*, stack: str, release_id: str, image: str, plan: list[PlanStep], weights: Weights,
               images: dict[Color, str], settings: dict[str, Any], now: float,
               lock: LockInfo | None) -> LedgerRecord:
    """A fresh release: the idle color (weight 0) becomes the canary."""
    if weights.blue not in (0, 100):
        raise InvalidRequestError(
            f"weights in force are split ({weights.as_dict()}): abort or finish that release first")
    stable = weights.active
    canary: Color = "green" if stable == "blue" else "blue"
    record = LedgerRecord(
        stack=stack, release_id=release_id, status="running", canary=canary, stable=stable, image=image,
        weights=weights.as_dict(), images={str(c): i for c, i in images.items()}, plan=[s.as_dict() for s in plan],
        settings=settings, started_at=now, updated_at=now, step_started_at=now, weight_since=now, lock=lock,
    )
    return _log(record, now, "start", f"release {release_id}: {image} on {canary}, {stable} stable")


def _log(rec: LedgerRecord, now: float, kind: str, detail: str = "") -> LedgerRecord:
    event = Event(at=now, kind=kind, step=rec.step_index, weights=dict(rec.weights), detail=detail)
    return rec.model_copy(update={"events": [*rec.events, event], "updated_at": now})


def _with(rec: LedgerRecord, **update: Any) -> LedgerRecord:
    """A copy with ``update`` applied and validated (weights stay valid)."""
    return LedgerRecord.model_validate({**rec.model_dump(), **update})


def next_action(rec: LedgerRecord, now: float) -> Next:
    if rec.terminal:
        return Next("stop", reason=f"release is {rec.status}")
    if rec.request is not None:
        return Next("request")
    if rec.status in ("aborting", "rolling-back"):
        return Next("apply", scope="router")
    if rec.status == "paused":
        return Next("wait", None, reason=f"paused by {rec.paused_by}")
    if rec.status == "succeeded":
        until = rec.rollback_until or now
        if now < until:
            return Next("wait", until, reason="rollback window")
        return Next("apply", scope="full") if rec.settings.get("scale_down_idle", True) else Next("close")
    step = rec.current_step
    if step is None:
        return Next("finish")
    if rec.step_state == "applying" or step.action in APPLYING:
        return Next("apply", scope="full" if step.action == "deploy" else "router")
    if step.action == "smoke":
        return Next("smoke")
    if step.action == "pause":
        if step.duration is None:
            return Next("wait", None, reason="pause until promoted")
        until = (rec.step_started_at or now) + step.duration
        return Next("advance") if now >= until else Next("wait", until, reason="pause")
    if step.action == "analysis":
        last = rec.counters.last_at
        if last is None or now >= last + float(rec.settings.get("interval", 60)):
            return Next("measure")
        return Next("wait", last + float(rec.settings.get("interval", 60)), reason="next measurement")
    return Next("finish")


def target_of(rec: LedgerRecord) -> tuple[Weights, dict[str, str], Color | None]:
    """Weights, images and scaled-down color the next apply must put in force."""
    stable_all = Weights.all_on(rec.stable)
    if rec.status in ("aborting", "rolling-back"):
        return stable_all, dict(rec.images), None
    if rec.status == "succeeded":
        # After the flip ``canary`` names the old color, the one to scale down.
        return rec.in_force, dict(rec.images), rec.canary
    step = rec.current_step
    assert step is not None and step.action in APPLYING, "only deploy and setWeight steps apply"
    if step.action == "deploy":
        return rec.in_force, {**rec.images, rec.canary: rec.image}, None
    return step.weights(rec.canary), dict(rec.images), None


def begin_apply(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Persisted before a change is applied: the target is known before it can be in force."""
    if rec.step_state == "applying" and rec.target is not None:
        return rec  # resuming an apply that was interrupted: same target
    weights, images, _ = target_of(rec)
    if rec.status == "aborting" and weights.of(rec.canary) > rec.in_force.of(rec.canary):
        raise AssertionError("an abort never raises the canary weight")
    out = _with(rec, step_state="applying", target=weights.as_dict(), target_images=images)
    return _log(out, now, "apply-begin", f"target {weights.as_dict()}")


def end_apply(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Persisted after the change is in force: the target becomes the weights in force."""
    assert rec.target is not None and rec.step_state == "applying", "no apply in progress"
    changed = rec.target != rec.weights
    update: dict[str, Any] = {"weights": rec.target, "images": rec.target_images or rec.images,
                              "target": None, "target_images": None, "step_state": "applied"}
    if changed:
        update["weight_since"] = now
    out = _log(_with(rec, **update), now, "apply-end", f"in force {rec.target}")
    if out.status == "aborting":
        return _close(out, now, "aborted")
    if out.status == "rolling-back":
        return _close(out, now, "rolled-back")
    if out.status == "succeeded":
        return _close(_with(out, scaled_down=out.canary), now, "completed")
    return advance(out, now)


def advance(rec: LedgerRecord, now: float, detail: str = "") -> LedgerRecord:
    """Move to the next step (a new step starts pending, with fresh analysis counters)."""
    out = _with(rec, step_index=rec.step_index + 1, step_state="pending", step_started_at=now,
                counters=Counters(), paused_by=None, status="running")
    return _log(out, now, "step", detail or f"step {rec.step_index} done")


def finish(rec: LedgerRecord, now: float) -> LedgerRecord:
    """100 % on the new color: it becomes the stable one; the old one stays warm."""
    window = float(rec.settings.get("rollback_window", 0))
    old = rec.stable
    out = _with(rec, status="succeeded", stable=rec.canary, canary=old, rollback_until=now + window,
                step_state="applied")
    out = _log(out, now, "succeeded", f"{out.stable} is active; {old} stays warm until the rollback window ends")
    if not rec.settings.get("scale_down_idle", True) and window <= 0:
        return _close(out, now, "completed")
    return out


def window_over(rec: LedgerRecord, now: float) -> LedgerRecord:
    """The rollback window ended and the idle color is not scaled down (configured so)."""
    return _close(rec, now, "completed")


def _close(rec: LedgerRecord, now: float, status: str) -> LedgerRecord:
    out = _with(rec, status=status, finished_at=now, lock=None, step_state="applied")
    return _log(out, now, status, rec.reason or "")


def abort(rec: LedgerRecord, now: float, reason: str) -> LedgerRecord:
    """Canary weight to 0 in one targeted update (applied next)."""
    if rec.terminal or rec.status in ("aborting", "succeeded", "rolling-back"):
        return rec
    out = _with(rec, status="aborting", step_state="pending", target=None, target_images=None, reason=reason)
    return _log(out, now, "abort", reason)


def rollback(rec: LedgerRecord, now: float, reason: str) -> LedgerRecord:
    if rec.status != "succeeded" or (rec.rollback_until is not None and now > rec.rollback_until):
        raise InvalidRequestError(f"rollback is possible only within the rollback window after a release "
                                  f"succeeded; {rec.stack} release {rec.release_id} is {rec.status}")
    # After the flip, ``stable`` is the new color; rolling back puts all traffic on the old one.
    out = _with(rec, status="rolling-back", stable=rec.canary, canary=rec.stable, step_state="pending",
                target=None, target_images=None, reason=reason)
    return _log(out, now, "rollback", reason)


def pause(rec: LedgerRecord, now: float, by: str) -> LedgerRecord:
    if rec.status != "running":
        return rec
    return _log(_with(rec, status="paused", paused_by=by), now, "pause", f"paused by {by}")


def resume(rec: LedgerRecord, now: float, by: str) -> LedgerRecord:
    step = rec.current_step
    if rec.status == "paused":
        return _log(_with(rec, status="running", paused_by=None, step_started_at=now), now, "resume", by)
    if rec.status == "running" and step is not None and step.action == "pause" and step.duration is None:
        return advance(rec, now, f"resumed by {by}")
    return rec


def promote(rec: LedgerRecord, now: float, by: str) -> LedgerRecord:
    """Skip the pause or analysis in progress and go on with the next step."""
    step = rec.current_step
    if rec.status in ("running", "paused") and step is not None and step.action in ("pause", "analysis"):
        return advance(rec, now, f"promoted by {by}")
    if rec.status == "paused":
        return resume(rec, now, by)
    return rec


def handle_request(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Apply the pending request (and clear it); a request that does not fit is logged."""
    request = rec.request
    if request is None:
        return rec
    cleared = _with(rec, request=None)
    if request.action == "abort":
        return abort(cleared, now, request.reason or f"aborted by {request.by}")
    if request.action == "rollback":
        try:
            return rollback(cleared, now, request.reason or f"rolled back by {request.by}")
        except InvalidRequestError as exc:
            return _log(cleared, now, "ignored", str(exc))
    handler = {"pause": pause, "resume": resume, "promote": promote}[request.action]
    return handler(cleared, now, request.by)


def add_request(rec: LedgerRecord, request: Request) -> LedgerRecord:
    if rec.terminal:
        raise InvalidRequestError(f"release {rec.release_id} on {rec.stack} is {rec.status}: nothing to "
                                  f"{request.action}")
    return _with(rec, request=request)


def smoke_result(rec: LedgerRecord, now: float, ok: bool, detail: str) -> LedgerRecord:
    if ok:
        return advance(rec, now, f"smoke tests passed: {detail}")
    return abort(_log(rec, now, "smoke-failed", detail), now, f"smoke tests failed: {detail}")


def measurement(rec: LedgerRecord, now: float, entry: VerdictEntry) -> LedgerRecord:
    """Count one measurement of the analysis step and decide: go on, pass, or abort."""
    counters = tally(rec.counters, entry.verdict, now)
    out = _with(rec, counters=counters, verdicts=[*rec.verdicts, entry])
    out = _log(out, now, "verdict", f"{entry.verdict}: {entry.reason}")
    outcome, why = decide(counters, rec.settings)
    if outcome == "abort":
        return abort(out, now, f"{why}: {entry.reason}")
    if outcome == "pass":
        return advance(out, now, f"analysis passed: {entry.reason}")
    return out


def canary_weight(rec: LedgerRecord) -> int:
    return rec.in_force.of(rec.canary)
