"""The offline runner over rendered stacks and Pulumi state files; enforcement overrides."""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import timedelta

import pytest

from tricolor.policies import PolicyInputError, check_rendered, check_state, document, exit_code, run
from tricolor.policies.registry import RULES
from tricolor.policies.runner import Subject
from tricolor.spec.strategies import Migrations

STATE_FILES = ["checkpoint-v3.json", "checkpoint-v4.json", "checkpoint-secrets.json"]


def test_example_stacks_are_compliant(rendered):
    assert check_rendered(list(rendered.values())) == []


@pytest.mark.parametrize("name", STATE_FILES)
def test_state_files_are_read_and_checked(fixtures, name):
    path = fixtures / "pulumi-state" / name
    assert check_state(path) == []  # an unlabelled Lambda stack: no production rule applies
    # As production every rule runs over the 30 resources; nothing there breaks a rule.
    assert check_state(path, environment="production") == []


def test_state_resources_use_inputs_and_redact_secrets(fixtures):
    from tricolor.policies.states import read_state

    state = read_state(fixtures / "pulumi-state" / "checkpoint-secrets.json")
    assert state.stack == "foo" and len(state.resources) == 30
    text = json.dumps([dict(r.props) for r in state.resources])
    assert "ciphertext" not in text and "[secret]" in text


def test_state_file_violations_name_the_resource(tmp_path, b):
    export = {
        "version": 3,
        "deployment": {
            "resources": [
                {
                    "urn": b.urn("kubernetes:apps/v1:Deployment", "web"),
                    "type": "kubernetes:apps/v1:Deployment",
                    "custom": True,
                    "inputs": dict(b.deployment(None, image="nginx:latest").props),
                }
            ]
        },
    }
    path = tmp_path / "prod.json.gz"
    path.write_bytes(gzip.compress(json.dumps(export).encode()))
    violations = check_state(path)
    assert {v.policy for v in violations} == {"images-pinned"}
    assert violations[0].resource == b.urn("kubernetes:apps/v1:Deployment", "web")
    assert violations[0].stack == "prod"


def test_unsupported_feature_is_refused(fixtures):
    with pytest.raises(PolicyInputError, match="unsupported-feature"):
        check_state(fixtures / "pulumi-state" / "checkpoint-v4-unsupported-feature.json")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read the state file"),
        (b'{"version": 3, "checkpoint": ', "not valid JSON"),
        (b'{"version": 9, "deployment": {}}', "unsupported state schema version 9"),
        (b"\x1f\x8b broken", "not a valid gzip file"),
    ],
)
def test_unreadable_state_files_are_clear_errors(tmp_path, content, expected):
    path = tmp_path / ("state.json.gz" if content and content.startswith(b"\x1f") else "state.json")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PolicyInputError, match=expected) as error:
        check_state(path)
    assert str(path) in str(error.value)


def _bad_subjects(b):
    """For each single-stack rule, a stack that breaks it."""
    preview = b.resource(
        "kubernetes:core/v1:ConfigMap",
        "checkout-config",
        {"metadata": {"labels": {"tricolor.dev/environment": "preview"}}},
        "pr-1",
    )
    rules = b.good_route_rules()
    rules[0]["matches"] = []
    return {
        "images-pinned": [b.deployment(image="nginx:latest")],
        "color-parity": [b.deployment("blue"), b.deployment("green", replicas=1)],
        "production-resources": [b.deployment(probe=False)],
        "router-weights": [b.http_route(b.good_route_rules(70, 20))],
        "preview-labels": [preview],
        "stateful-shared": [b.resource("kubernetes:core/v1:PersistentVolumeClaim", "checkout-blue-data", {})],
        "idle-color-isolated": [b.http_route(rules)],
    }


def _violations(b, rendered, rule, config):
    if rule == "cross-stack-parity":
        staging = rendered["staging"]
        staging = dataclasses.replace(
            staging, resources=[r for r in staging.resources if not r.type.endswith(":ConfigMap")]
        )
        return [v for v in check_rendered([staging, rendered["prod"]], config) if v.policy == rule]
    if rule == "release-migrations":  # migrations without a rollback window
        prod = rendered["prod"]
        release = prod.stack.spec.release.model_copy(update={"rollback_window": timedelta(0), "migrations": (
            Migrations.model_validate({"command": ["migrate"], "expand": ["up"]}))})
        stack = dataclasses.replace(prod.stack, spec=prod.stack.spec.model_copy(update={"release": release}))
        return [v for v in check_rendered([dataclasses.replace(prod, stack=stack)], config) if v.policy == rule]
    subject = Subject("prod", "production", tuple(_bad_subjects(b)[rule]))
    return [v for v in run([subject], config) if v.policy == rule]


@pytest.mark.parametrize("rule", [r.name for r in RULES])
def test_configuration_changes_the_enforcement(b, rendered, rule):
    default = _violations(b, rendered, rule, None)
    assert default and all(v.enforcement == "mandatory" for v in default)
    assert exit_code(default) == 2
    advisory = _violations(b, rendered, rule, {rule: "advisory"})
    assert [v.message for v in advisory] == [v.message for v in default]
    assert all(v.enforcement == "advisory" for v in advisory) and exit_code(advisory) == 0
    assert _violations(b, rendered, rule, {rule: {"enforcementLevel": "disabled"}}) == []


def test_json_document(b):
    violations = run([Subject("prod", "production", (b.deployment(None, image="nginx:latest"),))])
    doc = document(violations)
    assert list(doc) == ["violations"]
    (entry,) = doc["violations"]
    assert set(entry) == {"policy", "resource", "message", "enforcement"}
    assert entry["policy"] == "images-pinned" and entry["enforcement"] == "mandatory"


def test_a_rendered_preview_stack_carries_its_labels():
    """A real preview stack (named and configured by the previews package) passes; the
    same stack with its TTL label dropped fails on every labelled resource."""
    from tricolor.previews.config import preview_plan_config
    from tricolor.previews.naming import preview_names
    from tricolor.stacks.config import load_stacks
    from tricolor.stacks.render import render

    stack = preview_names(12, "feat/cart", service="checkout").stack
    config = preview_plan_config(stack)
    assert config is not None
    (item,) = load_stacks([stack], configs={stack: config})
    preview = render(item)
    assert preview.stack.environment == "preview"
    assert check_rendered([preview]) == []

    def drop_ttl(inputs):
        labels = (inputs.get("metadata") or {}).get("labels") or {}
        labels.pop("tricolor.dev/ttl", None)

    stripped = []
    for resource in preview.resources:
        inputs = json.loads(json.dumps(resource.inputs))
        drop_ttl(inputs)
        stripped.append(dataclasses.replace(resource, inputs=inputs))
    violations = check_rendered([dataclasses.replace(preview, resources=stripped)])
    assert violations and {v.policy for v in violations} == {"preview-labels"}
    assert all("tricolor.dev/ttl is missing" in v.message for v in violations)
    labelled = [r for r in preview.resources if r.type.startswith("kubernetes:")]
    assert len(violations) == len(labelled)


def test_plan_section_renders_the_policy_results(rendered):
    from rich.console import Console

    from tricolor.policies import plan_section

    console = Console(record=True, width=200)
    staging = dataclasses.replace(rendered["staging"], resources=[
        r for r in rendered["staging"].resources if not r.type.endswith(":ConfigMap")])
    console.print(plan_section([staging, rendered["prod"]]))
    text = console.export_text()
    assert "Policies (stack staging):" in text and "Policies (stack prod):" in text
    assert "Policies (stack staging+prod):" in text and "[mandatory]  cross-stack-parity" in text
    assert "1 mandatory and 0 advisory violation(s)" in text
