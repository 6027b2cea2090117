"""cross-stack-parity: staging and production match apart from the spec's allowed differences."""

from __future__ import annotations

import copy
import dataclasses

from tricolor.policies.model import Context
from tricolor.policies.rules_cross_stack import CrossStackOptions, check


def _edit(rendered, type_suffix, change):
    resources = []
    for item in rendered.resources:
        if item.type.endswith(type_suffix):
            inputs = copy.deepcopy(item.inputs)
            change(inputs)
            item = dataclasses.replace(item, inputs=inputs)
        resources.append(item)
    return dataclasses.replace(rendered, resources=resources)


def test_example_stacks_pass(rendered):
    assert check(list(rendered.values()), CrossStackOptions(), Context()) == []


def test_allowed_differences_pass(rendered):
    staging = _edit(rendered["staging"], ":Deployment", lambda i: i["spec"].update(replicas=9))
    assert check([staging, rendered["prod"]], CrossStackOptions(), Context()) == []


def test_unallowed_difference_fails_naming_resource_and_field(rendered):
    def port(inputs):
        inputs["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = 9090

    staging = _edit(rendered["staging"], ":Deployment", port)
    (finding,) = check([staging, rendered["prod"]], CrossStackOptions(), Context())
    assert "checkout-deployment" in finding.message and "containerPort" in finding.message
    assert "staging 9090, prod/blue 8080, prod/green 8080" in finding.message
    assert finding.urn.endswith("::checkout-blue-deployment")


def test_missing_resource_is_reported(rendered):
    staging = dataclasses.replace(
        rendered["staging"],
        resources=[r for r in rendered["staging"].resources if not r.type.endswith(":ConfigMap")],
    )
    (finding,) = check([staging, rendered["prod"]], CrossStackOptions(), Context())
    assert "ConfigMap" in finding.message and "(whole resource): staging (absent)" in finding.message


def test_nothing_to_compare(rendered):
    assert check([rendered["prod"]], CrossStackOptions(), Context()) == []
    reversed_roles = CrossStackOptions.model_validate({"reference": "production", "target": "staging"})
    assert check([rendered["staging"], rendered["prod"]], reversed_roles, Context()) == []
