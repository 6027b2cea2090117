"""The statistical judge on rates and distributions, in the default direction (increase)."""

from __future__ import annotations

import numpy as np
import pytest

from tricolor.rollout.judges import Counts, MetricWindow, get_judge


def test_rates(rate):
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
    assert judge.judge_metric(rate(Counts(10_000, 0), Counts(500, 0))).verdict == "pass"
    # Significantly above the absolute max fails even if the baseline is as bad.
    both_bad = judge.judge_metric(rate(Counts(50_000, 5_000), Counts(5_000, 500), max=0.05))
    assert both_bad.verdict == "fail" and "above max" in both_bad.reason
    # Under the max with confidence: pass.
    under = judge.judge_metric(rate(Counts(50_000, 100), Counts(2_000, 2), max=0.01))
    assert under.verdict == "pass" and under.numbers["canary_upper"] <= 0.01


def test_an_undecided_rate_says_how_many_requests_would_decide(rate):
    """Issue #14: "not enough data", with a figure for how much would be enough."""
    verdict = get_judge("statistical", min_samples=100).judge_metric(
        rate(Counts(19_000, 190), Counts(1_000, 14), tolerance=1.0))
    assert verdict.verdict == "inconclusive"
    needed = verdict.numbers["canary_samples_needed"]
    assert needed > 1_000
    assert f"about {needed} canary requests are needed to decide (to detect a rate x2" in verdict.reason


def test_fisher_is_sound_at_small_counts(rate):
    """Under A/A with tiny counts, the exact test fails at most alpha of the time."""
    judge = get_judge("statistical", min_samples=20, alpha=0.05)
    rng = np.random.default_rng(5)
    fails = sum(judge.judge_metric(rate(Counts(200, rng.binomial(200, 0.02)),
                                        Counts(25, rng.binomial(25, 0.02)))).verdict == "fail"
                for _ in range(400))
    assert fails / 400 <= 0.05


def test_latency_with_tolerance(latency, lat):
    judge = get_judge("statistical", min_samples=100, alpha=0.003)
    assert judge.judge_metric(latency(lat.base, lat.same, tolerance=0.1)).verdict == "pass"
    slow = judge.judge_metric(latency(lat.base, lat.slow, tolerance=0.1))
    assert slow.verdict == "fail" and slow.numbers["mean_shift"] > 0.4 and "Mann-Whitney" in slow.reason
    # +5 % is significant with this much data, but inside a 10 % tolerance: not a failure.
    slightly = [x * 1.05 for x in lat.base]
    assert judge.judge_metric(latency(lat.base, slightly, tolerance=0.1)).verdict == "pass"
    assert judge.judge_metric(latency(lat.base, slightly, tolerance=0.0)).verdict == "fail"


def test_zero_inflated_shift_fails_though_both_medians_are_zero(latency):
    """Kayenta's "High (large input)" kind: most values 0 on both sides, the canary's
    non-zero values three times as frequent. Before the fix: INCONCLUSIVE (the median
    did not move), with a one-sided p near 1e-9."""
    rng = np.random.default_rng(3)
    base = (rng.random(400) < 0.1) * rng.uniform(1, 4, 400)
    can = (rng.random(400) < 0.3) * rng.uniform(1, 4, 400)
    assert np.median(base) == np.median(can) == 0
    verdict = get_judge("statistical", min_samples=100).judge_metric(latency(base.tolist(), can.tolist()))
    assert verdict.verdict == "fail" and verdict.numbers["p_worse"] < 1e-6 and verdict.numbers["mean_shift"] > 1


def test_a_mean_driven_by_a_few_spikes_is_not_a_pass(latency):
    """Most canary values as the baseline's, 8 % of them 50x: the ranks barely move, the
    mean is +400 %. Passing on ranks alone would wave it through."""
    rng = np.random.default_rng(4)
    base = rng.lognormal(0, 0.1, 300)
    can = rng.lognormal(0, 0.1, 300)
    can[:24] *= 50
    verdict = get_judge("statistical", min_samples=100).judge_metric(latency(base.tolist(), can.tolist()))
    assert verdict.verdict != "pass" and verdict.numbers["mean_shift"] > 3


def test_two_constant_samples_at_the_same_value_pass(latency):
    """The analogue of "no errors anywhere" for values: nothing moved."""
    verdict = get_judge("statistical", min_samples=100).judge_metric(latency([0.0] * 300, [0.0] * 120))
    assert verdict.verdict == "pass" and "constant" in verdict.reason


def test_is_strict_early_in_a_sequence(rate):
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


@pytest.mark.parametrize("side", ["higher", "lower"])
def test_fishers_normal_approximation_at_large_counts_agrees_with_the_exact_test(side):
    """Beyond a million events the exact sum takes seconds (minutes at 1e11): the
    approximation used there agrees with it."""
    from scipy import stats

    from tricolor.rollout.judges.rates import fisher_p

    ce = 105_400 if side == "higher" else 94_600
    for cn, bn, be in ((10_000_000, 190_000_000, 1_900_000), (1_000_000, 19_000_000, 1_900_000)):
        ce_ = ce * cn // 10_000_000
        exact = stats.fisher_exact([[ce_, cn - ce_], [be, bn - be]],
                                   alternative="greater" if side == "higher" else "less").pvalue
        assert fisher_p(ce_, cn, be, bn, side) == pytest.approx(exact, rel=0.02, abs=1e-12)


def test_huge_counts_are_judged_in_bounded_time(rate):
    """Counts of 1e15 (the input bound) took minutes in Fisher's exact sum."""
    import time

    started = time.perf_counter()
    verdict = get_judge("statistical").judge_metric(
        rate(Counts(10**15, 10**14), Counts(5 * 10**13, 5 * 10**12 + 10**8), direction="either", max=0.5, min=0.01))
    assert verdict.verdict == "fail" and time.perf_counter() - started < 30  # seconds: a bound, not a benchmark
