"""The release verbs as a person or a CI job runs them (offline applier, synthetic
provider): reasons and actors kept, status exit codes, `start` returning once the new
color is active, the next command after the rollback window completing the release,
`promote --full`, `retry`, `history`, `list`, and a release steered from new processes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout.ledger import Ledger

V2, V3 = "ghcr.io/acme/checkout:2.0.0", "ghcr.io/acme/checkout:3.0.0"
GATED = {"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]}


@pytest.fixture
def release(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")
    ledger = tmp_path / "ledger"

    def run(verb: str, *args: str, spec: Path | None = None) -> Any:
        extra = ["--spec", str(spec)] if spec else []
        common = ["--stack", "prod", "--ledger", str(ledger)]
        if verb in ("status", "history"):
            return cli("release", verb, *common, *args)
        return cli("release", verb, *common, *extra, "--applier", "offline", "--poll", "0.05", "--report-dir",
                   str(tmp_path / "reports"), *args)

    run.ledger = Ledger.open(str(ledger))  # type: ignore[attr-defined]
    return run


def record(release: Any) -> Any:
    return release.ledger.read("prod")


def test_reasons_and_actors_are_kept_for_every_verb(release, spec_with):
    """Finding 10: `--reason` was dropped for pause, resume and promote; the actor was
    `user@host:pid:hex`."""
    spec = spec_with(GATED)
    me = f"octocat@{socket.gethostname()}"
    started = release("start", "--image", V2, "--detach-on-pause", "--reason", "ticket 42", spec=spec)
    assert started.exit_code == 0, started.output
    assert release("pause", "--reason", "db maintenance").exit_code == 0
    assert record(release).paused_by == me
    assert release("resume", "--reason", "maintenance over", "--detach-on-pause").exit_code == 0
    assert release("promote", "--reason", "metrics look fine", "--detach-on-pause").exit_code == 0
    aborted = release("abort", "--reason", "customer report")
    assert aborted.exit_code == 2, aborted.output
    rec = record(release)
    assert rec.started_by == me and rec.reason == "customer report"
    details = {e.kind: e for e in rec.events if e.by}
    assert details["reason"].detail == "ticket 42"
    assert details["pause"].detail == f"paused by {me} (db maintenance)"
    assert "maintenance over" in details["resume"].detail and details["resume"].by == me
    promoted = next(e for e in rec.events if e.kind == "step" and "promoted by" in e.detail)
    assert f"promoted by {me} (metrics look fine)" in promoted.detail
    assert details["abort"].detail == "abort: customer report" and details["abort"].by == me
    assert all(":" not in (e.by or "") for e in rec.events)  # no pid, no hex: a person and a host


def test_status_exit_codes_and_color_names(release, spec_with):
    """Finding 8: `status --watch` exited 0 on an aborted release; the active color was wrong."""
    spec = spec_with(GATED)
    release("start", "--image", V2, "--detach-on-pause", spec=spec)
    running = release("status")
    # each color with the revision it runs (r2: the release's)
    assert running.exit_code == 3 and "green r2 ghcr.io/acme/checkout:2.0.0 (20 %)" in " ".join(running.stdout.split())
    timed_out = release("status", "--watch", "--timeout", "1s")
    assert timed_out.exit_code == 3
    release("abort")
    assert release("status").exit_code == 2
    watched = release("status", "--watch", "--timeout", "5s")
    assert watched.exit_code == 2 and "aborted" in watched.stdout
    doc = json.loads(release("status", "-o", "json").stdout)
    assert doc["active"] == "blue" and doc["status"] == "aborted"


def test_start_returns_once_active_and_the_next_command_scales_down(release, spec_with):
    """Findings 9 and 2: `start` held the foreground for the whole rollback window; after
    the window, every verb (and `start`) was refused forever."""
    spec = spec_with({"rollbackWindow": "1s"})
    started = release("start", "--image", V2, "-o", "json", spec=spec)
    assert started.exit_code == 0, started.output
    doc = json.loads(started.stdout)
    assert doc["status"] == "succeeded" and doc["active"] == "green" and doc["scaled_down"] is None
    time.sleep(1.2)
    late = release("abort")  # the window is over: it completes the release, then says there was nothing to abort
    assert late.exit_code == 1 and "nothing to abort" in " ".join(late.stderr.split())
    assert record(release).status == "completed" and record(release).scaled_down == "blue"
    again = release("start", "--image", V3, "-o", "json", spec=spec)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["images"] == {"blue": V3, "green": V2}


def test_start_completes_a_release_whose_window_ran_out(release, spec_with):
    spec = spec_with({"rollbackWindow": "1s"})
    release("start", "--image", V2, spec=spec)
    time.sleep(1.2)
    second = release("start", "--image", V3, "-o", "json", spec=spec)
    assert second.exit_code == 0, second.output
    history = release.ledger.history("prod")
    assert [r.status for r in history] == ["completed", "succeeded"] and history[0].scaled_down == "blue"


def test_start_wait_stays_through_the_window(release, spec_with):
    spec = spec_with({"rollbackWindow": "1s"})
    done = release("start", "--image", V2, "--wait", "-o", "json", spec=spec)
    assert done.exit_code == 0 and json.loads(done.stdout)["status"] == "completed"
    assert json.loads(done.stdout)["scaled_down"] == "blue"


def test_promote_full_retry_history_and_list(release, spec_with):
    spec = spec_with(GATED)
    release("start", "--image", V2, "--detach-on-pause", spec=spec)
    full = release("promote", "--full", "--reason", "hotfix", "-o", "json")
    assert full.exit_code == 0, full.output
    doc = json.loads(full.stdout)
    assert doc["status"] == "completed" and doc["weights"] == {"blue": 0, "green": 100}
    assert any("--full, every remaining step skipped" in e["detail"] for e in doc["events"])
    release("start", "--image", V3, "--detach-on-pause", spec=spec)
    release("abort", "--reason", "bad canary")
    retried = release("retry", "--detach-on-pause", "--reason", "fixed the config")
    assert retried.exit_code == 0, retried.output
    rec = record(release)
    assert rec.image == V3 and rec.status == "running" and rec.weights.blue == 20
    assert any("retry of release" in e.detail and "fixed the config" in e.detail for e in rec.events)
    history = json.loads(release("history", "-o", "json").stdout)
    assert [h["status"] for h in history] == ["completed", "aborted", "running"]
    assert [h["image"] for h in history] == [V2, V3, V3]


def test_list_shows_every_stack_of_a_ledger(cli, release, spec_with, tmp_path):
    release("start", "--image", V2, spec=spec_with())
    listed = cli("release", "list", "--ledger", str(tmp_path / "ledger"), "-o", "json")
    assert listed.exit_code == 0
    assert [(s["stack"], s["active"], s["image"]) for s in json.loads(listed.stdout)] == [("prod", "green", V2)]


def test_detach_then_promote_from_new_processes_uses_the_ledger(spec_with, tmp_path):
    """Finding 6: after `--detach-on-pause`, `promote --applier offline` in a new process
    started from the stack config instead of the ledger; the next step and the abort failed."""
    spec = spec_with(GATED)
    tricolor = str(Path(sys.executable).with_name("tricolor"))
    common = ["--stack", "prod", "--ledger", str(tmp_path / "ledger"), "--poll", "0.05",
              "--report-dir", str(tmp_path / "reports")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([tricolor, "release", *args, *common], capture_output=True, text=True, timeout=180)

    assert run("start", "--image", V2, "--spec", str(spec), "--applier", "offline",
               "--detach-on-pause").returncode == 0
    promoted = run("promote", "--detach-on-pause")  # spec and applier: reused from the record
    assert promoted.returncode == 0, promoted.stderr
    aborted = run("abort")
    assert aborted.returncode == 2, aborted.stderr
    rec = Ledger.open(str(tmp_path / "ledger")).read("prod")
    assert rec.status == "aborted" and rec.weights.green == 0
    applied = json.loads((tmp_path / "ledger" / "offline" / "prod.json").read_text())
    assert applied["state"]["weights"] == {"blue": 100, "green": 0} and applied["purpose"] == "abort"
    weights = [e.detail for e in rec.events if e.kind == "apply"]
    assert weights[-2:] == ["step 4/7 set weight: blue 50 %, green 50 %",
                            "abort: all traffic back to blue (blue 100 %, green 0 %)"]


def test_abort_needs_neither_the_metrics_provider_nor_the_smoke_url(release, spec_with, monkeypatch):
    """Finding 5: a failed `abort` (the provider had no URL) left a pending request."""
    monkeypatch.delenv("TRICOLOR_PROMETHEUS_URL", raising=False)
    spec = spec_with(GATED, provider="prometheus", providerSettings={},
                     metrics=[{"name": "error-rate", "kind": "rate", "query": "e", "totalQuery": "t", "max": 0.05}])
    assert release("start", "--image", V2, "--detach-on-pause", spec=spec).exit_code == 0
    aborted = release("abort", "--reason", "no prometheus here")
    assert aborted.exit_code == 2, aborted.output
    rec = record(release)
    assert rec.status == "aborted" and rec.request is None and rec.weights.green == 0


def test_every_verb_finds_the_ledger_named_by_the_stack_config(cli, spec_with, tmp_path, monkeypatch):
    """The ledger's location is stack configuration (`tricolor:ledger`): no `--ledger`,
    no environment variable, and every verb reads the same ledger."""
    import shutil

    monkeypatch.delenv("TRICOLOR_LEDGER", raising=False)
    monkeypatch.chdir(tmp_path)
    root = Path(__file__).resolve().parents[2]
    stacks = tmp_path / "stacks"
    shutil.copytree(root / "stacks", stacks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    prod = stacks / "Pulumi.prod.yaml"
    prod.write_text(prod.read_text().replace("  tricolor:backend: kubernetes\n",
                                             "  tricolor:backend: kubernetes\n  tricolor:ledger: team-ledger\n"))
    spec = spec_with(GATED)
    common = ["--stack", "prod", "--stacks-dir", str(stacks)]
    started = cli("release", "start", *common, "--image", V2, "--spec", str(spec), "--applier", "offline",
                  "--detach-on-pause", "--poll", "0.05", "--report-dir", str(tmp_path / "reports"))
    assert started.exit_code == 0, started.output
    assert (tmp_path / "team-ledger" / "prod.json").exists() and not (tmp_path / ".tricolor" / "ledger").exists()
    status = cli("release", "status", *common, "-o", "json")
    assert status.exit_code == 3 and json.loads(status.stdout)["weights"] == {"blue": 80, "green": 20}
    assert cli("release", "abort", *common, "--report-dir", str(tmp_path / "reports")).exit_code == 2
