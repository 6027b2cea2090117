"""Benchmark what the strategies and migrations add (no Pulumi engine is involved).

- engine: whole releases on a virtual clock, in memory, with an applier that only
  records: the example's blue-green canary plan (``prod``), the rolling plan
  (``small``), and each with expand/contract migrations run by the offline runner;
- offline applier: what a deploy step costs to diff under the mock runtime (two renders
  of the real program), rolling (one environment) against blue-green (two colors);
- plan: the schedules and cost table of every example production stack (pure);
- start-up: importing the release CLI must not import a migration runner's SDK
  (Kubernetes client, Docker SDK, pulumi_aws): the runners are loaded when asked for.

    .venv/bin/python bench/strategies_bench.py
"""

from __future__ import annotations

import dataclasses
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from release_bench import Recording  # the same recording applier (bench/ is on sys.path)

from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.costs import strategy_costs
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.migrations.base import MigrationContext
from tricolor.rollout.migrations.offline import OfflineMigrationRunner
from tricolor.rollout.plan import build_plan
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.registry import get_provider
from tricolor.rollout.record import InForce
from tricolor.rollout.smoke import SkippedSmoke
from tricolor.rollout.stores.memory import MemoryStore
from tricolor.rollout.verbs import prepare, start
from tricolor.spec.strategies import Migrations
from tricolor.stacks.config import load_stacks, stack_names

MIGRATIONS = Migrations.model_validate({"command": ["migrate"], "expand": ["up"], "contract": ["down"]})


def with_migrations(stack: Any) -> Any:
    release = stack.spec.release.model_copy(update={"migrations": MIGRATIONS})
    return dataclasses.replace(stack, spec=stack.spec.model_copy(update={"release": release}))


def releases(name: str, migrations: bool, count: int = 10) -> tuple[float, int]:
    (item,) = load_stacks([name])
    stack = with_migrations(item.stack) if migrations else item.stack
    analysis = stack.spec.release.analysis
    times, events = [], 0
    for run in range(count):
        runner = OfflineMigrationRunner(MigrationContext(stack=stack))
        services = Services.of(Recording(), provider=get_provider("synthetic", ProviderContext({"seed": run})),
                               judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                               smoke=SkippedSmoke(), migrations=runner)
        engine = Engine(stack=name, ledger=Ledger(MemoryStore()), services=services, clock=VirtualClock(), poll=60)
        began = time.perf_counter()
        start(engine, prepare(stack, f"ghcr.io/acme/checkout:9.{run}.0"))
        rec = engine.run(Stop(active=False))  # through the rollback window and the contract
        times.append(time.perf_counter() - began)
        events = len(rec.events)
    return statistics.median(times), events


def deploy_diff(name: str) -> float:
    (item,) = load_stacks([name])
    applier = OfflineApplier(ApplierContext(stack=name, project=Path.cwd()))
    before = applier.state
    applier.render(before)  # warm: the first render of a process also imports the provider SDK
    active = before.weights.active
    canary = "green" if active == "blue" else "blue"
    plan = build_plan(item.stack.spec.release)
    deploy = next(s for s in plan if str(s.action) == "deploy")
    after = InForce(weights=deploy.weights(canary), images={**before.images, canary: "ghcr.io/acme/checkout:9.9.9"})
    began = time.perf_counter()
    applier.diff(before, after)  # the render of the state after the deploy (the one before is cached)
    return time.perf_counter() - began


def plan_tables(runs: int = 200) -> float:
    stacks = [item.stack for item in load_stacks(stack_names()) if item.stack.environment == "production"]
    began = time.perf_counter()
    for _ in range(runs):
        for stack in stacks:
            build_plan(stack.spec.release)
            strategy_costs(stack.spec, stack.backend)
    return (time.perf_counter() - began) / runs


def startup_imports() -> str:
    code = ("import sys, tricolor.cli.release.wiring, tricolor.cli.release.dryrun; "
            "print(','.join(m for m in ('kubernetes', 'docker', 'pulumi_aws', 'pulumi_kubernetes', 'boto3') "
            "if m in sys.modules) or 'none')")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    for name, label in (("prod", "blue-green canary (prod)"), ("small", "rolling (small)")):
        plain, events = releases(name, migrations=False)
        migrated, migrated_events = releases(name, migrations=True)
        print(f"engine, {label}: {plain * 1000:.1f} ms per release ({events} events); with expand/contract "
              f"migrations {migrated * 1000:.1f} ms ({migrated_events} events)")
    for name in ("prod", "small"):
        print(f"offline applier, deploy step diff on {name}: {deploy_diff(name):.2f} s (one render, warm)")
    print(f"plan: schedules and cost table of every production stack: {plan_tables() * 1000:.2f} ms")
    print(f"start-up: the release CLI imports these runner SDKs: {startup_imports()}")


if __name__ == "__main__":
    main()
