"""``tricolor policy check``: text and JSON, exit codes, bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tricolor.cli.app import app


@pytest.fixture(scope="module")
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["policy", "check", *args])

    return invoke


def test_rendered_stacks_pass(cli):
    result = cli("--stack", "staging", "--stack", "prod")
    assert result.exit_code == 0, result.output
    assert "Policies (stack staging):" in result.stdout and "Policies (stack prod):" in result.stdout
    assert "✅ tricolor-policies@v0.1.0" in result.stdout and "no policy violations" in result.stdout


def test_json_output_on_a_state_file(cli, fixtures):
    result = cli("--state", str(fixtures / "pulumi-state" / "checkpoint-v4.json"), "--output", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["violations"] == []
    # Nothing in that export tells its environment: production rules ran, and the report says so.
    (assumed,) = document["assumptions"]
    assert assumed["environment"] == "production" and assumed["assumed"] is True and assumed["resources"]


def _bad_export(tmp_path, b):
    web = b.deployment(None, image="nginx:latest")
    export = {
        "version": 3,
        "deployment": {
            "resources": [{"urn": web.urn, "type": web.type, "custom": True, "inputs": dict(web.props)}]
        },
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    return path


def test_mandatory_violation_exits_2_grouped_like_pulumi(cli, tmp_path, b):
    result = cli("--state", str(_bad_export(tmp_path, b)))
    assert result.exit_code == 2
    out = result.stdout
    assert "Policies (stack prod):" in out and "❌ tricolor-policies@v0.1.0" in out  # the export's URN names prod
    assert "- [mandatory]  images-pinned  (kubernetes:apps/v1:Deployment: checkout-deployment)" in out
    assert "'nginx:latest' uses the mutable tag 'latest'" in out


def test_config_file_turns_it_advisory(cli, tmp_path, b):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"images-pinned": "advisory"}))
    result = cli("--state", str(_bad_export(tmp_path, b)), "--config", str(config), "--output", "json")
    assert result.exit_code == 0, result.output
    (violation,) = json.loads(result.stdout)["violations"]
    assert violation["enforcement"] == "advisory" and violation["policy"] == "images-pinned"
    assert violation["resource"].endswith("::checkout-deployment")


def test_unknown_rule_in_config_is_a_clear_error(cli, tmp_path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"no-such-rule": "advisory"}))
    result = cli("--stack", "staging", "--config", str(config))
    assert result.exit_code == 1
    assert "unknown rule 'no-such-rule'" in result.stderr and "Traceback" not in result.output


def test_unreadable_state_file_is_a_clear_error(cli, tmp_path, fixtures):
    missing = cli("--state", str(tmp_path / "nope.json"))
    assert missing.exit_code == 1 and "cannot read the state file" in missing.stderr
    refused = cli("--state", str(fixtures / "pulumi-state" / "checkpoint-v4-unsupported-feature.json"))
    assert refused.exit_code == 1 and "unsupported-feature" in refused.stderr
    both = cli("--state", str(tmp_path / "nope.json"), "--stack", "prod")
    assert both.exit_code == 1 and "not both" in both.stderr


def test_rules_lists_every_rule_with_configured_levels(tmp_path):
    config = tmp_path / "policy.yaml"
    config.write_text("all: advisory\n")
    result = CliRunner().invoke(app, ["policy", "rules", "--config", str(config)])
    assert result.exit_code == 0, result.output
    for name in ("images-pinned", "color-parity", "production-resources", "router-weights", "preview-labels",
                 "stateful-shared", "idle-color-isolated", "cross-stack-parity"):
        assert name in result.stdout
    assert "mandatory" not in result.stdout and "advisory" in result.stdout
