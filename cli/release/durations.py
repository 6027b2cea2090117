"""``tricolor release plan``: the release's steps and, per analysis step, how long it
needs to detect each metric's stated effect next to how long the schedule gives it;
the same figures for ``start --dry-run`` and the warning ``start`` prints when a step's
window is too short (``rollout.duration`` computes them).

The request rate is ``--rps`` or, without it, the stable color's measured by the
release's metrics provider over ``--lookback`` (1h); a rate metric's baseline rate comes
from the same measurement unless ``--baseline-rate NAME=RATE`` gives it. Exit 0 (1 on
bad input); a figure nobody can tell is shown as unknown, with why.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ...rollout.duration import Estimate, Traffic, estimates, measure_traffic
from ...rollout.errors import InvalidRequestError
from ...rollout.judges.power import DEFAULT_POWER
from ...rollout.plan import PlanStep, StepAction, build_plan
from ...rollout.providers.base import MetricsProvider, ProviderContext
from ...rollout.providers.registry import get_provider
from ...rollout.settings import AnalysisSettings
from ...spec.durations import parse_duration
from ...spec.stack import Stack
from ...spec.weights import Color, Weights, other
from ..common import console, guarded, print_json
from .app import app
from .options import LedgerOpt, Output, OutputOpt, SpecOpt, StackOpt, StacksDirOpt
from .wiring import Options, load_stack, open_ledger

__all__ = ["RpsOpt", "estimate_lines", "plan_command", "stable_color", "provider_for", "traffic_of"]

LOOKBACK = 3600.0
RpsOpt = Annotated[float | None, typer.Option(
    "--rps", metavar="RPS", help="Requests per second the service gets (default: measured by the metrics "
    "provider on the stable color).")]


def _positive(value: float | None, option: str, high: float = math.inf) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 < value < high):
        raise InvalidRequestError(f"{option}: {value!r} must be a number above 0" + (
            f" and below {high:g}" if math.isfinite(high) else ""))
    return value


def _rates(items: Sequence[str], metrics: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or name not in metrics:
            raise InvalidRequestError(f"--baseline-rate: {item[:80]!r} is not NAME=RATE with NAME one of "
                                      f"{', '.join(metrics) or '(no metrics)'}")
        try:
            rate = float(value)
        except ValueError:
            rate = math.nan
        if not (math.isfinite(rate) and 0 < rate < 1):
            raise InvalidRequestError(f"--baseline-rate {name}: {value[:40]!r} is not a rate between 0 and 1")
        out[name] = rate
    return out


def stable_color(stack: Stack, options: Options) -> Color:
    """The color with the traffic now: the ledger's state in force, else the stack config's."""
    try:
        record = open_ledger(options).read(stack.name)
    except Exception:  # an unreadable ledger only makes the guess the config's
        record = None
    weights: Weights = record.in_force.weights if record is not None else stack.weights
    return weights.active


def traffic_of(provider: MetricsProvider | None, settings: AnalysisSettings, stable: Color,
               problem: str = "", lookback: float = LOOKBACK) -> dict[str, Traffic]:
    """The stable color's traffic per metric, measured over ``lookback`` (never raises)."""
    if provider is None:
        return {m.name: Traffic(problem=problem) for m in settings.metrics}
    return measure_traffic(provider, settings.metrics, stable, other(stable), time.time(), lookback)


def estimate_lines(found: Sequence[Estimate], plan: Sequence[PlanStep]) -> list[str]:
    """One line per analysis step and metric, for the dry run."""
    lines = []
    for e in found:
        needed = f"an unknown number of canary {e.unit}" if e.samples is None else f"{e.samples:,} canary {e.unit}"
        if e.minutes is not None and e.per_second is not None:
            needed += f" (~{e.minutes:.1f} min at {e.weight} % of {e.per_second:.3g} rps)"
        planned = f"{'at least ' if e.manual else ''}{e.planned:.1f} min" if e.planned is not None else "unknown"
        lines.append(f"step {e.step + 1}/{len(plan)} {e.metric}: to detect {e.effect} needs {needed}; "
                     f"planned {planned}" + (" [too short]" if e.short else "") + (f" ({e.note})" if e.note else ""))
    return lines


def provider_for(settings: AnalysisSettings) -> tuple[MetricsProvider | None, str]:
    try:
        return get_provider(settings.provider, ProviderContext(settings=settings.provider_settings)), ""
    except Exception as exc:  # no URL, no credentials: the figures it would give stay unknown
        return None, f"the {settings.provider} provider cannot be built: {str(exc)[:200]}"


def _show(stack: Stack, plan: list[PlanStep], found: list[Estimate], traffic: dict[str, Traffic]) -> None:
    steps = Table("#", "action", "weight", "description", title=f"release plan of {escape(stack.name)}",
                  title_justify="left")
    for step in plan:
        steps.add_row(str(step.index + 1), str(step.action), str(step.weight), escape(step.description))
    console.print(steps)
    if not found:
        console.print("no analysis step: nothing to size")
        return
    console.print("how long each analysis step needs to detect each metric's stated effect:")
    for line in estimate_lines(found, plan):
        console.print(f"  {escape(line)}", soft_wrap=True)
    for name, seen in traffic.items():
        if seen.source:
            console.print(f"  [dim]{escape(name)}: the baseline {escape(seen.source)}[/]", soft_wrap=True)


@app.command("plan")
@guarded
def plan_command(
    stack: StackOpt, rps: RpsOpt = None,
    baseline_rate: Annotated[list[str] | None, typer.Option(
        "--baseline-rate", metavar="NAME=RATE", help="A rate metric's baseline rate, e.g. error-rate=0.01 "
        "(default: measured by the provider).")] = None,
    power: Annotated[float, typer.Option("--power", metavar="P", help="The chance to detect the stated "
                                         "effect.")] = DEFAULT_POWER,
    lookback: Annotated[str, typer.Option("--lookback", metavar="DURATION", help="How far back the provider "
                                          "measures the stable color.")] = "1h",
    spec: SpecOpt = None, stacks_dir: StacksDirOpt = None, ledger: LedgerOpt = None, output: OutputOpt = Output.text,
) -> None:
    """The steps of STACK's release and, per analysis step, how long it needs to detect each
    metric's stated effect (tolerance) at the analysis' alpha and --power, next to how long the
    schedule gives it."""
    _positive(rps, "--rps")
    _positive(power, "--power", 1)
    try:
        window = parse_duration(lookback).total_seconds()
    except ValueError as exc:
        raise InvalidRequestError(f"--lookback: {exc}") from None
    _positive(window, "--lookback")
    target = load_stack(stack, spec, stacks_dir)
    release = target.spec.release
    settings = AnalysisSettings.of(release.analysis)
    rates = _rates(baseline_rate or [], [m.name for m in settings.metrics if m.kind == "rate"])
    plan = build_plan(release)
    traffic: dict[str, Traffic] = {}
    if any(step.action == StepAction.ANALYSIS for step in plan):
        stable = stable_color(target, Options(stack=stack, spec=spec, stacks_dir=stacks_dir, ledger=ledger))
        provider, problem = provider_for(settings)
        traffic = traffic_of(provider, settings, stable, problem, window)
        for name, rate in rates.items():
            seen = traffic.get(name, Traffic())
            traffic[name] = Traffic(per_second=seen.per_second, rate=rate, source=f"rate {rate:g} from --baseline-rate")
    found = estimates(plan, settings, traffic, rps, power)
    if output == Output.json:
        print_json({"stack": stack, "rps": rps, "power": power, "alpha": settings.alpha, "looks": settings.looks,
                    "steps": [{"index": s.index, "action": str(s.action), "weight": s.weight,
                               "description": s.description} for s in plan],
                    "traffic": {k: {"per_second": v.per_second, "rate": v.rate, "sigma": v.sigma,
                                    "source": v.source, "problem": v.problem} for k, v in traffic.items()},
                    "estimates": [e.as_dict() for e in found]})
        return
    _show(target, plan, found, traffic)
