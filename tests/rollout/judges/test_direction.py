"""``direction``: what counts as worse. A drop in orders is invisible to a judge that only
looks up (issue #14: all 7 of Kayenta's "Low" cases were judged pass)."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from tricolor.rollout.judges import DIRECTIONS, Counts, get_judge
from tricolor.spec.release import Metric

BASE_ORDERS = Counts(50_000, 1_500)  # 3 % of sessions order
FEWER_ORDERS = Counts(5_000, 105)  # 2.1 %: 30 % fewer
MORE_ORDERS = Counts(5_000, 195)  # 3.9 %: 30 % more


def orders_per_minute(mean: float, minutes: int, seed: int) -> list[float]:
    return np.random.default_rng(seed).poisson(mean, minutes).astype(float).tolist()


@pytest.mark.parametrize("kind", ["rate", "distribution"])
def test_thirty_percent_fewer_orders_fails_with_decrease_and_passes_with_increase(kind, rate, latency):
    judge = get_judge("statistical", min_samples=100)
    if kind == "rate":
        def window(direction: str) -> object:
            return rate(BASE_ORDERS, FEWER_ORDERS, direction=direction)
    else:
        base, fewer = orders_per_minute(40, 300, 1), orders_per_minute(28, 150, 2)

        def window(direction: str) -> object:
            return latency(base, fewer, direction=direction)
    decrease = judge.judge_metric(window("decrease"))
    assert decrease.verdict == "fail" and "lower" in decrease.reason
    assert judge.judge_metric(window("increase")).verdict == "pass"
    assert judge.judge_metric(window("either")).verdict == "fail"


@pytest.mark.parametrize("kind", ["rate", "distribution"])
def test_either_catches_both_ways_and_passes_what_did_not_move(kind, rate, latency):
    judge = get_judge("statistical", min_samples=100)
    if kind == "rate":
        same = rate(BASE_ORDERS, Counts(5_000, 150), direction="either", tolerance=0.3)
        up, down = (rate(BASE_ORDERS, c, direction="either") for c in (MORE_ORDERS, FEWER_ORDERS))
    else:
        base = orders_per_minute(40, 600, 3)
        same = latency(base, orders_per_minute(40, 600, 4), direction="either")
        up, down = (latency(base, orders_per_minute(m, 200, 5), direction="either") for m in (52, 28))
    assert judge.judge_metric(up).verdict == "fail" and "higher" in judge.judge_metric(up).reason
    assert judge.judge_metric(down).verdict == "fail" and "lower" in judge.judge_metric(down).reason
    assert judge.judge_metric(same).verdict == "pass"


def test_either_splits_alpha_between_the_two_sides(rate):
    """A one-sided p between alpha/2 and alpha fails ``increase`` but not ``either``."""
    judge = get_judge("statistical", min_samples=100, alpha=0.01)
    one_sided = judge.judge_metric(rate(Counts(20_000, 200), Counts(1_000, 19)))  # x1.9, Fisher p = 0.0087
    assert 0.005 < one_sided.numbers["p_higher"] < 0.01 and one_sided.verdict == "fail"
    both = judge.judge_metric(rate(Counts(20_000, 200), Counts(1_000, 19), direction="either"))
    assert both.verdict != "fail" and both.numbers["alpha"] == pytest.approx(0.005)


def test_no_orders_on_either_side_cannot_show_a_drop(rate):
    judge = get_judge("statistical", min_samples=100)
    assert judge.judge_metric(rate(Counts(10_000, 0), Counts(500, 0))).verdict == "pass"
    nothing = judge.judge_metric(rate(Counts(10_000, 0), Counts(500, 0), direction="decrease"))
    assert nothing.verdict == "inconclusive" and "a drop cannot be seen" in nothing.reason


def test_a_min_limit_fails_a_canary_significantly_below_it(rate):
    judge = get_judge("statistical", min_samples=100)
    below = judge.judge_metric(rate(Counts(50_000, 1_500), Counts(5_000, 100), min=0.025, direction="decrease"))
    assert below.verdict == "fail"
    above = judge.judge_metric(rate(Counts(50_000, 1_500), Counts(5_000, 160), min=0.02, direction="decrease"))
    assert above.verdict == "pass" and above.numbers["canary_lower"] >= 0.02


def test_the_spec_speaks_the_same_directions():
    assert typing.get_args(Metric.model_fields["direction"].annotation) == DIRECTIONS
    assert Metric(name="orders", direction="decrease").direction == "decrease"
    assert Metric(name="errors").direction == "increase"
    with pytest.raises(ValueError, match="direction"):
        Metric(name="orders", direction="down")
