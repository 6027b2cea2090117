"""The Pulumi state source: real checkpoint files, backends, exports, S3 on moto's server."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tricolor.drift import SourceError, StateFormatError, compare
from tricolor.drift.pulumi_state import PulumiStateSource, parse_state
from tricolor.drift.report import FORMATS, render
from tricolor.vocab.checkpoint import CheckpointError


def _source(**exports: Path | str) -> PulumiStateSource:
    return PulumiStateSource(exports={k: str(v) for k, v in exports.items()})


@pytest.mark.parametrize(("name", "version"), [("checkpoint-v3.json", 3), ("checkpoint-v4.json", 4),
                                               ("checkpoint-secrets.json", 3)])
def test_real_checkpoints_parse(fixtures: Path, name: str, version: int) -> None:
    state = parse_state((fixtures / "pulumi-state" / name).read_bytes(), name)
    assert state.version == version and len(state.resources) == 30
    (snapshot,) = _source(foo=fixtures / "pulumi-state" / name).snapshots("foo")
    assert snapshot.environment == "foo"
    assert len(snapshot.resources) == 23  # custom resources only
    assert "aws:lambda/function:Function::pulumi-log-collector" in snapshot.resources


def test_unknown_v4_feature_is_refused(fixtures: Path) -> None:
    path = fixtures / "pulumi-state" / "checkpoint-v4-unsupported-feature.json"
    with pytest.raises(CheckpointError, match=r"checkpoint-v4-unsupported-feature.json.*unsupported-feature"):
        _source(foo=path).snapshots("foo")
    # the re-export kept for previews and policies raises drift's own error
    with pytest.raises(StateFormatError, match=r"unsupported-feature"):
        parse_state(path.read_bytes(), path.name)


def test_export_shape_and_gzip_are_read(fixtures: Path, tmp_path: Path) -> None:
    document = json.loads((fixtures / "pulumi-state" / "checkpoint-v4.json").read_text())
    export = {"version": 3, "deployment": document["checkpoint"]["latest"]}
    (tmp_path / "export.json").write_text(json.dumps(export))
    (tmp_path / "export.json.gz").write_bytes(gzip.compress(json.dumps(export).encode()))
    a = _source(foo=tmp_path / "export.json").snapshots("foo")[0]
    b = _source(foo=tmp_path / "export.json.gz").snapshots("foo")[0]
    assert a.resources.keys() == b.resources.keys() and len(a.resources) == 23


def test_standard_input_export(fixtures: Path) -> None:
    data = (fixtures / "pulumi-state" / "checkpoint-v3.json").read_bytes()
    source = PulumiStateSource(exports={"foo": "-"}, stdin=lambda: data)
    assert len(source.snapshots("foo")[0].resources) == 23
    assert source.describe("foo") == "standard input"


@pytest.mark.parametrize(("text", "message"), [
    ('{"version": 3, "checkpoint": {"latest": {"resources": [', "not valid JSON"),
    ('{"version": 7, "checkpoint": {}}', "unsupported state schema version 7"),
    ('{"version": 3}', "neither a checkpoint"),
    ("[1, 2]", "expected a JSON object"),
    ('{"version": 4, "features": "x", "deployment": {}}', "features must be a list"),
])
def test_bad_state_names_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad-state.json"
    path.write_text(text)
    with pytest.raises(CheckpointError, match=message) as info:
        _source(foo=path).snapshots("foo")
    assert "bad-state.json" in str(info.value)


def test_diy_folder_file_url_and_legacy_layout(backend: Any, tmp_path: Path) -> None:
    root = backend()
    for url in (str(root), f"file://{root}"):
        snapshots = PulumiStateSource(backend_url=url).snapshots("prod")
        assert [s.environment for s in snapshots] == ["prod/blue", "prod/green"]
    gz = backend(gz=True)
    for path in (gz / ".pulumi/stacks/tricolor").glob("*.json"):
        path.unlink()
    assert PulumiStateSource(backend_url=str(gz)).snapshots("staging")[0].environment == "staging"
    legacy = tmp_path / "legacy"
    (legacy / ".pulumi/stacks").mkdir(parents=True)
    (legacy / ".pulumi/stacks/staging.json").write_bytes(next((gz / ".pulumi/stacks/tricolor").glob(
        "staging.json.gz")).read_bytes())
    (legacy / ".pulumi/stacks/staging.json").rename(legacy / ".pulumi/stacks/staging.json.gz")
    assert PulumiStateSource(backend_url=str(legacy)).snapshots("staging")[0].resources


def test_missing_stack_and_unreadable_backend(backend: Any, tmp_path: Path) -> None:
    root = backend()
    with pytest.raises(SourceError, match=r"stack nope not found in backend"):
        PulumiStateSource(backend_url=str(root)).snapshots("nope")
    with pytest.raises(SourceError, match=r"is not a readable folder"):
        PulumiStateSource(backend_url=str(tmp_path / "absent")).snapshots("staging")
    with pytest.raises(SourceError, match=r"not supported"):
        PulumiStateSource(backend_url="azblob://container").snapshots("staging")
    with pytest.raises(SourceError, match=r"no backend URL"):
        PulumiStateSource().snapshots("staging")


def _pair(fixtures: Path, tmp_path: Path) -> tuple[PulumiStateSource, set[tuple[str, str]]]:
    """foo from checkpoint-secrets.json and bar: the same stack renamed, with injected changes."""
    text = (fixtures / "pulumi-state" / "checkpoint-secrets.json").read_text()
    document = json.loads(text.replace("foo", "bar"))
    resources = document["checkpoint"]["latest"]["resources"]

    def resource(type_: str, name: str) -> dict[str, Any]:
        return next(r for r in resources if r["type"] == type_ and r["urn"].endswith("::" + name))

    resource("aws:lambda/function:Function", "heartbeat")["outputs"]["memorySize"] = 512
    resource("aws:lambda/function:Function", "countDown_watcher")["outputs"]["timeout"] = 30
    resource("aws:cloudwatch/logGroup:LogGroup", "heartbeat-func-logs")["outputs"]["retentionInDays"] = 14
    resources.remove(resource("aws:lambda/permission:Permission", "heartbeat"))
    # Secrets differ (another ciphertext) or turn plain: never claimed equal or different by value.
    watcher_role = resource("aws:iam/role:Role", "countDown_watcher-iamrole")
    watcher_role["outputs"]["assumeRolePolicy"]["ciphertext"] = "ImRpZmZlcmVudCI="
    resource("aws:lambda/function:Function", "countDown_watcher")["outputs"]["deadLetterConfig"][0][
        "targetArn"]["ciphertext"] = "Ingi"
    resource("aws:lambda/permission:Permission", "countDown_watcher")["outputs"]["action"] = "lambda:invokeFunction"
    # Volatile fields differ everywhere in real life.
    for r in resources:
        if isinstance(r.get("outputs"), dict) and "arn" in r["outputs"]:
            r["outputs"]["arn"] += "-other"
    (tmp_path / "bar.json").write_text(json.dumps(document))
    injected = {
        ("aws:lambda/function:Function::heartbeat", "memorySize"),
        ("aws:lambda/function:Function::countDown_watcher", "timeout"),
        ("aws:cloudwatch/logGroup:LogGroup::heartbeat-func-logs", "retentionInDays"),
        ("aws:lambda/permission:Permission::heartbeat", ""),
        ("aws:lambda/permission:Permission::countDown_watcher", "action"),
    }
    return _source(foo=fixtures / "pulumi-state" / "checkpoint-secrets.json", bar=tmp_path / "bar.json"), injected


def test_injected_differences_found_and_nothing_else(fixtures: Path, tmp_path: Path) -> None:
    source, injected = _pair(fixtures, tmp_path)
    result = compare(source.snapshots("foo") + source.snapshots("bar"), [])
    assert {(d.resource, d.path) for d in result.differences} == injected
    assert all(d.status == "drift" for d in result.differences)
    by_key = {(d.resource, d.path): d for d in result.differences}
    assert by_key[("aws:lambda/function:Function::heartbeat", "memorySize")].values == {"foo": "128", "bar": 512}
    assert by_key[("aws:lambda/permission:Permission::heartbeat", "")].kind == "missing"
    # secret in one, plain text in the other: reported, neither shown
    assert by_key[("aws:lambda/permission:Permission::countDown_watcher", "action")].values == {
        "foo": "[secret]", "bar": "[secret]"}


def test_no_report_format_contains_a_secret(fixtures: Path, tmp_path: Path, secret_strings: list[str]) -> None:
    source, _ = _pair(fixtures, tmp_path)
    result = compare(source.snapshots("foo") + source.snapshots("bar"), [])
    for fmt in FORMATS:
        text = render(result, fmt)
        assert "[secret]" in text or fmt == "text"
        for secret in secret_strings:
            assert secret not in text, f"{fmt} report leaks {secret[:20]}..."


@pytest.mark.servers
def test_s3_backend_on_moto(aws_env: str, backend: Any) -> None:
    import boto3

    root = backend()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="pulumi-state")
    for path in (root / ".pulumi/stacks/tricolor").iterdir():
        key = f"team/.pulumi/stacks/tricolor/{path.name}"
        if path.name.startswith("prod"):
            s3.put_object(Bucket="pulumi-state", Key=key + ".gz", Body=gzip.compress(path.read_bytes()))
        else:
            s3.put_object(Bucket="pulumi-state", Key=key, Body=path.read_bytes())
    source = PulumiStateSource(backend_url="s3://pulumi-state/team")
    snapshots = source.snapshots("staging") + source.snapshots("prod")
    assert [s.environment for s in snapshots] == ["staging", "prod/blue", "prod/green"]
    assert snapshots[0].source == "s3://pulumi-state/team/.pulumi/stacks/tricolor/staging.json"
    with pytest.raises(SourceError, match="stack qa not found in backend s3://pulumi-state/team"):
        source.snapshots("qa")
    with pytest.raises(SourceError, match="backend URL s3://no-such-bucket"):
        PulumiStateSource(backend_url="s3://no-such-bucket").snapshots("staging")
