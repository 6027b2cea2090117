"""Real checkpoints of one program in two accounts, regions and stack names: no false
drift, and a change inside a policy document found at its path inside the document.

``foo`` is Pulumi's own checkpoint fixture; ``bar`` is the same program deployed again:
stack renamed, another account (also inside the escaped JSON of every policy, and
alone as ``AWS:SourceOwner``), another region, new auto-name suffixes, new IAM unique
ids."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tricolor.drift import compare
from tricolor.drift.pulumi_state import PulumiStateSource

FOO_ACCOUNT, BAR_ACCOUNT = "153052954103", "210987654321"
SNS_POLICY = ("aws:sns/topic:Topic::countDown", "policy.Statement.__default_statement_ID.Action")


def redeployed(text: str) -> str:
    """``text`` (a checkpoint) as if the same program were deployed as stack ``bar`` in
    another account and region: every name, suffix and id that would differ, differs."""
    suffixes = sorted(set(re.findall(r"-([0-9a-f]{16})\b", text)))
    assert len(suffixes) > 10
    out = text.replace("foo", "bar").replace(FOO_ACCOUNT, BAR_ACCOUNT).replace("us-east-2", "eu-west-1")
    for number, suffix in enumerate(suffixes):
        out = out.replace(suffix, f"{number:04x}{suffix[4:][::-1]}")
    return re.sub(r'"uniqueId": "AROA[A-Z0-9]+"', '"uniqueId": "AROAREDEPLOYEDUNIQUEID"', out)


@pytest.fixture
def states(fixtures: Path, tmp_path: Path) -> Callable[..., PulumiStateSource]:
    """``write(change)``: foo and its redeployed copy bar, ``change(bar_document)`` applied."""

    def write(change: Callable[[dict[str, Any]], None] | None = None) -> PulumiStateSource:
        text = (fixtures / "pulumi-state" / "checkpoint-v3.json").read_text()
        bar = json.loads(redeployed(text))
        if change:
            change(bar)
        (tmp_path / "foo.json").write_text(text)
        (tmp_path / "bar.json").write_text(json.dumps(bar))
        return PulumiStateSource(exports={"foo": str(tmp_path / "foo.json"), "bar": str(tmp_path / "bar.json")})

    return write


def _outputs(document: dict[str, Any], urn_end: str) -> dict[str, Any]:
    return next(r for r in document["checkpoint"]["latest"]["resources"]
                if r["urn"].endswith(urn_end) and r.get("custom"))["outputs"]


def _policy(document: dict[str, Any], urn_end: str, key: str, change: Callable[[dict[str, Any]], None]) -> None:
    outputs = _outputs(document, urn_end)
    policy = json.loads(outputs[key])
    change(policy)
    outputs[key] = json.dumps(policy)


def _compare(source: PulumiStateSource) -> Any:
    return compare(source.snapshots("foo") + source.snapshots("bar"), [])


def test_the_same_program_in_two_accounts_has_no_drift(states: Any) -> None:
    source = states()
    bar = source.read("bar")[0].decode()
    assert FOO_ACCOUNT not in bar and "us-east-2" not in bar and '\\"AWS:SourceOwner\\":\\"210987654321\\"' in bar
    result = _compare(source)
    assert result.differences == () and result.unchanged == result.resources == 23


def test_an_added_action_is_found_inside_the_policy_document(states: Any) -> None:
    def add(policy: dict[str, Any]) -> None:
        policy["Statement"][0]["Action"].append("SNS:DeleteEndpoint")

    result = _compare(states(lambda bar: _policy(bar, "::aws:sns/topic:Topic::countDown", "policy", add)))
    assert [(d.resource, d.path, d.status) for d in result.differences] == [(*SNS_POLICY, "drift")]
    (d,) = result.differences
    assert "SNS:DeleteEndpoint" in d.values["bar"] and "SNS:DeleteEndpoint" not in d.values["foo"]
    assert d.odd == ("bar",)


def test_statement_order_and_single_values_do_not_count(states: Any) -> None:
    def reshape(policy: dict[str, Any]) -> None:
        statement = policy["Statement"][0]
        statement["Action"] = list(reversed(statement["Action"]))
        statement["Principal"] = {"AWS": ["*"]}  # "*" and ["*"] are the same set
        statement["Condition"]["StringEquals"]["AWS:SourceOwner"] = [BAR_ACCOUNT]
        policy["Statement"] = [{"Sid": "Extra", "Effect": "Deny", "Action": "sns:Publish", "Resource": "*",
                                "Principal": "*"}, statement]

    def reshape_foo(policy: dict[str, Any]) -> None:
        policy["Statement"].append({"Sid": "Extra", "Effect": "Deny", "Action": ["sns:Publish"], "Resource": ["*"],
                                    "Principal": "*"})

    def change(bar: dict[str, Any]) -> None:
        _policy(bar, "::aws:sns/topic:Topic::countDown", "policy", reshape)

    source = states(change)
    foo = json.loads((Path(source.exports["foo"])).read_text())
    _policy(foo, "::aws:sns/topic:Topic::countDown", "policy", reshape_foo)
    Path(source.exports["foo"]).write_text(json.dumps(foo))
    assert _compare(source).differences == ()


def test_statements_without_sids_are_compared_as_a_set(states: Any) -> None:
    def add(policy: dict[str, Any]) -> None:
        policy["Statement"][0]["Action"] = ["sts:AssumeRole", "sts:TagSession"]

    result = _compare(states(lambda bar: _policy(bar, "::aws:iam/role:Role::heartbeat-iamrole",
                                                 "assumeRolePolicy", add)))
    assert [(d.resource, d.path) for d in result.differences] == [
        ("aws:iam/role:Role::heartbeat-iamrole", "assumeRolePolicy.Statement.0.Action")]
    assert result.differences[0].values == {"foo": ["sts:AssumeRole"], "bar": ["sts:AssumeRole", "sts:TagSession"]}


def test_an_account_the_stack_does_not_live_in_stays_visible(states: Any) -> None:
    def grant(policy: dict[str, Any]) -> None:
        policy["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::999999999999:root"}

    result = _compare(states(lambda bar: _policy(bar, "::aws:sns/topic:Topic::countDown", "policy", grant)))
    (d,) = result.differences
    assert d.path == "policy.Statement.__default_statement_ID.Principal.AWS"
    assert d.values == {"foo": ["*"], "bar": ["arn:aws:iam::999999999999:root"]}


def test_the_cli_reads_both_exports_and_finds_parity(states: Any, cli: Any, tmp_path: Path) -> None:
    source = states()
    result = cli("drift", "--stacks", "foo,bar", "--export", f"foo={source.exports['foo']}",
                 "--export", f"bar={source.exports['bar']}", "--no-history", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["drift"] == 0
