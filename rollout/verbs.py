"""What each verb does in each state: ``start``, ``retry`` and the steering verbs
(``pause``, ``resume``, ``promote [--full]``, ``abort``, ``rollback``).

A steering verb is ONE compare-and-swap on the record: it is refused (nothing
written), queued as a request for the live owner (who acts on it at its next step),
or it takes the lock (free, or its owner gone) together with its request and drives
the release itself from there. No state refuses every verb:

==============  ==========================================================================
running         abort, pause, promote, resume (continues from the persisted step)
paused          abort, resume, promote
aborting        abort, rollback, resume: finish the abort (canary to 0)
rolling-back    rollback, abort, resume: finish the rollback
succeeded       rollback (within the window); after the window ANY verb (and ``start``)
                first completes the release (scales the old color down)
terminal        start (and retry, after an abort or a rollback)
==============  ==========================================================================

``start`` also finishes what is left of the last release before it creates the new
one: an interrupted abort or rollback, or a succeeded release (its rollback window is
cut short: the new image goes to the old color next).

A release deploys a revision (``revisions.py``): an image (``None``: the active color's,
a config-only release) on the spec as it is, with the versions of its secret values;
one that changes nothing, or changes shared resources without ``--include-shared``, is
refused before anything is written.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from ..spec.model import image_problem
from ..spec.stack import Stack
from . import machine, steering
from .canary_checks import canary_problems
from .engine import Engine, Stop
from .errors import InvalidRequestError, LockedError, NoReleaseError
from .lock import check_takeover, stale, wall_clock
from .migration_state import rollback_refusal
from .migrations.registry import migration_problem
from .plan import PlanStep, StepAction, build_plan
from .providers.registry import metric_problems
from .record import InForce, LedgerRecord, Request, RequestAction, Status
from .revisions import Candidate, candidate_of, prepare_state, refusal
from .settings import Recorded, ReleaseSettings

__all__ = ["Prepared", "Steered", "check_verb", "prepare", "retry_of", "start", "steer"]


@dataclass(frozen=True)
class Prepared:
    """A release ready to start: image (``None``: a config-only release), plan and
    settings, the state the stack config says is in force (used when the ledger has no
    record yet) and the revision to deploy before it has an id (``None``: a retry of a
    release from before revisions)."""

    image: str | None
    plan: list[PlanStep]
    settings: ReleaseSettings
    configured: InForce
    reason: str | None = None
    candidate: Candidate | None = None


@dataclass(frozen=True)
class Steered:
    record: LedgerRecord
    queued: bool  # left as a request for the live owner
    message: str = ""


def prepare(stack: Stack, image: str | None, recorded: Recorded | None = None, reason: str | None = None,
            secrets: Mapping[str, str] | None = None, include_shared: bool = False) -> Prepared:
    """Check that ``stack`` can release ``image`` (``None``: its configuration on the
    active image) and build the plan (pure); ``secrets``: the versions of its secret
    values (default: those of the placeholders a render without values uses)."""
    problem = image_problem(image) if image is not None else None
    if problem:
        raise InvalidRequestError(f"--image: {problem}")
    if stack.environment != "production":
        raise InvalidRequestError(f"stack {stack.name!r} is {stack.environment}: releases are for production "
                                  "stacks (blue, green and a router; or one environment with strategy rolling)")
    problem = migration_problem(stack)
    if problem:
        raise InvalidRequestError(problem)
    release = stack.spec.release
    plan = build_plan(release)
    if any(step.action == StepAction.ANALYSIS for step in plan):
        problems = metric_problems(release.analysis.provider, release.analysis.metrics)
        if problems:
            raise InvalidRequestError("the analysis cannot run:\n  - " + "\n  - ".join(problems))
    problems = canary_problems(stack, plan)
    if problems:
        raise InvalidRequestError(f"the {stack.backend} backend of stack {stack.name!r} cannot run these steps:\n  - "
                                  + "\n  - ".join(problems))
    configured = InForce(weights=stack.weights, images=dict(stack.images))
    return Prepared(image=image, plan=plan, settings=ReleaseSettings.of(release, recorded), configured=configured,
                    reason=reason, candidate=candidate_of(stack, image, secrets, include_shared))


def retry_of(rec: LedgerRecord | None, stack: str) -> Prepared:
    """The last release again, from the beginning, with its image, plan and settings."""
    if rec is None:
        raise NoReleaseError(f"no release on stack {stack!r}: nothing to retry")
    if rec.status not in (Status.ABORTED, Status.ROLLED_BACK):
        raise InvalidRequestError(f"retry starts an aborted or rolled-back release again; release {rec.release_id} "
                                  f"on {stack!r} is {rec.status}")
    revision = rec.new_revision
    candidate = None if revision is None else Candidate(
        image=revision.image, spec=dict(revision.spec), secrets=dict(revision.secrets), digest=revision.digest,
        shared=revision.shared, include_shared=rec.include_shared)
    return Prepared(image=rec.image, plan=list(rec.plan), settings=rec.settings, configured=rec.in_force,
                    reason=f"retry of release {rec.release_id}", candidate=candidate)


def _window_over(rec: LedgerRecord, now: float) -> bool:
    return rec.status == Status.SUCCEEDED and rec.rollback_until is not None and now > rec.rollback_until


def start(engine: Engine, prepared: Prepared) -> LedgerRecord:
    """Create the release with our lock (exactly one concurrent start wins), after
    finishing what the last release left: the new release is then driven by ``run``."""
    for _ in range(10):
        current = engine.ledger.read(engine.stack)
        if current is not None and not current.terminal:
            with contextlib.suppress(NoReleaseError):  # it may have ended meanwhile
                _close_last(engine, current)
            continue
        created = engine.ledger.update(engine.stack, lambda found: _create(engine, prepared, found))
        return engine.changed(None, created)
    raise LockedError(f"stack {engine.stack!r}: another release keeps appearing; try again")


def _close_last(engine: Engine, current: LedgerRecord) -> None:
    now = engine.clock.now()
    check_takeover(current.lock, engine.owner, wall_clock(), engine.lock_timeout, engine.stack)  # a live owner
    if not (current.status.closing or current.status == Status.SUCCEEDED):
        step = current.current_step
        where = f", step {step.index + 1}/{len(current.plan)} {step.action}" if step else ""
        raise InvalidRequestError(
            f"stack {engine.stack!r} already has release {current.release_id} ({current.status}{where}) of "
            f"{current.image}: resume, promote or abort it first")
    engine.ledger.update(engine.stack, lambda r: engine.take(_live(r, engine), now))
    if current.status == Status.SUCCEEDED and not _window_over(current, now):
        def close(found: LedgerRecord | None) -> LedgerRecord:
            rec = _live(found, engine)
            if rec.status != Status.SUCCEEDED:
                return rec
            return machine.supersede(rec, engine.clock.now(), engine.owner.actor)

        engine.ledger.update(engine.stack, close)
        return
    engine.run(Stop(active=False))


def _live(rec: LedgerRecord | None, engine: Engine) -> LedgerRecord:
    if rec is None or rec.terminal:
        raise NoReleaseError(f"the release on {engine.stack!r} ended meanwhile")
    return rec


def _create(engine: Engine, prepared: Prepared, current: LedgerRecord | None) -> LedgerRecord:
    now = engine.clock.now()
    if current is not None and not current.terminal:
        engine.take(current, now)  # a live owner: LockedError
        raise InvalidRequestError(f"stack {engine.stack!r} already has release {current.release_id} "
                                  f"({current.status}): resume, promote or abort it first")
    if prepared.candidate is None:  # a retry of a release from before revisions: its image alone
        state = current.in_force if current is not None else prepared.configured
        if prepared.image is None or state.images.get(state.weights.active) == prepared.image:
            raise InvalidRequestError(f"--image: {prepared.image} is already the active image of {engine.stack!r}")
        record = machine.new_record(stack=engine.stack, release_id=uuid.uuid4().hex[:12], image=prepared.image,
                                    plan=prepared.plan, state=state, settings=prepared.settings, now=now,
                                    lock=engine.owner.lock(engine.beat_every), by=engine.owner.actor)
    else:
        state, catalog, revision = prepare_state(current, prepared.configured, prepared.candidate, now,
                                                 engine.owner.actor)
        refused = refusal(state, catalog, prepared.candidate, revision, engine.stack)
        if refused:
            raise InvalidRequestError(refused)
        record = machine.new_record(stack=engine.stack, release_id=uuid.uuid4().hex[:12], image=revision.image,
                                    plan=prepared.plan, state=state, settings=prepared.settings, now=now,
                                    lock=engine.owner.lock(engine.beat_every), by=engine.owner.actor,
                                    revision=revision, catalog=catalog,
                                    include_shared=prepared.candidate.include_shared)
        changed = prepared.candidate.shared_changes
        if prepared.candidate.include_shared and (changed or revision.shared != catalog[state.shared or ""].shared):
            record = machine.log(record, now, "shared", f"{revision.id} changes resources both colors share "
                                 f"({', '.join((changed or ('shared resources',))[:8])}): they change for both "
                                 "colors at the deploy step, not canaried (--include-shared)", by=engine.owner.actor)
    if prepared.reason:
        record = machine.log(record, now, "reason", prepared.reason, by=engine.owner.actor)
    return record


def check_verb(rec: LedgerRecord | None, action: RequestAction, stack: str, now: float) -> None:
    """Refuse a verb that cannot apply to ``rec`` (nothing is written then)."""
    if rec is None:
        raise NoReleaseError(f"no release on stack {stack!r}: nothing to {action}")
    if rec.terminal:
        hint = rollback_refusal(rec) if action == RequestAction.ROLLBACK else ""
        raise NoReleaseError(f"no release running on stack {stack!r} (release {rec.release_id} is {rec.status}): "
                             f"nothing to {action}{hint}")
    if _window_over(rec, now):
        return  # every verb completes it first
    status = rec.status
    refusals = {
        RequestAction.ABORT: status == Status.SUCCEEDED and
        f"release {rec.release_id} succeeded ({rec.stable} is active with {rec.image}): use rollback within "
        "its rollback window",
        RequestAction.ROLLBACK: status in (Status.RUNNING, Status.PAUSED) and
        f"rollback applies to a release that succeeded, within its rollback window; release {rec.release_id} "
        f"is {status} (use abort)",
        RequestAction.PROMOTE: (status.closing or status == Status.SUCCEEDED) and
        f"release {rec.release_id} is {status}: nothing to promote"
        + ("; abort or resume finishes it" if status.closing else ""),
        RequestAction.PAUSE: (status.closing or status == Status.SUCCEEDED) and
        f"release {rec.release_id} is {status}: nothing to pause",
    }
    refused = refusals.get(action)
    if refused:
        raise InvalidRequestError(str(refused))


def steer(engine: Engine, action: RequestAction, reason: str | None = None, full: bool = False,
          detach: bool = False) -> Steered:
    """Run a steering verb (see the module docstring)."""
    decided: list[bool] = []

    def decide(current: LedgerRecord | None) -> LedgerRecord:
        now = engine.clock.now()
        check_verb(current, action, engine.stack, now)
        assert current is not None
        request = Request(action=action, by=engine.owner.actor, at=now, reason=reason, full=full)
        live = current.lock is not None and current.lock.owner != engine.owner.id and not stale(
            current.lock, wall_clock(), engine.lock_timeout, engine.owner.host)
        decided[:] = [live]
        if live and action == RequestAction.RESUME and current.status == Status.RUNNING:
            return current  # it is being driven: nothing to resume
        return steering.add_request(current if live else engine.take(current, now), request)

    rec = engine.ledger.update(engine.stack, decide)
    if decided and decided[0]:
        assert rec.lock is not None
        holder = rec.lock.actor or rec.lock.owner
        if rec.request is None:
            return Steered(rec, True, f"release {rec.release_id} is running, driven by {holder}: nothing to resume")
        return Steered(rec, True, f"{action} requested; {holder} drives release {rec.release_id} and acts on it "
                       "at its next step")
    stop = Stop(active=True, person=detach or action == RequestAction.PAUSE)
    return Steered(engine.run(stop), False)
