"""Fuzz: generated spec and stack files (random keys, types, nesting, aliases, duplicate
keys, huge strings and integers, control characters, non-UTF-8 bytes) through
``tricolor plan``. Every run ends with exit 0 or 1, a message and never a traceback;
messages stay short and never carry raw control characters; the reader stays within a
small memory bound. (The alias-bomb and deep-nesting cases are explicit in
``test_strict_yaml.py``; time is measured by ``bench/spec_load.py``.)"""

from __future__ import annotations

import copy
import re
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import ROOT

from tricolor.spec.errors import SpecError
from tricolor.spec.load import load_spec

SPEC_TEXT = (ROOT / "service.yaml").read_text()
SPEC_DATA = yaml.safe_load(SPEC_TEXT)
STACK_TEXT = (ROOT / "stacks/Pulumi.prod.yaml").read_text()
KEYS = sorted({"apiVersion", "name", "image", "port", "env", "secrets", "resources", "probes", "replicas",
               "autoscaling", "routing", "parity", "allowed", "release", "steps", "setWeight", "pause", "analysis",
               "metrics", "max", "min", "tolerance", "quantile", "interval", "duration", "hostnames", "config",
               "tricolor:environment", "tricolor:backend", "tricolor:overrides", "tricolor:weights",
               "tricolor:hostnames", "tricolor:images", "tricolor:preview", "experiment", "templates", "<<"})
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "5m", "500ms", "+5m", "1.5h", ".nan", "bad_host!", "*.example.com", "a" * 300,
                     "env.LOG_LEVL", "1e400", "\x07", "\ud800", "production", "kubernetes", "100", "-1h"]),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 200), st.integers(), st.just(10**30), st.just(-(2**63)),
    st.floats(allow_nan=True, allow_infinity=True), texts,
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


def spec_mutation(draw: st.DrawFn) -> dict[str, Any]:
    """The example spec with one value (at a random path) replaced by a random value."""
    data = copy.deepcopy(SPEC_DATA)
    node: Any = data
    while True:
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node, key=str)))
        elif isinstance(node, list) and node:
            key = draw(st.integers(0, len(node) - 1))
        else:
            break
        if draw(st.booleans()) or not isinstance(node[key], (dict, list)):
            node[key] = draw(values)
            break
        node = node[key]
    return data


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000)


@st.composite
def yaml_text(draw: st.DrawFn, base: str, structured: Callable[[st.DrawFn], Any]) -> bytes:
    """YAML bytes: a structured document, or ``base`` edited at the text level."""
    kind = draw(st.sampled_from(["value", "document", "text"]))
    if kind == "value":
        text = dump(structured(draw))
    elif kind == "document":
        text = dump(draw(st.dictionaries(keys, values, max_size=8)))
    else:
        text = base
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        edit = draw(st.sampled_from(["duplicate", "alias", "raw", "nest", "delete", "huge"]))
        if edit == "duplicate" and lines:
            lines.insert(at, lines[min(at, len(lines) - 1)])
        elif edit == "alias":
            lines.insert(at, f"zz{at}: &x{at} [*x{at}]\n" if draw(st.booleans()) else f"yy{at}: *nope\n")
        elif edit == "raw":
            lines.insert(at, draw(st.sampled_from(["\x07x: 1\n", "\t- a\n", "? [a]\n: b\n", "--- \n", "%YAML 1.1\n",
                                                   "!!python/object:os.system x\n", "k: !!binary AAA\n"])))
        elif edit == "nest":
            depth = draw(st.integers(1, 120))
            lines.insert(at, "deep: " + "[" * depth + "]" * depth + "\n")
        elif edit == "delete" and lines:
            del lines[min(at, len(lines) - 1)]
        elif edit == "huge":
            lines.insert(at, draw(st.sampled_from(["big: " + "9" * 5000 + "\n", "long: " + "x" * 200_000 + "\n"])))
    data = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80", b"\xef\xbb\xbf"]))
        data = data[:at] + junk + data[at:]
    return data


def check_clean(result: Any) -> None:
    event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr[-2000:])
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 1:
        assert result.stdout == "" and result.stderr.strip()
        assert not RAW_CONTROL.search(result.stderr.replace("\x1b[", "")), result.stderr[:500]
        assert max(map(len, result.stderr.splitlines())) < 1500, result.stderr[:3000]


@FUZZ
@given(data=yaml_text(SPEC_TEXT, spec_mutation))
def test_fuzzed_spec_files_through_plan(cli, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "service.yaml"
        path.write_bytes(data)
        check_clean(cli("plan", "--spec", str(path), "--stack", "staging"))


def stack_mutation(draw: st.DrawFn) -> dict[str, Any]:
    config = yaml.safe_load(STACK_TEXT)["config"]
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.one_of(st.sampled_from(sorted(config)), st.sampled_from([k for k in KEYS if ":" in k]), keys))
        config[key] = draw(values)
    return {"config": config} if draw(st.integers(0, 9)) else draw(values)


@FUZZ
@given(data=yaml_text(STACK_TEXT, stack_mutation))
def test_fuzzed_stack_files_through_plan(cli, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        stacks = Path(folder)
        (stacks / "Pulumi.prod.yaml").write_bytes(data)
        check_clean(cli("plan", "--stacks-dir", str(stacks), "--stack", "prod", "--spec", str(ROOT / "service.yaml")))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=yaml_text(SPEC_TEXT, spec_mutation))
def test_the_reader_stays_small(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "service.yaml"
        path.write_bytes(data)
        tracemalloc.start()
        try:
            try:
                load_spec(path)
            except SpecError as exc:
                assert all(len(str(p)) < 1500 for p in exc.problems)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
