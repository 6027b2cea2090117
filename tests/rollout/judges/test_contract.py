"""One suite over every judge: no PASS without data, without enough data, or with a
limit that cannot be compared; the registry refuses unknown names."""

from __future__ import annotations

import math

import pytest

from tricolor.errors import UnknownNameError
from tricolor.rollout import judge as engine_path
from tricolor.rollout.judges import (
    JUDGES,
    Counts,
    JudgeSettings,
    MetricVerdict,
    MetricWindow,
    combine,
    get_judge,
    judge_all,
    make_judge,
)

NAMES = sorted(JUDGES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("case", ["missing", "no-canary", "nan", "events>total", "empty", "nan-values", "none",
                                  "negative-values", "infinite-values", "negative-counts"])
def test_missing_empty_nan_or_impossible_data_is_never_pass(name, case, rate, latency, lat):
    window = {
        "missing": rate(None, None, max=0.05),
        "no-canary": rate(Counts(1000, 5), None, max=0.05),
        "nan": rate(Counts(1000, 5), Counts(float("nan"), 1), max=0.05),
        "events>total": rate(Counts(1000, 5), Counts(500, 600), max=0.05),
        "empty": latency(lat.base, [], max=500),
        "nan-values": latency(lat.base, [1.0, float("nan")] * 200, max=500),
        "none": latency(None, None, max=500),
        "negative-values": latency(lat.base, [-5.0] + lat.same, max=500),
        "infinite-values": latency(lat.base, [float("inf")] + lat.same, max=500),
        "negative-counts": rate(Counts(1000, 5), Counts(-500, 0), max=0.05),
    }[case]
    verdict = get_judge(name, min_samples=10).judge_metric(window)
    assert verdict.verdict == "inconclusive"
    assert any(word in verdict.reason for word in ("no ", "NaN", "empty", "inconsistent", "negative"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("limits", [{"max": math.nan}, {"max": math.inf}, {"min": -math.inf, "max": 0.5},
                                    {"max": 0.05, "tolerance": math.nan}, {"max": 0.05, "quantile": math.nan},
                                    {"min": 0.2, "max": 0.1}, {"max": 0.05, "tolerance": -0.5}])
def test_a_limit_that_cannot_be_compared_never_passes(name, limits, rate, latency, lat):
    """A NaN max compares false with everything: before the fix it passed a canary with 90 % errors."""
    bad_rate = rate(Counts(10_000, 10), Counts(1_000, 900), **limits)
    slow = latency(lat.base, [x * 50 for x in lat.same], **limits)
    judge = get_judge(name, min_samples=10)
    for window in (bad_rate, slow):
        verdict = judge.judge_metric(window)
        assert verdict.verdict == "inconclusive" and "cannot judge" in verdict.reason, verdict


@pytest.mark.parametrize("name", NAMES)
def test_below_minimum_sample_size_is_inconclusive(name, rate, latency, lat):
    judge = get_judge(name, min_samples=200)
    verdict = judge.judge_metric(rate(Counts(50_000, 10), Counts(150, 0), max=0.05))
    assert verdict.verdict == "inconclusive" and "minimum 200" in verdict.reason
    assert judge.judge_metric(latency(lat.base, lat.same[:150], max=500)).verdict == "inconclusive"


@pytest.mark.parametrize("name", NAMES)
def test_a_rate_limit_outside_zero_one_is_not_used(name, rate):
    verdict = get_judge(name, min_samples=10).judge_metric(rate(Counts(1000, 5), Counts(1000, 990), max=5))
    assert verdict.verdict == "inconclusive" and "not a rate between 0 and 1" in verdict.reason


def test_combined_verdict_and_json_numbers(rate, latency, lat):
    judge = get_judge("statistical", min_samples=100)
    result = judge_all(judge, [rate(Counts(57_000, 570), Counts(3_000, 28)), latency(lat.base, lat.slow)])
    doc = result.as_dict()
    assert doc["verdict"] == "fail" and [m["verdict"] for m in doc["metrics"]] == ["pass", "fail"]
    assert judge_all(judge, []).verdict == "inconclusive"
    nan_numbers = get_judge("threshold", 1).judge_metric(rate(None, Counts(0, 0), max=1)).as_dict()
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in nan_numbers.values())
    inconclusive = MetricVerdict("a", "inconclusive", "x")
    assert combine([MetricVerdict("b", "pass", "ok"), inconclusive], "t").verdict == "inconclusive"


def test_the_registry_refuses_unknown_names_and_lists_the_known():
    with pytest.raises(UnknownNameError, match="unknown judge 'magic'; known: statistical, threshold"):
        get_judge("magic")
    with pytest.raises(UnknownNameError):
        make_judge("Statistical", JudgeSettings())


def test_settings_are_typed_and_validated():
    judge = make_judge("statistical", JudgeSettings(min_samples=5, alpha=0.01, looks=3))
    assert judge.settings == JudgeSettings(5, 0.01, 3)
    for bad in ({"min_samples": 0}, {"alpha": 0.7}, {"looks": 0}, {"min_samples": True}, {"alpha": math.nan}):
        with pytest.raises(ValueError):
            JudgeSettings(**bad)


def test_the_engine_import_path_is_the_same_objects():
    """``rollout.judge`` (what the engine and providers import) re-exports ``rollout.judges``."""
    assert engine_path.MetricWindow is MetricWindow and engine_path.get_judge is get_judge
    assert engine_path.combine is combine and engine_path.Counts is Counts
    judge = engine_path.get_judge("statistical", 100, 0.008, 10)  # the engine's call shape
    assert judge.settings.looks == 10
