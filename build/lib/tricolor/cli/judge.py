"""``tricolor judge --input FILE``: judge recorded windows offline, print the verdict as JSON.

Exit codes: 0 pass, 2 fail, 3 inconclusive, 1 bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..rollout.errors import JudgeInputError
from ..rollout.judge import EXIT_CODES, JUDGES, Counts, MetricWindow, Sample, get_judge, judge_all
from .common import guarded, print_json


def parse_windows(data: Any, where: str) -> tuple[str, int, float, list[MetricWindow]]:
    """The judge name, settings and metric windows of a ``tricolor judge`` input document."""
    if not isinstance(data, dict):
        raise JudgeInputError(f"{where}: the input must be a JSON object with 'judge' and 'metrics'")
    unknown = sorted(set(data) - {"judge", "metrics", "minSamples", "alpha"})
    if unknown:
        raise JudgeInputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    judge = data.get("judge", "statistical")
    if judge not in JUDGES:
        raise JudgeInputError(f"{where}: judge: {judge!r} is not one of {', '.join(JUDGES)}")
    min_samples = data.get("minSamples", 100)
    if isinstance(min_samples, bool) or not isinstance(min_samples, int) or min_samples < 1:
        raise JudgeInputError(f"{where}: minSamples: {min_samples!r} is not a positive integer")
    alpha = data.get("alpha", 0.008)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 0.5:
        raise JudgeInputError(f"{where}: alpha: {alpha!r} must be a number between 0 and 0.5")
    metrics = data.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        raise JudgeInputError(f"{where}: metrics: a non-empty list is required")
    windows = [_window(m, f"{where}: metrics[{i}]") for i, m in enumerate(metrics)]
    return judge, min_samples, float(alpha), windows


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise JudgeInputError(f"{where}: {value!r} is not a number")
    return float(value)


def _required(value: Any, where: str) -> float:
    number = _number(value, where)
    if number is None:
        raise JudgeInputError(f"{where}: a number is required")
    return number


def _window(m: Any, where: str) -> MetricWindow:
    if not isinstance(m, dict):
        raise JudgeInputError(f"{where}: must be an object")
    allowed = {"name", "kind", "baseline", "canary", "min", "max", "tolerance", "quantile"}
    unknown = sorted(set(m) - allowed)
    if unknown:
        raise JudgeInputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    name, kind = m.get("name"), m.get("kind", "rate")
    if not isinstance(name, str) or not name:
        raise JudgeInputError(f"{where}.name: a non-empty string is required")
    if kind not in ("rate", "distribution"):
        raise JudgeInputError(f"{where}.kind: {kind!r} is not rate or distribution")
    samples: dict[str, Sample] = {}
    for role in ("baseline", "canary"):
        value = m.get(role)
        at = f"{where}.{role}"
        if value is None:
            samples[role] = None  # missing data: judged INCONCLUSIVE
        elif kind == "rate":
            if not isinstance(value, dict) or set(value) != {"total", "events"}:
                raise JudgeInputError(f"{at}: a rate sample is {{\"total\": N, \"events\": N}}")
            samples[role] = Counts(total=_required(value["total"], f"{at}.total"),
                                   events=_required(value["events"], f"{at}.events"))
        else:
            if not isinstance(value, list):
                raise JudgeInputError(f"{at}: a distribution sample is a list of numbers")
            samples[role] = [float("nan") if v is None else _required(v, f"{at}[{i}]") for i, v in enumerate(value)]
    tolerance = _number(m.get("tolerance"), f"{where}.tolerance")
    if tolerance is not None and tolerance < 0:
        raise JudgeInputError(f"{where}.tolerance: {tolerance:g} is negative")
    quantile = _number(m.get("quantile", 0.99), f"{where}.quantile")
    if quantile is None or not 0 < quantile < 1:
        raise JudgeInputError(f"{where}.quantile: must be between 0 and 1")
    return MetricWindow(name=name, kind=kind, baseline=samples["baseline"], canary=samples["canary"],
                        min=_number(m.get("min"), f"{where}.min"), max=_number(m.get("max"), f"{where}.max"),
                        tolerance=tolerance, quantile=quantile)


@guarded
def judge(
    input: Annotated[Path, typer.Option("--input", "-i", help="Recorded windows (JSON), '-' for stdin.")],
) -> None:
    """Judge recorded baseline and canary windows; print the verdict as JSON."""
    where = "stdin" if str(input) == "-" else str(input)
    try:
        text = typer.get_text_stream("stdin").read() if where == "stdin" else input.read_text()
    except OSError as exc:
        raise JudgeInputError(f"{where}: cannot read: {exc.strerror}") from None
    try:
        data = json.loads(text)  # NaN is accepted as data, and judged INCONCLUSIVE
    except json.JSONDecodeError as exc:
        raise JudgeInputError(f"{where}: not JSON: {exc}") from None
    name, min_samples, alpha, windows = parse_windows(data, where)
    judgement = judge_all(get_judge(name, min_samples, alpha), windows)
    print_json(judgement.as_dict())
    raise typer.Exit(EXIT_CODES[judgement.verdict])
