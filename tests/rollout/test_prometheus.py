"""The Prometheus provider against a real Prometheus (Debian's package) whose TSDB is
filled beforehand with ``promtool tsdb create-blocks-from openmetrics``."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from tricolor.rollout.errors import ProviderError
from tricolor.rollout.judge import Counts, get_judge
from tricolor.rollout.providers.base import ProviderContext, Window
from tricolor.rollout.providers.registry import get_provider
from tricolor.spec.release import Metric

pytestmark = pytest.mark.servers

STEP = 15
START = (int(time.time()) // 3600 - 4) * 3600  # four hours ago, on the hour: older than the head block
MINUTES = 30
EVENTS = 'sum(increase(http_requests_total{color="{{color}}",code=~"5.."}[{{window}}]))'
TOTAL = 'sum(increase(http_requests_total{color="{{color}}"}[{{window}}]))'
LATENCY = 'http_request_duration_ms{color="{{color}}"}'


def openmetrics() -> str:
    """Blue takes 2000 requests per 15 s with 1 % errors; green 200 with 3 % errors and
    slower responses."""
    rng = np.random.default_rng(42)
    lines = ["# TYPE http_requests counter"]
    latency = ["# TYPE http_request_duration_ms gauge"]
    for color, per_step, error_rate, median in (("blue", 2000, 0.01, 100.0), ("green", 200, 0.03, 140.0)):
        ok = errors = 0
        ok_lines, err_lines = [], []
        lat_lines = []
        for i in range(MINUTES * 60 // STEP + 1):
            ts = START + i * STEP
            e = int(rng.binomial(per_step, error_rate))
            ok += per_step - e
            errors += e
            ok_lines.append(f'http_requests_total{{color="{color}",code="200"}} {ok} {ts}')
            err_lines.append(f'http_requests_total{{color="{color}",code="500"}} {errors} {ts}')
            value = rng.lognormal(np.log(median), 0.2)
            lat_lines.append(f'http_request_duration_ms{{color="{color}"}} {value:.3f} {ts}')
        lines += ok_lines + err_lines
        latency += lat_lines
    return "\n".join(lines + latency + ["# EOF", ""])


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    free_port, require_binary, stop, wait_until = tools.free_port, tools.require_binary, tools.stop, tools.wait_until
    promtool, server = require_binary("promtool"), require_binary("prometheus")
    work = tmp_path_factory.mktemp("prometheus")
    source = work / "data.om"
    source.write_text(openmetrics())
    tsdb = work / "tsdb"
    subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", str(source), str(tsdb)],
                   check=True, capture_output=True, timeout=60)
    config = work / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1m\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(work / "prometheus.log", "wb") as log:
        process = subprocess.Popen([server, f"--config.file={config}", f"--storage.tsdb.path={tsdb}",
                                    f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=30d"],
                                   stdout=log, stderr=log)
        try:
            wait_until(lambda: httpx.get(f"{url}/-/ready", timeout=1).status_code == 200, timeout=30,
                       what="prometheus ready")
            yield url
        finally:
            stop(process)


def window() -> Window:
    return Window(start=START + 60, end=START + MINUTES * 60, canary="green", baseline="blue",
                  canary_version="v2", baseline_version="v1", canary_weight=10)


def test_rates_from_prometheus_fail_the_worse_canary(prometheus: str):
    provider = get_provider("prometheus", ProviderContext({"url": prometheus, "step": 15}))
    metric = Metric(name="error-rate", kind="rate", query=EVENTS, totalQuery=TOTAL)
    m = provider.measure(metric, window())
    assert isinstance(m.baseline, Counts) and isinstance(m.canary, Counts)
    assert m.baseline.total == pytest.approx(2000 * 4 * (MINUTES - 1), rel=0.1)
    assert m.canary.events / m.canary.total == pytest.approx(0.03, abs=0.01)
    verdict = get_judge("statistical", 100).judge_metric(
        _window(metric, m.baseline, m.canary))
    assert verdict.verdict == "fail" and verdict.numbers["p_worse"] < 0.003


def test_latency_values_from_a_range_query(prometheus: str):
    provider = get_provider("prometheus", ProviderContext({"url": prometheus, "step": 15}))
    metric = Metric(name="latency-ms", kind="distribution", query=LATENCY, tolerance=0.1)
    m = provider.measure(metric, window())
    assert isinstance(m.canary, list) and len(m.canary) > 100
    verdict = get_judge("statistical", 50).judge_metric(_window(metric, m.baseline, m.canary))
    assert verdict.verdict == "fail" and verdict.numbers["median_shift"] > 0.2


def test_no_data_is_inconclusive_and_errors_raise(prometheus: str):
    provider = get_provider("prometheus", ProviderContext({"url": prometheus}))
    metric = Metric(name="error-rate", kind="rate", query=EVENTS, totalQuery=TOTAL)
    empty = Window(start=START - 7200, end=START - 3600, canary="green", baseline="blue")
    m = provider.measure(metric, empty)
    assert m.canary is None and m.baseline is None
    assert get_judge("statistical").judge_metric(_window(metric, m.baseline, m.canary)).verdict == "inconclusive"
    with pytest.raises(ProviderError, match="bad_data"):
        provider.measure(Metric(name="broken", kind="rate", query="sum(", totalQuery=TOTAL), window())
    with pytest.raises(ProviderError, match="needs totalQuery"):
        provider.measure(Metric(name="e", kind="rate", query=EVENTS), window())
    down = get_provider("prometheus", ProviderContext({"url": "http://127.0.0.1:9", "timeout": 1}))
    with pytest.raises(ProviderError, match="ConnectError"):
        down.measure(metric, window())


def _window(metric: Metric, baseline: Any, canary: Any) -> Any:
    from tricolor.rollout.judge import MetricWindow

    return MetricWindow(name=metric.name, kind=metric.kind, baseline=baseline, canary=canary, max=metric.max,
                        tolerance=metric.tolerance)
