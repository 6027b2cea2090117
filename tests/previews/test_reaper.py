"""The reaper's choices (pure) and its executor (a recording destroyer, failures injected)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from preview_doubles import RecordingDestroyer

from tricolor.errors import UnknownNameError
from tricolor.previews.automation_destroyer import AutomationDestroyer
from tricolor.previews.backends import open_backend
from tricolor.previews.destroy import DestroyerContext, StackRef
from tricolor.previews.destroyers import get_destroyer
from tricolor.previews.errors import DestroyError
from tricolor.previews.listing import list_stacks, reread
from tricolor.previews.reaper import decide, decide_one, reap


@pytest.fixture
def stacks(backend, now, tags_for, labelled):  # type: ignore[no-untyped-def]
    """A backend with ordinary stacks and previews in every state."""
    backend.add("staging", tags={})
    backend.add("prod")
    backend.add("pr-legacy")  # looks like a preview by name, but carries no marker
    backend.add("pr-1-fresh-00000001", labelled("pr-1-fresh-00000001", pr="1"),
                tags=tags_for(1, "fresh", now - timedelta(hours=2)))
    backend.add("pr-2-old-00000002", tags=tags_for(2, "old", now - timedelta(hours=73)))
    backend.add("pr-3-closed-00000003", tags=tags_for(3, "closed", now - timedelta(minutes=5)))
    backend.add("pr-4-doomed-00000004", tags=tags_for(4, "doomed", now - timedelta(days=5), ttl="1d"))
    backend.add("pr-5-busy-00000005", tags=tags_for(5, "busy", now - timedelta(days=9)))
    backend.lock("pr-5-busy-00000005")
    backend.add("pr-6-odd-00000006", tags={"tricolor:preview": "true", "tricolor:pr": "6"})
    backend.add("pr-7-liar-00000007", tags=tags_for(8, "liar", now - timedelta(days=9)))
    backend.add("pr-9-labels-00000009", labelled("pr-9-labels-00000009", pr="9",
                                                 created_at="2026-11-20T120000Z", ttl="3600s"))
    return backend


def choices(backend, now, states=None):  # type: ignore[no-untyped-def]
    records = list_stacks(open_backend(backend.url), "tricolor")
    return {d.stack: (d.action, d.reason) for d in decide(records, now, states or {})}


def test_choices(stacks, now) -> None:  # type: ignore[no-untyped-def]
    got = choices(stacks, now, {3: "closed", 1: "open", 2: None})
    assert {k: v[0] for k, v in got.items()} == {
        "staging": "skip", "prod": "skip", "pr-legacy": "skip",
        "pr-1-fresh-00000001": "keep",
        "pr-2-old-00000002": "destroy",
        "pr-3-closed-00000003": "destroy",
        "pr-4-doomed-00000004": "destroy",
        "pr-5-busy-00000005": "keep",
        "pr-6-odd-00000006": "keep",
        "pr-7-liar-00000007": "keep",
        "pr-9-labels-00000009": "destroy",
    }
    assert got["pr-1-fresh-00000001"][1] == "2d22h left of its TTL 3d"
    assert got["pr-2-old-00000002"][1] == "TTL 3d ran out 1h ago"
    assert got["pr-3-closed-00000003"][1] == "pull request #3 is closed"
    assert "lock" in got["pr-5-busy-00000005"][1]
    assert "unreadable" in got["pr-6-odd-00000006"][1]
    assert "#7" in got["pr-7-liar-00000007"][1] and "#8" in got["pr-7-liar-00000007"][1]
    assert "no tricolor:preview marker" in got["pr-legacy"][1]


def test_time_moving_forward_expires_the_fresh_one(stacks, now) -> None:  # type: ignore[no-untyped-def]
    assert choices(stacks, now)["pr-1-fresh-00000001"][0] == "keep"
    later = now + timedelta(hours=69, minutes=59)
    assert choices(stacks, later)["pr-1-fresh-00000001"][0] == "keep"
    assert choices(stacks, later + timedelta(minutes=1))["pr-1-fresh-00000001"] == ("destroy", "TTL 3d ran out 0s ago")
    # A closed pull request is reaped whatever its TTL.
    assert choices(stacks, now, {1: "closed"})["pr-1-fresh-00000001"][0] == "destroy"


def recheck(store, now, states=None):  # type: ignore[no-untyped-def]
    return lambda decision: decide_one(reread(store, decision.record), now, states or {})


def run(backend, now, destroyer, states=None, dry_run=False):  # type: ignore[no-untyped-def]
    store = open_backend(backend.url)
    return reap(decide(list_stacks(store, "tricolor"), now, states or {}), destroyer, recheck(store, now, states),
                dry_run=dry_run)


def test_executor_goes_on_past_a_failure_and_twice_is_a_no_op(stacks, now) -> None:  # type: ignore[no-untyped-def]
    destroyer = RecordingDestroyer(fail={"organization/tricolor/pr-3-closed-00000003"}, on_destroy=stacks.remove)
    report = run(stacks, now, destroyer, {3: "closed"})
    assert destroyer.qualified == ["organization/tricolor/pr-2-old-00000002",
                                   "organization/tricolor/pr-3-closed-00000003",
                                   "organization/tricolor/pr-4-doomed-00000004",
                                   "organization/tricolor/pr-9-labels-00000009"]
    assert [r.name for r in destroyer.destroyed] == ["pr-2-old-00000002", "pr-4-doomed-00000004",
                                                     "pr-9-labels-00000009"]
    assert not report.ok
    (failed,) = report.failed
    assert failed.decision.stack == "pr-3-closed-00000003" and failed.error == (
        "DestroyError: organization/tricolor/pr-3-closed-00000003: injected failure")
    assert {o.decision.stack for o in report.with_status("skipped")} == {"staging", "prod", "pr-legacy"}
    assert failed.as_json()["status"] == "failed"
    assert failed.as_json()["qualified"] == "organization/tricolor/pr-3-closed-00000003"
    # The failed one is tried again next time; the destroyed ones are gone; nothing else is touched.
    again = RecordingDestroyer(on_destroy=stacks.remove)
    second = run(stacks, now, again, {3: "closed"})
    assert again.qualified == ["organization/tricolor/pr-3-closed-00000003"] and second.ok
    third = RecordingDestroyer()
    assert run(stacks, now, third, {3: "closed"}).ok and third.calls == []
    assert {"staging.json", "prod.json", "pr-legacy.json"} <= {p.name for p in stacks.stacks.iterdir()}


def test_dry_run_destroys_nothing(stacks, now) -> None:  # type: ignore[no-untyped-def]
    destroyer = RecordingDestroyer()
    before = stacks.files()
    report = run(stacks, now, destroyer, dry_run=True)
    assert destroyer.calls == [] and stacks.files() == before
    assert sorted(o.decision.stack for o in report.with_status("would destroy")) == [
        "pr-2-old-00000002", "pr-4-doomed-00000004", "pr-9-labels-00000009"]


def test_destroyer_registry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    context = DestroyerContext(project="tricolor", backend_url=f"file://{tmp_path}", work_dir=tmp_path)
    assert isinstance(get_destroyer("automation", context), AutomationDestroyer)
    with pytest.raises(UnknownNameError, match="unknown destroyer 'terraform'; known: automation"):
        get_destroyer("terraform", context)
    with pytest.raises(UnknownNameError, match="known: automation$"):
        get_destroyer("recording", context)  # the test double is no product destroyer


def test_recording_destroyer_failure_is_a_destroy_error() -> None:
    destroyer = RecordingDestroyer(fail=["organization/p/x"])
    with pytest.raises(DestroyError, match="injected"):
        destroyer.destroy(StackRef("p", "x"))
    assert destroyer.qualified == ["organization/p/x"] and destroyer.destroyed == []
