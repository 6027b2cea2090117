"""Benchmark issue #14's additions (prints figures; never a timed test).

- Argo step lists: load and plan the 70 lists of Argo Rollouts' examples and docs
  (``tests/fixtures/argo-rollouts/step-lists.yaml``), as written or through the importer;
- ``tricolor import argo``: convert the real manifests of the fixtures (in process);
- duration estimates: what ``release start`` now computes before a release (every
  analysis step and metric of the example, Fisher's exact refinement included), and the
  same with a low baseline rate, where the exact power sums most;
- header routes: the offline render (the program under Pulumi's mock runtime) of a
  weight step against a header-route step, per backend.

    .venv/bin/python bench/argo_bench.py
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tricolor.rollout.duration import Traffic, estimates
from tricolor.rollout.plan import build_plan
from tricolor.rollout.settings import AnalysisSettings
from tricolor.spec.argo import convert_rollout
from tricolor.spec.argo_steps import convert_steps
from tricolor.spec.canary import HeaderRoute
from tricolor.spec.release import Release
from tricolor.spec.weights import Weights
from tricolor.spec.yamlfile import read_documents
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render
from tricolor.stacks.state import ReleaseState

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests/fixtures/argo-rollouts"


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and best milliseconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


def step_lists() -> None:
    lists = yaml.safe_load((FIXTURES / "step-lists.yaml").read_text())["lists"]

    def load_all() -> None:
        for item in lists:
            try:
                build_plan(Release.model_validate({"steps": item["steps"], "analysis": {"metrics": [{"name": "m"}]}}))
            except ValidationError:
                converted = convert_steps(item["steps"], lambda key: ["m"])
                with contextlib.suppress(ValidationError):  # refused lists are refused, that is all
                    build_plan(Release.model_validate({"steps": converted.steps,
                                                       "analysis": {"metrics": [{"name": "m"}]}}))

    median, best = timed(load_all, 20)
    print(f"step lists: {len(lists)} lists loaded and planned in {median:.1f} ms (best {best:.1f}), "
          f"{median / len(lists) * 1000:.0f} us a list")


def imports() -> None:
    folder = FIXTURES / "manifests"
    cases = [("docs-analysis-inline-rollout.yaml", "docs-analysis-success-rate.yaml"),
             ("rollout-analysis-step.yaml", "analysis-templates.yaml"), ("apisix-rollout.yaml", None),
             ("appmesh-canary-rollout.yaml", None), ("rollout-secret.yaml", None)]

    def convert_all() -> None:
        for rollout, templates in cases:
            documents = [d.data for d in read_documents(folder / rollout)]
            if templates:
                documents += [d.data for d in read_documents(folder / templates)]
            convert_rollout(documents)

    median, best = timed(convert_all, 20)
    print(f"import argo: {len(cases)} manifests read strictly and converted in {median:.1f} ms (best {best:.1f}), "
          f"{median / len(cases):.2f} ms each")


def durations() -> None:
    (item,) = load_stacks(["prod"])
    release = item.stack.spec.release
    plan, settings = build_plan(release), AnalysisSettings.of(release.analysis)
    for rate in (0.01, 0.001):
        traffic = {"error-rate": Traffic(per_second=40, rate=rate), "latency-ms": Traffic(per_second=40, sigma=0.5)}
        median, best = timed(lambda t=traffic: estimates(plan, settings, t), 5)  # type: ignore[misc]
        found = estimates(plan, settings, traffic)
        print(f"duration estimates (baseline rate {rate:g}): {len(found)} step x metric figures in {median:.0f} ms "
              f"(best {best:.0f}); e.g. step {found[0].step + 1}: {found[0].samples:,} canary requests, "
              f"~{found[0].minutes:.1f} min at 40 rps")


def renders() -> None:
    route = HeaderRoute.model_validate({"name": "beta", "color": "green", "match": [
        {"headerName": "X-Beta", "headerValue": {"exact": "on"}}]})
    for stack in ("prod", "aws-prod", "local"):
        (item,) = load_stacks([stack])
        images = dict(item.stack.images)
        plain = ReleaseState(Weights(90, 10), images)
        routed = ReleaseState(Weights(90, 10), images, None, (route,))
        a, _ = timed(lambda i=item, s=plain: render(i, s), 5)  # type: ignore[misc]
        b, _ = timed(lambda i=item, s=routed: render(i, s), 5)  # type: ignore[misc]
        count = len(render(item, routed).resources) - len(render(item, plain).resources)
        print(f"offline render {stack}: weight step {a:.0f} ms, with a header route {b:.0f} ms "
              f"(+{count} resource(s))")


if __name__ == "__main__":
    step_lists()
    imports()
    durations()
    renders()
