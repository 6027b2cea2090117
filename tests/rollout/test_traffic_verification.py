"""Verified traffic (issue 17): at each look the canary's delivered share of requests is
checked against its weight; beyond the tolerance the step holds (``traffic-mismatch``),
and after ``trafficMismatchLimit`` looks the release aborts. The report plots requested
against delivered share."""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from release_support import Harness

from tricolor.rollout.judge import Counts
from tricolor.rollout.providers.base import Measurement, ProviderContext, Window
from tricolor.rollout.providers.registry import get_provider
from tricolor.rollout.record import Status
from tricolor.rollout.report import render_html, write_report
from tricolor.rollout.settings import AnalysisSettings
from tricolor.rollout.traffic import check, totals_of
from tricolor.spec.errors import SpecError

STEPS = [{"setWeight": 10}, {"analysis": {}}, {"setWeight": 100}]


def release_of(spec_with: Any, load_prod: Any, **analysis: Any) -> Any:
    """Weight 10, an analysis, 100; the threshold judge (equal error rates always pass it:
    the traffic is what is judged here)."""
    spec = spec_with({"steps": STEPS}, judge="threshold", consecutiveSuccessLimit=2, inconclusiveLimit=5,
                     **analysis)
    return load_prod(spec)


def run(stack: Any, folder: Path, **delivered: Any) -> Any:
    analysis = stack.spec.release.analysis
    provider = get_provider("synthetic", ProviderContext({**analysis.provider_settings, **delivered}))
    h = Harness(stack, folder, provider=provider)
    h.start()
    return h.run(active=False)


def test_a_canary_given_half_the_traffic_at_weight_10_holds_then_aborts(spec_with, load_prod, tmp_path):
    stack = release_of(spec_with, load_prod, trafficMismatchLimit=3)
    rec = run(stack, tmp_path, deliveredShare=0.5)
    assert rec.status == Status.ABORTED and rec.weights.of(rec.canary) == 0
    assert rec.reason is not None and rec.reason.startswith("traffic-mismatch: ")
    held = [e for e in rec.events if e.kind == "traffic-mismatch"]
    assert len(held) == 3 and all("the step holds" in e.detail for e in held)
    assert "canary got 50" in held[0].detail and "weight 10%" in held[0].detail
    # the looks' metrics passed (the error rates are equal): the traffic alone held the step
    checked = [v for v in rec.verdicts if v.traffic and v.traffic["status"] == "mismatch"]
    assert len(checked) == 3 and all(v.verdict == "pass" for v in checked)
    assert all(v.reason.startswith("traffic-mismatch: weight 10%") for v in checked)
    assert not any("analysis passed" in e.detail for e in rec.events)


def test_a_canary_given_its_share_within_the_tolerance_passes(spec_with, load_prod, tmp_path):
    stack = release_of(spec_with, load_prod)
    rec = run(stack, tmp_path, deliveredShare=0.115)  # 1.5 points off: within the default 3
    assert rec.status == Status.COMPLETED, rec.reason
    statuses = [v.traffic["status"] for v in rec.verdicts if v.traffic]
    assert "ok" in statuses and set(statuses) <= {"ok", "not-enough-data"}
    assert not any(e.kind == "traffic-mismatch" for e in rec.events)


def test_the_check_can_be_turned_off_and_the_tolerance_set(spec_with, load_prod, tmp_path):
    off = run(release_of(spec_with, load_prod, verifyTraffic=False), tmp_path / "off", deliveredShare=0.5)
    assert off.status == Status.COMPLETED and all(v.traffic is None for v in off.verdicts)
    wide = run(release_of(spec_with, load_prod, trafficTolerance=0.45), tmp_path / "wide", deliveredShare=0.5)
    assert wide.status == Status.COMPLETED


@pytest.mark.parametrize("key, value", [("trafficTolerance", 1.5), ("trafficTolerance", 0.0),
                                        ("trafficMismatchLimit", 0), ("trafficMinRequests", 0)])
def test_bad_traffic_settings_are_refused_naming_the_field(spec_with, load_prod, key, value):
    with pytest.raises(SpecError, match=key):
        load_prod(spec_with({"steps": STEPS}, **{key: value}))


def png_height(html: str) -> int:
    data = base64.b64decode(re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html).group(1))  # type: ignore[union-attr]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int(struct.unpack(">I", data[20:24])[0])


def test_the_report_plots_requested_against_delivered_share(spec_with, load_prod, tmp_path):
    rec = run(release_of(spec_with, load_prod), tmp_path, deliveredShare=0.5)
    json_path, html_path = write_report(rec, tmp_path / "reports")
    series = [p for p in json.loads(json_path.read_text())["traffic"] if p["status"] != "not-enough-data"]
    assert len(series) == 3
    for point in series:
        assert point["requested"] == 10 and 45 < point["delivered"] < 55 and point["status"] == "mismatch"
        assert point["baseline_total"] > 0 and point["canary_total"] > 0 and point["time"]
    html = html_path.read_text()
    assert "requested against delivered" in html and "<td>mismatch</td>" not in html  # a class, not bare text
    assert html.count("class=\"fail\">mismatch</td>") == 3
    # the plot gets a third panel for the traffic: taller than a report without looks
    without = rec.model_copy(update={"verdicts": []})
    assert png_height(html) > png_height(render_html(without))


def window(weight: int = 10) -> Window:
    return Window(start=0.0, end=60.0, canary="green", baseline="blue", canary_weight=weight)


def test_totals_come_from_the_rate_metric_with_most_requests_else_from_the_provider():
    provider = get_provider("synthetic", ProviderContext({"rps": 1000, "deliveredShare": 0.3}))
    measured = [Measurement(baseline=Counts(90, 1), canary=Counts(10, 0)),
                Measurement(baseline=Counts(900, 5), canary=Counts(100, 1)),
                Measurement(baseline=[1.0, 2.0], canary=[1.5])]
    assert totals_of(measured, provider, window()) == (900.0, 100.0)
    base, can = totals_of([], provider, window())  # no rate metric: the provider's own totals
    assert 0.25 < can / (base + can) < 0.35
    assert totals_of([Measurement(baseline=Counts(float("nan"), 0), canary=Counts(1, 0))], object(), window()) is None
    settings = AnalysisSettings()
    assert check(None, 10, settings) is None
    assert check((900, 100), 10, settings.model_copy(update={"verify_traffic": False})) is None
    assert check((9000, 1000), 10, settings).status == "ok"
    assert check((900, 100), 10, settings).status == "not-enough-data"  # 1,083 requests needed at 10 %
    assert check((5000, 5000), 10, settings).status == "mismatch"


def test_the_synthetic_share_override_is_checked():
    with pytest.raises(ValueError, match="deliveredShare"):
        get_provider("synthetic", ProviderContext({"deliveredShare": 1.5}))
