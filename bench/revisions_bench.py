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

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.revisions import part_of, render_state
from tricolor.spec.revision import secret_version
from tricolor.stacks.render import render

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "rollout"))
from revision_support import Site  # noqa: E402 - the tests' project on disk (spec, stacks, ledger, engine)

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


def timed_release(site: Site, image: str | None) -> tuple[float, Any, OfflineApplier]:
    """``release start`` of ``image`` (``None``: config-only) driven to its end, and its wall time."""
    began = time.perf_counter()
    done, applier = site.release(image)
    return time.perf_counter() - began, done, applier


def set_env(key: str, value: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["env"].__setitem__(key, value)


def releases() -> None:
    print("releases with the offline applier (virtual clock; wall time is rendering and diffing)")
    print(f"  {'backend':<11} {'release':<12} {'status':<10} {'seconds':>8} {'applies':>8}  deploy changed")
    for backend, (stack, image) in BACKENDS.items():
        with tempfile.TemporaryDirectory() as tmp:
            site = Site(Path(tmp), RELEASE, stack)
            for label, release_image in (("new image", image), ("config-only", None)):
                if release_image is None:
                    site.edit(set_env("FEATURE_NEW_CART", "true"))
                seconds, rec, applier = timed_release(site, release_image)
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
        site = Site(Path(tmp), RELEASE, "prod")
        site.release("ghcr.io/acme/checkout:1.5.0")
        site.edit(set_env("FEATURE_NEW_CART", "true"))
        item, rec = site.item(), site.record()
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
