"""Fuzzing drift with hostile checkpoints and exports: every run ends with exit 0, 1 or
2 and a message, never a traceback; bombs cost bounded time and memory."""

from __future__ import annotations

import copy
import gzip
import json
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORMATS = ("text", "markdown", "json", "html", "junit")
HOSTILE_TEXT = st.sampled_from(["", "[/]", "[bold]x", ":fire:", "<img src=x>", "@team", "\x00\x1b[31m", "a" * 300,
                                "urn:pulumi:a::p::t::n", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "{\"a\": [1,",
                                "[1, 2]", "{}", "arn:aws:iam::123456789012:role/x-1a2b3c4"]) | st.text(max_size=40)
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | HOSTILE_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(HOSTILE_TEXT, inner, max_size=4), max_leaves=12)


def _base(stack: str) -> dict[str, Any]:
    resources = [
        {"urn": f"urn:pulumi:{stack}::tricolor::pulumi:pulumi:Stack::tricolor-{stack}", "custom": False,
         "type": "pulumi:pulumi:Stack"},
        {"urn": f"urn:pulumi:{stack}::tricolor::kubernetes:core/v1:ConfigMap::checkout-config", "custom": True,
         "type": "kubernetes:core/v1:ConfigMap",
         "outputs": {"metadata": {"name": "checkout", "labels": {"tricolor.dev/stack": stack}},
                     "data": {"LOG_LEVEL": "info", "DB_PASSWORD": "x"}}},
        {"urn": f"urn:pulumi:{stack}::tricolor::aws:sns/topic:Topic::events", "custom": True,
         "type": "aws:sns/topic:Topic",
         "outputs": {"arn": "arn:aws:sns:us-east-1:123456789012:events-1a2b3c4",
                     "policy": json.dumps({"Statement": [{"Action": "sns:Publish", "Resource": "*"}]})}},
    ]
    return {"version": 3, "checkpoint": {"stack": stack, "latest": {"resources": resources}}}


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*here, index))
    return out


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


@st.composite
def hostile_states(draw: Any) -> tuple[bytes, bytes, str]:
    documents = []
    for stack in ("a", "b"):
        document = copy.deepcopy(_base(stack))
        if draw(st.booleans()):  # the export shape
            document = {"version": 3, "deployment": document["checkpoint"]["latest"]}
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            paths = _paths(document)
            path = paths[draw(st.integers(min_value=0, max_value=len(paths) - 1))]
            document = _replace(document, path, draw(VALUES))
        text = json.dumps(document).encode()
        documents.append(gzip.compress(text) if draw(st.booleans()) else text)
    return documents[0], documents[1], draw(st.sampled_from(FORMATS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(case=hostile_states())
def test_hostile_checkpoints_end_with_an_exit_code_never_a_traceback(cli: Any, case: tuple[bytes, bytes, str]
                                                                      ) -> None:
    a, b, fmt = case
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.json").write_bytes(a)
        (Path(tmp) / "b.json").write_bytes(b)
        start = time.monotonic()
        result = cli("drift", "--stacks", "a,b", "--export", f"a={tmp}/a.json", "--export", f"b={tmp}/b.json",
                     "--no-history", "--format", fmt)
        assert time.monotonic() - start < 30
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr[-500:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 1:
        assert "error:" in result.stderr and ("a.json" in result.stderr or "b.json" in result.stderr
                                             or "stack" in result.stderr)


@pytest.mark.parametrize("document", [
    {"version": 3, "checkpoint": {"latest": []}},
    {"version": 3, "checkpoint": {"latest": {"resources": ""}}},
    {"version": 3, "deployment": None},
    {"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:a::p::t::n", "type": "t", "outputs": []}]}},
    {"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:a::p::t::n", "type": "t"},
                                                {"urn": "urn:pulumi:a::p::t::n", "type": "t"}]}},
])
def test_malformed_checkpoints_never_compare_as_parity(cli: Any, tmp_path: Path, document: Any) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.json").write_text(json.dumps(document))
    result = cli("drift", "--stacks", "a,b", "--export", f"a={tmp_path}/a.json", "--export",
                 f"b={tmp_path}/b.json", "--no-history")
    assert result.exit_code == 1, result.stdout
    assert "a.json" in result.stderr and "Traceback" not in result.stderr


# Linux copies the parent's peak RSS into a child's ``ru_maxrss`` at exec, so a
# command started straight from a big pytest worker reports the worker's peak.
# A small launcher (whose own fresh peak is what its child inherits) measures it.
_LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _measured(args: list[str]) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak RSS (MiB, from ``wait4`` in a lean launcher) and
    stderr of the real ``tricolor`` command."""
    tricolor = Path(sys.executable).parent / "tricolor"
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, str(tricolor), *args],
                          capture_output=True, text=True, check=True)
    seconds = time.monotonic() - start
    code, peak_kib = (int(field) for field in done.stdout.split())
    return code, seconds, peak_kib / 1024, done.stderr


@pytest.fixture(scope="module")
def gzip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.5 GB of JSON whitespace in a gzip of about 1.5 MB."""
    path = tmp_path_factory.mktemp("bomb") / "a.json.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 24)
    with path.open("wb") as out:
        out.write(packer.compress(b'{"version": 3, "deployment": {"resources": ['))
        for _ in range(1536 >> 4):  # 1.5 GiB in 16 MiB blocks
            out.write(packer.compress(block))
        out.write(packer.compress(b"]}}") + packer.flush())
    assert path.stat().st_size < 2_000_000
    return path


def test_a_gzip_bomb_costs_bounded_time_and_memory(gzip_bomb: Path, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(json.dumps(_base("b")))
    code, seconds, peak, message = _measured(["drift", "--stacks", "a,b", "--export", f"a={gzip_bomb}",
                                              "--export", f"b={tmp_path}/b.json", "--no-history"])
    assert code == 1 and "a.json.gz" in message and "decompression bomb" in message
    assert "Traceback" not in message
    assert seconds < 60 and peak < 600, (seconds, peak)


@pytest.mark.parametrize("nesting", [300, 5_000, 200_000])
def test_deep_nesting_costs_bounded_time_and_memory(tmp_path: Path, nesting: int) -> None:
    deep = "[" * nesting + "]" * nesting
    text = ('{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:a::p::t::n", "type": "t", '
            f'"custom": true, "outputs": {{"x": {deep}}}}}]}}}}')
    (tmp_path / "a.json").write_text(text)
    (tmp_path / "b.json").write_text(json.dumps(_base("b")))
    code, seconds, peak, message = _measured(["drift", "--stacks", "a,b", "--export", f"a={tmp_path}/a.json",
                                              "--export", f"b={tmp_path}/b.json", "--no-history"])
    assert code == 1 and "a.json" in message and ("nested too deeply" in message or "not valid JSON" in message)
    assert "Traceback" not in message
    assert seconds < 60 and peak < 400, (seconds, peak)
