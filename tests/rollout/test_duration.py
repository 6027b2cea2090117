"""How long an analysis step needs, next to how long the schedule gives it (issue #14):
the estimate against the closed-form two-proportion sample size, the planned window
against what the engine actually measures, ``release plan``, the dry run and the
warning of ``release start``."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from scipy import stats

from tricolor.rollout.duration import Traffic, effect_text, estimates, planned_window, warnings
from tricolor.rollout.plan import build_plan
from tricolor.rollout.record import Status
from tricolor.rollout.settings import AnalysisSettings
from tricolor.spec.release import Metric, Release


def closed_form(p1: float, tolerance: float, share: float, alpha: float, power: float) -> float:
    """Canary requests of the one-sided two-proportion test, unequal groups (Fleiss, Levin
    & Paik), with the continuity correction of Fleiss, Tytun & Ury (1980)."""
    p2, k = p1 * (1 + tolerance), (1 - share) / share
    z_a, z_b = stats.norm.isf(alpha), stats.norm.ppf(power)
    pbar, d = (p2 + k * p1) / (1 + k), p2 - p1
    n = (z_a * math.sqrt(pbar * (1 - pbar) * (1 + 1 / k)) + z_b * math.sqrt(p2 * (1 - p2) + p1 * (1 - p1) / k)) ** 2
    n /= d**2
    return n / 4 * (1 + math.sqrt(1 + 2 * (k + 1) / (k * n * d))) ** 2


def settings_for(*metrics: Metric, **kw: Any) -> AnalysisSettings:
    return AnalysisSettings(**{"alpha": 0.008, "looks": 1, "min_samples": 1, "interval": 60.0,
                               "inconclusive_limit": 3, "metrics": list(metrics), **kw})


def plan_for(weight: int, *before: dict[str, Any]) -> list[Any]:
    release = Release.model_validate({"steps": [{"setWeight": weight}, *before, {"analysis": {}}],
                                      "analysis": {"metrics": [{"name": "error-rate"}]}})
    return build_plan(release)


@pytest.mark.parametrize(("p1", "tolerance", "weight", "rps"), [
    (0.01, 1.0, 5, 40), (0.02, 0.5, 10, 100), (0.005, 1.0, 25, 10), (0.05, 0.3, 50, 1000), (0.001, 2.0, 20, 5),
])
def test_rate_estimate_against_the_closed_form(p1: float, tolerance: float, weight: int, rps: float) -> None:
    metric = Metric(name="error-rate", kind="rate", tolerance=tolerance)
    (e,) = estimates(plan_for(weight, {"pause": "5m"}), settings_for(metric), {"error-rate": Traffic(rps, p1)})
    share = weight / 100
    closed = closed_form(p1, tolerance, share, 0.008, 0.8)
    assert e.samples is not None and 0.99 <= e.samples / closed <= 1.10  # refined by Fisher's exact power
    baseline = math.ceil(e.samples * (1 - share) / share)
    assert e.minutes == pytest.approx(max(e.samples / (rps * share), baseline / (rps * (1 - share))) / 60)
    assert e.planned == 5 + 3  # the pause, then inconclusiveLimit intervals of 1 min
    assert e.effect == f"a {1 + tolerance:.3g}x error-rate" and e.unit == "requests"


def test_worked_example_of_the_issue() -> None:
    """1 % errors, a 2x canary at 5 % of 40 rps, alpha 0.008, one look: 1,615 canary
    requests, 2 a second: about 13.5 minutes, more than a 5-minute window."""
    metric = Metric(name="error-rate", kind="rate", tolerance=1.0)
    plan = plan_for(5, {"pause": "2m"})
    settings = settings_for(metric)
    (e,) = estimates(plan, settings, {"error-rate": Traffic(per_second=40, rate=0.01)})
    assert e.samples == 1615 and e.minutes == pytest.approx(1615 / 2 / 60) and e.planned == 5 and e.short
    (text,) = warnings([e], len(plan), settings)
    assert text == ("at 5 % of 40 rps step 4/6 needs ~13 min to detect a 2x error-rate; it is planned for 5 min "
                    "(release.analysis.extendUntil lets the analysis wait for it)")
    (e,) = estimates(plan, settings, {"error-rate": Traffic(per_second=40, rate=0.01)}, rps=400)
    assert not e.short and e.per_second == 400  # --rps overrides what was measured


@pytest.mark.parametrize("judge", ["statistical", "threshold"])
def test_a_rolling_analysis_is_sized_as_before_against_after(judge: str) -> None:
    """A rolling release judges the new version (all the traffic since the update)
    against the previous one (as long a window before it): each side gets the full rate."""
    release = Release.model_validate({"strategy": "rolling", "analysis": {"metrics": [{"name": "error-rate"}]}})
    plan = build_plan(release)
    metric = Metric(name="error-rate", kind="rate", tolerance=1.0)
    (e,) = estimates(plan, settings_for(metric, judge=judge, min_samples=200), {"error-rate": Traffic(40, 0.01)})
    assert e.weight == 100 and e.samples is not None and e.minutes is not None
    assert e.minutes == pytest.approx(e.samples / 40 / 60, rel=0.01)


@pytest.mark.parametrize(("metric", "text"), [
    (Metric(name="error-rate"), "a 1.5x error-rate"),
    (Metric(name="orders", direction="decrease", tolerance=0.3), "orders down 23%"),
    (Metric(name="latency", kind="distribution", tolerance=0.2), "latency +20%"),
    (Metric(name="hits", direction="either", tolerance=1.0), "a 2x hits or hits down 50%"),
])
def test_effect_texts(metric: Metric, text: str) -> None:
    assert effect_text(metric) == text


def test_unknown_figures_say_why() -> None:
    metric = Metric(name="error-rate", kind="rate")
    settings = settings_for(metric, min_samples=100)
    (e,) = estimates(plan_for(10), settings, {"error-rate": Traffic(problem="prometheus could not measure it")})
    assert e.samples is None and e.minutes is None and e.note == "prometheus could not measure it"
    (e,) = estimates(plan_for(10), settings, {"error-rate": Traffic(rate=0.01)})
    assert e.samples is not None and e.minutes is None and "give --rps" in e.note
    threshold = settings_for(metric, min_samples=300, judge="threshold")
    (e,) = estimates(plan_for(10), threshold, {}, rps=10)
    assert e.samples == 300 and e.minutes == pytest.approx(300 / 1 / 60) and "threshold judge" in e.note


def test_planned_window_counts_pauses_since_the_weight_and_the_extension() -> None:
    plan = build_plan(Release.model_validate({"steps": [
        {"setWeight": 10}, {"pause": "5m"}, {"analysis": {}}, {"pause": "2m"}, {"analysis": {}},
        {"setWeight": 20}, {"pause": {}}, {"analysis": {}}], "analysis": {"metrics": [{"name": "e"}]}}))
    analyses = [s.index for s in plan if s.action == "analysis"]
    settings = settings_for(Metric(name="e"))
    assert [planned_window(plan, i, settings) for i in analyses] == [(480.0, False), (600.0, False), (180.0, True)]
    extended = settings_for(Metric(name="e"), extend_until=30 * 60 + 1)
    assert planned_window(plan, analyses[0], extended)[0] == 300 + (31 + 3) * 60


@pytest.mark.parametrize("extend", [None, "3m"])
def test_planned_window_is_what_the_engine_measures(spec_with, load_prod, harness, extend) -> None:
    """An analysis that never decides: the window of its last look is the planned window."""
    extra = {"extendUntil": extend} if extend else {}
    spec = spec_with({"steps": [{"setWeight": 20}, {"pause": "2m"}, {"analysis": {}}]}, interval="1m",
                     inconclusiveLimit=2, minSamples=10**9, providerSettings={"rps": 50, "seed": 1}, **extra)
    stack = load_prod(spec)
    h = harness(stack)
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and "inconclusive" in (rec.reason or "")
    last = rec.verdicts[-1].metrics[0]
    plan = build_plan(stack.spec.release)
    settings = AnalysisSettings.of(stack.spec.release.analysis)
    index = next(s.index for s in plan if s.action == "analysis")
    assert last["window_end"] - last["window_start"] == pytest.approx(planned_window(plan, index, settings)[0])
    assert len(rec.verdicts) == (3 if extend else 0) + 2 + 1


def test_extend_until_lets_a_slow_canary_decide(spec_with, load_prod, harness) -> None:
    """The same slow traffic aborts as inconclusive without the extension, and passes
    within it (the synthetic provider, a virtual clock)."""
    common = {"interval": "1m", "inconclusiveLimit": 1, "minSamples": 2000,
              "providerSettings": {"rps": 20, "seed": 5, "baselineErrorRate": 0.02}}
    short = harness(load_prod(spec_with({"steps": [{"setWeight": 20}, {"analysis": {}}]}, name="a.yaml", **common)))
    short.start()
    rec = short.run()
    assert rec.status == Status.ABORTED and "2 inconclusive measurement(s), limit 1" in (rec.reason or "")
    spec = spec_with({"steps": [{"setWeight": 20}, {"analysis": {}}]}, name="b.yaml", extendUntil="20m", **common)
    long = harness(load_prod(spec))
    long.start()
    rec = long.run()
    assert rec.status in (Status.SUCCEEDED, Status.COMPLETED)
    verdicts = [str(v.verdict) for v in rec.verdicts]
    assert verdicts[-1] == "pass" and verdicts[:-1] == ["inconclusive"] * (len(verdicts) - 1) and len(verdicts) > 2


# --- the CLI ---------------------------------------------------------------------------

def test_release_plan_text(cli) -> None:
    result = cli("release", "plan", "--stack", "prod", "--rps", "40", "--baseline-rate", "error-rate=0.01")
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert ("step 5/13 error-rate: to detect a 1.5x error-rate needs 6,151 canary requests (~25.6 min at 10 % of "
            "40 rps); planned 8.0 min [too short]") in out
    assert "step 11/13 error-rate: to detect a 1.5x error-rate needs 11,396 canary requests" in out
    assert "latency-ms: to detect latency-ms +10% needs an unknown number of canary values" in out
    assert "the prometheus provider cannot be built" in out


def test_release_plan_json_measures_with_the_provider(cli, spec_with) -> None:
    spec = spec_with({"steps": [{"setWeight": 10}, {"pause": "5m"}, {"analysis": {}}]},
                     providerSettings={"rps": 40, "seed": 2, "baselineErrorRate": 0.01})
    result = cli("release", "plan", "--stack", "prod", "--spec", str(spec), "-o", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    traffic = doc["traffic"]["error-rate"]
    assert traffic["per_second"] == pytest.approx(40, rel=0.02) and traffic["rate"] == pytest.approx(0.01, rel=0.1)
    assert traffic["source"].startswith("measured by synthetic on blue over the last 60 min")
    (e,) = doc["estimates"]
    assert e["step"] == 3 and e["weight"] == 10 and e["samples"] > 1000
    assert e["planned"] == pytest.approx(5 + 3 / 60)  # the pause and three intervals of 1 s
    assert e["minutes"] == pytest.approx(e["samples"] / (traffic["per_second"] * 0.1) / 60, rel=0.01)


@pytest.mark.parametrize(("args", "message"), [
    (["--rps", "-3"], "--rps: -3.0 must be a number above 0"),
    (["--rps", "nan"], "--rps: nan must be a number above 0"),
    (["--baseline-rate", "error-rate"], "is not NAME=RATE"),
    (["--baseline-rate", "nope=0.1"], "is not NAME=RATE with NAME one of error-rate"),
    (["--baseline-rate", "error-rate=2"], "'2' is not a rate between 0 and 1"),
    (["--power", "1.5"], "--power: 1.5 must be a number above 0 and below 1"),
    (["--lookback", "soon"], "--lookback: 'soon' is not a duration"),
])
def test_release_plan_bad_input(cli, args: list[str], message: str) -> None:
    result = cli("release", "plan", "--stack", "prod", *args)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_dry_run_prints_the_same_per_step(cli, tmp_path) -> None:
    result = cli("release", "start", "-s", "prod", "-i", "repo/app:v2", "--dry-run", "--ledger", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "step 5/13 error-rate: to detect a 1.5x error-rate needs" in out and "planned 8.0 min" in out
    doc = json.loads(cli("release", "start", "-s", "prod", "-i", "repo/app:v2", "--dry-run", "-o", "json",
                         "--rps", "40", "--ledger", str(tmp_path)).stdout)
    assert {e["step"] for e in doc["durations"]} == {4, 7, 10} and all(e["per_second"] == 40 for e in doc["durations"])


def test_start_warns_when_a_window_cannot_reach_it(cli, spec_with, tmp_path) -> None:
    spec = spec_with({"steps": [{"setWeight": 5}, {"pause": "1s"}, {"analysis": {}}]},
                     providerSettings={"rps": 40, "seed": 2, "baselineErrorRate": 0.01}, interval="1s",
                     judge="threshold", inconclusiveLimit=3, minSamples=200)
    result = cli("release", "start", "--stack", "prod", "--image", "ghcr.io/acme/checkout:2.0.0", "--spec", str(spec),
                 "--applier", "offline", "--ledger", str(tmp_path / "ledger"), "--report-dir", str(tmp_path / "r"))
    text = " ".join(result.stderr.split())
    assert re.search(r"warning: at 5 % of (39\.\d|40(\.\d)?) rps step 4/6 needs ~\d+ min to detect a 1\.5x "
                     r"error-rate; it is planned for 4 s \(release\.analysis\.extendUntil lets the analysis wait "
                     r"for it\)", text), text
