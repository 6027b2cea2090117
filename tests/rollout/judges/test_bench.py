"""``bench/judge.py`` runs and prints every judge for every scenario and request rate
(its figures are read by people; this only checks the table is whole)."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT

JUDGES = ("statistical", "threshold", "kayenta")
SCENARIOS = ("A/A", "errors x2", "errors x5", "latency +20%", "latency +50%", "orders -30%")


def test_the_side_by_side_benchmark_prints_every_judge() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "judge.py"), "--runs", "2", "--goal-runs", "2"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.split()[:1] and line.split()[0] in JUDGES]
    rows = [line.split() for line in lines]
    for judge in JUDGES:
        for scenario in SCENARIOS:
            assert sum(line.startswith(judge) and f" {scenario} " in line for line in lines) == 3, (judge, scenario)
    assert "plan: window" in result.stdout and "false aborts on A/A" in result.stdout
    planned = [row for row in rows if row[0] == "statistical" and row[1] == "errors"]
    assert all(row[-2] != "-" for row in planned)  # the planned duration is printed next to the measured time
