"""Crash and resume: `tricolor release start` is killed with SIGKILL between steps and
during a step (before and after the step took effect), then `tricolor release resume`
runs in a new process. It ends consistent: no step applied twice, never a weight in
force that the ledger does not know, and the takeover needs no waiting (the dead
owner's process is gone)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from journal import JournalApplier
from killing import Site, step_action


@pytest.fixture
def site(spec_with: Any, tmp_path: Path) -> Site:
    # The threshold judge keeps scipy out of the subprocess: it starts faster.
    spec = spec_with({"steps": [{"setWeight": 20}, {"pause": "2s"}, {"analysis": {}}, {"setWeight": 50},
                                {"pause": "200ms"}, {"setWeight": 100}]}, judge="threshold")
    return Site(tmp_path / "ledger", spec, env={"TRICOLOR_TEST_JOURNAL": str(tmp_path / "journal.jsonl")},
                lock_timeout=60)


def journal(site: Site) -> list[dict[str, Any]]:
    return JournalApplier(Path(site.env["TRICOLOR_TEST_JOURNAL"])).entries()


def consistent_after_kill(site: Site) -> None:
    """The weights in force (the journal's last line) are ones the ledger knows."""
    rec = site.record()
    assert rec is not None and rec["lock"] is not None  # the dead owner's lock is still there
    lines = journal(site)
    in_force = lines[-1]["weights"] if lines else {"blue": 100, "green": 0}
    assert in_force in (rec["weights"], (rec["target"] or {}).get("weights"))


def resume_and_check(site: Site) -> None:
    done = site.run("resume")  # a lock timeout of 60 s: taken at once, its pid being gone
    assert done.returncode == 0, done.stderr
    rec = site.record()
    assert rec is not None and rec["status"] == "completed" and rec["weights"] == {"blue": 0, "green": 100}
    lines = journal(site)
    assert [line["weights"]["green"] for line in lines] == [0, 20, 50, 100, 100]
    per_step = Counter((line["step"], line["purpose"]) for line in lines)
    assert max(per_step.values()) == 1, per_step  # no step applied twice
    assert lines[-1]["weights"] == rec["weights"] and lines[-1]["state"]["scaled_down"] == "blue"
    assert any(e["kind"] == "takeover" for e in rec["events"])


def start(site: Site, **env: str) -> Any:
    return site.spawn("start", "--image", "ghcr.io/acme/checkout:1.5.0", "--applier", "journal", env=env)


def test_killed_between_steps(site):
    site.kill_when(start(site), lambda r: step_action(r) == "pause" and r["step_state"] == "pending")
    consistent_after_kill(site)
    resume_and_check(site)


def test_killed_during_a_step_before_it_took_effect(site):
    rec = site.kill_when(start(site, TRICOLOR_TEST_SLOW="weight", TRICOLOR_TEST_DELAY_BEFORE="30"),
                         lambda r: r["step_state"] == "applying" and r["target"]["weights"]["green"] == 20)
    assert rec["target"]["weights"] == {"blue": 80, "green": 20} and rec["weights"] == {"blue": 100, "green": 0}
    consistent_after_kill(site)
    resume_and_check(site)


def test_killed_during_a_step_after_it_took_effect(site):
    rec = site.kill_when(start(site, TRICOLOR_TEST_SLOW="weight", TRICOLOR_TEST_DELAY_AFTER="30"),
                         lambda r: r["step_state"] == "applying"
                         and any(e["weights"]["green"] == 20 for e in journal(site)))
    assert rec["step_state"] == "applying" and rec["weights"] == {"blue": 100, "green": 0}
    consistent_after_kill(site)
    resume_and_check(site)
