"""How long a canary must run: the power calculation against closed forms and against
simulation of the judge itself; the traffic-share check."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tricolor.rollout.judges import (
    Counts,
    check_share,
    get_judge,
    log_spread,
    minutes_needed,
    needed_total,
    plan_distribution,
    plan_rate,
    required_samples,
    required_values,
)
from tricolor.rollout.judges.fisher_power import fisher_power
from tricolor.rollout.judges.power import _rate_samples


def test_the_closed_form_matches_the_textbook_and_the_exact_power_stays_close():
    """Fleiss, Levin & Paik (2003), table A.4: 5 % against 10 %, two-sided 5 % (one-sided
    2.5 %), power 80 %, equal groups, continuity-corrected: 474 per group. The exact power
    of Fisher's test reaches 80 % a little earlier."""
    assert math.ceil(_rate_samples(0.05, 0.10, 1, 0.025, 0.8)) == 474
    exact = required_samples(0.05, 1.0, share=0.5, alpha=0.025, power=0.8)
    assert exact == pytest.approx(474, rel=0.03) and fisher_power(exact, exact, 0.05, 0.10, 0.025) >= 0.8
    assert required_samples(0.05, 1.0, share=0.5, alpha=0.025, power=0.8, exact=False) == 474


def test_the_exact_power_is_what_the_closed_form_misses_at_small_counts():
    """A 5 % canary at 1 % errors expects about 30 errors: the closed form's size gives
    Fisher's test 76 % power, the exact search's 80 %."""
    closed = required_samples(0.01, 1.0, share=0.05, exact=False)
    exact = required_samples(0.01, 1.0, share=0.05)
    assert fisher_power(closed, closed * 19, 0.01, 0.02, 0.008) == pytest.approx(0.76, abs=0.01)
    assert fisher_power(exact, exact * 19, 0.01, 0.02, 0.008) == pytest.approx(0.80, abs=0.005)
    assert exact > closed


@pytest.mark.parametrize("p1, tol", [(0.01, 1.0), (0.05, 0.5), (0.2, 0.25), (0.02, 0.5)])
def test_agrees_with_the_arcsine_closed_form(p1, tol):
    """Equal groups, no continuity correction: n = 2 ((z_a + z_b) / h)^2 with Cohen's h."""
    p2 = p1 * (1 + tol)
    h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
    z = stats.norm.isf(0.01) + stats.norm.ppf(0.9)
    assert _rate_samples(p1, p2, 1, 0.01, 0.9, corrected=False) == pytest.approx(2 * (z / h) ** 2, rel=0.04)


def test_a_tiny_canary_share_tends_to_the_one_sample_test():
    """With the baseline far larger than the canary, its rate is known: the one-sample formula."""
    p1, p2, level, power = 0.01, 0.02, 0.008, 0.8
    z_a, z_b = stats.norm.isf(level), stats.norm.ppf(power)
    one_sample = (z_a * math.sqrt(p1 * (1 - p1)) + z_b * math.sqrt(p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2
    assert _rate_samples(p1, p2, 1e6, level, power, corrected=False) == pytest.approx(one_sample, rel=0.01)


def test_the_judge_detects_the_stated_effect_at_the_computed_size_with_the_stated_power():
    """1 % errors, 5 % canary weight, alpha 0.008: the judge itself (Fisher's exact test)
    fails a 2x canary in about 80 % of simulated windows of the planned size."""
    plan = plan_rate(0.01, 1.0, share=0.05, alpha=0.008, power=0.8)
    judge = get_judge("statistical", min_samples=100, alpha=0.008)
    rng = np.random.default_rng(11)
    runs = 800
    fails = sum(judge.judge_metric(_rate(Counts(plan.baseline_samples, rng.binomial(plan.baseline_samples, 0.01)),
                                         Counts(plan.canary_samples, rng.binomial(plan.canary_samples, 0.02))))
                .verdict == "fail" for _ in range(runs))
    assert fails / runs == pytest.approx(0.8, abs=0.04)
    # ... and in far fewer at half the size.
    half = plan.canary_samples // 2
    fails_half = sum(judge.judge_metric(_rate(Counts(half * 19, rng.binomial(half * 19, 0.01)),
                                              Counts(half, rng.binomial(half, 0.02)))).verdict == "fail"
                     for _ in range(200))
    assert fails_half / 200 < 0.6


def test_the_distribution_approximation_against_simulation():
    """Noether's approximation: the Mann-Whitney test the judge runs detects a 25 % shift
    of log-normal latencies (sigma 0.5) at the computed size with about the stated power."""
    n = required_values(0.25, sigma=0.5, canary_fraction=0.5, alpha=0.008, power=0.8)
    rng = np.random.default_rng(12)
    hits = sum(stats.mannwhitneyu(rng.lognormal(np.log(125), 0.5, n), rng.lognormal(np.log(100), 0.5, n),
                                  alternative="greater").pvalue < 0.008 for _ in range(600))
    assert hits / 600 == pytest.approx(0.8, abs=0.05)
    assert log_spread(rng.lognormal(0, 0.5, 5000).tolist()) == pytest.approx(0.5, rel=0.05)


def test_directions_looks_and_minutes():
    up = required_samples(0.03, 0.3, share=0.1)
    down = required_samples(0.03, 0.3, share=0.1, direction="decrease")
    either = required_samples(0.03, 0.3, share=0.1, direction="either")
    assert either > max(up, down) and down > up  # a drop to 1/1.3 is smaller than a rise to 1.3x
    assert required_samples(0.03, 0.3, share=0.1, looks=10) > up  # the last look's boundary is below alpha
    plan = plan_rate(0.01, 1.0, share=0.05, rps=40)
    assert plan.minutes == pytest.approx(plan.canary_samples / 2 / 60)  # 5 % of 40 rps = 2 requests a second
    assert minutes_needed(1200, rps=40, share=0.05) == 10
    capped = plan_distribution(0.1, 0.5, share=0.05, rps=1000, values_per_minute=200)
    assert capped.minutes == pytest.approx(capped.canary_samples / 200)


@pytest.mark.parametrize("args", [
    {"baseline_rate": 0.0, "tolerance": 1.0, "share": 0.05},  # no relative effect of nothing
    {"baseline_rate": 0.6, "tolerance": 1.0, "share": 0.05},  # 2x is above 1
    {"baseline_rate": 0.01, "tolerance": 1.0, "share": 0.0},
    {"baseline_rate": 0.01, "tolerance": math.nan, "share": 0.05},
    {"baseline_rate": 0.01, "tolerance": 1.0, "share": 0.05, "alpha": 0.9},
])
def test_arguments_it_cannot_plan_with_are_refused(args):
    with pytest.raises(ValueError):
        required_samples(**args)


@pytest.mark.parametrize("baseline, canary, weight, status", [
    (9_000, 1_000, 10, "ok"),
    (9_250, 750, 10, "ok"),  # 7.5 %: 2.5 points off
    (5_000, 5_000, 10, "mismatch"),  # envoyproxy/gateway#4602: 99:1 delivered as about 50:50
    (9_900, 100, 50, "mismatch"),
    (95, 5, 10, "not-enough-data"),
    (1_000, 0, 10, "not-enough-data"),
    (10_000, 0, 10, "mismatch"),  # collapsed: judged on the expected counts, not the observed
    (10_000, 0, 0, "ok"),
])
def test_the_delivered_traffic_share(baseline, canary, weight, status):
    check = check_share(baseline, canary, weight)
    assert check.status == status, check
    assert check.as_dict()["needed_total"] == needed_total(weight / 100)
    assert str(weight) in check.describe()


def test_the_share_check_waits_until_noise_is_below_the_tolerance():
    """At 50 % the binomial noise is largest: 3,008 requests keep it within 3 points 99.9 % of the time."""
    assert needed_total(0.5) == 3008
    rng = np.random.default_rng(13)
    n = needed_total(0.1)
    false_mismatches = sum(check_share(n - c, c, 10).mismatch for c in rng.binomial(n, 0.1, 2000))
    assert false_mismatches <= 6  # 0.1 % of 2,000 is 2
    with pytest.raises(ValueError):
        check_share(100, 10, 150)


def _rate(baseline: Counts, canary: Counts):
    from tricolor.rollout.judges import MetricWindow

    return MetricWindow("error-rate", "rate", baseline, canary)
