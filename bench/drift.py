"""Drift benchmark: synthetic states of 3 stacks, Kubernetes and AWS shaped.

Prints, at 1,000 and 10,000 resources per stack (a few hundred injected differences):
the whole drift run's time and peak memory (a process of its own: start, import, read
three DIY backend files, normalise, fingerprint, diff, write the JSON report), the same
for a process that only parses the three files with orjson, and their ratios; and at
2,000 resources the time of a naive whole-document DeepDiff against tricolor's
compare, and the speed-up.

Time is the processes' CPU time (user + system, from ``wait4``; best of three), which
other load on a shared machine does not inflate; wall time is printed beside it. The
drift run pauses Python's cyclic garbage collector while it reads and normalises
(``drift.run.paused_cycle_collection``); a second baseline, parsing with the collector
paused too, is printed for a stricter comparison.

Goals: at 10,000 resources the run within 3x the parse-only process time and 2x its
peak memory; at least 50x faster than the naive DeepDiff at 2,000.

Run: .venv/bin/python bench/drift.py
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STACKS = ("staging", "qa", "prod")
ALLOWED = ["replicas", "autoscaling.*", "resources.*", "disruptionBudget.*", "env.LOG_LEVEL"]
ROOT = Path(__file__).resolve().parents[1]


def _k8s(stack: str, number: int, env: dict[str, str], replicas: int) -> dict[str, Any]:
    ns, name = f"shop-{stack}", f"svc{number:05d}"
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "tricolor",
              "tricolor.dev/stack": stack, "tricolor.dev/environment": stack}
    outputs = {
        "apiVersion": "apps/v1", "kind": "Deployment", "id": f"{ns}/{name}",
        "metadata": {"name": name, "namespace": ns, "labels": labels, "uid": f"{stack}-{number}-uid",
                     "resourceVersion": str(random.randint(1, 10**7)), "generation": random.randint(1, 9),
                     "creationTimestamp": f"2026-0{random.randint(1, 9)}-01T00:00:00Z",
                     "annotations": {"deployment.kubernetes.io/revision": str(random.randint(1, 20))},
                     "managedFields": [{"manager": "pulumi-kubernetes", "operation": "Apply", "apiVersion": "apps/v1",
                                        "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1",
                                        "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {}}}}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [{
                     "name": "app", "image": "ghcr.io/acme/shop:1.4.2",
                     "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                     "env": [{"name": k, "value": v} for k, v in env.items()],
                     "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
                     "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
                     "resources": {"requests": {"cpu": "250m", "memory": "256Mi"},
                                   "limits": {"cpu": "1", "memory": "512Mi"}}}]}}},
        "status": {"observedGeneration": 3, "replicas": replicas, "readyReplicas": replicas,
                   "conditions": [{"type": "Available", "status": "True",
                                   "lastUpdateTime": f"2026-02-0{random.randint(1, 9)}T00:00:00Z"}]},
    }
    return {"urn": f"urn:pulumi:{stack}::shop::tricolor:kubernetes:Environment$kubernetes:apps/v1:Deployment::{name}",
            "custom": True, "type": "kubernetes:apps/v1:Deployment", "id": f"{ns}/{name}",
            "inputs": {"metadata": {"name": name}}, "outputs": outputs}


def _aws(stack: str, number: int, env: dict[str, str], memory: int) -> dict[str, Any]:
    name = f"task{number:05d}-{stack}"
    account = {"staging": "111111111111", "qa": "222222222222", "prod": "333333333333"}[stack]
    arn = f"arn:aws:ecs:eu-west-1:{account}:task-definition/{name}:{random.randint(1, 40)}"
    outputs = {
        "id": name, "arn": arn, "family": name, "cpu": "512", "memory": str(memory), "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"], "revision": random.randint(1, 40),
        "executionRoleArn": f"arn:aws:iam::{account}:role/{name}-exec",
        "containerDefinitions": json.dumps([{
            "name": "app", "image": "123.dkr.ecr.eu-west-1.amazonaws.com/shop:1.4.2", "essential": True,
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in env.items()],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": f"/ecs/{name}"}}}]),
        "tags": {"tricolor.dev/stack": stack, "tricolor.dev/environment": stack},
        "tagsAll": {"tricolor.dev/stack": stack, "tricolor.dev/environment": stack},
    }
    return {"urn": f"urn:pulumi:{stack}::shop::tricolor:aws:Environment$aws:ecs/taskDefinition:TaskDefinition::"
                   f"task{number:05d}",
            "custom": True, "type": "aws:ecs/taskDefinition:TaskDefinition", "id": name, "outputs": outputs}


def build(folder: Path, size: int, differences: int) -> dict[str, Path]:
    """Write 3 stacks of ``size`` resources; ``differences`` changes spread over qa and prod."""
    random.seed(size)
    base_env = {"LOG_LEVEL": "info", "TIMEOUT_MS": "3000", "FEATURE_X": "false", "REGION": "eu"}
    changed = {stack: set(random.sample(range(size), differences // 2)) for stack in ("qa", "prod")}
    changed["staging"] = set()
    paths = {}
    target = folder / ".pulumi" / "stacks" / "shop"
    target.mkdir(parents=True, exist_ok=True)
    for stack in STACKS:
        resources = []
        for number in range(size):
            env = dict(base_env)
            replicas = 3
            if number in changed[stack]:
                kind = number % 3
                if kind == 0:
                    env["TIMEOUT_MS"] = "9000"  # drift
                elif kind == 1:
                    replicas = 5  # allowed
                else:
                    env["FEATURE_X"] = "true"  # drift
            if number % 2 == 0:
                resources.append(_k8s(stack, number, env, replicas))
            else:
                resources.append(_aws(stack, number, env, 1024 if replicas == 3 else 2048))
        document = {"version": 3, "checkpoint": {"stack": stack, "latest": {
            "manifest": {"time": "2026-01-01T00:00:00Z", "version": "v3.200.0"}, "resources": resources}}}
        path = target / f"{stack}.json"
        path.write_text(json.dumps(document))
        paths[stack] = path
    return paths


DRIFT_RUN = """
import sys
from pathlib import Path
from tricolor.drift.pulumi_state import PulumiStateSource
from tricolor.drift.run import run
from tricolor.drift.report import render
result = run(PulumiStateSource(backend_url=sys.argv[1], project="shop"), ["staging", "qa", "prod"], {allowed})
Path(sys.argv[2]).write_text(render(result, "json"))
print(result.counts["drift"], result.counts["allowed"], result.unchanged)
"""

PARSE_ONLY = """
import gc
import sys
import orjson
if sys.argv[1] == "paused":
    gc.disable()
sys.argv.pop(1)
documents = [orjson.loads(open(path, "rb").read()) for path in sys.argv[1:]]
print(sum(len(d["checkpoint"]["latest"]["resources"]) for d in documents))
"""


def measure(args: list[str]) -> tuple[float, float, float, str]:
    """CPU time (s), wall time (s), peak RSS (MiB) and output of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"{args[:3]} failed: {err}")
    return usage.ru_utime + usage.ru_stime, elapsed, usage.ru_maxrss / 1024, out.strip()


def best(args: list[str], repeat: int = 3) -> tuple[float, float, float, str]:
    runs = [measure(args) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs), runs[-1][3]


def naive_versus_compare(folder: Path) -> tuple[float, float, int]:
    """A whole-document DeepDiff of two parsed states of 2,000 resources, against
    tricolor's normalise + fingerprint + compare of the same two parsed states (best of
    three, both in this process, deepdiff already imported for both)."""
    import orjson
    from deepdiff import DeepDiff

    from tricolor.drift import build_snapshots, compare
    from tricolor.drift.pulumi_state import items_of
    from tricolor.vocab.checkpoint import State

    paths = build(folder, 2000, 200)
    documents = [orjson.loads(paths[s].read_bytes()) for s in ("staging", "prod")]
    start = time.process_time()
    naive = DeepDiff(documents[0], documents[1])
    naive_time = time.process_time() - start
    timings = []
    for _ in range(3):
        start = time.process_time()
        snapshots = []
        for stack, document in zip(("staging", "prod"), documents, strict=True):
            state = State(3, tuple(document["checkpoint"]["latest"]["resources"]))
            snapshots += build_snapshots(stack, items_of(state))
        compare(snapshots, ALLOWED)
        timings.append(time.process_time() - start)
    return naive_time, min(timings), len(naive.get("values_changed", {}))


def _row(label: str, measured: tuple[float, float, float, str]) -> str:
    cpu, wall, rss, _ = measured
    return f"  {label:24s}: {cpu:6.2f} s cpu ({wall:6.2f} s wall)  {rss:5.0f} MiB peak"


def main() -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (1_000, 10_000):
            folder = Path(tmp) / f"s{size}"
            paths = build(folder, size, 300)
            megabytes = sum(p.stat().st_size for p in paths.values()) / 2**20
            drift = best([sys.executable, "-c", DRIFT_RUN.format(allowed=ALLOWED), str(folder),
                          str(Path(tmp) / "report.json")])
            parse = best([sys.executable, "-c", PARSE_ONLY, "collected", *map(str, paths.values())])
            paused = best([sys.executable, "-c", PARSE_ONLY, "paused", *map(str, paths.values())])
            counts = drift[3].split()
            print(f"\n{size:,} resources x 3 stacks ({megabytes:.0f} MiB of state; "
                  f"{counts[0]} drift + {counts[1]} allowed differences found, "
                  f"{counts[2]} resources unchanged)")
            print(_row("drift run", drift))
            print(_row("parse only", parse))
            print(f"  {'ratio':24s}: {drift[0] / parse[0]:6.2f} x time ({drift[1] / parse[1]:.2f} x wall)  "
                  f"{drift[2] / parse[2]:5.2f} x memory   (goal: 3 x time, 2 x memory)")
            print(_row("parse only, gc paused", paused))
            print(f"  {'ratio to that (stricter)':24s}: {drift[0] / paused[0]:6.2f} x time  "
                  f"{drift[2] / paused[2]:5.2f} x memory")
        naive, ours, noise = naive_versus_compare(Path(tmp) / "naive")
        print(f"\n2,000 resources, 2 stacks (cpu time): naive whole-document DeepDiff {naive:.2f} s "
              f"({noise} changed values, mostly noise); tricolor compare {ours:.3f} s; speed-up {naive / ours:.0f}x")


if __name__ == "__main__":
    main()
