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
