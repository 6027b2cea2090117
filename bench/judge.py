"""Benchmark of the judges on seeded simulations of canary traffic.

Requests arrive as a Poisson process split by the canary weight, fail as Bernoulli
trials, and take lognormal times. For each canary weight (5, 25, 50 %), request rate
(10, 100, 1000 per second), scenario (A/A, error rate x2 and x5, p99 latency +20 % and
+50 %, canary traffic collapsing) and judge, ``--runs`` releases are simulated: the
analysis looks once a minute at everything since the canary weight was set, for at
most 10 minutes, and counts measurements like the engine does (``rollout.analysis``).

Printed per row: how often the canary was failed (detection; false aborts on A/A),
passed, or still undecided at 10 minutes; the median minutes to a decision; and, for
the statistical judge, the smallest canary sample it ever passed with (never below
its minimum sample size).

    python bench/judge.py [--runs 200] [--goal-runs 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tricolor.rollout.analysis import decide, tally  # noqa: E402
from tricolor.rollout.judge import Counts, MetricWindow, combine, get_judge  # noqa: E402
from tricolor.rollout.providers.synthetic import Traffic, errors, latencies, requests  # noqa: E402
from tricolor.rollout.record import Counters  # noqa: E402
from tricolor.rollout.settings import AnalysisSettings  # noqa: E402

MINUTES = 10
MIN_SAMPLES = 200
ALPHA = 0.008  # over the 10 looks (O'Brien-Fleming boundary)
BASE_ERRORS = 0.01
SETTINGS = AnalysisSettings(failure_limit=0, inconclusive_limit=MINUTES, consecutive_error_limit=3,
                            consecutive_success_limit=1)
LATENCY_CAP_PER_MINUTE = 200  # a provider returns a sample of latencies, not every request
SCENARIOS: dict[str, dict[str, float]] = {
    "A/A": {},
    "errors x2": {"canary_error_rate": 2 * BASE_ERRORS},
    "errors x5": {"canary_error_rate": 5 * BASE_ERRORS},
    "p99 +20%": {"canary_latency_factor": 1.2},
    "p99 +50%": {"canary_latency_factor": 1.5},
    "collapse": {"canary_traffic_factor": 0.01},
}
# The threshold judge knows only fixed limits: 1.5x the usual error rate, 1.1x the usual p99.
USUAL_P99 = 100.0 * float(np.exp(2.326 * 0.5))


@dataclass
class Outcome:
    decision: str  # fail, pass, undecided
    minute: int
    canary_size_at_pass: float | None = None


def simulate(rng: np.random.Generator, judge_name: str, traffic: Traffic, weight: int) -> Outcome:
    judge = get_judge(judge_name, MIN_SAMPLES, ALPHA, looks=MINUTES)
    bn = be = cn = ce = 0
    base_lat: list[np.ndarray] = []
    can_lat: list[np.ndarray] = []
    counters = Counters()
    capped = Traffic(**{**traffic.__dict__, "max_values": LATENCY_CAP_PER_MINUTE})
    for minute in range(1, MINUTES + 1):
        nb, nc = requests(rng, traffic, weight, 60.0)
        bn, cn = bn + nb, cn + nc
        be += errors(rng, nb, traffic.baseline_error_rate)
        ce += errors(rng, nc, traffic.canary_error_rate)
        base_lat.append(latencies(rng, capped, nb, False))
        can_lat.append(latencies(rng, capped, nc, True))
        if judge_name == "statistical":
            windows = [MetricWindow("error-rate", "rate", Counts(bn, be), Counts(cn, ce), expected_share=weight / 100),
                       MetricWindow("latency", "distribution", np.concatenate(base_lat).tolist() or None,
                                    np.concatenate(can_lat).tolist() or None, tolerance=0.1)]
        else:
            windows = [MetricWindow("error-rate", "rate", None, Counts(cn, ce), max=1.5 * BASE_ERRORS),
                       MetricWindow("latency", "distribution", None, np.concatenate(can_lat).tolist() or None,
                                    max=1.1 * USUAL_P99)]
        verdict = combine([judge.judge_metric(w, minute) for w in windows], judge_name).verdict
        counters = tally(counters, verdict, float(minute))
        outcome, _ = decide(counters, SETTINGS)
        if outcome == "abort":
            return Outcome("fail", minute)
        if outcome == "pass":
            return Outcome("pass", minute, float(cn))
    return Outcome("undecided", MINUTES)


def run_cell(judge: str, scenario: str, weight: int, rps: float, runs: int, seed: int) -> dict[str, object]:
    traffic = Traffic(rps=rps, baseline_error_rate=BASE_ERRORS, canary_error_rate=BASE_ERRORS,
                      latency_median=100.0, latency_sigma=0.5)
    traffic = Traffic(**{**traffic.__dict__, **SCENARIOS[scenario]})
    key = f"{judge}:{scenario}:{weight}:{rps}"
    rng = np.random.default_rng([seed, abs(hash(key)) % (2**32)])
    outcomes = [simulate(rng, judge, traffic, weight) for _ in range(runs)]
    decided = [o.minute for o in outcomes if o.decision != "undecided"]
    passes = [o.canary_size_at_pass for o in outcomes if o.canary_size_at_pass is not None]
    share = {d: sum(o.decision == d for o in outcomes) / runs for d in ("fail", "pass", "undecided")}
    return {"judge": judge, "scenario": scenario, "weight": weight, "rps": rps, "runs": runs, **share,
            "median_minutes": statistics.median(decided) if decided else None,
            "min_pass_n": min(passes) if passes else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--goal-runs", type=int, default=1000, help="runs of the cells the goal is about")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"judges: statistical (alpha {ALPHA} over {MINUTES} looks, min {MIN_SAMPLES} samples, rate tolerance "
          f"50 %, latency tolerance 10 %) and threshold (errors <= {1.5 * BASE_ERRORS:.3f}, "
          f"p99 <= {1.1 * USUAL_P99:.0f} ms);")
    print(f"baseline: {BASE_ERRORS:.0%} errors, lognormal latency median 100 ms sigma 0.5; a look a minute, "
          f"{MINUTES} minutes at most; failure limit 0.\n")
    header = (f"{'judge':<12}{'scenario':<11}{'weight':>7}{'rps':>6}{'runs':>6}{'fail':>8}{'pass':>8}"
              f"{'undecided':>10}{'median min':>11}{'min n at pass':>14}")
    print(header)
    print("-" * len(header))
    goal: dict[str, float] = {}
    for judge in ("statistical", "threshold"):
        for scenario in SCENARIOS:
            for weight in (5, 25, 50):
                for rps in (10.0, 100.0, 1000.0):
                    is_goal = judge == "statistical" and weight == 5 and rps == 100.0 and scenario in (
                        "A/A", "errors x2")
                    row = run_cell(judge, scenario, weight, rps, args.goal_runs if is_goal else args.runs, args.seed)
                    if is_goal:
                        goal[scenario] = float(row["fail"])  # type: ignore[arg-type]
                    median = "-" if row["median_minutes"] is None else f"{row['median_minutes']:g}"
                    min_n = "-" if row["min_pass_n"] is None else f"{row['min_pass_n']:.0f}"
                    print(f"{judge:<12}{scenario:<11}{weight:>6}%{rps:>6.0f}{row['runs']:>6}{row['fail']:>8.1%}"
                          f"{row['pass']:>8.1%}{row['undecided']:>10.1%}{median:>11}{min_n:>14}", flush=True)
    print(f"\ngoal (statistical, 5 % weight, 100 rps): detects errors 1 % -> 2 % in {goal['errors x2']:.1%} of runs "
          f"within {MINUTES} min (want >= 95 %); false aborts on A/A {goal['A/A']:.1%} (want <= 1 %)")
    print(f"elapsed {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
