"""Benchmark what revisions (issue 17) cost: config-only releases, secret versions and
renders from the ledger (no Pulumi engine is involved).

- release: a first release (a new image), then a config-only release of one changed env
  var, each driven to its end by the engine with the product's OFFLINE applier (every
  apply renders the real program under the mock runtime and diffs it), on a virtual
  clock, per backend; printed: wall time of each release, the resources its deploy step
  changed (the idle color's alone for the config-only one) and how many applies ran;
- secret versions: PBKDF2-SHA256 (100,000 rounds) per value, measured uncached;
- render: the production stack rendered as the program builds it from the ledger (each
  color from its own revision) against the plain render of the spec.

    .venv/bin/python bench/revisions_bench.py
"""

from __future__ import annotations

import copy
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.registry import get_provider
from tricolor.rollout.revisions import config_versions, part_of, render_state
from tricolor.rollout.verbs import prepare, start
from tricolor.spec.revision import secret_version
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render

ROOT = Path(__file__).resolve().parents[1]
RELEASE: dict[str, Any] = {
    "steps": [{"setWeight": 20}, {"analysis": {}}, {"setWeight": 50}, {"setWeight": 100}],
    "smokeTests": [], "rollbackWindow": "0s", "scaleDownIdle": True,
    "analysis": {"judge": "statistical", "provider": "synthetic", "interval": "1s", "minSamples": 100,
                 "failureLimit": 0, "inconclusiveLimit": 3, "consecutiveErrorLimit": 2,
                 "providerSettings": {"rps": 200000, "seed": 7},
                 "metrics": [{"name": "error-rate", "kind": "rate", "max": 0.05}]},
}
BACKENDS = {"kubernetes": ("prod", "ghcr.io/acme/checkout:1.5.0"), "docker": ("local", "ghcr.io/acme/checkout:1.5.0"),
            "aws": ("aws-prod", "ghcr.io/acme/checkout:1.5.0"),
            "lambda": ("lambda-prod", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.5.0")}


class Project:
    """The example project copied to ``folder`` (spec with RELEASE, stack files, a ledger)."""

    def __init__(self, folder: Path, stack: str) -> None:
        self.folder, self.stack = folder, stack
        self.stacks = folder / "stacks"
        shutil.copytree(ROOT / "stacks", self.stacks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        self.data = yaml.safe_load((ROOT / "service.yaml").read_text())
        self.data["release"] = copy.deepcopy(RELEASE)
        self.spec = folder / "service.yaml"
        self.spec.write_text(yaml.safe_dump(self.data, sort_keys=False))
        self.ledger = Ledger.open(str(folder / "ledger"))

    def edit_env(self, key: str, value: str) -> None:
        self.data["env"][key] = value
        self.spec.write_text(yaml.safe_dump(self.data, sort_keys=False))

    def release(self, image: str | None) -> tuple[float, Any, OfflineApplier]:
        (item,) = load_stacks([self.stack], self.spec, self.stacks)
        rec = self.ledger.read(self.stack)
        applier = OfflineApplier(ApplierContext(
            stack=self.stack, project=self.folder, spec_file=self.spec, stacks_dir=self.stacks,
            store=self.ledger.store, in_force=rec.in_force if rec else None, catalog=rec.catalog if rec else None))
        analysis = item.stack.spec.release.analysis
        services = Services.of(applier, provider=get_provider("synthetic", ProviderContext(
            analysis.provider_settings)), judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha,
                                                          analysis.looks))
        engine = Engine(stack=self.stack, ledger=self.ledger, services=services, clock=VirtualClock(), poll=0.5)
        began = time.perf_counter()
        start(engine, prepare(item.stack, image, secrets=config_versions(item)))
        done = engine.run(Stop(active=False))
        return time.perf_counter() - began, done, applier


def releases() -> None:
    print("releases with the offline applier (virtual clock; wall time is rendering and diffing)")
    print(f"  {'backend':<11} {'release':<12} {'status':<10} {'seconds':>8} {'applies':>8}  deploy changed")
    for backend, (stack, image) in BACKENDS.items():
        with tempfile.TemporaryDirectory() as tmp:
            project = Project(Path(tmp), stack)
            for label, release_image in (("new image", image), ("config-only", None)):
                if release_image is None:
                    project.edit_env("FEATURE_NEW_CART", "true")
                seconds, rec, applier = project.release(release_image)
                deploy = applier.history[0][1] if applier.history else []
                parts = sorted({part_of(u) for u in deploy})
                print(f"  {backend:<11} {label:<12} {str(rec.status):<10} {seconds:8.2f} {len(applier.history):8d}"
                      f"  {len(deploy)} resource(s) of {', '.join(parts) or '-'}")


def versions() -> None:
    secret_version.cache_clear()
    times = []
    for n in range(20):
        began = time.perf_counter()
        secret_version("prod", "tricolor:stripeApiKey", f"sk_live_{n:04d}")
        times.append(time.perf_counter() - began)
    print(f"secret versions (PBKDF2-SHA256, 100,000 rounds): median {statistics.median(times) * 1000:.1f} ms "
          f"per value (20 values; cached per process after that)")


def renders() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp), "prod")
        project.release("ghcr.io/acme/checkout:1.5.0")
        project.edit_env("FEATURE_NEW_CART", "true")
        (item,) = load_stacks(["prod"], project.spec, project.stacks)
        rec = project.ledger.read("prod")
        assert rec is not None
        plain, ledger = [], []
        for _ in range(5):
            began = time.perf_counter()
            render(item)
            plain.append(time.perf_counter() - began)
            began = time.perf_counter()
            render_state(item, rec.in_force, rec.catalog)
            ledger.append(time.perf_counter() - began)
        print(f"render of prod: plain {statistics.median(plain) * 1000:.0f} ms, each color from its revision "
              f"(the ledger's state) {statistics.median(ledger) * 1000:.0f} ms (median of 5)")


if __name__ == "__main__":
    releases()
    versions()
    renders()
