"""Spec-loading figures: the strict reader and validation on ordinary and hostile files.

For each case: the median wall time of ``load_spec`` over a few runs, the peak of
Python allocations (tracemalloc) and the outcome (loaded, or the first problem). Cases:
the example spec; the example with a 3 KB alias bomb under ``providerSettings``;
nesting 100 000 deep (flow) and 1 000 deep (block); a 1 MiB file of 40 000 values under
a free-form key; a 10 MB file; a 10 MB ``name`` validated as data (``parse_spec``);
and the pure-Python parser on the 1 MiB file (where libyaml is missing).

Run: ``.venv/bin/python bench/spec_load.py [--runs 5]``. Prints figures; it is never a
timed test.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from tricolor.spec import yamlfile
from tricolor.spec.errors import SpecError
from tricolor.spec.load import load_spec, parse_spec

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "service.yaml").read_text()
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f'{chr(98 + i)}: &{chr(98 + i)} [{",".join(["*" + chr(97 + i)] * 9)}]\n' for i in range(8)))


def _with_settings(block: str) -> str:
    lines = "".join(f"      {line}\n" for line in block.splitlines())
    return SPEC.replace("    provider: prometheus\n", f"    provider: prometheus\n    providerSettings:\n{lines}", 1)


def cases() -> dict[str, str | bytes]:
    lines = [f"k{i}: value number {i}\n" for i in range(40_000)]
    while len(_with_settings("".join(lines)).encode()) > yamlfile.MAX_FILE_BYTES:
        del lines[-500:]
    many = "".join(lines)
    return {
        "example spec": SPEC,
        "alias bomb (3 KB, 9^9 expanded)": _with_settings(BOMB),
        "flow nesting 100 000 deep": "a: " + "[" * 100_000 + "]" * 100_000,
        "block nesting 1 000 deep": "".join(" " * i + "k:\n" for i in range(1000)),
        "1 MiB of values (free-form)": _with_settings(many),
        "10 MB file": "name: " + "x" * 10_000_000,
    }


def measure(action: Callable[[], Any], runs: int) -> tuple[float, float, str]:
    times = []
    outcome = "loaded"
    for _ in range(runs):
        start = time.perf_counter()
        try:
            action()
        except SpecError as exc:
            outcome = str(exc.problems[0]).split(": ", 1)[-1][:80]
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    with contextlib.suppress(SpecError):
        action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        for name, content in cases().items():
            path = Path(folder) / "service.yaml"
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
            rows.append((name, *measure(partial(load_spec, path), runs)))
        data = yaml.safe_load(SPEC)
        data["name"] = "n" * 10_000_000
        rows.append(("10 MB name as data", *measure(lambda: parse_spec(data, "service.yaml"), runs)))
        path = Path(folder) / "service.yaml"
        path.write_text(str(cases()["1 MiB of values (free-form)"]))
        fast, yamlfile._Loader = yamlfile._Loader, yamlfile._PyLoader
        try:
            rows.append(("1 MiB, pure-Python parser", *measure(lambda: load_spec(path), max(1, runs // 2))))
        finally:
            yamlfile._Loader = fast
    print(f"libyaml: {yaml.__with_libyaml__}; limits: {yamlfile.MAX_FILE_BYTES // 1024} KiB, depth "
          f"{yamlfile.MAX_DEPTH}, {yamlfile.MAX_VALUES} values")
    print(f"{'case':34} {'median s':>9} {'peak MiB':>9}  outcome")
    for name, seconds, peak, outcome in rows:
        print(f"{name:34} {seconds:9.4f} {peak:9.2f}  {outcome}")


if __name__ == "__main__":
    main()
