"""Benchmark: tricolor's statistical judge beside the anchors' judges, on identical
simulated canary windows.

Traffic: requests arrive as a Poisson process split by the canary weight (``--weight``,
5 %) at 10, 100 and 1,000 requests per second, in 10-second buckets; each request fails
(1 %), orders (3 %) and takes a log-normal time (median 100 ms, sigma 0.5; a provider's
sample of at most 40 values per bucket and color). Scenarios: A/A, errors x2 and x5,
latency +20 % and +50 % (every quantile), and a decreasing metric: orders -30 %.

Three judges see the same windows, each metric with the same stated tolerance
(errors 50 %, latency 10 %, orders 20 %, the last with ``direction: decrease``):

- ``statistical``: tricolor's judge (alpha 0.008 per metric over 10 looks, at least 200
  samples), a look a minute at everything since the weight was set; the release aborts
  on the first fail and goes on at the first pass (failure limit 0, one success).
- ``threshold``: an Argo Rollouts ``AnalysisTemplate`` / Flagger ``thresholdRange``:
  each minute, the last minute's value against a fixed limit (errors <= 1.5 %, p99 <=
  1.1x the usual p99, orders >= 2.4 %); a metric failing more than 3 times
  (``failureLimit: 3``) aborts; 10 measurements (``count: 10``) without that pass.
- ``kayenta``: a Kayenta-style Mann-Whitney classifier (``judge_rivals.py``, written
  from its published description) on the 10-second points since the start (error
  rate, p99, order rate per bucket), allowed increase/decrease ``1 + tolerance``,
  judged every minute; a score (share of metrics classified Pass) under 75 ends the
  canary, after 10 minutes it passes at 95 or more.

Printed per judge, scenario and request rate: how often the canary was failed
(detection; false aborts on A/A), passed, or still undecided at 10 minutes; the median
minutes to a decision; the minute by which 80 % of the runs had failed; and, for
tricolor, the planned duration from ``rollout.judges.power`` for the scenario's effect
at 80 % power: the minutes one analysis window needs ("plan: window", what
``release plan --rps`` prints) and the first of this design's ten one-minute looks
expected to decide ("plan: look", to compare with "80 % failed by").

Kayenta's method assumes a baseline cluster the size of the canary; here, as in a
blue-green release, the baseline is the stable color with the rest of the traffic. Its
10-second points then differ in shape at low traffic (a 5 % canary's buckets hold a few
requests, so its per-bucket order rate is mostly 0 while the baseline's is not), which
is where its false aborts on A/A at 10 rps come from.

    python bench/judge.py [--runs 100] [--goal-runs 400] [--weight 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from judge_rivals import TemplateCheck, kayenta_classify, kayenta_score  # noqa: E402

from tricolor.rollout.judges import (  # noqa: E402
    Counts,
    Direction,
    MetricWindow,
    combine,
    first_deciding_look,
    get_judge,
    plan_distribution,
    plan_rate,
    required_samples,
    required_values,
)

MINUTES, BUCKETS_PER_MINUTE, BUCKET_SECONDS = 10, 6, 10.0
MIN_SAMPLES, ALPHA = 200, 0.008
BASE_ERRORS, BASE_ORDERS, SIGMA, VALUES_PER_BUCKET = 0.01, 0.03, 0.5, 40
TOLERANCE = {"error-rate": 0.5, "latency": 0.1, "orders": 0.2}
DIRECTION = {"error-rate": "increase", "latency": "increase", "orders": "decrease"}
USUAL_P99 = 100.0 * float(np.exp(2.326 * SIGMA))
TEMPLATES = {"error-rate": TemplateCheck(max=1.5 * BASE_ERRORS), "latency": TemplateCheck(max=1.1 * USUAL_P99),
             "orders": TemplateCheck(min=0.8 * BASE_ORDERS)}
FAILURE_LIMIT, MARGINAL, PASSING = 3, 75.0, 95.0
SCENARIOS: dict[str, dict[str, float]] = {
    "A/A": {},
    "errors x2": {"errors": 2 * BASE_ERRORS},
    "errors x5": {"errors": 5 * BASE_ERRORS},
    "latency +20%": {"latency": 1.2},
    "latency +50%": {"latency": 1.5},
    "orders -30%": {"orders": 0.7 * BASE_ORDERS},
}
JUDGES = ("statistical", "threshold", "kayenta")


@dataclass
class Color:
    """One color's buckets: requests, errors, orders and sampled latencies."""

    requests: np.ndarray
    errors: np.ndarray
    orders: np.ndarray
    latencies: list[np.ndarray] = field(default_factory=list)

    def counts(self, upto: int, since: int = 0) -> tuple[int, int, int]:
        part = slice(since, upto)
        return int(self.requests[part].sum()), int(self.errors[part].sum()), int(self.orders[part].sum())

    def values(self, upto: int, since: int = 0) -> np.ndarray:
        return np.concatenate(self.latencies[since:upto]) if upto > since else np.empty(0)

    def points(self, upto: int) -> dict[str, list[float]]:
        """Kayenta's time series: one point per bucket (NaN where a bucket had no request)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            n = self.requests[:upto].astype(float)
            p99 = [float(np.quantile(v, 0.99)) if v.size else float("nan") for v in self.latencies[:upto]]
            return {"error-rate": (self.errors[:upto] / n).tolist(), "latency": p99,
                    "orders": (self.orders[:upto] / n).tolist()}


def simulate(rng: np.random.Generator, rps: float, weight: float, effect: dict[str, float]) -> tuple[Color, Color]:
    buckets = MINUTES * BUCKETS_PER_MINUTE
    colors = []
    for share, canary in ((1 - weight / 100, False), (weight / 100, True)):
        n = rng.poisson(rps * share * BUCKET_SECONDS, buckets)
        error_rate = effect.get("errors", BASE_ERRORS) if canary else BASE_ERRORS
        order_rate = effect.get("orders", BASE_ORDERS) if canary else BASE_ORDERS
        median = 100.0 * (effect.get("latency", 1.0) if canary else 1.0)
        lat = [rng.lognormal(np.log(median), SIGMA, min(int(k), VALUES_PER_BUCKET)) for k in n]
        colors.append(Color(n, rng.binomial(n, error_rate), rng.binomial(n, order_rate), lat))
    return colors[0], colors[1]


def statistical_verdicts(base: Color, can: Color, weight: float) -> list[str]:
    judge = get_judge("statistical", MIN_SAMPLES, ALPHA, looks=MINUTES)
    verdicts = []
    for minute in range(1, MINUTES + 1):
        upto = minute * BUCKETS_PER_MINUTE
        (bn, be, bo), (cn, ce, co) = base.counts(upto), can.counts(upto)
        windows = [
            MetricWindow("error-rate", "rate", Counts(bn, be), Counts(cn, ce), tolerance=TOLERANCE["error-rate"],
                         expected_share=weight / 100),
            MetricWindow("latency", "distribution", base.values(upto).tolist() or None,
                         can.values(upto).tolist() or None, tolerance=TOLERANCE["latency"]),
            MetricWindow("orders", "rate", Counts(bn, bo), Counts(cn, co), tolerance=TOLERANCE["orders"],
                         direction="decrease"),
        ]
        verdict = combine([judge.judge_metric(w, minute) for w in windows], judge.name).verdict
        verdicts.append(verdict)
        if verdict != "inconclusive":
            break
    return verdicts


def statistical(base: Color, can: Color, weight: float) -> tuple[str, int]:
    verdicts = statistical_verdicts(base, can, weight)
    last = verdicts[-1]
    return ("undecided", MINUTES) if last == "inconclusive" else (last, len(verdicts))


def threshold(base: Color, can: Color, weight: float) -> tuple[str, int]:
    failures = dict.fromkeys(TEMPLATES, 0)
    for minute in range(1, MINUTES + 1):
        since, upto = (minute - 1) * BUCKETS_PER_MINUTE, minute * BUCKETS_PER_MINUTE
        n, e, o = can.counts(upto, since)
        values = can.values(upto, since)
        last = {"error-rate": e / n if n else float("nan"), "orders": o / n if n else float("nan"),
                "latency": float(np.quantile(values, 0.99)) if values.size else float("nan")}
        for name, check in TEMPLATES.items():
            if check.ok(last[name]) is not True:  # a failed or empty measurement (Argo: error)
                failures[name] += 1
        if max(failures.values()) > FAILURE_LIMIT:
            return "fail", minute
    return "pass", MINUTES


def kayenta(base: Color, can: Color, weight: float) -> tuple[str, int]:
    for minute in range(1, MINUTES + 1):
        upto = minute * BUCKETS_PER_MINUTE
        control, experiment = base.points(upto), can.points(upto)
        classes = [kayenta_classify(control[m], experiment[m], DIRECTION[m], allowed_increase=1 + TOLERANCE[m],
                                    allowed_decrease=1 / (1 + TOLERANCE[m])) for m in TOLERANCE]
        score = kayenta_score(classes)
        if score < MARGINAL:
            return "fail", minute
    return ("pass" if score >= PASSING else "fail"), MINUTES


RUNNERS: dict[str, Callable[[Color, Color, float], tuple[str, int]]] = {
    "statistical": statistical, "threshold": threshold, "kayenta": kayenta}


def planned(scenario: str, rps: float, weight: float) -> tuple[float | None, int | None]:
    """What ``rollout.judges.power`` plans for the scenario's effect at 80 % power: the
    minutes a single analysis window needs (what ``release plan --rps`` prints), and the
    first of this design's ten one-minute looks expected to decide (``None``: none)."""
    share, effect = weight / 100, SCENARIOS[scenario]
    canary_rps = rps * share
    if "errors" in effect or "orders" in effect:
        direction: Direction = "increase" if "errors" in effect else "decrease"
        base_rate = BASE_ERRORS if "errors" in effect else BASE_ORDERS
        worse = effect.get("errors", effect.get("orders", 0.0))
        tolerance = worse / base_rate - 1 if direction == "increase" else base_rate / worse - 1
        window = plan_rate(base_rate, tolerance, share, rps=rps, alpha=ALPHA, looks=MINUTES,
                           min_samples=MIN_SAMPLES, direction=direction).minutes

        def needed(level: float) -> int:
            return max(required_samples(base_rate, tolerance, share, alpha=level,
                                        direction=direction), MIN_SAMPLES)

        def samples_at(look: int) -> float:
            return canary_rps * 60 * look
    elif "latency" in effect:
        per_minute = VALUES_PER_BUCKET * BUCKETS_PER_MINUTE
        window = plan_distribution(effect["latency"] - 1, SIGMA, share, rps=rps, alpha=ALPHA, looks=MINUTES,
                                   min_samples=MIN_SAMPLES, values_per_minute=per_minute).minutes

        canary_values, baseline_values = min(canary_rps * 60, per_minute), min(rps * 60 - canary_rps * 60, per_minute)
        fraction = canary_values / (canary_values + baseline_values)

        def needed(level: float) -> int:
            return max(required_values(effect["latency"] - 1, SIGMA, fraction, alpha=level), MIN_SAMPLES)

        def samples_at(look: int) -> float:
            return canary_values * look
    else:
        return None, None
    return window, first_deciding_look(needed, samples_at, ALPHA, MINUTES)


def run_cell(scenario: str, rps: float, weight: float, runs: int, seed: int) -> dict[str, dict[str, object]]:
    rng = np.random.default_rng([seed, int(rps), list(SCENARIOS).index(scenario)])
    outcomes: dict[str, list[tuple[str, int]]] = {name: [] for name in JUDGES}
    for _ in range(runs):
        base, can = simulate(rng, rps, weight, SCENARIOS[scenario])
        for name in JUDGES:
            outcomes[name].append(RUNNERS[name](base, can, weight))
    rows: dict[str, dict[str, object]] = {}
    for name, results in outcomes.items():
        share = {d: sum(r[0] == d for r in results) / runs for d in ("fail", "pass", "undecided")}
        decided = [m for d, m in results if d != "undecided"]
        fail_minutes = sorted(m for d, m in results if d == "fail")
        p80 = fail_minutes[int(np.ceil(0.8 * runs)) - 1] if len(fail_minutes) >= 0.8 * runs else None
        rows[name] = {**share, "median": statistics.median(decided) if decided else None, "p80": p80}
    return rows


def _fmt(value: object, spec: str = "g") -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--goal-runs", type=int, default=400, help="runs of the A/A and errors x2 cells at 100 rps")
    parser.add_argument("--weight", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"canary weight {args.weight:g} %; baseline 1 % errors, 3 % orders, latency median 100 ms sigma 0.5; "
          f"a look a minute, {MINUTES} minutes at most")
    print("statistical: alpha 0.008 per metric over 10 looks, min 200 samples; threshold: Argo/Flagger template, "
          "failureLimit 3; kayenta: Mann-Whitney classifier on 10 s points, marginal 75, pass 95\n")
    header = (f"{'judge':<12}{'scenario':<14}{'rps':>6}{'runs':>6}{'fail':>8}{'pass':>8}{'undecided':>10}"
              f"{'median min':>11}{'80% failed by':>14}{'plan: window':>13}{'plan: look':>11}")
    print(header)
    print("-" * len(header))
    goal: dict[str, float] = {}
    for scenario in SCENARIOS:
        for rps in (10.0, 100.0, 1000.0):
            is_goal = rps == 100.0 and scenario in ("A/A", "errors x2")
            runs = args.goal_runs if is_goal else args.runs
            rows = run_cell(scenario, rps, args.weight, runs, args.seed)
            window, look = planned(scenario, rps, args.weight)
            if is_goal:
                goal[scenario] = float(rows["statistical"]["fail"])  # type: ignore[arg-type]
            for name in JUDGES:
                row = rows[name]
                plan = ("", "")
                if name == "statistical" and window is not None:
                    plan = (f"{window:.1f}", _fmt(look) if look is not None else f">{MINUTES}")
                elif name == "statistical":
                    plan = ("-", "-")
                print(f"{name:<12}{scenario:<14}{rps:>6.0f}{runs:>6}{row['fail']:>8.1%}{row['pass']:>8.1%}"
                      f"{row['undecided']:>10.1%}{_fmt(row['median']):>11}{_fmt(row['p80']):>14}{plan[0]:>13}"
                      f"{plan[1]:>11}", flush=True)
    print(f"\ngoal (statistical, {args.weight:g} % weight, 100 rps): detects errors 1 % -> 2 % in "
          f"{goal['errors x2']:.1%} of runs within {MINUTES} min; false aborts on A/A {goal['A/A']:.1%} "
          "(three metrics, alpha 0.008 each)")
    print(f"elapsed {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
