"""The reaper destroys only what it listed, marked, by its fully qualified name.

One suite over both backends (a folder, and S3 on moto's server), each filled with the
stacks that have tempted a reaper into destroying the wrong thing: another project's
expired "preview" called ``prod``, an unscoped-layout ``prod``, tags that say "not a
preview" over labels that say it is, facts that cannot be read, TTLs and creation times
that overflow or make no sense, a checkpoint of another stack, a locked stack, an object
the bucket refuses to serve. Every one of them is expired (or its pull request closed),
so only the safety rules stand between it and ``destroy``. A recording destroyer (a test
double) shows what is ever passed to destroy.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from preview_doubles import FlakyStore, RecordingDestroyer

from tricolor.previews.backends import open_backend
from tricolor.previews.destroy import StackRef
from tricolor.previews.listing import list_previews, list_stacks, reread
from tricolor.previews.reaper import decide, decide_one, reap
from tricolor.previews.tags import PreviewMeta
from tricolor.previews.ttl import parse_ttl
from tricolor.vocab import labels as L

PROJECT = "tricolor"


class Writer:
    """Writes a DIY backend's files, to a folder or to an S3 bucket."""

    def __init__(self, kind: str, root: Path, endpoint: str | None = None) -> None:
        self.kind = kind
        self.root = root
        if kind == "s3":
            import boto3

            self.bucket = f"state-{uuid.uuid4().hex[:16]}"  # moto's server is shared by the session
            self.s3 = boto3.client("s3")
            self.s3.create_bucket(Bucket=self.bucket)

    @property
    def url(self) -> str:
        return f"file://{self.root}" if self.kind == "folder" else f"s3://{self.bucket}/team?region=us-east-1"

    def put(self, key: str, data: bytes | str) -> None:
        body = data.encode() if isinstance(data, str) else data
        if self.kind == "folder":
            path = self.root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        else:
            self.s3.put_object(Bucket=self.bucket, Key=f"team/{key}", Body=body)

    def delete(self, key: str) -> None:
        if self.kind == "folder":
            (self.root / key).unlink()
        else:
            self.s3.delete_object(Bucket=self.bucket, Key=f"team/{key}")

    def folder(self, project: str | None) -> str:
        return f".pulumi/stacks/{project}/" if project else ".pulumi/stacks/"

    def stack(self, name: str, project: str | None = PROJECT, labels: dict[str, str] | None = None,
              tags: dict[str, str] | str | None = None, checkpoint: str | None = None,
              urn_project: str | None = None) -> None:
        """A stack: its checkpoint (resources carrying ``labels``) and, unless ``tags`` is
        None, its tags file (a dict, or raw text)."""
        owner = urn_project or project or PROJECT
        resource = {"urn": f"urn:pulumi:{name}::{owner}::kubernetes:core/v1:ConfigMap::{name}-config",
                    "type": "kubernetes:core/v1:ConfigMap", "custom": True, "id": "x",
                    "inputs": {"metadata": {"name": "c", "labels": labels or {}}},
                    "outputs": {"metadata": {"name": "c", "labels": labels or {}}}}
        document = {"version": 3, "checkpoint": {
            "stack": f"organization/{project}/{name}" if project else name,
            "latest": {"resources": [resource]}}}
        base = self.folder(project) + name
        self.put(base + ".json", checkpoint if checkpoint is not None else json.dumps(document))
        if tags is not None:
            self.put(base + ".pulumi-tags",
                     tags if isinstance(tags, str) else json.dumps({"version": 1, "tags": tags}))


@pytest.fixture(params=["folder", "s3"])
def writer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Writer]:
    if request.param == "s3":
        request.getfixturevalue("aws_env")
    yield Writer(request.param, tmp_path / "state")


def expired_tags(pr: int, now: Any, **changes: str) -> dict[str, str]:
    """The tags ``preview up`` writes, for a preview created 9 days ago with a 72h TTL."""
    tags = PreviewMeta(pr=pr, created_at=now - timedelta(days=9), ttl=parse_ttl("72h"), branch=f"b{pr}").to_tags()
    tags.update(changes)
    return tags


def expired_labels(pr: int, **changes: str) -> dict[str, str]:
    labels = {L.PREVIEW: "true", L.PR: str(pr), L.TTL: "3600s", L.CREATED_AT: "2026-11-01T120000Z",
              L.ENVIRONMENT: "preview"}
    labels.update(changes)
    return labels


def tempting_backend(writer: Writer, now: Any) -> None:
    """A project-scoped backend full of traps; only pr-1 and pr-2 of this project may go."""
    writer.put(".pulumi/meta.yaml", "version: 1\n")
    # The two stacks that are really expired previews of this project.
    writer.stack("pr-1-ok-00000001", tags=expired_tags(1, now))
    writer.stack("pr-2-labels-00000002", labels=expired_labels(2))  # tags file lost: labels decide
    # This project's own stacks, never previews.
    writer.stack("prod", tags={"pulumi:project": PROJECT})
    writer.stack("staging")
    # Another project's "prod" and preview: marked and expired, never this project's to destroy.
    writer.stack("prod", project="other", tags=expired_tags(3, now), labels=expired_labels(3))
    writer.stack("pr-4-other-00000004", project="other", tags=expired_tags(4, now))
    # The old unscoped layout, invisible to Pulumi in a project-scoped backend: a bare
    # "prod" would select this project's prod.
    writer.stack("prod", project=None, tags=expired_tags(5, now), labels=expired_labels(5))
    # Tags that say "not a preview" win over labels that say it is.
    writer.stack("pr-6-conflict-00000006", tags={"tricolor:preview": "false"}, labels=expired_labels(6))
    writer.stack("pr-7-notags-00000007", tags={"pulumi:project": PROJECT}, labels=expired_labels(7))
    # Facts that cannot be read.
    writer.stack("pr-8-badcheckpoint-00000008", tags=expired_tags(8, now), checkpoint='{"version": 3, '
                 '"checkpoint": {"latest": {"resources": ""}}}')
    writer.stack("pr-9-badtags-00000009", tags="{ not json", labels=expired_labels(9))
    writer.stack("pr-10-tagsversion-00000010", tags=json.dumps({"version": 2, "tags": expired_tags(10, now)}),
                 labels=expired_labels(10))
    # Overflowing or absurd facts.
    writer.stack("pr-11-ttloverflow-00000011", tags=expired_tags(11, now, **{"tricolor:ttl": "99999999999d"}))
    writer.stack("pr-12-createdoverflow-00000012",
                 tags=expired_tags(12, now, **{"tricolor:created-at": "9999-12-31T23:59:59Z"}))
    writer.stack("pr-13-ttlabsurd-00000013", tags=expired_tags(13, now, **{"tricolor:ttl": "1000d"}))
    writer.stack("pr-14-future-00000014",
                 tags=expired_tags(14, now, **{"tricolor:created-at": (now + timedelta(days=2)).isoformat()}))
    writer.stack("pr-15-hugepr-00000015", tags=expired_tags(15, now, **{"tricolor:pr": "9" * 5000}))
    writer.stack("pr-16-labeloverflow-00000016", labels=expired_labels(16, **{L.TTL: "9" * 40 + "d"}))
    year_one = "0001-01-01T00:00:00+01:00"  # before year 1 once moved to UTC
    writer.stack("pr-17-year1-00000017", tags=expired_tags(17, now, **{"tricolor:created-at": year_one}))
    # A checkpoint that is another stack's (copied over from another project).
    writer.stack("pr-18-foreign-00000018", tags=expired_tags(18, now), urn_project="other")
    # Locked by an update in progress.
    writer.stack("pr-19-locked-00000019", tags=expired_tags(19, now))
    writer.put(f".pulumi/locks/{PROJECT}/pr-19-locked-00000019/0f1e2d3c.json", "{}")
    # An object the store refuses to serve (FlakyStore below), amid the others.
    writer.stack("pr-20-denied-00000020", tags=expired_tags(20, now))
    # Name and facts disagree.
    writer.stack("pr-21-liar-00000021", tags=expired_tags(22, now))


KEPT = {  # stack -> a word of the reason it was kept
    "pr-6-conflict-00000006": "tags win",
    "pr-7-notags-00000007": "tags win",  # a tags file without the marker says "not a preview"
    "pr-8-badcheckpoint-00000008": "resources must be a list",
    "pr-9-badtags-00000009": "not JSON",
    "pr-10-tagsversion-00000010": "version 1",
    "pr-11-ttloverflow-00000011": "TTL",
    "pr-12-createdoverflow-00000012": "overflows",
    "pr-13-ttlabsurd-00000013": "longer than the limit of 90d",
    "pr-14-future-00000014": "in the future",
    "pr-15-hugepr-00000015": "pull-request number",
    "pr-16-labeloverflow-00000016": "TTL",
    "pr-17-year1-00000017": "not a time",
    "pr-18-foreign-00000018": "project 'other'",
    "pr-19-locked-00000019": "lock",
    "pr-20-denied-00000020": "AccessDenied",
    "pr-21-liar-00000021": "#21",
}


def reap_all(store: Any, now: Any, destroyer: RecordingDestroyer, states: dict[int, Any] | None = None) -> Any:
    states = states or {}
    decisions = decide(list_stacks(store, PROJECT), now, states)
    return reap(decisions, destroyer, lambda d: decide_one(reread(store, d.record), now, states))


def test_only_marked_listed_fully_qualified_stacks_are_destroyed(writer: Writer, now: Any) -> None:
    tempting_backend(writer, now)
    store = FlakyStore(open_backend(writer.url), deny=["pr-20-denied"])
    destroyer = RecordingDestroyer()
    report = reap_all(store, now, destroyer, {n: "closed" for n in range(1, 30)})
    assert destroyer.calls == [StackRef(PROJECT, "pr-1-ok-00000001"), StackRef(PROJECT, "pr-2-labels-00000002")]
    assert destroyer.qualified == ["organization/tricolor/pr-1-ok-00000001",
                                   "organization/tricolor/pr-2-labels-00000002"]
    outcomes = {(o.decision.record.project, o.decision.stack): o for o in report.outcomes}
    # Another project's stacks are not even listed; this project's and the unscoped prod are left alone.
    assert (None, "prod") in outcomes and ("other", "prod") not in outcomes
    assert outcomes[(PROJECT, "prod")].status == "skipped" and outcomes[(PROJECT, "staging")].status == "skipped"
    unscoped = outcomes[(None, "prod")]
    assert unscoped.status == "kept" and "pulumi state upgrade" in unscoped.decision.reason
    for stack, word in KEPT.items():
        outcome = outcomes[(PROJECT, stack)]
        assert outcome.status == "kept", (stack, outcome)
        assert word in outcome.decision.reason, (stack, outcome.decision.reason)
    assert report.ok


def test_listing_and_the_cli_survive_every_trap(writer: Writer, now: Any, cli: Any) -> None:
    tempting_backend(writer, now)
    previews = {r.name: r for r in list_previews(open_backend(writer.url), PROJECT)}
    assert previews["pr-11-ttloverflow-00000011"].meta is None and previews["pr-9-badtags-00000009"].marked is None
    for args in (["list"], ["list", "--output", "json"], ["reap", "--dry-run"], ["reap", "--dry-run", "-o", "json"]):
        result = cli("preview", *args, "--backend-url", writer.url)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
    result = cli("preview", "reap", "--dry-run", "--output", "json", "--backend-url", writer.url)
    outcomes = {o["qualified"]: o for o in json.loads(result.stdout)["outcomes"]}
    would = sorted(q for q, o in outcomes.items() if o["status"] == "would destroy")
    # (pr-20 is readable here: only the FlakyStore of the test above denies it)
    assert would == ["organization/tricolor/pr-1-ok-00000001", "organization/tricolor/pr-2-labels-00000002",
                     "organization/tricolor/pr-20-denied-00000020"]
    assert outcomes["prod"]["status"] == "kept" and outcomes["organization/tricolor/prod"]["status"] == "skipped"


def test_the_unscoped_layout_is_destroyed_by_its_bare_name_only_in_an_unscoped_backend(
        writer: Writer, now: Any) -> None:
    # No meta.yaml and old-layout files: Pulumi uses the unscoped layout, where bare names are global.
    writer.stack("pr-1-old-00000001", project=None, tags=expired_tags(1, now))
    writer.stack("prod", project=None)
    # A project folder in an unscoped backend is invisible to Pulumi: a bare name reaches the unscoped file.
    writer.stack("pr-1-old-00000001", tags=expired_tags(1, now))
    writer.stack("pr-2-new-00000002", tags=expired_tags(2, now))
    destroyer = RecordingDestroyer()
    report = reap_all(open_backend(writer.url), now, destroyer)
    assert destroyer.calls == [StackRef(None, "pr-1-old-00000001")]
    kept = {o.decision.stack: o.decision.reason for o in report.with_status("kept")}
    assert set(kept) == {"pr-1-old-00000001", "pr-2-new-00000002"} and all("unscoped" in r for r in kept.values())
    # meta.yaml version 0 says the same; an unknown version keeps everything.
    writer.put(".pulumi/meta.yaml", "version: 0\n")
    again = RecordingDestroyer()
    reap_all(open_backend(writer.url), now, again)
    assert again.calls == [StackRef(None, "pr-1-old-00000001")]
    writer.put(".pulumi/meta.yaml", "version: 7\n")
    never = RecordingDestroyer()
    unknown = reap_all(open_backend(writer.url), now, never)
    assert never.calls == [] and any("version '7'" in o.decision.reason for o in unknown.with_status("kept"))


def test_the_marker_is_read_again_right_before_destroying(writer: Writer, now: Any) -> None:
    writer.put(".pulumi/meta.yaml", "version: 1\n")
    writer.stack("pr-1-a-00000001", tags=expired_tags(1, now))
    writer.stack("pr-2-b-00000002", tags=expired_tags(2, now))
    writer.stack("pr-3-c-00000003", tags=expired_tags(3, now))
    store = open_backend(writer.url)
    decisions = decide(list_stacks(store, PROJECT), now, {})
    assert [d.action for d in decisions] == ["destroy"] * 3
    # Between listing and destroying: pr-1 stops being a preview, pr-2 gets locked, pr-3 is untouched.
    writer.stack("pr-1-a-00000001", tags={"pulumi:project": PROJECT})
    writer.put(f".pulumi/locks/{PROJECT}/pr-2-b-00000002/1.json", "{}")
    destroyer = RecordingDestroyer()
    report = reap(decisions, destroyer, lambda d: decide_one(reread(store, d.record), now, {}))
    assert destroyer.qualified == ["organization/tricolor/pr-3-c-00000003"]
    kept = {o.decision.stack: o.decision.reason for o in report.with_status("kept")}
    assert "changed since it was listed" in kept["pr-1-a-00000001"] and "lock" in kept["pr-2-b-00000002"]


def test_one_bad_stack_never_stops_the_others(writer: Writer, now: Any) -> None:
    writer.put(".pulumi/meta.yaml", "version: 1\n")
    for n in range(1, 6):
        writer.stack(f"pr-{n}-x-0000000{n}", tags=expired_tags(n, now))
    real = open_backend(writer.url)
    # Reads of pr-2 fail, destroying pr-3 fails, re-reading pr-5 fails.
    store = FlakyStore(real, deny=["pr-2-x"])
    destroyer = RecordingDestroyer(fail={"organization/tricolor/pr-3-x-00000003"})
    def recheck(decision: Any) -> Any:
        if decision.stack == "pr-5-x-00000005":
            raise RuntimeError("network down")
        return decide_one(reread(store, decision.record), now, {})

    report = reap(decide(list_stacks(store, PROJECT), now, {}), destroyer, recheck)
    assert destroyer.qualified == ["organization/tricolor/pr-1-x-00000001", "organization/tricolor/pr-3-x-00000003",
                                   "organization/tricolor/pr-4-x-00000004"]
    statuses = {o.decision.stack: o.status for o in report.outcomes}
    assert statuses == {"pr-1-x-00000001": "destroyed", "pr-2-x-00000002": "kept", "pr-3-x-00000003": "failed",
                        "pr-4-x-00000004": "destroyed", "pr-5-x-00000005": "failed"}
    assert not report.ok
    # A backend whose locks cannot be listed at all: every preview is kept (an update may be running).
    blind = FlakyStore(real, deny_list=[".pulumi/locks/"])
    kept = decide(list_stacks(blind, PROJECT), now, {})
    assert {d.action for d in kept} == {"keep"} and all("locks cannot be listed" in d.reason for d in kept)
