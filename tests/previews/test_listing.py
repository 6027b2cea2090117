"""Listing previews straight from a self-managed backend: a folder and S3 (moto's server)."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path

import pytest

from tricolor.errors import TricolorError
from tricolor.previews.backends import open_backend
from tricolor.previews.errors import BackendError
from tricolor.previews.listing import list_previews, list_stacks
from tricolor.previews.state import CheckpointError, read_info

PULUMI_STATE = Path(__file__).resolve().parents[1] / "fixtures" / "pulumi-state"


def populate(backend, now, tags_for, labelled) -> None:  # type: ignore[no-untyped-def]
    """Stacks of every kind: previews by tags, by labels only, broken, and ordinary ones."""
    backend.add("staging", [{"urn": "urn:pulumi:staging::tricolor::pulumi:pulumi:Stack::tricolor-staging",
                             "custom": False, "type": "pulumi:pulumi:Stack"}], tags={})
    backend.add("prod")  # no tags file at all
    backend.add("pr-7-feat-x-00000007", labelled("pr-7-feat-x-00000007"),
                tags=tags_for(7, "feat/x", now - timedelta(hours=1)))
    backend.add("pr-8-fix-00000008", labelled("pr-8-fix-00000008", pr="8"),
                tags=tags_for(8, "fix", now - timedelta(hours=80)), gz=True)
    # Tags file lost: the labels in the checkpoint still mark it.
    backend.add("pr-9-docs-00000009", labelled("pr-9-docs-00000009", pr="9", created_at="2026-11-20T120000Z"))
    # Marked, but the facts are broken.
    backend.add("pr-10-odd-00000010", tags={"tricolor:preview": "true", "tricolor:pr": "ten"})


def test_folder_backend(backend, now, tags_for, labelled) -> None:  # type: ignore[no-untyped-def]
    populate(backend, now, tags_for, labelled)
    backend.lock("pr-7-feat-x-00000007")
    stacks = {r.name: r for r in list_stacks(open_backend(backend.url), "tricolor")}
    assert sorted(stacks) == ["pr-10-odd-00000010", "pr-7-feat-x-00000007", "pr-8-fix-00000008",
                              "pr-9-docs-00000009", "prod", "staging"]
    assert not stacks["staging"].marked and not stacks["prod"].marked and stacks["staging"].resources == 1
    seven = stacks["pr-7-feat-x-00000007"]
    assert seven.marked and seven.meta is not None and seven.meta.source == "tags"
    assert (seven.meta.pr, seven.meta.branch, seven.meta.commit) == (7, "feat/x", "0a1b2c3")
    assert seven.meta.created_at == now - timedelta(hours=1) and seven.meta.ttl == timedelta(hours=72)
    assert seven.locked and seven.resources > 10
    assert seven.qualified == "organization/tricolor/pr-7-feat-x-00000007"
    eight = stacks["pr-8-fix-00000008"]
    assert eight.key.endswith(".json.gz") and eight.meta is not None and eight.meta.pr == 8 and not eight.locked
    nine = stacks["pr-9-docs-00000009"].meta
    assert nine is not None and nine.source == "labels" and nine.pr == 9 and nine.branch is None
    assert nine.ttl == timedelta(hours=72) and nine.created_at.isoformat() == "2026-11-20T12:00:00+00:00"
    ten = stacks["pr-10-odd-00000010"]
    assert ten.marked and ten.meta is None and "ten" in (ten.problem or "")
    previews = [r.name for r in list_previews(open_backend(str(backend.root)), "tricolor")]
    assert previews == ["pr-10-odd-00000010", "pr-7-feat-x-00000007", "pr-8-fix-00000008", "pr-9-docs-00000009"]


def test_other_projects_and_legacy_layout(backend, now, tags_for) -> None:  # type: ignore[no-untyped-def]
    backend.add("pr-1-a-00000001", tags=tags_for(1, "a", now), project="other")
    backend.add("pr-2-b-00000002", tags=tags_for(2, "b", now), project=None)
    (backend.stacks / "notes.txt").write_text("not a stack")
    (backend.stacks / "pr-3.json.attrs").write_text("{}")
    store = open_backend(backend.url)
    assert [r.name for r in list_stacks(store, "tricolor")] == ["pr-2-b-00000002"]
    assert [(r.project, r.name) for r in list_stacks(store)] == [("other", "pr-1-a-00000001"),
                                                                 (None, "pr-2-b-00000002")]


def test_s3_backend_on_moto(aws_env: str, now, tags_for, labelled, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="tricolor-state")
    prefix = "teams/checkout"

    def put(key: str, body: bytes) -> None:
        s3.put_object(Bucket="tricolor-state", Key=f"{prefix}/.pulumi/stacks/tricolor/{key}", Body=body)

    doc = {"version": 3, "checkpoint": {"stack": "organization/tricolor/pr-7-feat-x-00000007",
                                        "latest": {"resources": labelled("pr-7-feat-x-00000007")}}}
    put("pr-7-feat-x-00000007.json", json.dumps(doc).encode())
    put("pr-7-feat-x-00000007.pulumi-tags",
        json.dumps({"version": 1, "tags": tags_for(7, "feat/x", now - timedelta(hours=3))}).encode())
    put("pr-8-fix-00000008.json.gz", gzip.compress(json.dumps(
        {"version": 3, "checkpoint": {"latest": {"resources": labelled("pr-8-fix-00000008", pr="8")}}}).encode()))
    put("staging.json", json.dumps({"version": 3, "checkpoint": {"latest": {}}}).encode())
    store = open_backend(f"s3://tricolor-state/{prefix}?region=us-east-1")
    stacks = {r.name: r for r in list_stacks(store, "tricolor")}
    assert sorted(stacks) == ["pr-7-feat-x-00000007", "pr-8-fix-00000008", "staging"]
    seven = stacks["pr-7-feat-x-00000007"].meta
    assert seven is not None and seven.source == "tags" and seven.branch == "feat/x"
    assert seven.created_at == now - timedelta(hours=3)
    eight = stacks["pr-8-fix-00000008"].meta
    assert eight is not None and eight.source == "labels" and eight.pr == 8
    assert not stacks["staging"].marked
    # An explicit endpoint in the URL works as Pulumi's own S3 URLs do.
    explicit = open_backend(f"s3://tricolor-state/{prefix}?region=us-east-1&endpoint={aws_env}")
    assert [r.name for r in list_previews(explicit, "tricolor")] == ["pr-7-feat-x-00000007", "pr-8-fix-00000008"]
    with pytest.raises(BackendError, match="no-such-bucket"):
        list_stacks(open_backend("s3://no-such-bucket/x"), "tricolor")


@pytest.mark.parametrize(("url", "message"), [
    ("https://api.pulumi.com", "Pulumi Cloud"), ("gs://bucket", "unknown backend URL scheme 'gs'; known: file, s3"),
    ("", "no backend URL"), ("/does/not/exist", "not a folder"), ("s3://", "no bucket"),
])
def test_unsupported_backends(url: str, message: str) -> None:
    with pytest.raises(TricolorError, match=message):
        open_backend(url)


def test_real_checkpoints_from_pulumi() -> None:
    for name in ("checkpoint-v3.json", "checkpoint-v4.json", "checkpoint-secrets.json"):
        info = read_info((PULUMI_STATE / name).read_bytes())
        assert info.resources > 0 and info.labels == {}
    with pytest.raises(CheckpointError, match="unsupported-feature"):
        read_info((PULUMI_STATE / "checkpoint-v4-unsupported-feature.json").read_bytes())
    exported = {"version": 3, "deployment": json.loads((PULUMI_STATE / "checkpoint-v3.json").read_text())
                ["checkpoint"]["latest"]}
    assert read_info(json.dumps(exported).encode()).resources > 0
    for bad, message in ((b"{", "not valid JSON"), (b"[]", "JSON object"), (b'{"version": 9}', "version 9"),
                         (b'{"version": 3}', "neither a checkpoint"), (b"\x1f\x8bxx", "not a valid gzip")):
        with pytest.raises(CheckpointError, match=message):
            read_info(bad)


def test_broken_files_are_reported_not_fatal(backend, now, tags_for) -> None:  # type: ignore[no-untyped-def]
    backend.add("pr-4-x-00000004", tags=tags_for(4, "x", now))
    (backend.stacks / "pr-4-x-00000004.json").write_text("{ not json")
    (backend.stacks / "pr-5-y-00000005.json").write_text(json.dumps({"version": 3, "checkpoint": {}}))
    (backend.stacks / "pr-5-y-00000005.pulumi-tags").write_text("garbage")
    stacks = {r.name: r for r in list_stacks(open_backend(backend.url), "tricolor")}
    four = stacks["pr-4-x-00000004"]
    assert four.meta is not None and four.meta.pr == 4 and "not valid JSON" in (four.problem or "")
    five = stacks["pr-5-y-00000005"]
    assert not five.marked and "pulumi-tags" in (five.problem or "")


def test_marker_in_aws_tags_and_docker_labels() -> None:
    from tricolor.previews.state import preview_labels

    marks = {"tricolor.dev/preview": "true", "tricolor.dev/pr": "5", "tricolor.dev/ttl": "3600s",
             "tricolor.dev/created-at": "2026-11-26T070000Z"}
    aws = [{"type": "aws:ecs/service:Service", "inputs": {"tags": marks}}]
    docker = [{"type": "docker:index/container:Container",
               "outputs": {"labels": [{"label": k, "value": v} for k, v in marks.items()]}}]
    plain = [{"type": "aws:s3/bucket:Bucket", "inputs": {"tags": {"team": "x"}}}, "not a resource"]
    assert preview_labels(aws) == marks and preview_labels(docker) == marks and preview_labels(plain) == {}
