"""preview-labels: TTL, pull-request number and creation time as labels or tags."""

from __future__ import annotations

import pytest

from tricolor.policies.rules_preview import PreviewOptions, check

GOOD = {
    "tricolor.dev/ttl": "259200s",
    "tricolor.dev/pr": "12",
    "tricolor.dev/created-at": "2026-11-26T071600Z",
}


def _k8s(b, labels):
    return b.resource(
        "kubernetes:core/v1:ConfigMap", "checkout-config", {"metadata": {"labels": labels}}, "pr-12"
    )


def _aws(b, tags):
    return b.resource("aws:ecs/service:Service", "checkout-service", {"tags": tags}, "pr-12")


def _docker(b, labels):
    return b.resource(
        "docker:index/container:Container",
        "checkout-container",
        {"labels": [{"label": k, "value": v} for k, v in labels.items()]},
        "pr-12",
    )


@pytest.mark.parametrize("build", [_k8s, _aws, _docker])
def test_labelled_preview_resources_pass(b, build):
    labels = {"tricolor.dev/environment": "preview", **GOOD}
    assert check(build(b, labels), PreviewOptions(), b.PREVIEW) == []


@pytest.mark.parametrize("build", [_k8s, _aws, _docker])
def test_missing_label_fails_naming_resource_and_key(b, build):
    labels = {"tricolor.dev/environment": "preview", **GOOD}
    del labels["tricolor.dev/pr"]
    (finding,) = check(build(b, labels), PreviewOptions(), b.PREVIEW)
    assert "checkout-" in finding.message and "tricolor.dev/pr is missing" in finding.message


def test_malformed_values_fail(b):
    labels = {
        **GOOD,
        "tricolor.dev/ttl": "forever",
        "tricolor.dev/pr": "abc",
        "tricolor.dev/created-at": "soon",
    }
    messages = [f.message for f in check(_k8s(b, labels), PreviewOptions(), b.PREVIEW)]
    assert len(messages) == 3
    assert any("tricolor.dev/ttl is 'forever'" in m for m in messages)


def test_missing_labels_entirely_and_unlabelable_types(b):
    bare = b.resource("kubernetes:core/v1:Service", "checkout-service", {}, "pr-12")
    (finding,) = check(bare, PreviewOptions(), b.PREVIEW)
    assert "checkout-service" in finding.message and "has no labels or tags" in finding.message
    attachment = b.resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "x", {"role": "r"}, "pr-12")
    assert check(attachment, PreviewOptions(), b.PREVIEW) == []
    component = b.resource("tricolor:kubernetes:Environment", "checkout", {}, "pr-12")
    assert check(component, PreviewOptions(), b.PREVIEW) == []


def test_only_preview_stacks(b):
    assert check(_k8s(b, {}), PreviewOptions(), b.STAGING) == []
    labelled = _k8s(b, {"tricolor.dev/preview": "true"})  # the resource says it is a preview
    assert len(check(labelled, PreviewOptions(), b.STAGING)) == 3


def test_keys_are_options(b):
    options = PreviewOptions.model_validate({"ttlKey": "ttl", "prKey": "pr", "createdAtKey": "created"})
    labels = {"ttl": "3600s", "pr": "7", "created": "2026-01-31"}
    assert check(_k8s(b, labels), options, b.PREVIEW) == []
    assert len(check(_k8s(b, GOOD), options, b.PREVIEW)) == 3
