"""color-parity: blue and green identical apart from color, image and weight."""

from __future__ import annotations

from tricolor.policies.rules_color_parity import ColorParityOptions, check
from tricolor.policies.runner import subject_from_rendered


def test_rendered_production_stacks_pass(b, rendered):
    for name in ("prod", "aws-prod", "local"):
        subject = subject_from_rendered(rendered[name])
        assert check(subject.resources, ColorParityOptions(), b.PROD) == [], name


def test_image_and_color_may_differ(b):
    blue, green = b.deployment("blue"), b.deployment("green", image="ghcr.io/acme/checkout:2.0.0")
    assert check([blue, green], ColorParityOptions(), b.PROD) == []


def test_other_differences_fail_naming_resources_and_fields(b):
    blue, green = b.deployment("blue"), b.deployment("green", replicas=2)
    (finding,) = check([blue, green], ColorParityOptions(), b.PROD)
    assert "'checkout-blue-deployment' and 'checkout-green-deployment'" in finding.message
    assert "spec.replicas: blue 4, green 2" in finding.message
    assert finding.urn == green.urn


def test_missing_counterpart_and_missing_fields(b):
    blue, green = b.deployment("blue"), b.deployment("green", probe=False)
    (finding,) = check([blue, green], ColorParityOptions(), b.PROD)
    assert 'readinessProbe.httpGet.path: blue "/healthz/ready", green (absent)' in finding.message
    (alone,) = check([blue], ColorParityOptions(), b.PROD)
    assert "exists for blue only; green has no counterpart" in alone.message
    empty = [
        b.resource("kubernetes:core/v1:ConfigMap", f"checkout-{c}-config", {}) for c in ("blue", "green")
    ]
    assert check(empty, ColorParityOptions(), b.PROD) == []


def test_ignore_keys_option(b):
    blue, green = b.deployment("blue"), b.deployment("green", replicas=2)
    options = ColorParityOptions.model_validate({"ignoreKeys": ["replicas"]})
    assert check([blue, green], options, b.PROD) == []


def test_secret_values_are_never_shown(b):
    def env(value):
        return lambda p: p["spec"]["template"]["spec"]["containers"][0].update(
            env=[{"name": "DB_PASSWORD", "value": value}])

    blue = b.mutate(b.deployment("blue"), env("hunter2"))
    green = b.mutate(b.deployment("green"), env("swordfish"))
    blue_only = check([blue, b.deployment("green")], ColorParityOptions(), b.PROD)
    assert "[secret]" in blue_only[0].message and "hunter2" not in blue_only[0].message
    assert check([blue, green], ColorParityOptions(), b.PROD) == []  # both redacted: equal as far as shown


def test_lambda_mid_release_passes_its_versions_differ_like_images():
    """Mid-release on Lambda the colors run different versions: each color's alias
    (``functionVersion``), provisioned concurrency (``qualifier``) and alarms
    (``ExecutedVersion``) name its own version, as a Deployment names its own image."""
    from tricolor.policies import check_rendered
    from tricolor.spec.weights import Weights
    from tricolor.stacks.config import load_stacks
    from tricolor.stacks.render import render
    from tricolor.stacks.state import ReleaseState

    (item,) = load_stacks(["lambda-prod"])
    ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout"
    mid = render(item, ReleaseState(weights=Weights(90, 10), images={"blue": f"{ecr}:1.4.2", "green": f"{ecr}:1.5.0"}))
    subject = subject_from_rendered(mid)
    assert check(subject.resources, ColorParityOptions(), subject.context()) == []
    assert [v for v in check_rendered([mid]) if v.mandatory] == []


def test_lambda_versions_still_compared_when_not_ignored(b):
    blue = b.resource("aws:lambda/alias:Alias", "checkout-blue-alias", {"functionVersion": "7", "name": "blue"})
    green = b.resource("aws:lambda/alias:Alias", "checkout-green-alias", {"functionVersion": "8", "name": "green"})
    assert check([blue, green], ColorParityOptions(), b.PROD) == []
    strict = ColorParityOptions.model_validate({"ignoreKeys": ["image"]})
    (finding,) = check([blue, green], strict, b.PROD)
    assert 'functionVersion: blue "7", green "8"' in finding.message
