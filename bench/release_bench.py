"""Benchmark the release engine's plumbing (no Pulumi engine is involved).

- ledger: compare-and-swap updates of one record in a local folder (the default store),
  sequentially and from 4 threads at once (every update retried until it lands);
- engine: whole releases of the example's canary plan on a virtual clock, in memory,
  with an applier that only records (the engine's own cost per release and per step);
- start-up: ``tricolor release status`` as a process, against ``python -c pass``.

    .venv/bin/python bench/release_bench.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tricolor.rollout.appliers.base import ApplyResult, Change
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.registry import get_provider
from tricolor.rollout.record import InForce
from tricolor.rollout.smoke import SkippedSmoke
from tricolor.rollout.stores.memory import MemoryStore
from tricolor.rollout.verbs import prepare, start
from tricolor.stacks.config import load_stacks

ROOT = Path(__file__).resolve().parents[1]


class Recording:
    name = "recording"

    def __init__(self) -> None:
        self.state: InForce | None = None
        self.applies = 0

    def preflight(self) -> None:
        pass

    def current(self, stack: str) -> InForce | None:
        return self.state

    def apply(self, change: Change) -> ApplyResult:
        self.state = change.target
        self.applies += 1
        return ApplyResult()


def ledger_updates(count: int = 200, threads: int = 4) -> None:
    (item,) = load_stacks(["prod"])
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger.open(folder)
        engine = Engine(stack="prod", ledger=ledger, services=Services.of(Recording()), clock=VirtualClock())
        start(engine, prepare(item.stack, "ghcr.io/acme/checkout:9.0.0"))
        began = time.perf_counter()
        for i in range(count):
            ledger.update("prod", lambda r, i=i: r.model_copy(update={"updated_at": float(i)}))
        sequential = (time.perf_counter() - began) / count
        per_thread = count // threads

        def hammer() -> None:
            for i in range(per_thread):
                ledger.update("prod", lambda r, i=i: r.model_copy(update={"updated_at": float(i)}))

        workers = [threading.Thread(target=hammer) for _ in range(threads)]
        began = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        contended = (time.perf_counter() - began) / (per_thread * threads)
    print(f"ledger (local folder): {sequential * 1000:.2f} ms per update alone, "
          f"{contended * 1000:.2f} ms per update with {threads} writers at once")


def simulated_releases(count: int = 20) -> None:
    (item,) = load_stacks(["prod"])
    analysis = item.stack.spec.release.analysis
    times, steps = [], 0
    for n in range(count):
        applier = Recording()
        services = Services.of(applier, provider=get_provider("synthetic", ProviderContext({"seed": n})),
                               judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                               smoke=SkippedSmoke())
        engine = Engine(stack="prod", ledger=Ledger(MemoryStore()), services=services, clock=VirtualClock(),
                        poll=60.0, lock_timeout=3600)
        began = time.perf_counter()
        start(engine, prepare(item.stack, "ghcr.io/acme/checkout:9.0.0"))
        rec = engine.run(Stop(active=False))
        times.append(time.perf_counter() - began)
        steps = len(rec.events)
    median = statistics.median(times)
    print(f"engine: a whole release of the example plan ({len(rec.plan)} steps, {steps} ledger events, "
          f"{len(rec.verdicts)} verdicts, ends {rec.status}): median {median * 1000:.0f} ms, "
          f"{median / steps * 1000:.1f} ms per event")


def startup(runs: int = 5) -> None:
    tricolor = str(Path(sys.executable).with_name("tricolor"))

    def timed(cmd: list[str]) -> float:
        samples = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            samples.append(time.perf_counter() - began)
        return statistics.median(samples)

    with tempfile.TemporaryDirectory() as folder:
        bare = timed([sys.executable, "-c", "pass"])
        status = timed([tricolor, "release", "status", "--stack", "prod", "--ledger", folder])
    print(f"start-up: `tricolor release status` {status:.2f} s, `python -c pass` {bare:.2f} s "
          f"({status / bare:.0f}x)")


if __name__ == "__main__":
    ledger_updates()
    simulated_releases()
    startup()
