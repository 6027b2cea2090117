"""Start-up of the ``tricolor`` command, whole process, against ``python -c pass``.

Each command runs ``--runs`` times as a fresh process (the installed ``tricolor``
script beside this Python) from the bundled example project; the median wall time is
printed with its ratio to a bare Python start and the goal it is held to:

- ``--help``, ``--version``, ``preview name`` and ``release status`` (before the first
  release: the stack config's state; and during one: a release paused at a manual gate,
  started once with the offline applier before timing): under 0.3 s;
- ``judge`` on one recorded window: under 0.5 s.

Wall times depend on what else the machine runs (the load is printed); the CPU time
(user + system) of the process is the steadier figure. The row "libraries alone" is
the floor under every command: a one-command Typer app that imports the libraries
tricolor's light commands need (typer, pydantic, rich, PyYAML) and parses two options
(typer 0.29 coerces options through pydantic).

    .venv/bin/python bench/startup.py [--runs 15]

Profile one of them with ``python -X importtime`` (``--importtime 'release status'``
prints the 15 slowest imports of that command).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("tricolor")

WINDOW = {"judge": "threshold", "minSamples": 100, "metrics": [
    {"name": "error-rate", "kind": "rate", "max": 0.01,
     "baseline": {"total": 10000, "events": 20}, "canary": {"total": 10000, "events": 25}}]}


FLOOR = """
from typing import Annotated
import pydantic, rich.console, typer, yaml
class Model(pydantic.BaseModel):
    pr: int
app = typer.Typer()
@app.command()
def name(pr: Annotated[str, typer.Option("--pr")], branch: Annotated[str, typer.Option("--branch")]) -> None:
    print(Model(pr=int(pr)).pr, branch)
@app.command()
def other() -> None: ...
app()
"""


def paused_release(folder: Path) -> Path:
    """A ledger holding a release of the example paused at its first manual gate."""
    spec = yaml.safe_load((ROOT / "service.yaml").read_text())
    spec["release"] = {"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 100}], "smokeTests": []}
    (folder / "gated.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    ledger = folder / "paused-ledger"
    subprocess.run([str(SCRIPT), "release", "start", "--stack", "prod", "--ledger", str(ledger), "--image",
                    "ghcr.io/acme/checkout:2.0.0", "--spec", str(folder / "gated.yaml"), "--applier", "offline",
                    "--detach-on-pause", "--report-dir", str(folder / "reports")],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return ledger


def commands(folder: Path) -> list[tuple[str, list[str], float | None]]:
    window = folder / "window.json"
    window.write_text(json.dumps(WINDOW))
    ledger = folder / "ledger"
    paused = paused_release(folder)
    tricolor = [str(SCRIPT)]
    return [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("libraries alone", [sys.executable, "-c", FLOOR, "name", "--pr", "12", "--branch", "feat/cart"], None),
        ("--help", [*tricolor, "--help"], 0.3),
        ("--version", [*tricolor, "--version"], 0.3),
        ("preview name", [*tricolor, "preview", "name", "--pr", "12", "--branch", "feat/cart"], 0.3),
        ("release status", [*tricolor, "release", "status", "--stack", "prod", "--ledger", str(ledger)], 0.3),
        ("status (paused)", [*tricolor, "release", "status", "--stack", "prod", "--ledger", str(paused)], 0.3),
        ("judge (one window)", [*tricolor, "judge", "--input", str(window)], 0.5),
    ]


def timed(argv: list[str], runs: int) -> tuple[float, float, int]:
    """Median wall seconds and median CPU seconds (user + system: less sensitive to a
    busy machine) of ``runs`` runs, and the last exit code."""
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "100"}
    env.pop("TRICOLOR_LEDGER", None)
    # As a user's shell runs it: with Python's byte-code cache (some sandboxes turn it
    # off; then every module of an editable install is compiled on every start). The
    # first, unmeasured run writes the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    walls, cpus, code = [], [], 0
    for _ in range(runs):
        began = time.perf_counter()
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - began)
        cpus.append(usage.ru_utime + usage.ru_stime)
        code = os.waitstatus_to_exitcode(status)
    return statistics.median(walls), statistics.median(cpus), code


def importtime(argv: list[str], top: int = 15) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import sys; from tricolor.cli.app import main; sys.argv[0] = 'tricolor'; main()",
                           *argv[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    for cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"{cumulative / 1000:8.1f} ms  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime", metavar="COMMAND", help="profile one command's imports instead")
    args = parser.parse_args()
    if not SCRIPT.is_file():
        sys.exit(f"no tricolor script at {SCRIPT}: run this with the project's .venv/bin/python")
    with tempfile.TemporaryDirectory(prefix="tricolor-startup-") as tmp:
        table = commands(Path(tmp))
        if args.importtime:
            chosen = [argv for label, argv, _ in table if label.startswith(args.importtime)]
            if not chosen:
                sys.exit(f"no such command: {args.importtime} (known: {', '.join(t[0] for t in table[1:])})")
            importtime(chosen[0])
            return
        base, base_cpu, _ = timed(table[0][1], args.runs)
        load = os.getloadavg()[0]
        print(f"start-up, median of {args.runs} runs, whole process ({os.cpu_count()} cores, load {load:.1f})")
        print(f"{'command':<22}{'wall':>8}{'x python':>10}{'cpu':>8}{'goal':>7}  exit")
        print(f"{'python -c pass':<22}{base * 1000:>6.0f}ms{1:>10.1f}{base_cpu * 1000:>6.0f}ms")
        for label, argv, goal in table[1:]:
            median, cpu, code = timed(argv, args.runs)
            mark = "" if goal is None else ("ok" if median < goal else "SLOW")
            shown = f"{goal:>6.1f}s" if goal is not None else " " * 7
            print(f"{label:<22}{median * 1000:>6.0f}ms{median / base:>10.1f}{cpu * 1000:>6.0f}ms{shown}  {code} {mark}")


if __name__ == "__main__":
    main()
