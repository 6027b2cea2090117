"""``tricolor judge --input FILE``: judge recorded windows offline, print the verdict as JSON.

Exit codes (the table in ``tricolor.errors``): 0 pass, 2 fail, 3 inconclusive, 1 bad
input. Hostile input is a one-line error naming the field, never a traceback: the file
is read as bytes (at most 64 MiB) and must be UTF-8 JSON; numbers are bounded (counts
and values at most 1e15, at most a million values per sample); counts are whole and not
negative; distribution values are not negative; limits are finite. NaN *data* (a
``NaN`` literal in a sample, as Prometheus gives for 0/0) is accepted and judged
INCONCLUSIVE; a NaN or infinite *limit* is refused, because it would pass anything.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from ..rollout.errors import JudgeInputError
from ..rollout.judges import (
    DIRECTIONS,
    EXIT_CODES,
    JUDGES,
    MAX_MAGNITUDE,
    Counts,
    Direction,
    JudgeSettings,
    MetricWindow,
    Sample,
    judge_all,
    make_judge,
)
from .common import guarded, print_json

MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_VALUES = 1_000_000
MAX_METRICS = 1_000
TOP_KEYS = {"judge", "metrics", "minSamples", "alpha"}
METRIC_KEYS = {"name", "kind", "direction", "baseline", "canary", "min", "max", "tolerance", "quantile"}


def _show(value: Any) -> str:
    """``repr`` of a value for a message, cut so a huge value is never echoed whole."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in set(data) - allowed)
    if unknown:
        raise JudgeInputError(f"{where}: unknown key(s) {', '.join(_show(k) for k in unknown[:5])}; "
                              f"known: {', '.join(sorted(allowed))}")


def parse_windows(data: Any, where: str) -> tuple[str, JudgeSettings, list[MetricWindow]]:
    """The judge name, its settings and the metric windows of a ``tricolor judge`` input document."""
    if not isinstance(data, dict):
        raise JudgeInputError(f"{where}: the input must be a JSON object with 'judge' and 'metrics'")
    _keys(data, TOP_KEYS, where)
    judge = data.get("judge", "statistical")
    if not isinstance(judge, str) or judge not in JUDGES:
        raise JudgeInputError(f"{where}: judge: {_show(judge)} is not one of {', '.join(JUDGES)}")
    min_samples = data.get("minSamples", 100)
    if isinstance(min_samples, bool) or not isinstance(min_samples, int) or not 1 <= min_samples <= MAX_MAGNITUDE:
        raise JudgeInputError(f"{where}: minSamples: {_show(min_samples)} is not a positive integer")
    alpha = _limit(data.get("alpha", 0.008), f"{where}: alpha")
    if alpha is None or not 0 < alpha < 0.5:
        raise JudgeInputError(f"{where}: alpha: {_show(data.get('alpha'))} must be a number between 0 and 0.5")
    metrics = data.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        raise JudgeInputError(f"{where}: metrics: a non-empty list is required")
    if len(metrics) > MAX_METRICS:
        raise JudgeInputError(f"{where}: metrics: {len(metrics)} metrics, more than {MAX_METRICS}")
    windows = [_window(m, f"{where}: metrics[{i}]") for i, m in enumerate(metrics)]
    names = [w.name for w in windows]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise JudgeInputError(f"{where}: metrics: duplicate name(s) {', '.join(_show(n) for n in twice[:5])}")
    return judge, JudgeSettings(min_samples=min_samples, alpha=alpha), windows


def _number(value: Any, where: str) -> float:
    """A JSON number as a float: not a boolean, within +-1e15 (NaN and infinities pass through)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise JudgeInputError(f"{where}: {_show(value)} is not a number")
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        raise JudgeInputError(f"{where}: {_show(value)} is beyond {MAX_MAGNITUDE:g}")
    number = float(value)
    if math.isfinite(number) and abs(number) > MAX_MAGNITUDE:
        raise JudgeInputError(f"{where}: {_show(value)} is beyond {MAX_MAGNITUDE:g}")
    return number


def _limit(value: Any, where: str) -> float | None:
    """An optional limit: a finite number (a NaN limit passes anything; an infinite one is no limit)."""
    if value is None:
        return None
    number = _number(value, where)
    if not math.isfinite(number):
        raise JudgeInputError(f"{where}: {_show(value)} is not a finite number")
    return number


def _count(value: Any, where: str) -> float:
    """A request or event count: a whole number, not negative (NaN is missing data)."""
    number = _number(value, where)
    if math.isnan(number):
        return number
    if math.isinf(number) or number < 0 or not number.is_integer():
        raise JudgeInputError(f"{where}: {_show(value)} is not a count (a whole number, 0 or more)")
    return number


def _sample(kind: str, value: Any, where: str) -> Sample:
    if value is None:
        return None  # missing data: judged INCONCLUSIVE
    if kind == "rate":
        if not isinstance(value, dict) or set(value) != {"total", "events"}:
            raise JudgeInputError(f'{where}: a rate sample is {{"total": N, "events": N}}')
        total, events = _count(value["total"], f"{where}.total"), _count(value["events"], f"{where}.events")
        if events > total:
            raise JudgeInputError(f"{where}: events {events:g} are more than total {total:g}")
        return Counts(total=total, events=events)
    if not isinstance(value, list):
        raise JudgeInputError(f"{where}: a distribution sample is a list of numbers")
    if len(value) > MAX_VALUES:
        raise JudgeInputError(f"{where}: {len(value)} values, more than {MAX_VALUES}")
    values = [math.nan if v is None else _number(v, f"{where}[{i}]") for i, v in enumerate(value)]
    negative = next((i for i, v in enumerate(values) if v < 0), None)
    if negative is not None:
        raise JudgeInputError(f"{where}[{negative}]: {values[negative]:g} is negative "
                              "(values are latencies, sizes or counts)")
    return values


def _window(m: Any, where: str) -> MetricWindow:
    if not isinstance(m, dict):
        raise JudgeInputError(f"{where}: must be an object")
    _keys(m, METRIC_KEYS, where)
    name, kind, direction = m.get("name"), m.get("kind", "rate"), m.get("direction", "increase")
    if not isinstance(name, str) or not name or len(name) > 200:
        raise JudgeInputError(f"{where}.name: a non-empty string of at most 200 characters is required")
    if kind not in ("rate", "distribution"):
        raise JudgeInputError(f"{where}.kind: {_show(kind)} is not rate or distribution")
    if direction not in DIRECTIONS:
        raise JudgeInputError(f"{where}.direction: {_show(direction)} is not one of {', '.join(DIRECTIONS)}")
    baseline, canary = (_sample(kind, m.get(role), f"{where}.{role}") for role in ("baseline", "canary"))
    low, high = _limit(m.get("min"), f"{where}.min"), _limit(m.get("max"), f"{where}.max")
    for key, limit in (("min", low), ("max", high)):
        if kind == "rate" and limit is not None and not 0 <= limit <= 1:
            raise JudgeInputError(f"{where}.{key}: {limit:g} is not a rate between 0 and 1")
    if low is not None and high is not None and low > high:
        raise JudgeInputError(f"{where}: min {low:g} is above max {high:g}")
    tolerance = _limit(m.get("tolerance"), f"{where}.tolerance")
    if tolerance is not None and tolerance < 0:
        raise JudgeInputError(f"{where}.tolerance: {tolerance:g} is negative")
    quantile = _limit(m.get("quantile", 0.99), f"{where}.quantile")
    if quantile is None or not 0 < quantile < 1:
        raise JudgeInputError(f"{where}.quantile: must be between 0 and 1")
    chosen: Direction = direction
    return MetricWindow(name=name, kind=kind, baseline=baseline, canary=canary, min=low, max=high,
                        tolerance=tolerance, quantile=quantile, direction=chosen)


def read_input(input: Path) -> tuple[str, Any]:
    """Where the input came from and its parsed JSON; every failure a ``JudgeInputError``."""
    where = "stdin" if str(input) == "-" else str(input)
    try:
        if where == "stdin":
            raw = typer.get_binary_stream("stdin").read(MAX_INPUT_BYTES + 1)
        else:
            with input.open("rb") as handle:
                raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise JudgeInputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise JudgeInputError(f"{where}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JudgeInputError(f"{where}: not UTF-8 (byte {exc.start})") from None
    try:
        return where, json.loads(text)  # NaN is accepted as data, and judged INCONCLUSIVE
    except RecursionError:
        raise JudgeInputError(f"{where}: not JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and integers of more than 4300 digits
        raise JudgeInputError(f"{where}: not JSON: {_show(str(exc))}") from None


@guarded
def judge(
    input: Annotated[Path, typer.Option("--input", "-i", metavar="FILE",
                                        help="Recorded windows (JSON), '-' for stdin.")],
) -> None:
    """Judge recorded baseline and canary windows; print the verdict as JSON.

    Exit codes: 0 pass, 2 fail, 3 inconclusive, 1 bad input.
    """
    where, data = read_input(input)
    name, settings, windows = parse_windows(data, where)
    judgement = judge_all(make_judge(name, settings), windows)
    print_json(judgement.as_dict())
    raise typer.Exit(EXIT_CODES[judgement.verdict])
