"""The kill matrix (issue 10): a release driven through the CLI (offline applier,
synthetic provider) is SIGKILLed at every kind of point; then, on a copy of what the
kill left for each verb, a NEW process runs that verb (resume, abort, promote,
rollback, status, start with a new image), and the sequence is closed by the verb that
ends whatever is left (abort, or rollback after a success).

Every sequence ends in a terminal state (or an active new release); no state refuses
every verb; every abort ends with the canary at weight 0, both in the ledger and in
what the offline applier last applied (``offline/prod.json`` next to the ledger);
what the applier applied last is always the ledger's state in force or its recorded
target; no command answers with a traceback.

Kill points: during a weight apply (before and after it took effect), in a pause, in
an analysis, during an abort apply, during a rollback apply, in the rollback window,
and in the rollback window with every verb run after it ended. A rolling release
(``strategy: rolling``): during its in-place deploy apply and in its analysis. A release
with migrations: in the middle of its expand migration and of its contract migration;
the run the killed process started is observed by the next one, never started again,
and no contract ever runs for a release that did not complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from killing import Site, canary_weight, read_json, step_action

NEW_IMAGE = "ghcr.io/acme/checkout:1.6.0"
IMAGE = "ghcr.io/acme/checkout:1.5.0"
SLOW = {"TRICOLOR_TEST_DELAY_BEFORE": "60"}
VERBS = ["resume", "abort", "promote", "rollback", "status", "start"]
SETTLED = {"aborted", "rolled-back", "completed"}


def release_spec(spec_with: Any, window: str) -> Path:
    return spec_with({"steps": [{"setWeight": 20}, {"pause": "2s"}, {"analysis": {}}, {"setWeight": 100}],
                      "rollbackWindow": window}, judge="threshold", interval="1s", consecutiveSuccessLimit=2,
                     name=f"service-{window}.yaml")


MIGRATIONS = {"command": ["python", "manage.py", "migrate"], "expand": ["--expand"], "contract": ["--contract"]}


def rolling_spec(spec_with: Any, window: str) -> Path:
    return spec_with({"strategy": "rolling", "rollingUpdate": {"pause": "1s"}, "rollbackWindow": window,
                      "smokeTests": []}, judge="threshold", interval="1s", consecutiveSuccessLimit=2,
                     name=f"service-rolling-{window}.yaml")


def migrations_spec(spec_with: Any, window: str) -> Path:
    return spec_with({"steps": [{"setWeight": 20}, {"pause": "2s"}, {"setWeight": 100}], "rollbackWindow": window,
                      "migrations": MIGRATIONS}, judge="threshold", interval="1s",
                     name=f"service-migrations-{window}.yaml")


def start(site: Site, *extra: str, **env: str) -> Any:
    return site.spawn("start", "--image", IMAGE, "--applier", "offline", *extra, env=env)


def killed_in_weight_apply(site: Site, after: bool = False) -> dict[str, Any]:
    delay = {"TRICOLOR_TEST_DELAY_AFTER" if after else "TRICOLOR_TEST_DELAY_BEFORE": "60"}
    return site.kill_when(start(site, TRICOLOR_TEST_SLOW="weight", **delay),
                          lambda r: r["step_state"] == "applying" and r["target"]["weights"]["green"] == 20
                          and (not after or (site.applied() or {}).get("weights", {}).get("green") == 20))


def killed_in_pause(site: Site) -> dict[str, Any]:
    return site.kill_when(start(site), lambda r: step_action(r) == "pause" and r["status"] == "running")


def killed_in_analysis(site: Site) -> dict[str, Any]:
    return site.kill_when(start(site), lambda r: step_action(r) == "analysis" and r["counters"]["measurements"] >= 1)


def killed_in_abort_apply(site: Site) -> dict[str, Any]:
    killed_in_pause(site)
    proc = site.spawn("abort", "--reason", "kill test", env={"TRICOLOR_TEST_SLOW": "abort", **SLOW})
    return site.kill_when(proc, lambda r: r["status"] == "aborting" and r["step_state"] == "applying")


def succeeded(site: Site) -> None:
    done = site.run("start", "--image", IMAGE, "--applier", "offline")
    assert done.returncode == 0, done.stderr
    assert (site.record() or {}).get("status") == "succeeded"


def killed_in_rollback_apply(site: Site) -> dict[str, Any]:
    succeeded(site)
    proc = site.spawn("rollback", "--reason", "kill test", env={"TRICOLOR_TEST_SLOW": "rollback", **SLOW})
    return site.kill_when(proc, lambda r: r["status"] == "rolling-back" and r["step_state"] == "applying")


def killed_in_window(site: Site) -> dict[str, Any]:
    return site.kill_when(start(site, "--wait"), lambda r: r["status"] == "succeeded")


def killed_in_window_verbs_after_it(site: Site) -> dict[str, Any]:
    rec = site.kill_when(start(site, "--wait"), lambda r: r["status"] == "succeeded")
    time.sleep(max(0.0, rec["rollback_until"] - time.time()) + 0.2)
    return rec


def killed_in_rolling_deploy(site: Site) -> dict[str, Any]:
    return site.kill_when(start(site, TRICOLOR_TEST_SLOW="deploy", **SLOW),
                          lambda r: r["step_state"] == "applying" and step_action(r) == "deploy")


def running_migration(rec: dict[str, Any], phase: str) -> bool:
    return any(m["phase"] == phase and m["state"] == "running" for m in rec.get("migrations", []))


def killed_in_migration(site: Site, phase: str) -> dict[str, Any]:
    slow = {"TRICOLOR_TEST_SLOW": phase, "TRICOLOR_TEST_DELAY_MIGRATION": "60"}
    extra = ("--wait",) if phase == "contract" else ()
    # killed once the run exists on the platform (the offline runner's record of it)
    return site.kill_when(start(site, *extra, **slow), lambda r: running_migration(r, phase) and any(
        run["phase"] == phase for run in (runs(site) or {}).values()))


def runs(site: Site) -> dict[str, Any] | None:
    found = read_json(site.ledger / "offline" / f"{site.stack}.migrations.json")
    return None if found is None else found["runs"]


KILLS: dict[str, tuple[Callable[[Site], dict[str, Any]], str]] = {
    "weight-apply-before-effect": (killed_in_weight_apply, "1h"),
    "weight-apply-after-effect": (lambda s: killed_in_weight_apply(s, after=True), "1h"),
    "pause": (killed_in_pause, "1h"),
    "analysis": (killed_in_analysis, "1h"),
    "abort-apply": (killed_in_abort_apply, "1h"),
    "rollback-apply": (killed_in_rollback_apply, "1h"),
    "rollback-window": (killed_in_window, "1h"),
    "after-rollback-window": (killed_in_window_verbs_after_it, "2s"),
    "rolling-deploy-apply": (killed_in_rolling_deploy, "1h"),
    "rolling-analysis": (killed_in_analysis, "1h"),
    "expand-migration": (lambda s: killed_in_migration(s, "expand"), "1h"),
    "contract-migration": (lambda s: killed_in_migration(s, "contract"), "2s"),
}
SPECS: dict[str, Callable[[Any, str], Path]] = {
    "rolling-deploy-apply": rolling_spec, "rolling-analysis": rolling_spec, "expand-migration": migrations_spec,
    "contract-migration": migrations_spec,
}


def verb_args(verb: str) -> list[str]:
    if verb == "start":
        return ["--image", NEW_IMAGE]
    return [] if verb == "status" else ["--reason", f"kill matrix: {verb}", "--detach-on-pause"]


def consistent(site: Site, rec: dict[str, Any]) -> None:
    """What the applier applied last is the ledger's state in force, or its recorded target."""
    applied = site.applied()
    if applied is None:
        return
    known = [{key: rec[key] for key in applied}]  # the state in force: weights, images, scaled down, routes...
    if rec["target"] is not None:
        known.append(rec["target"])
    assert applied in known, (applied, known)


def ended(site: Site, rec: dict[str, Any]) -> None:
    if rec["status"] == "aborted":
        assert canary_weight(rec) == 0 and rec["weights"][rec["stable"]] == 100
        assert site.applied() is not None and site.applied()["weights"] == rec["weights"]


def close(site: Site, rec: dict[str, Any]) -> dict[str, Any]:
    """The verb that ends what is left: it is never refused."""
    closer = "rollback" if rec["status"] == "succeeded" else "abort"
    done = site.run(closer, "--reason", "closing the sequence")
    assert "Traceback" not in done.stderr and done.returncode in (0, 1, 2), done.stderr
    after = site.record()
    assert after is not None
    if after["status"] not in SETTLED:  # a completed window: nothing to roll back, but it completed
        raise AssertionError(f"{closer} left the release {after['status']}: {done.stderr}")
    return after


def sequence(killed: Site, left: dict[str, Any], verb: str, folder: Path) -> str:
    """One verb on a copy of what the kill left, then the closer; checks as it goes."""
    site = killed.copy(folder)
    done = site.run(verb, *verb_args(verb))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2, 3), (verb, done.returncode, done.stderr)
    rec = site.record()
    assert rec is not None
    consistent(site, rec)
    ended(site, rec)
    if verb in ("resume", "abort", "rollback") and done.returncode != 1:
        assert rec["status"] not in ("aborting", "rolling-back")  # an interrupted abort or rollback is finished
    if verb == "abort" and left["status"] in ("running", "paused", "aborting"):
        assert rec["status"] == "aborted", done.stderr
    if verb in ("resume", "promote") and left["status"] == "running":  # it goes on from its step, to 100 %
        assert done.returncode == 0 and rec["status"] == "succeeded", done.stderr
        assert rec["weights"][rec["stable"]] == 100 and rec["images"][rec["stable"]] == IMAGE
    if verb == "resume" and left["status"] == "running":  # without skipping a step or repeating one
        entered = [e["step"] for e in rec["events"] if e["kind"] == "step"]
        applied = [e["step"] for e in rec["events"] if e["kind"] == "apply"]
        finish = next(i for i, step in enumerate(rec["plan"]) if step["action"] == "finish")
        assert entered == list(range(1, entered[-1] + 1)) and entered[-1] >= finish, rec["events"]
        assert len(applied) == len(set(applied)), rec["events"]
    if verb == "status":
        assert done.returncode == {"completed": 0, "succeeded": 0, "aborted": 2, "rolled-back": 2}.get(
            rec["status"], 3)
    final = rec if rec["status"] in SETTLED else close(site, rec)
    consistent(site, final)
    ended(site, final)
    migrated_once(site, left, final)
    if final["status"] == "aborted":
        assert (site.applied() or {})["weights"][final["canary"]] == 0
    return f"{verb}: {rec['status']} -> {final['status']}"


def migrated_once(site: Site, left: dict[str, Any], final: dict[str, Any]) -> None:
    """The run the killed process started was observed by the next one, never started
    again; no contract ran for a release that did not complete."""
    started = runs(site) or {}
    done = {m["name"]: m for m in final.get("migrations", [])}
    for entry in left.get("migrations", []):
        if entry["state"] != "running" or entry["name"] not in started:
            continue
        run = started[entry["name"]]
        assert run["created_by"] == left["lock"]["pid"]  # never created again
        if done.get(entry["name"], {}).get("state") == "succeeded":
            assert run.get("observed_by"), run  # finished by observing the run that existed
    for run in started.values():
        if run["phase"] == "contract" and run["release"] == final["release_id"]:
            assert final["status"] == "completed", (final["status"], run)


@pytest.mark.parametrize("kill", list(KILLS))
def test_kill_matrix(kill, spec_with, tmp_path):
    make, window = KILLS[kill]
    killed = Site(tmp_path / "killed" / "ledger", SPECS.get(kill, release_spec)(spec_with, window))
    left = make(killed)
    assert left["lock"] is not None or left["status"] in SETTLED  # it was killed holding the release
    consistent(killed, left)
    # The sequences are independent (one copy of the ledger each): a few run at once.
    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = list(pool.map(lambda verb: sequence(killed, left, verb, tmp_path / verb), VERBS))
    assert len(outcomes) == len(VERBS)
