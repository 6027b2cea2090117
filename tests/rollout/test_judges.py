"""Both judges over the same windows: verdicts, numbers, and no PASS without data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tricolor.rollout import Counts, MetricWindow, get_judge, judge_all
from tricolor.rollout.errors import UnknownNameError

JUDGES = ["threshold", "statistical"]


def rate(baseline: Counts | None, canary: Counts | None, **kw: float) -> MetricWindow:
    return MetricWindow(name="error-rate", kind="rate", baseline=baseline, canary=canary, **kw)


def latency(baseline: list[float] | None, canary: list[float] | None, **kw: float) -> MetricWindow:
    return MetricWindow(name="latency", kind="distribution", baseline=baseline, canary=canary, **kw)


rng = np.random.default_rng(1)
BASE_LAT = rng.lognormal(np.log(100), 0.4, 4000).tolist()
SAME_LAT = rng.lognormal(np.log(100), 0.4, 800).tolist()
SLOW_LAT = rng.lognormal(np.log(150), 0.4, 800).tolist()


@pytest.mark.parametrize("name", JUDGES)
@pytest.mark.parametrize("window", [
    rate(None, None, max=0.05),
    rate(Counts(1000, 5), None, max=0.05),
    rate(Counts(1000, 5), Counts(float("nan"), 1), max=0.05),
    rate(Counts(1000, 5), Counts(500, 600), max=0.05),
    latency(BASE_LAT, [], max=500),
    latency(BASE_LAT, [1.0, float("nan")] * 200, max=500),
    latency(None, None, max=500),
], ids=["missing", "no-canary", "nan", "events>total", "empty", "nan-values", "none"])
def test_missing_empty_or_nan_is_never_pass(name, window):
    verdict = get_judge(name, min_samples=10).judge_metric(window)
    assert verdict.verdict == "inconclusive"
    assert any(word in verdict.reason for word in ("no ", "NaN", "empty", "inconsistent"))


@pytest.mark.parametrize("name", JUDGES)
def test_below_minimum_sample_size_is_inconclusive(name):
    judge = get_judge(name, min_samples=200)
    verdict = judge.judge_metric(rate(Counts(50_000, 10), Counts(150, 0), max=0.05))
    assert verdict.verdict == "inconclusive" and "minimum 200" in verdict.reason
    assert judge.judge_metric(latency(BASE_LAT, SAME_LAT[:150], max=500)).verdict == "inconclusive"


def test_threshold_judge():
    judge = get_judge("threshold", min_samples=100)
    ok = judge.judge_metric(rate(None, Counts(1000, 4), max=0.01))
    assert ok.verdict == "pass" and ok.numbers["canary_value"] == 0.004
    bad = judge.judge_metric(rate(None, Counts(1000, 40), max=0.01))
    assert bad.verdict == "fail" and "above max" in bad.reason
    low = judge.judge_metric(rate(None, Counts(1000, 0), min=0.001))
    assert low.verdict == "fail" and "below min" in low.reason
    p99 = judge.judge_metric(latency(None, SLOW_LAT, max=200))
    assert p99.verdict == "fail" and p99.numbers["statistic"] == "p99"
    assert judge.judge_metric(rate(None, Counts(1000, 4))).verdict == "inconclusive"  # no limits


def test_statistical_rates():
    judge = get_judge("statistical", min_samples=100, alpha=0.003)
    same = judge.judge_metric(rate(Counts(57_000, 570), Counts(3_000, 28)))
    assert same.verdict == "pass" and same.numbers["p_not_worse"] < 0.05
    worse = judge.judge_metric(rate(Counts(57_000, 570), Counts(3_000, 60)))
    assert worse.verdict == "fail" and worse.numbers["p_worse"] < 0.003 and worse.numbers["ratio"] == pytest.approx(2)
    assert "Fisher" in worse.reason
    # Small counts: 2 errors in 120 requests against 0.5 % is not evidence of anything.
    small = judge.judge_metric(rate(Counts(20_000, 100), Counts(120, 2)))
    assert small.verdict == "inconclusive"
    # No errors anywhere, enough traffic: pass.
    clean = judge.judge_metric(rate(Counts(10_000, 0), Counts(500, 0)))
    assert clean.verdict == "pass"
    # Significantly above the absolute max fails even if the baseline is as bad.
    both_bad = judge.judge_metric(rate(Counts(50_000, 5_000), Counts(5_000, 500), max=0.05))
    assert both_bad.verdict == "fail" and "above max" in both_bad.reason
    # Under the max with confidence: pass.
    under = judge.judge_metric(rate(Counts(50_000, 100), Counts(2_000, 2), max=0.01))
    assert under.verdict == "pass" and under.numbers["canary_upper"] <= 0.01


def test_statistical_fisher_is_sound_at_small_counts():
    """Under A/A with tiny counts, the exact test fails at most alpha of the time."""
    judge = get_judge("statistical", min_samples=20, alpha=0.05)
    rng = np.random.default_rng(5)
    fails = sum(judge.judge_metric(rate(Counts(200, rng.binomial(200, 0.02)),
                                        Counts(25, rng.binomial(25, 0.02)))).verdict == "fail"
                for _ in range(400))
    assert fails / 400 <= 0.05


def test_statistical_latency_with_tolerance():
    judge = get_judge("statistical", min_samples=100, alpha=0.003)
    same = judge.judge_metric(latency(BASE_LAT, SAME_LAT, tolerance=0.1))
    assert same.verdict == "pass"
    slow = judge.judge_metric(latency(BASE_LAT, SLOW_LAT, tolerance=0.1))
    assert slow.verdict == "fail" and slow.numbers["median_shift"] > 0.4 and "Mann-Whitney" in slow.reason
    # +5 % is significant with this much data, but inside a 10 % tolerance: not a failure.
    slightly = [x * 1.05 for x in BASE_LAT]
    tolerated = judge.judge_metric(latency(BASE_LAT, slightly, tolerance=0.1))
    assert tolerated.verdict == "pass"
    strict = judge.judge_metric(latency(BASE_LAT, slightly, tolerance=0.0))
    assert strict.verdict == "fail"


def test_combined_verdict_and_json_numbers():
    judge = get_judge("statistical", min_samples=100)
    result = judge_all(judge, [rate(Counts(57_000, 570), Counts(3_000, 28)), latency(BASE_LAT, SLOW_LAT)])
    doc = result.as_dict()
    assert doc["verdict"] == "fail" and [m["verdict"] for m in doc["metrics"]] == ["pass", "fail"]
    assert judge_all(judge, []).verdict == "inconclusive"
    nan_numbers = get_judge("threshold", 1).judge_metric(rate(None, Counts(0, 0), max=1)).as_dict()
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in nan_numbers.values())


def test_unknown_judge():
    with pytest.raises(UnknownNameError, match="unknown judge 'magic'; known: statistical, threshold"):
        get_judge("magic")


def test_obrien_fleming_boundary():
    from tricolor.rollout.sequential import nominal_alpha, obf_constant

    # Jennison & Turnbull, table 2.3: C_B(K, two-sided 5 %) = 2.040 for K = 5, 2.087 for K = 10.
    assert obf_constant(0.025, 5) == pytest.approx(2.040, abs=0.01)
    assert obf_constant(0.025, 10) == pytest.approx(2.087, abs=0.01)
    levels = [nominal_alpha(0.01, k, 10) for k in range(1, 13)]
    assert levels == sorted(levels) and levels[-1] == levels[9] < 0.01 and levels[0] < 1e-10
    assert nominal_alpha(0.01, 1, 1) == 0.01


def test_statistical_judge_is_strict_early_in_a_sequence():
    judge = get_judge("statistical", min_samples=100, alpha=0.01, looks=10)
    window = rate(Counts(20_000, 200), Counts(1_000, 20))  # x2, p about 0.003
    assert judge.judge_metric(window, look=1).verdict != "fail"
    assert judge.judge_metric(window, look=10).verdict == "fail"


def test_collapsed_canary_traffic_fails():
    judge = get_judge("statistical", min_samples=100)
    collapsed = judge.judge_metric(MetricWindow("error-rate", "rate", Counts(9_500, 95), Counts(20, 0),
                                                expected_share=0.05))
    assert collapsed.verdict == "fail" and "traffic collapsed" in collapsed.reason
    normal = judge.judge_metric(MetricWindow("error-rate", "rate", Counts(9_500, 95), Counts(480, 4),
                                             expected_share=0.05))
    assert normal.verdict != "fail" and normal.numbers["canary_share"] == pytest.approx(480 / 9_980)
