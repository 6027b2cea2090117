"""``tricolor judge`` on hostile input (issue #11): a clear one-line error and exit 1,
never a traceback, never a pass on a limit that cannot be compared; verdicts exit with
the codes of the one table (0 pass, 2 fail, 3 inconclusive)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tricolor.cli import judge as judge_cli
from tricolor.cli.app import app
from tricolor.errors import ExitCode

RUNNER = CliRunner()


def run(data: Any) -> Any:
    """``tricolor judge --input -`` with ``data`` on stdin (bytes as is, text encoded, else JSON)."""
    text = data if isinstance(data, (bytes, str)) else json.dumps(data)
    raw = text if isinstance(text, bytes) else text.encode()
    return RUNNER.invoke(app, ["judge", "--input", "-"], input=raw)


def assert_clean_exit(result: Any) -> None:
    """Exited through the table, never through an exception."""
    assert result.exit_code in (0, 1, 2, 3), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stdout == "" and result.stderr.startswith("error:") and len(result.stderr) < 600


def bad(result: Any, *words: str) -> None:
    assert_clean_exit(result)
    assert result.exit_code == ExitCode.ERROR, result.output
    message = " ".join(result.stderr.split())
    assert all(word in message for word in words), message


def rate_doc(**metric: Any) -> dict[str, Any]:
    return {"judge": "statistical", "metrics": [{"name": "errors", "kind": "rate",
                                                 "baseline": {"total": 57000, "events": 570},
                                                 "canary": {"total": 3000, "events": 60}, **metric}]}


def latency_doc(canary: list[Any], **metric: Any) -> dict[str, Any]:
    return {"judge": "statistical", "minSamples": 3, "metrics": [
        {"name": "latency", "kind": "distribution", "baseline": [10.0, 11.0, 12.0, 13.0], "canary": canary, **metric}]}


def test_fractional_counts_are_refused():
    """Before: 59.5 errors of 3000.5 requests were judged (and could pass)."""
    bad(run(rate_doc(canary={"total": 3000.5, "events": 2})), "metrics[0].canary.total", "3000.5", "not a count")
    bad(run(rate_doc(canary={"total": 3000, "events": 0.4})), "metrics[0].canary.events", "not a count")
    bad(run(rate_doc(baseline={"total": -5, "events": 0})), "baseline.total", "not a count")
    bad(run(rate_doc(canary={"total": 10, "events": 20})), "events 20 are more than total 10")
    assert run(rate_doc(canary={"total": 3000.0, "events": 60.0})).exit_code == 2  # whole floats are counts


def test_negative_latencies_are_refused():
    bad(run(latency_doc([12.0, -3.0, 11.0])), "metrics[0].canary[1]", "negative")


@pytest.mark.parametrize("key, text", [
    ("max", "NaN"), ("max", "Infinity"), ("min", "-Infinity"), ("tolerance", "NaN"), ("quantile", "NaN"),
])
def test_a_nan_or_infinite_limit_is_refused_never_a_pass(key, text):
    """Before: ``"max": NaN`` passed a canary with 90 % errors (exit 0)."""
    doc = json.dumps(rate_doc(canary={"total": 1000, "events": 900}, **{key: 0.5}))
    result = run(doc.replace(f'"{key}": 0.5', f'"{key}": {text}'))
    bad(result, f"metrics[0].{key}", "not a finite number")


def test_a_nan_or_infinite_alpha_is_refused():
    bad(run(json.dumps({**rate_doc(), "alpha": 0.5}).replace('"alpha": 0.5', '"alpha": NaN')), "alpha")


def test_a_5000_digit_integer_is_a_clear_error():
    digits = "9" * 5000
    bad(run(json.dumps(rate_doc()).replace("57000", digits)), "not JSON")  # Python refuses > 4300 digits
    bad(run(json.dumps(rate_doc()).replace("57000", "9" * 400)), "baseline.total", "integer of 400 digits")
    bad(run(json.dumps(rate_doc()).replace("57000", "1e400")), "baseline.total", "not a count")


def test_deep_nesting_is_a_clear_error():
    bad(run("[" * 200_000 + "]" * 200_000), "nested too deeply")
    bad(run({"judge": "statistical", "metrics": [[[[[[[{}]]]]]]]}), "metrics[0]: must be an object")


@pytest.mark.parametrize("raw", [b"\xff\xfe{\x00}", b'{"judge": "statistical\xe9"}', b"\x80" * 10])
def test_non_utf8_input_is_a_clear_error(raw, tmp_path):
    bad(run(raw), "stdin", "not UTF-8")
    path = tmp_path / "windows.json"
    path.write_bytes(raw)
    result = RUNNER.invoke(app, ["judge", "--input", str(path)])
    bad(result, str(path), "not UTF-8")


def test_an_oversized_input_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(judge_cli, "MAX_INPUT_BYTES", 1024)
    bad(run(latency_doc([1.0] * 1000)), "larger than")


def test_a_huge_value_is_never_echoed_whole():
    result = run({"judge": "x" * 10_000_000, "metrics": []})
    bad(result, "judge:", "...", "is not one of")
    assert len(result.stderr) < 300


@pytest.mark.parametrize("doc, words", [
    (rate_doc(direction="down"), ["metrics[0].direction", "'down'", "increase, decrease, either"]),
    (rate_doc(max=5), ["metrics[0].max", "not a rate between 0 and 1"]),
    (rate_doc(min=0.2, max=0.1), ["min 0.2 is above max 0.1"]),
    ({"metrics": [rate_doc()["metrics"][0]] * 2}, ["duplicate name(s) 'errors'"]),
    ({**rate_doc(), "extra": 1}, ["unknown key(s) 'extra'"]),
    (rate_doc(canary={"total": True, "events": 1}), ["canary.total", "True is not a number"]),
])
def test_other_bad_input_names_the_field(doc, words):
    bad(run(doc), *words)


@pytest.mark.parametrize("doc, code, verdict", [
    (rate_doc(), ExitCode.FINDING, "fail"),
    (rate_doc(canary={"total": 3000, "events": 28}), ExitCode.OK, "pass"),
    (rate_doc(canary={"total": 20, "events": 0}), ExitCode.INCONCLUSIVE, "inconclusive"),
    (rate_doc(canary={"total": 3000, "events": 60}, direction="decrease"), ExitCode.OK, "pass"),
    (rate_doc(canary={"total": 3000, "events": 5}, direction="decrease"), ExitCode.FINDING, "fail"),
    (rate_doc(canary={"total": 3000, "events": 5}, direction="either"), ExitCode.FINDING, "fail"),
])
def test_verdicts_exit_with_the_codes_of_the_table(doc, code, verdict):
    result = run(doc)
    assert_clean_exit(result)
    assert result.exit_code == code and json.loads(result.stdout)["verdict"] == verdict


# The fuzz suite: every input ends with 0, 1, 2 or 3, never a traceback.
_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=0, max_value=100_000),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0, max_value=1e6),
    st.sampled_from([0, 1, 0.5, -1, 1e15, 1e16, 10**16, 10**400, -0.0, 1e308]),
)
_leaf = st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=20), st.sampled_from(
    ["rate", "distribution", "increase", "decrease", "either", "statistical", "threshold", "NaN"]))
_json = st.recursive(_leaf, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(st.text(max_size=10), inner, max_size=5)),
                     max_leaves=20)
_counts = st.one_of(st.fixed_dictionaries({"total": _numbers, "events": _numbers}), _json)
_values = st.one_of(st.lists(st.one_of(_numbers, st.none()), max_size=60),
                    st.lists(st.floats(min_value=0, max_value=1e4), min_size=5, max_size=300), _json)
_metric = st.fixed_dictionaries(
    {"name": st.one_of(st.text(min_size=1, max_size=10), _leaf), "kind": st.sampled_from(["rate", "distribution"])},
    optional={"baseline": st.one_of(_counts, _values), "canary": st.one_of(_counts, _values),
              "direction": st.one_of(st.sampled_from(["increase", "decrease", "either"]), _leaf),
              "min": _numbers, "max": _numbers, "tolerance": _numbers, "quantile": _numbers, "junk": _leaf})
_doc = st.fixed_dictionaries(
    {"metrics": st.one_of(st.lists(_metric, min_size=1, max_size=3), _json)},
    optional={"judge": st.one_of(st.sampled_from(["statistical", "threshold"]), _leaf),
              "minSamples": st.one_of(st.integers(min_value=1, max_value=20), _numbers),
              "alpha": st.one_of(st.floats(min_value=0.001, max_value=0.2), _numbers)})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_doc, _json))
def test_fuzz_judge_documents_always_exit_through_the_table(doc):
    text = json.dumps(doc, allow_nan=True)
    assert_clean_exit(run(text))


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_raw_bytes_always_exit_through_the_table(raw):
    assert_clean_exit(run(raw))


def test_nan_data_stays_inconclusive_not_an_error():
    """A NaN *in the data* (Prometheus's 0/0) is missing data: INCONCLUSIVE, exit 3."""
    text = json.dumps(rate_doc(canary={"total": 3000, "events": 1})).replace('"events": 1', '"events": NaN')
    result = run(text)
    assert result.exit_code == ExitCode.INCONCLUSIVE and math.isnan(float("nan"))
