"""Policies fail closed: a resource's environment comes from every signal there is, and
where nothing says it outright, production rules apply and the report says so."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tricolor.policies import Context, infer, run
from tricolor.policies.environment import applies, paired
from tricolor.policies.runner import Subject


def export(tmp_path: Any, items: list[Any], name: str = "export.json") -> Any:
    resources = [{"urn": i.urn, "type": i.type, "custom": True, "inputs": dict(i.props)} for i in items]
    path = tmp_path / name
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    return path


def test_a_production_export_without_environment_labels_is_checked_as_production(cli, tmp_path, b) -> None:  # type: ignore[no-untyped-def]
    """An export from before the environment label existed (or from another tool): color
    labels, no tricolor.dev/environment. `:latest` on green must not pass."""
    items = [b.deployment("blue", environment=None), b.deployment("green", environment=None, image="app:latest")]
    path = export(tmp_path, items)
    result = cli("policy", "check", "--state", str(path))
    assert result.exit_code == 2, result.output
    assert "images-pinned" in result.stdout and "'app:latest' uses the mutable tag 'latest'" in result.stdout
    assert "environment assumed" in result.stdout and "label tricolor.dev/color" in result.stdout
    document = json.loads(cli("policy", "check", "--state", str(path), "--output", "json").stdout)
    (violation,) = [v for v in document["violations"] if v["policy"] == "images-pinned"]
    assert violation["resource"].endswith("checkout-green-deployment")
    assert "environment assumed: production" in violation["message"]
    (assumed,) = document["assumptions"]
    assert assumed["environment"] == "production" and "tricolor.dev/color" in assumed["basis"]
    assert len(assumed["resources"]) == 2


def test_no_signal_at_all_still_means_production_rules(cli, tmp_path, b) -> None:  # type: ignore[no-untyped-def]
    bare = b.deployment(None, environment=None, image="app:latest")
    result = cli("policy", "check", "--state", str(export(tmp_path, [bare])), "--output", "json")
    assert result.exit_code == 2, result.output
    document = json.loads(result.stdout)
    assert [v["policy"] for v in document["violations"]] == ["images-pinned"]
    assert document["assumptions"][0]["basis"].startswith("no tricolor.dev/environment label")
    # Saying the environment outright decides, and nothing is assumed any more.
    staging = cli("policy", "check", "--state", str(export(tmp_path, [bare])), "--environment", "staging",
                  "--output", "json")
    assert staging.exit_code == 0 and json.loads(staging.stdout) == {"violations": []}


def test_a_blue_green_pair_means_production_even_without_color_labels(tmp_path, b) -> None:  # type: ignore[no-untyped-def]
    blue, green = b.deployment("blue", environment=None), b.deployment("green", environment=None, image="app:latest")
    for item in (blue, green):  # names only: checkout-blue-deployment / checkout-green-deployment
        item.props["metadata"]["labels"].pop("tricolor.dev/color")
    subject = Subject("prod", None, (blue, green), "state", "--environment")
    assert paired(subject.resources) and subject.context().paired
    violations = run([subject])
    assert [v.policy for v in violations if v.mandatory] == ["images-pinned"]
    assert "a blue/green pair in the stack" in violations[0].message
    assert not paired((blue,)) and not paired((blue, b.deployment(None, environment=None)))


@pytest.mark.parametrize(("labels", "context", "names", "assumed"), [
    ({"tricolor.dev/environment": "staging"}, Context(), {"staging"}, False),
    ({"tricolor.dev/preview": "true"}, Context(), {"preview"}, False),
    ({}, Context(environment="staging"), {"staging"}, False),
    ({"tricolor.dev/color": "green"}, Context(), {"production"}, True),
    ({}, Context(paired=True), {"production"}, True),
    ({}, Context(), {"production"}, True),
    # Production can never be outvoted: a staging label on a colored resource still gets production rules.
    ({"tricolor.dev/environment": "staging", "tricolor.dev/color": "blue"}, Context(), {"staging", "production"},
     False),
    ({"tricolor.dev/environment": "staging"}, Context(environment="production"), {"staging", "production"}, False),
    # Unknown values (a preview's) or secrets are no signal.
    ({"tricolor.dev/environment": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, Context(), {"production"}, True),
])
def test_inference(b, labels, context, names, assumed) -> None:  # type: ignore[no-untyped-def]
    item = b.resource("kubernetes:core/v1:ConfigMap", "c", {"metadata": {"labels": labels}})
    inferred = infer(item, context)
    assert inferred.names == names and inferred.assumed is assumed
    assert applies(inferred, ["production"]) is ("production" in names)
    assert applies(inferred, ["*"])
    assert (inferred.note() != "") is assumed
