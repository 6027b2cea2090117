"""A person steers a release: the pending request (pause, resume, promote, abort,
rollback) applied to the record, as pure transitions on top of ``machine``.

A request is queued on the record (``add_request``: refused only once the release is
terminal) and handled by the process that owns the release, at its next step
(``handle_request``), never in the middle of an apply. A request that does not fit the
state is logged as ``ignored`` with the reason, so a person always sees what became of it.
"""

from __future__ import annotations

from .errors import InvalidRequestError
from .events import step_label
from .machine import abort, advance, log, rollback, with_
from .migration_state import rollback_refusal
from .plan import StepAction, full_promotion_index
from .record import LedgerRecord, Request, RequestAction, Status, StepState

__all__ = ["add_request", "handle_request"]


def _pause(rec: LedgerRecord, now: float, request: Request) -> LedgerRecord:
    if rec.status != Status.RUNNING:
        return log(rec, now, "ignored", f"pause by {request.by}: the release is {rec.status}", by=request.by)
    out = with_(rec, status=Status.PAUSED, paused_by=request.by)
    return log(out, now, "pause", f"paused by {request.by}" + _why(request), by=request.by)


def _resume(rec: LedgerRecord, now: float, request: Request) -> LedgerRecord:
    if rec.status != Status.PAUSED:
        return log(rec, now, "resume", f"resumed by {request.by}{_why(request)}: continues at "
                   f"{_where(rec)}", by=request.by)
    out = with_(rec, status=Status.RUNNING, paused_by=None)
    step = out.current_step
    if step is not None and step.action == StepAction.PAUSE and step.duration is not None:
        # the time already paused on this step is kept: the pause ends when it would have
        started = now if out.step_started_at is None else out.step_started_at
        out = with_(out, step_started_at=started + now - _paused_at(rec, now))
    return log(out, now, "resume", f"resumed by {request.by}{_why(request)} at {_where(out)}", by=request.by)


def _promote(rec: LedgerRecord, now: float, request: Request) -> LedgerRecord:
    """Skip the pause or analysis in progress (``full``: every remaining step)."""
    step = rec.current_step
    base = with_(rec, status=Status.RUNNING, paused_by=None) if rec.status == Status.PAUSED else rec
    who = f"promoted by {request.by}{_why(request)}"
    if rec.status not in (Status.RUNNING, Status.PAUSED) or step is None:
        return log(rec, now, "ignored", f"promote by {request.by}: the release is {rec.status}", by=request.by)
    if request.full:
        if step.action == StepAction.DEPLOY:
            return log(base, now, "ignored", f"promote --full by {request.by}: the new image is not deployed yet; "
                       "promote again once it is", by=request.by)
        # the last step in force: a step not applied yet (the last setWeight, say) is not skipped
        done = rec.step_index if rec.step_state == StepState.APPLIED else rec.step_index - 1
        return advance(base, now, f"{who}: --full, every remaining step skipped",
                       to=full_promotion_index(rec.plan, done))
    if step.action.waits:
        return advance(base, now, who)
    return log(base, now, "ignored", f"promote by {request.by}: {_where(rec)} is not a pause or an analysis",
               by=request.by)


def _why(request: Request) -> str:
    return f" ({request.reason})" if request.reason else ""


def _where(rec: LedgerRecord) -> str:
    step = rec.current_step
    return f"{step_label(rec, step)} {step.description}" if step is not None else "the end"


def _paused_at(rec: LedgerRecord, now: float) -> float:
    return next((e.at for e in reversed(rec.events) if e.kind == "pause"), now)


def handle_request(rec: LedgerRecord, now: float) -> LedgerRecord:
    """Apply the pending request (and clear it); a request that does not fit is logged."""
    request = rec.request
    if request is None:
        return rec
    cleared = rec.model_copy(update={"request": None})
    by = request.by
    if rec.status == Status.SUCCEEDED and rec.rollback_until is not None and now > rec.rollback_until:
        return log(cleared, now, "ignored", f"{request.action} by {by}: the rollback window is over; "
                   f"the release completes first{rollback_refusal(rec)}", by=by)
    if request.action == RequestAction.ABORT:
        if rec.status.closing:
            return log(cleared, now, "abort", f"abort by {by}: already {rec.status}; finishing it", by=by)
        if rec.status == Status.SUCCEEDED:
            return log(cleared, now, "ignored", f"abort by {by}: the release succeeded; use rollback", by=by)
        return abort(cleared, now, request.reason or f"aborted by {by}", by=by)
    if request.action == RequestAction.ROLLBACK:
        if rec.status.closing:
            return log(cleared, now, "rollback", f"rollback by {by}: already {rec.status}; finishing it", by=by)
        try:
            return rollback(cleared, now, request.reason or f"rolled back by {by}", by=by)
        except InvalidRequestError as exc:
            return log(cleared, now, "ignored", str(exc), by=by)
    handler = {RequestAction.PAUSE: _pause, RequestAction.RESUME: _resume, RequestAction.PROMOTE: _promote}
    return handler[request.action](cleared, now, request)


def add_request(rec: LedgerRecord, request: Request) -> LedgerRecord:
    if rec.terminal:
        raise InvalidRequestError(f"release {rec.release_id} on {rec.stack} is {rec.status}: nothing to "
                                  f"{request.action}")
    return rec.model_copy(update={"request": request})
