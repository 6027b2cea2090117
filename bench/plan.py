"""Benchmark `tricolor plan`: staging + production for 1, 10 and 50 services.

For each size, in a fresh process (so peak memory is that scenario's own):
- plan: the real stack program for N services (staging: N environments; production:
  N blue/green pairs and N routers) under Pulumi's mock runtime;
- floor: the mock runtime alone registering the same number of bare resources of the
  same types (no spec, no components' logic).
- same-inputs floor: the same resources with the very same inputs, registered flat
  through ``pulumi.CustomResource`` (what any program pays to hand these inputs over).
Prints wall time, time per resource, peak RSS, and the plan/floor ratios.

    .venv/bin/python bench/plan.py            # 1, 10, 50 services
    .venv/bin/python bench/plan.py 1 10 50 100
"""

from __future__ import annotations

import contextvars
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pulumi

from tricolor.spec.load import load_spec, parse_spec
from tricolor.stacks.config import read_stack_config, resolve, to_runtime
from tricolor.stacks.program import build
from tricolor.stacks.render import run_program

ROOT = Path(__file__).resolve().parents[1]


def stacks_for(services: int) -> list:
    """N copies of the example service (renamed), for staging and for prod."""
    base = load_spec(ROOT / "service.yaml").as_data()
    out = []
    for name in ("staging", "prod"):
        config, _ = read_stack_config(name)
        for i in range(services):
            spec = parse_spec({**base, "name": f"svc{i:03d}"})
            out.append(resolve(name, config, base=spec))
    return out


def secret_config(stacks: list) -> tuple[dict[str, str], list[str]]:
    keys = {f"tricolor:{ref.config}" for s in stacks for ref in s.spec.secrets.values()}
    return {k: "[secret]" for k in keys}, sorted(keys)


def run_plan(services: int) -> tuple[float, int, list]:
    """Render staging and prod; returns seconds, the resource count and the records."""
    stacks = stacks_for(services)
    start = time.perf_counter()
    total, registered = 0, []
    for env in ("staging", "production"):
        group = [s for s in stacks if s.environment == env]
        secrets, secret_keys = secret_config(group)
        config = {**to_runtime({k: v for k, v in read_stack_config(group[0].name)[0].items()}), **secrets}

        def program(group: list = group) -> None:
            for stack in group:
                build(stack)

        records = contextvars.copy_context().run(run_program, program, group[0].name, config, secret_keys)
        total += len(records)
        registered.extend(records)
    return time.perf_counter() - start, total, registered


def run_floor(records: list, with_inputs: bool) -> tuple[float, int]:
    """Register the same number of resources of the same types under the mock runtime,
    flat and bare (``with_inputs=False``) or flat with the very same inputs."""
    types = Counter((r.type, r.custom) for r in records)

    def program() -> None:
        if with_inputs:
            for n, r in enumerate(records):
                if r.custom:
                    pulumi.CustomResource(r.type, f"r{n}", dict(r.inputs))
                else:
                    pulumi.ComponentResource(r.type, f"r{n}", None)
            return
        n = 0
        for (type_, custom), count in types.items():
            for _ in range(count):
                n += 1
                if custom:
                    pulumi.CustomResource(type_, f"r{n}", {})
                else:
                    pulumi.ComponentResource(type_, f"r{n}", None)

    start = time.perf_counter()
    records = contextvars.copy_context().run(run_program, program, "floor", {}, [])
    return time.perf_counter() - start, len(records)


def child(mode: str, services: int) -> None:
    run_plan(1)  # warm-up: the SDKs load their resource modules lazily, once per process
    seconds, count, records = run_plan(services)
    if mode != "plan":
        seconds, count = run_floor(records, with_inputs=mode == "floor-inputs")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "resources": count, "peak_mb": peak_mb}))


def measure(mode: str, services: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(services)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("services", "resources", "plan s", "ms/res", "bare floor s", "plan/bare",
                  "same-inputs floor s", "plan/same-inputs", "peak MB",
                  title="tricolor plan: staging + production under the mock runtime")
    rows = []
    for services in sizes:
        plan = measure("plan", services)
        bare = measure("floor", services)
        same = measure("floor-inputs", services)
        rows.append((services, plan, bare))
        table.add_row(str(services), str(plan["resources"]), f"{plan['seconds']:.2f}",
                      f"{1000 * plan['seconds'] / plan['resources']:.2f}", f"{bare['seconds']:.2f}",
                      f"{plan['seconds'] / bare['seconds']:.2f}x", f"{same['seconds']:.2f}",
                      f"{plan['seconds'] / same['seconds']:.2f}x", f"{plan['peak_mb']:.0f}")
    Console(width=150).print(table)
    if len(rows) > 1:
        (s0, p0, _), (s1, p1, _) = rows[0], rows[-1]
        per0, per1 = p0["seconds"] / p0["resources"], p1["seconds"] / p1["resources"]
        print(f"linearity: time per resource at {s1} services is {per1 / per0:.2f}x that at {s0}")
    print("note: the floor process builds the same specs first (only the floor's own "
          "registration is timed), so its peak MB is not shown.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main([int(a) for a in sys.argv[1:]] or [1, 10, 50])
