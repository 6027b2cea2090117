"""The threshold judge: fixed limits on the canary alone, the worse side's limit required."""

from __future__ import annotations

import pytest

from tricolor.rollout.judges import Counts, get_judge


def test_limits_on_rates_and_quantiles(rate, latency, lat):
    judge = get_judge("threshold", min_samples=100)
    ok = judge.judge_metric(rate(None, Counts(1000, 4), max=0.01))
    assert ok.verdict == "pass" and ok.numbers["canary_value"] == 0.004
    bad = judge.judge_metric(rate(None, Counts(1000, 40), max=0.01))
    assert bad.verdict == "fail" and "above max" in bad.reason
    low = judge.judge_metric(rate(None, Counts(1000, 0), min=0.001, direction="decrease"))
    assert low.verdict == "fail" and "below min" in low.reason
    p99 = judge.judge_metric(latency(None, lat.slow, max=200))
    assert p99.verdict == "fail" and p99.numbers["statistic"] == "p99"


@pytest.mark.parametrize("direction, limits, missing", [
    ("increase", {}, "max"), ("increase", {"min": 0.001}, "max"), ("decrease", {"max": 0.5}, "min"),
    ("either", {"max": 0.5}, "min"), ("either", {"min": 0.001}, "max"),
])
def test_no_limit_on_the_worse_side_is_inconclusive(rate, direction, limits, missing):
    """A judge with only a max cannot see orders drop: before ``direction`` it passed them."""
    verdict = get_judge("threshold", 10).judge_metric(rate(None, Counts(1000, 1), direction=direction, **limits))
    assert verdict.verdict == "inconclusive" and f"no {missing}" in verdict.reason


def test_a_distribution_is_judged_by_both_tails(latency):
    """``max`` against the upper quantile, ``min`` against the lower one (p1 for quantile 0.99)."""
    judge = get_judge("threshold", 10)
    orders_per_minute = [50.0] * 97 + [2.0] * 3  # three minutes with almost no orders
    dropped = judge.judge_metric(latency(None, orders_per_minute, min=10, direction="decrease"))
    assert dropped.verdict == "fail" and "p1 2 below min 10" in dropped.reason
    steady = judge.judge_metric(latency(None, [50.0] * 100, min=10, max=80, direction="either"))
    assert steady.verdict == "pass" and steady.numbers["lower_statistic"] == "p1"
