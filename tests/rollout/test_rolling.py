"""``release.strategy: rolling``: the plan, the windows of its analysis, and a rolling
release walked by the offline applier (the real program under Pulumi's mock runtime):
a failing analysis applies the previous image again, a passing one keeps the new one,
a rollback in the window re-applies the previous image (``kubectl rollout undo``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.plan import StepAction, build_plan
from tricolor.rollout.providers.base import ProviderContext, Window
from tricolor.rollout.providers.prometheus import PrometheusProvider
from tricolor.rollout.providers.synthetic import SyntheticProvider
from tricolor.rollout.record import RequestAction, Status
from tricolor.rollout.rolling import before_after
from tricolor.rollout.verbs import prepare, start, steer
from tricolor.spec.release import Metric, Release

OLD = "ghcr.io/acme/checkout:1.4.2"  # the spec's image: in force before the first release
NEW = "ghcr.io/acme/checkout:1.5.0"
ROLLING = {"strategy": "rolling", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0, "pause": "2m"},
           "rollbackWindow": "10m", "smokeTests": [{"path": "/healthz/ready"}]}


def rolling_release(**extra: Any) -> Release:
    return Release.model_validate({"strategy": "rolling", "smokeTests": [{"path": "/health"}],
                                   "analysis": {"metrics": [{"name": "error-rate", "max": 0.01}]}, **extra})


def test_a_rolling_plan_updates_in_place_smoke_tests_pauses_judges_and_finishes():
    plan = build_plan(rolling_release())
    assert [s.action for s in plan] == [StepAction.DEPLOY, StepAction.SMOKE, StepAction.PAUSE, StepAction.ANALYSIS,
                                        StepAction.FINISH]
    assert {s.weight for s in plan} == {100}  # one environment: no weights to move
    assert plan[2].duration == 300  # rollingUpdate.pause, 5m by default
    assert "rolling update" in plan[0].description


def test_a_rolling_plan_without_metrics_is_a_plain_rolling_update_with_smoke_tests():
    plan = build_plan(Release.model_validate({"strategy": "rolling", "smokeTests": [{"path": "/health"}]}))
    assert [s.action for s in plan] == [StepAction.DEPLOY, StepAction.SMOKE, StepAction.FINISH]


def test_the_spec_steps_are_walked_by_blue_green_only():
    steps = [{"setWeight": 10}, {"pause": "1m"}, {"analysis": {}}]
    metrics = {"metrics": [{"name": "error-rate", "max": 0.01}]}
    blue_green = build_plan(Release.model_validate({"steps": steps, "analysis": metrics}))
    rolling = build_plan(Release.model_validate({"steps": steps, "analysis": metrics, "strategy": "rolling"}))
    assert StepAction.SET_WEIGHT in {s.action for s in blue_green}
    assert StepAction.SET_WEIGHT not in {s.action for s in rolling}


def test_the_windows_compare_the_new_version_since_the_update_with_the_previous_one_before_it():
    # the update began at 1000, ended at 1120; measured at 1420: five minutes each
    assert before_after(1000.0, 1120.0, 1420.0) == (700.0, 1000.0, 1120.0, 1420.0)


def test_prometheus_measures_each_version_at_the_end_of_its_own_window(http_server):
    asked: list[tuple[str, float]] = []

    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(path).query)
        asked.append((query["query"][0], float(query["time"][0])))
        return 200, {"status": "success", "data": {"resultType": "vector", "result": [{"value": [0, "100"]}]}}

    server = http_server(answer)
    provider = PrometheusProvider(ProviderContext({"url": server.url}))
    window = Window(start=1120, end=1420, canary="green", baseline="blue", canary_version="1.5.0",
                    baseline_version="1.4.2", canary_weight=100, baseline_start=700, baseline_end=1000)
    metric = Metric(name="errors", query='sum(errors{color="{{color}}",version="{{version}}"}[{{window}}])',
                    totalQuery='sum(requests{color="{{color}}"}[{{window}}])')
    provider.measure(metric, window)
    # the one environment has no color: color="" selects the series without a color label
    assert ('sum(errors{color="",version="1.4.2"}[300s])', 1000.0) in asked
    assert ('sum(errors{color="",version="1.5.0"}[300s])', 1420.0) in asked


class _Smoke:
    def run(self, checks: list[Any], color: str) -> tuple[bool, str, list[Any]]:
        return True, f"{len(checks)} passed", []


def deployed_image(applier: OfflineApplier) -> str:
    """The image of the one Deployment the program renders for the state in force."""
    rendered = applier.render(applier.state)
    (deployment,) = [json.loads(v) for urn, v in rendered.items() if urn.endswith("Deployment::checkout-deployment")]
    return str(deployment["spec"]["template"]["spec"]["containers"][0]["image"])


@pytest.fixture
def rolling_prod(spec_with, load_prod):
    def make(**analysis: Any) -> Any:
        spec = spec_with(ROLLING, judge="threshold", interval="1m", **analysis)
        return load_prod(spec), spec

    return make


def _offline(tmp_path: Path, spec: Path, settings: dict[str, Any]) -> tuple[Engine, OfflineApplier]:
    ledger = Ledger.open(str(tmp_path / "ledger"))
    applier = OfflineApplier(ApplierContext(stack="prod", project=tmp_path, spec_file=spec, store=ledger.store))
    services = Services.of(applier, provider=SyntheticProvider(ProviderContext(settings)),
                           judge=get_judge("threshold"), smoke=_Smoke())
    return Engine(stack="prod", ledger=ledger, services=services, clock=VirtualClock(), poll=30.0), applier


def test_a_failing_analysis_applies_the_previous_image_again(rolling_prod, tmp_path):
    stack, spec = rolling_prod(providerSettings={"rps": 2000, "seed": 4, "canaryErrorRate": 0.2})
    engine, applier = _offline(tmp_path, spec, {"rps": 2000, "seed": 4, "canaryErrorRate": 0.2})
    assert deployed_image(applier) == OLD
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.ABORTED, rec.events[-3:]
    assert "previous image" in rec.events[-1].detail
    assert deployed_image(applier) == OLD  # the rolling update was undone: the old image is in force
    changes = [(c.purpose, c.scope) for c, _ in applier.history]
    assert changes == [("deploy", "full"), ("abort", "full")]  # both update the one environment in place
    deploy_urns = applier.history[0][1]
    assert any(urn.endswith("Deployment::checkout-deployment") for urn in deploy_urns)
    assert not any("blue" in urn or "green" in urn for urn in deploy_urns)  # one environment, no color
    # the verdict compared the new version since the update with the previous one before it
    (entry, *_) = [v for v in rec.verdicts if v.verdict == "fail"]
    metric = entry.metrics[0]
    assert metric["baseline_window"][1] <= metric["window_start"]


def test_a_passing_rolling_release_keeps_the_new_image_and_rollback_undoes_it(rolling_prod, tmp_path):
    stack, spec = rolling_prod(providerSettings={"rps": 2000, "seed": 4})
    engine, applier = _offline(tmp_path, spec, {"rps": 2000, "seed": 4})
    start(engine, prepare(stack, NEW))
    rec = engine.run(Stop(active=True))
    assert rec.status == Status.SUCCEEDED and deployed_image(applier) == NEW
    assert [s.action for s in rec.plan] == [StepAction.DEPLOY, StepAction.SMOKE, StepAction.PAUSE,
                                            StepAction.ANALYSIS, StepAction.FINISH]
    passed = [v for v in rec.verdicts if v.verdict == "pass"]
    assert passed and all(m["baseline_window"][1] <= m["window_start"] for v in passed for m in v.metrics)
    rolled = steer(engine, RequestAction.ROLLBACK, reason="test").record
    assert rolled.status == Status.ROLLED_BACK and deployed_image(applier) == OLD
    assert [c.purpose for c, _ in applier.history] == ["deploy", "rollback"]


def test_after_the_window_nothing_is_scaled_down(rolling_prod, tmp_path):
    stack, spec = rolling_prod(providerSettings={"rps": 2000, "seed": 4})
    engine, applier = _offline(tmp_path, spec, {"rps": 2000, "seed": 4})
    start(engine, prepare(stack, NEW))
    engine.run(Stop(active=True))
    engine.clock.sleep(11 * 60)  # type: ignore[attr-defined]
    done = steer(engine, RequestAction.RESUME).record
    assert done.status == Status.COMPLETED and done.scaled_down is None
    assert [c.purpose for c, _ in applier.history] == ["deploy"]  # the previous version is already gone
