"""`tricolor release ...` and `tricolor judge` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tricolor.spec.errors import SpecError
from tricolor.spec.load import load_spec

ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::checkout-router-route"


def test_dry_run_json_lists_what_each_step_changes(cli, tmp_path):
    result = cli("release", "start", "--stack", "prod", "--image", "repo/app:v2", "--dry-run", "--output", "json",
                 "--ledger", str(tmp_path / "ledger"))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    steps = doc["steps"]
    assert [s["index"] for s in steps] == list(range(len(steps)))
    for s in steps:
        assert set(s) == {"index", "action", "weights", "changes"}
        assert s["weights"]["blue"] + s["weights"]["green"] == 100
        if s["action"] == "setWeight":
            assert len(s["changes"]) == 1 and s["changes"][0].endswith(ROUTE)
        elif s["action"] == "deploy":
            assert [c.rsplit("::", 1)[1] for c in s["changes"]] == ["checkout-green-deployment"]
        else:
            assert s["changes"] == []
    assert [s["weights"]["green"] for s in steps if s["action"] == "setWeight"] == [10, 25, 50, 100]
    assert doc["image_policy"]["ok"] and doc["simulation"]["ended"]
    assert doc["estimate"]["to_active_seconds"] > 0 and doc["estimate"]["rollback_window_seconds"] == 1800
    assert not (tmp_path / "ledger").exists()  # a dry run writes nothing


def test_dry_run_text_simulates_on_synthetic_traffic(cli, tmp_path):
    result = cli("release", "start", "-s", "prod", "-i", "repo/app:v2", "--dry-run", "--ledger", str(tmp_path))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "checkout-router-route" in out and "simulated on synthetic traffic" in out
    assert "estimated time to 100 %:" in out and "rollback window: 30m" in out


def test_dry_run_of_a_manual_gate_ends_and_says_so(spec_with, tmp_path):
    """Finding 7: the dry run never returned when the steps held `pause: {}`."""
    spec = spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"analysis": {}}, {"setWeight": 100}],
                      "rollbackWindow": "30m"})
    cmd = [str(Path(sys.executable).with_name("tricolor")), "release", "start", "-s", "prod", "-i", "repo/app:v2",
           "--dry-run", "--spec", str(spec), "--ledger", str(tmp_path / "ledger"), "--gate-wait", "15m"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "250"})
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "(dry run: promoted after 15m)" in out and "1 manual gate(s) simulated as promoted" in out
    assert "simulated on synthetic traffic: succeeded" in out
    assert "counting 1 manual gate(s) promoted after 15m" in out and "then the rollback window: 30m" in out


@pytest.mark.parametrize("args, message", [
    (["release", "promote", "--stack", "prod"], "no release on stack 'prod': nothing to promote"),
    (["release", "abort", "--stack", "prod"], "nothing to abort"),
    (["release", "history", "--stack", "../x/prod"], "--stack: stack name '../x/prod' may only hold"),
    (["release", "status", "--stack", "../x/prod"], "--stack: stack name '../x/prod' may only hold"),
    (["release", "abort", "--stack", "../x/prod"], "--stack: stack name '../x/prod' may only hold"),
    (["release", "start", "--stack", "prod", "--image", "Repo/App:v2!"], "--image: 'Repo/App:v2!' is not a valid"),
    (["release", "start", "--stack", "staging", "--image", "repo/app:v2"], "releases are for production stacks"),
    (["release", "start", "--stack", "nope", "--image", "repo/app:v2"], "no such stack 'nope'"),
    (["release", "start", "--stack", "prod", "--image", "ghcr.io/acme/checkout:latest"],
     "uses the mutable tag 'latest'"),
    (["release", "start", "--stack", "prod", "--image", "ghcr.io/acme/checkout"], "has no tag"),
    (["release", "start", "--stack", "prod", "--image", "ghcr.io/acme/checkout:2.0.0", "--applier", "journal"],
     "unknown applier 'journal'; known: offline, pulumi"),
    (["release", "status", "--stack", "prod", "--watch", "--timeout", "soon"], "--timeout: 'soon' is not a duration"),
])
def test_bad_input_is_a_clear_error_and_changes_nothing(cli, tmp_path, args, message):
    result = cli(*args, "--ledger", str(tmp_path / "ledger"))
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "ledger").exists()


def test_the_image_policy_runs_in_the_dry_run_too(cli, tmp_path):
    """Finding 12: `:latest`, untagged or another repository were accepted."""
    latest = cli("release", "start", "-s", "prod", "-i", "ghcr.io/acme/checkout:latest", "--dry-run", "-o", "json",
                 "--ledger", str(tmp_path / "ledger"))
    assert latest.exit_code == 1 and json.loads(latest.stdout)["image_policy"]["ok"] is False
    other = cli("release", "start", "-s", "prod", "-i", "docker.io/someone/else:1.0", "--dry-run", "-o", "json",
                "--ledger", str(tmp_path / "ledger"))
    assert other.exit_code == 0
    assert "is from repository docker.io/someone/else, not the spec's ghcr.io/acme/checkout" in \
        " ".join(other.stderr.split())
    pinned = cli("release", "start", "-s", "prod", "-i", "ghcr.io/acme/checkout@sha256:" + "a" * 64, "--dry-run",
                 "-o", "json", "--ledger", str(tmp_path / "ledger"))
    assert pinned.exit_code == 0 and json.loads(pinned.stdout)["image_policy"] == {"ok": True, "finding": None,
                                                                                     "warnings": []}


def test_status_before_the_first_release_shows_what_is_in_force(cli, tmp_path):
    """Finding 8: `status` before the first release failed."""
    result = cli("release", "status", "--stack", "prod", "--ledger", str(tmp_path / "ledger"))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "no release yet" in out and "blue ghcr.io/acme/checkout:1.4.2 (100 %)" in out
    doc = json.loads(cli("release", "status", "-s", "prod", "--ledger", str(tmp_path / "ledger"), "-o",
                         "json").stdout)
    assert doc["active"] == "blue" and doc["weights"] == {"blue": 100, "green": 0} and doc["release"] is None


def test_a_release_through_the_cli_writes_a_report(cli, spec_with, tmp_path):
    spec = spec_with({"steps": [{"setWeight": 30}, {"pause": "100ms"}, {"analysis": {}}, {"setWeight": 100}]})
    ledger, reports = tmp_path / "ledger", tmp_path / "reports"
    result = cli("release", "start", "--stack", "prod", "--image", "ghcr.io/acme/checkout:2.0.0", "--spec", str(spec),
                 "--ledger", str(ledger), "--applier", "offline", "--poll", "0.05", "--report-dir", str(reports),
                 "--output", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["status"] == "completed" and doc["weights"] == {"blue": 0, "green": 100} and doc["active"] == "green"
    html = Path(doc["report"]["html"]).read_text()
    assert "data:image/png;base64," in html and "checkout" in html and "pass" in html
    report = json.loads(Path(doc["report"]["json"]).read_text())
    # Synthetic traffic arrives in wall-clock time: on a busy machine an early look may
    # hold too few samples (inconclusive, retried); the release only goes on after a pass.
    verdicts = [v["verdict"] for v in report["verdicts"]]
    assert report["status"] == "completed" and verdicts[-1] == "pass" and "fail" not in verdicts
    status = cli("release", "status", "--stack", "prod", "--ledger", str(ledger), "--output", "json")
    assert status.exit_code == 0 and json.loads(status.stdout)["release_id"] == doc["release_id"]
    text = cli("release", "status", "--stack", "prod", "--ledger", str(ledger))
    out = " ".join(text.stdout.split())
    # Finding 8: the active color is the one with the traffic and the new image
    # (with the revision each runs: r1 was in force before, r2 is the release's; the old
    # color is brought to it as it is scaled down)
    assert "completed" in out and "green r2 ghcr.io/acme/checkout:2.0.0 (100 %)" in out
    assert "blue r2 ghcr.io/acme/checkout:2.0.0 (0 %, scaled down)" in out
    watched = cli("release", "status", "--stack", "prod", "--ledger", str(ledger), "--watch")
    assert watched.exit_code == 0 and "completed" in watched.stdout
    again = cli("release", "rollback", "--stack", "prod", "--ledger", str(ledger))
    assert again.exit_code == 1 and "nothing to rollback" in " ".join(again.stderr.split())


def judge_file(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "windows.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


ISSUE_EXAMPLE = {"judge": "statistical", "metrics": [
    {"name": "error-rate", "kind": "rate", "baseline": {"total": 57000, "events": 570},
     "canary": {"total": 3000, "events": 60}, "max": 0.05},
    {"name": "latency-ms", "kind": "distribution", "baseline": [12.1, 13.0, 12.7] * 60,
     "canary": [12.4, 12.9, 13.1] * 60, "tolerance": 0.1}]}


@pytest.mark.parametrize("data, code, verdict", [
    (ISSUE_EXAMPLE, 2, "fail"),
    ({**ISSUE_EXAMPLE, "metrics": [{**ISSUE_EXAMPLE["metrics"][0], "canary": {"total": 3000, "events": 29}}]},
     0, "pass"),
    ({"judge": "statistical", "metrics": [{"name": "e", "kind": "rate", "baseline": {"total": 5000, "events": 5},
                                           "canary": {"total": 20, "events": 0}}]}, 3, "inconclusive"),
    ({"judge": "threshold", "metrics": [{"name": "e", "kind": "rate", "canary": {"total": 1000, "events": 70},
                                         "max": 0.05}]}, 2, "fail"),
    ('{"judge": "statistical", "metrics": [{"name": "e", "kind": "rate", "baseline": {"total": NaN, "events": 1},'
     ' "canary": {"total": 3000, "events": 1}}]}', 3, "inconclusive"),
])
def test_judge_command(cli, tmp_path, data, code, verdict):
    result = cli("judge", "--input", judge_file(tmp_path, data))
    assert result.exit_code == code, result.output
    doc = json.loads(result.stdout)
    assert doc["verdict"] == verdict and all({"name", "verdict", "reason"} <= set(m) for m in doc["metrics"])


@pytest.mark.parametrize("data, message", [
    ("{nope", "not JSON"),
    ({"judge": "vibes", "metrics": []}, "judge: 'vibes' is not one of"),
    ({"judge": "statistical"}, "metrics: a non-empty list is required"),
    ({"metrics": [{"name": "e", "kind": "rate", "canary": {"total": "many", "events": 1}}]},
     "metrics[0].canary.total: 'many' is not a number"),
    ({"metrics": [{"name": "e", "kind": "histogram"}]}, "metrics[0].kind: 'histogram'"),
])
def test_judge_bad_input(cli, tmp_path, data, message):
    result = cli("judge", "--input", judge_file(tmp_path, data))
    assert result.exit_code == 1 and message in " ".join(result.stderr.split()) and result.stdout == ""


def test_judge_missing_file(cli, tmp_path):
    result = cli("judge", "--input", str(tmp_path / "absent.json"))
    assert result.exit_code == 1 and "cannot read" in result.stderr


@pytest.mark.parametrize("release, message", [
    ({"steps": [{"setWeight": 150}]}, "less than or equal to 100"),
    ({"steps": [{"setWeight": 10}, {"pause": "-5m"}, {"setWeight": 100}]}, "'-5m' is negative"),
    ({"preset": "yolo"}, "unknown preset 'yolo'"),
    ({"steps": [{"setWeight": 50}, {"setWeight": 20}, {"setWeight": 100}]}, "setWeight goes down from 50 to 20"),
    # steps that end below 100 promote fully, as in Argo Rollouts (#14): no longer an error
    ({"steps": [{"setWeight": 10}, {"setWeight": 100}, {"analysis": {}}]}, "no baseline"),
    ({"steps": [{"setWeight": 10}, {"analysis": {"metrics": ["nope"]}}, {"setWeight": 100}]},
     "unknown metric(s) nope"),
    ({"preset": "blue-green", "smokeTests": []}, "blue-green smoke-tests the idle color"),
    ({"steps": [{"setWeight": "10"}, {"setWeight": 100}]}, "valid integer"),
])
def test_strategy_validation(spec_with, release, message):
    path = spec_with(release)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert message in str(info.value) and "release" in str(info.value)


def test_analysis_steps_need_metrics(spec_with, tmp_path):
    path = spec_with({"preset": "canary-10-5m"}, metrics=[])
    with pytest.raises(SpecError, match="no data is never a pass"):
        load_spec(path)
    ok = spec_with({"preset": "all-at-once"}, metrics=[])
    assert load_spec(ok).release.schedule[0].set_weight == 100


def test_dry_run_shows_the_migration_steps_and_what_they_run(cli, base_spec, tmp_path):
    base_spec["release"]["migrations"] = {"command": ["python", "manage.py", "migrate"], "expand": ["--expand"],
                                          "contract": ["--contract"]}
    spec = tmp_path / "service.yaml"  # the example's release, with migrations
    spec.write_text(yaml.safe_dump(base_spec, sort_keys=False))
    result = cli("release", "start", "-s", "prod", "-i", "repo/app:v2", "--dry-run", "-o", "json", "--spec",
                 str(spec), "--ledger", str(tmp_path / "ledger"))
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert steps[0]["action"] == "expand" and steps[1]["action"] == "deploy"
    assert [s["action"] for s in steps[-2:]] == ["finish", "contract"]
    expand, contract = steps[0]["runs"], steps[-1]["runs"]
    assert expand["command"] == ["python", "manage.py", "migrate", "--expand"] and expand["image"] == "repo/app:v2"
    assert "Kubernetes Job" in expand["where"] and "checkout-prod" in expand["where"] and "blue" in expand["where"]
    assert contract["command"][-1] == "--contract"
    simulation = json.loads(result.stdout)["simulation"]
    assert simulation["status"] == "succeeded", simulation  # expand ran (offline) in the simulation
    text = cli("release", "start", "-s", "prod", "-i", "repo/app:v2", "--dry-run", "--spec", str(spec),
               "--ledger", str(tmp_path / "ledger"))
    assert text.exit_code == 0 and "expand" in text.stdout and "contract" in text.stdout
