"""Expand/contract migrations as release steps, in process: the offline applier (the
real program under the mock runtime), the offline migration runner (what would run,
kept next to the ledger) and a virtual clock.

The schedule order (expand before the deploy, contract after the rollback window and
the scale-down), the refusals (rollback once the contract ran; no contract after an
abort), a failed expand (nothing deployed), a failed contract (completed, with the
failure), the contracts a release never runs (the old color kept, superseded), and
Lambda's refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.errors import InvalidRequestError, MigrationError, NoReleaseError
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.migrations.base import MigrationContext, MigrationRelease, MigrationResult
from tricolor.rollout.migrations.offline import OfflineMigrationRunner
from tricolor.rollout.migrations.registry import LAMBDA_REFUSAL, get_runner
from tricolor.rollout.plan import StepAction, build_plan
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.synthetic import SyntheticProvider
from tricolor.rollout.record import MigrationState, RequestAction, Status
from tricolor.rollout.verbs import check_verb, prepare, start, steer
from tricolor.spec.release import Release
from tricolor.stacks.config import load_stacks

NEW = "ghcr.io/acme/checkout:1.5.0"
MIGRATIONS = {"command": ["python", "manage.py", "migrate"], "expand": ["--phase", "expand"],
              "contract": ["--phase", "contract"], "timeout": "10m"}


def with_migrations(**release: Any) -> dict[str, Any]:
    return {"migrations": MIGRATIONS, "rollbackWindow": "10m", "smokeTests": [{"path": "/healthz/ready"}],
            **release}


class Smoke:
    def run(self, checks: list[Any], color: str) -> tuple[bool, str, list[Any]]:
        return True, "passed", []


class Failing(OfflineMigrationRunner):
    """The offline runner whose runs of ``phase`` fail."""

    def __init__(self, context: MigrationContext, phase: str) -> None:
        super().__init__(context)
        self.failing = phase

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult:
        done = super().run(phase, release)
        return MigrationResult(False, "exit code 3 (relation already exists)") if phase == self.failing else done


def site(tmp_path: Path, spec: Path, stack: Any, runner: Any = None,
         **traffic: Any) -> tuple[Engine, OfflineApplier, OfflineMigrationRunner]:
    ledger = Ledger.open(str(tmp_path / "ledger"))
    applier = OfflineApplier(ApplierContext(stack="prod", project=tmp_path, spec_file=spec, store=ledger.store))
    migrations = runner or OfflineMigrationRunner(MigrationContext(stack=stack, store=ledger.store))
    services = Services.of(applier, provider=SyntheticProvider(ProviderContext({"rps": 200000, "seed": 7, **traffic})),
                           judge=get_judge("threshold"), smoke=Smoke(), migrations=migrations)
    return Engine(stack="prod", ledger=ledger, services=services, clock=VirtualClock(), poll=30.0), applier, migrations


@pytest.fixture
def prod(spec_with, load_prod):
    def make(**release: Any) -> tuple[Any, Path]:
        spec = spec_with(with_migrations(**release), judge="threshold")
        return load_prod(spec), spec

    return make


def phases(runner: OfflineMigrationRunner) -> list[str]:
    """The phases the runner started, in order."""
    return [run["phase"] for run in sorted(runner.runs.values(), key=lambda r: r["at"])]


def kinds(rec: Any) -> list[str]:
    return [e.kind for e in rec.events]


def test_the_plan_puts_expand_first_and_contract_after_the_finish():
    for strategy in ("blueGreen", "rolling"):
        release = Release.model_validate({"strategy": strategy, "steps": [{"setWeight": 50}], "migrations": MIGRATIONS})
        actions = [s.action for s in build_plan(release)]
        assert actions[0] == StepAction.EXPAND and actions[1] == StepAction.DEPLOY
        assert actions[-2:] == [StepAction.FINISH, StepAction.CONTRACT]
    only_expand = Release.model_validate({"steps": [], "migrations": {**MIGRATIONS, "contract": None}})
    assert StepAction.CONTRACT not in [s.action for s in build_plan(only_expand)]


def test_expand_runs_before_the_deploy_and_contract_after_the_window_and_the_scale_down(prod, tmp_path):
    stack, spec = prod()
    engine, applier, runner = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.SUCCEEDED
    expand = rec.migration("expand")
    assert expand is not None and expand.state == MigrationState.SUCCEEDED and expand.image == NEW
    assert expand.command == ["python", "manage.py", "migrate", "--phase", "expand"]
    events = kinds(rec)
    assert events.index("migrate") < events.index("apply")  # expand, then the deploy
    assert [c.purpose for c, _ in applier.history][0] == "deploy"
    assert rec.migration("contract") is None  # the rollback window is open: no contract
    engine.clock.sleep(11 * 60)  # type: ignore[attr-defined]
    done = steer(engine, RequestAction.RESUME).record
    assert done.status == Status.COMPLETED and done.scaled_down == "blue"
    contract = done.migration("contract")
    assert contract is not None and contract.state == MigrationState.SUCCEEDED
    scaled = max(i for i, e in enumerate(done.events) if e.kind == "applied")
    assert [e.kind for e in done.events].index("migrate", scaled) > scaled  # after the scale-down
    assert contract.started_at >= (done.rollback_until or 0)
    assert phases(runner) == ["expand", "contract"]
    assert all("Kubernetes Job" in run["where"] for run in runner.runs.values())


def test_rollback_is_refused_once_the_contract_ran(prod, tmp_path):
    stack, spec = prod(rollbackWindow="0s")
    engine, _, _ = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.COMPLETED and rec.contracted is not None
    with pytest.raises(NoReleaseError, match="contract migration ran .*schema no longer fits the old version"):
        check_verb(rec, RequestAction.ROLLBACK, "prod", engine.clock.now())


def test_abort_before_the_contract_never_runs_it(prod, tmp_path):
    stack, spec = prod(steps=[{"setWeight": 20}, {"pause": {}}, {"setWeight": 100}])
    engine, applier, runner = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    waiting = engine.run(Stop(active=True, person=True))
    assert waiting.status == Status.RUNNING and waiting.migration("expand").state == MigrationState.SUCCEEDED
    aborted = steer(engine, RequestAction.ABORT, reason="test").record
    assert aborted.status == Status.ABORTED
    engine.clock.sleep(3600)  # type: ignore[attr-defined]
    assert aborted.migration("contract") is None
    assert phases(runner) == ["expand"]


def test_a_failed_expand_aborts_before_anything_is_deployed(prod, tmp_path):
    stack, spec = prod()
    ledger = Ledger.open(str(tmp_path / "ledger"))
    runner = Failing(MigrationContext(stack=stack, store=ledger.store), "expand")
    engine, applier, _ = site(tmp_path, spec, stack, runner)
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.ABORTED and "expand migration" in (rec.reason or "")
    assert rec.migration("expand").state == MigrationState.FAILED
    assert all(c.purpose != "deploy" for c, _ in applier.history)  # the new image never ran
    assert rec.images["green"] != NEW


def test_a_failed_contract_completes_the_release_with_the_failure(prod, tmp_path, cli):
    stack, spec = prod(rollbackWindow="0s")
    ledger = Ledger.open(str(tmp_path / "ledger"))
    runner = Failing(MigrationContext(stack=stack, store=ledger.store), "contract")
    engine, _, _ = site(tmp_path, spec, stack, runner)
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.COMPLETED and rec.migration("contract").state == MigrationState.FAILED
    assert "contract migration" in (rec.reason or "") and "relation already exists" in (rec.reason or "")
    assert rec.exit_code == 2
    status = cli("release", "status", "--stack", "prod", "--ledger", str(tmp_path / "ledger"))
    assert status.exit_code == 2, status.output  # completed, but not cleanly: a finding


def test_a_contract_is_not_run_while_the_old_color_keeps_running(prod, tmp_path):
    stack, spec = prod(rollbackWindow="0s", scaleDownIdle=False)
    engine, _, runner = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.COMPLETED and rec.scaled_down is None
    assert rec.migration("contract").state == MigrationState.SKIPPED and "contract-skipped" in kinds(rec)
    assert phases(runner) == ["expand"]


def test_a_superseded_release_leaves_its_contract_unrun_and_says_so(prod, tmp_path):
    stack, spec = prod()
    engine, _, runner = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    first = engine.run(Stop(active=True))
    assert first.status == Status.SUCCEEDED
    start(engine, prepare(stack, "ghcr.io/acme/checkout:1.6.0"))
    (old, new) = engine.ledger.history("prod")
    assert old.release_id == first.release_id and old.status == Status.COMPLETED
    assert old.migration("contract").state == MigrationState.SKIPPED and "contract-skipped" in kinds(old)
    assert "superseded" in old.migration("contract").detail
    assert new.status == Status.RUNNING and phases(runner) == ["expand"]


def test_a_rolling_release_runs_its_contract_once_the_window_is_over(prod, tmp_path):
    stack, spec = prod(strategy="rolling")
    engine, applier, runner = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    engine.run(Stop(active=True))
    engine.clock.sleep(11 * 60)  # type: ignore[attr-defined]
    done = steer(engine, RequestAction.RESUME).record
    assert done.status == Status.COMPLETED and done.migration("contract").state == MigrationState.SUCCEEDED
    assert [c.purpose for c, _ in applier.history] == ["deploy"]  # nothing to scale down
    assert phases(runner) == ["expand", "contract"]


def test_lambda_refuses_migrations_with_the_reason(spec_with, tmp_path):
    spec = spec_with(with_migrations())
    (item,) = load_stacks(["lambda-prod"], spec)
    with pytest.raises(InvalidRequestError, match="lambda backend has no one-off task"):
        prepare(item.stack, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.5.0")
    with pytest.raises(MigrationError, match="lambda backend"):
        get_runner("lambda", MigrationContext(stack=item.stack))
    assert "pipeline" in LAMBDA_REFUSAL


def test_status_names_each_migration_run(prod, tmp_path):
    import io

    from rich.console import Console

    from tricolor.cli.release.view import status_table

    stack, spec = prod()
    engine, _, _ = site(tmp_path, spec, stack)
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    console = Console(width=250, record=True, file=io.StringIO())
    console.print(status_table(rec))
    text = console.export_text()
    assert "expand migration" in text and f"succeeded: {rec.migration('expand').name}" in text
