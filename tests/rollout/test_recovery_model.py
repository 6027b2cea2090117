"""Model-based test of recovery (hypothesis stateful testing): random interleavings of
releases, steering verbs, the passing of time, apply failures and kills (before or
after a change takes effect, in a measurement), each verb run by a new owner, as a new
process would.

Invariants, after every rule:

- the infrastructure holds the ledger's state in force, or, while a step is
  ``applying``, its recorded target: never a weight the ledger does not know;
- revisions (issue 17): every color that takes traffic runs the revision the ledger
  records in force for it (or, while applying, the target's), and a release's revision
  reaches a color only through its deploy step;
- from the state reached, a terminal state is reachable through the verbs the CLI runs
  (tried on a fork of the world: ``abort``, or ``rollback`` after a success, from a new
  owner); an abort always ends with the canary at 0, in the ledger and in the
  infrastructure;
- the releases are blue-green or rolling with expand/contract migrations (a kill may
  also come in the middle of a migration): each migration run is started once, never
  again by the process that resumes it, and no contract runs for a release that was
  aborted or rolled back.
"""

from __future__ import annotations

import itertools
import socket
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tricolor.rollout.appliers.base import ApplyResult, Change
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.errors import ApplyError, LockedError, RolloutError
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.lock import Owner
from tricolor.rollout.migrations.base import MigrationRelease, MigrationResult
from tricolor.rollout.plan import build_plan
from tricolor.rollout.providers.base import Measurement
from tricolor.rollout.record import InForce, LedgerRecord, RequestAction, Status, StepState
from tricolor.rollout.revisions import Candidate
from tricolor.rollout.settings import ReleaseSettings
from tricolor.rollout.stores.memory import MemoryStore
from tricolor.rollout.verbs import Prepared, retry_of, start, steer
from tricolor.spec.release import Release
from tricolor.spec.weights import Weights

RELEASE = Release.model_validate({
    "steps": [{"setWeight": 10}, {"pause": "1m"}, {"analysis": {}}, {"setWeight": 50}, {"pause": {}},
              {"setWeight": 100}],
    "smokeTests": [{"path": "/health"}], "rollbackWindow": "10m",
    "analysis": {"interval": "1m", "metrics": [{"name": "error-rate", "max": 0.01}]},
})
ROLLING = Release.model_validate({
    "strategy": "rolling", "rollingUpdate": {"pause": "1m"}, "smokeTests": [{"path": "/health"}],
    "rollbackWindow": "10m",
    "analysis": {"interval": "1m", "metrics": [{"name": "error-rate", "max": 0.01}]},
    "migrations": {"command": ["migrate"], "expand": ["--expand"], "contract": ["--contract"]},
})
CONFIGURED = InForce(weights=Weights(100, 0), images={"blue": "repo/app:v0", "green": "repo/app:v0"})
HOST = socket.gethostname()
DEAD_PIDS = itertools.count(5_000_000)  # above any pid_max: such a process never exists


class Killed(BaseException):
    """The process driving the release dies here (nothing after it runs)."""


class World:
    """The infrastructure (what was applied last) and what goes wrong next."""

    def __init__(self) -> None:
        # what the program built before the first release: the baseline revision (r1) the
        # first release records for both colors (their image on the spec as it is)
        self.state = CONFIGURED.model_copy(update={"revisions": {"blue": "r1", "green": "r1"}, "shared": "r1"})
        self.fail_next: str | None = None  # an apply purpose whose next apply fails
        self.kill_next: str | None = None  # "before", "after" (an apply), "measure", "migrate"
        self.verdict = "pass"
        self.runs: dict[str, dict[str, Any]] = {}  # migration runs by name: phase, release, times started

    def fork(self) -> World:
        twin = World()
        twin.state, twin.verdict = self.state, "pass"
        twin.runs = {name: dict(run) for name, run in self.runs.items()}
        return twin


class ModelApplier:
    name = "model"

    def __init__(self, world: World) -> None:
        self.world = world

    def preflight(self) -> None:
        pass

    def current(self, stack: str) -> InForce | None:
        return self.world.state

    def apply(self, change: Change) -> ApplyResult:
        world = self.world
        if world.fail_next == str(change.purpose):
            world.fail_next = None
            raise ApplyError(f"{change.purpose} refused (model)")
        if world.kill_next == "before":
            world.kill_next = None
            raise Killed()
        world.state = change.target
        if world.kill_next == "after":
            world.kill_next = None
            raise Killed()
        return ApplyResult()


class ModelProvider:
    name = "model"

    def __init__(self, world: World) -> None:
        self.world = world

    def measure(self, metric: Any, window: Any) -> Measurement:
        if self.world.kill_next == "measure":
            self.world.kill_next = None
            raise Killed()
        if self.world.verdict == "raise":
            raise RuntimeError("provider down (model)")
        return Measurement(verdict=self.world.verdict, reason="model")  # type: ignore[arg-type]


class ModelMigrations:
    """The platform's one-off tasks: a run of a known name is observed, never started again."""

    name = "model"

    def __init__(self, world: World) -> None:
        self.world = world

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult:
        world = self.world
        if release.name in world.runs:
            return MigrationResult(world.runs[release.name]["ok"], "observed", created=False)
        world.runs[release.name] = {"phase": phase, "release": release.release_id, "started": 1,
                                    "ok": world.verdict != "fail"}
        if world.kill_next == "migrate":
            world.kill_next = None
            raise Killed()
        return MigrationResult(world.runs[release.name]["ok"], "model")


class ModelSmoke:
    def __init__(self, world: World) -> None:
        self.world = world

    def run(self, checks: list[Any], color: str) -> tuple[bool, str, list[Any]]:
        return self.world.verdict != "fail", "model", []


def engine(ledger: Ledger, world: World, clock: VirtualClock) -> Engine:
    """A new owner, as a new process on this host would be (its pid dead once it stops)."""
    pid = next(DEAD_PIDS)
    owner = Owner(id=f"model@{HOST}:{pid}", host=HOST, pid=pid, actor=f"model@{HOST}")
    services = Services.of(ModelApplier(world), provider=ModelProvider(world), judge=get_judge("threshold"),
                           smoke=ModelSmoke(world), migrations=ModelMigrations(world))
    return Engine(stack="prod", ledger=ledger, services=services, clock=clock, owner=owner, lock_timeout=60,
                  poll=30.0, budget=200)


def drive(run: Any, ledger: Ledger) -> None:
    """Run a verb; a kill leaves the record as the dead process left it (its lock too)."""
    before_lock: list[Any] = []
    try:
        run(before_lock)
    except Killed:
        if before_lock:  # the dying process held the lock: a real kill leaves it in place
            ledger.update("prod", lambda r: r if r.terminal or r.lock is not None else
                          r.model_copy(update={"lock": before_lock[0]}))
    except (RolloutError, LockedError):
        pass  # refused, or an abort that could not be applied: the record says so


class Recovery(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.store = MemoryStore()
        self.ledger = Ledger(self.store)
        self.world = World()
        self.clock = VirtualClock()
        self.images = itertools.count(1)

    def _run(self, action: Any) -> None:
        eng = engine(self.ledger, self.world, self.clock)

        def run(holder: list[Any]) -> None:
            holder.append(eng.owner.lock())
            action(eng)

        drive(run, self.ledger)

    @rule(config_only=st.booleans())
    def start_a_release(self, config_only: bool) -> None:
        """A new image, or (config-only) the active image with a new configuration."""
        n = next(self.images)
        image = None if config_only else f"repo/app:v{n}"
        candidate = Candidate(image=image, spec={"env": {"N": str(n)}}, secrets={}, digest=f"config-{n}",
                              shared="shared")
        prepared = Prepared(image=image, plan=build_plan(RELEASE), settings=ReleaseSettings.of(RELEASE),
                            configured=CONFIGURED, candidate=candidate)
        self._run(lambda eng: (start(eng, prepared), eng.run(Stop(active=True, person=True))))

    @rule()
    def start_a_rolling_release_with_migrations(self) -> None:
        """Rolling: the release's revision goes to the other slot, which the one
        environment then runs."""
        n = next(self.images)
        image = f"repo/app:v{n}"
        candidate = Candidate(image=image, spec={"env": {"N": str(n)}}, secrets={}, digest=f"config-{n}",
                              shared="shared")
        prepared = Prepared(image=image, plan=build_plan(ROLLING), settings=ReleaseSettings.of(ROLLING),
                            configured=CONFIGURED, candidate=candidate)
        self._run(lambda eng: (start(eng, prepared), eng.run(Stop(active=True, person=True))))

    @rule(action=st.sampled_from(list(RequestAction)), full=st.booleans())
    def steer_it(self, action: RequestAction, full: bool) -> None:
        self._run(lambda eng: steer(eng, action, reason="model", full=full, detach=True))

    @rule()
    def retry_it(self) -> None:
        def run(eng: Engine) -> None:
            prepared = retry_of(self.ledger.read("prod"), "prod")
            start(eng, prepared)
            eng.run(Stop(active=True, person=True))

        self._run(run)

    @rule(seconds=st.sampled_from([1.0, 60.0, 700.0]))
    def time_passes(self, seconds: float) -> None:
        self.clock.sleep(seconds)

    @rule(purpose=st.sampled_from(["deploy", "weight", "abort", "rollback", "scale-down"]))
    def an_apply_will_fail(self, purpose: str) -> None:
        self.world.fail_next = purpose

    @rule(where=st.sampled_from(["before", "after", "measure", "migrate"]))
    def a_kill_will_come(self, where: str) -> None:
        self.world.kill_next = where

    @rule(verdict=st.sampled_from(["pass", "fail", "inconclusive", "raise"]))
    def the_canary_behaves(self, verdict: str) -> None:
        self.world.verdict = verdict

    @invariant()
    def the_ledger_knows_what_is_in_force(self) -> None:
        rec = self.ledger.read("prod") if hasattr(self, "ledger") else None
        if rec is None:
            return
        known = [rec.in_force] + ([rec.target] if rec.step_state == StepState.APPLYING and rec.target else [])
        assert self.world.state in known, (self.world.state, known, rec.status)

    @invariant()
    def every_color_with_traffic_runs_its_recorded_revision(self) -> None:
        rec = self.ledger.read("prod") if hasattr(self, "ledger") else None
        if rec is None or rec.revisions is None:
            return
        world = self.world.state
        assert world.revisions is not None, world
        applying = rec.step_state == StepState.APPLYING and rec.target is not None
        for color in ("blue", "green"):
            if world.weights.of(color) == 0:
                continue
            known = {rec.revisions[color]} | ({rec.target.revisions[color]} if applying and rec.target
                                              and rec.target.revisions else set())
            assert world.revisions[color] in known, (color, world, rec.revisions, rec.status)
            assert rec.catalog[world.revisions[color]].image == world.images[color]
        # a color runs the release's revision only once its deploy step was applied
        if rec.revision is not None and rec.step_index == 0 and rec.step_state != StepState.APPLYING \
                and rec.status in (Status.RUNNING, Status.PAUSED):
            assert world.revisions[rec.canary] == rec.revisions[rec.canary]

    @invariant()
    def migrations_run_once_and_never_contract_a_failed_release(self) -> None:
        if not hasattr(self, "ledger"):
            return
        assert all(run["started"] == 1 for run in self.world.runs.values())
        releases = {r.release_id: r for r in self.ledger.history("prod")}
        for run in self.world.runs.values():
            rec = releases.get(run["release"])
            if run["phase"] == "contract" and rec is not None:
                assert rec.status in (Status.SUCCEEDED, Status.COMPLETED), (rec.status, run)

    @invariant()
    def an_end_is_always_reachable(self) -> None:
        rec = self.ledger.read("prod") if hasattr(self, "ledger") else None
        if rec is None or rec.terminal:
            return
        store, world = self.store.copy(), self.world.fork()
        ledger, clock = Ledger(store), VirtualClock(self.clock.now())
        closer = RequestAction.ROLLBACK if rec.status == Status.SUCCEEDED else RequestAction.ABORT
        steer(engine(ledger, world, clock), closer, reason="the end", detach=True)
        end = ledger.read("prod")
        assert end is not None and end.terminal, (rec.status, rec.step_state, end and end.status)
        assert world.state == end.in_force
        if end.status == Status.ABORTED:
            assert end.weights.of(end.canary) == 0 and world.state.weights.of(end.canary) == 0


def ended_record(rec: LedgerRecord) -> bool:
    return rec.terminal


TestRecovery = Recovery.TestCase
TestRecovery.settings = settings(max_examples=60, stateful_step_count=30, deadline=None,
                                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
