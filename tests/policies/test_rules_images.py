"""images-pinned: digest or immutable tag; 'latest' or no tag forbidden in production."""

from __future__ import annotations

import pytest

from tricolor.policies.rules_images import ImageOptions, check

DIGEST = "ghcr.io/acme/checkout@sha256:" + "a" * 64


@pytest.mark.parametrize(
    "image",
    [
        "ghcr.io/acme/checkout:1.4.2",
        DIGEST,
        "ghcr.io/acme/checkout:1.4@" + DIGEST[-71:],
        "sha256:" + "b" * 64,
    ],
)
def test_pinned_images_pass(b, image):
    assert check(b.deployment(image=image), ImageOptions(), b.PROD) == []


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("ghcr.io/acme/checkout:latest", "mutable tag 'latest'"),
        ("ghcr.io/acme/checkout", "has no tag"),
        ("ghcr.io/acme/checkout:main", "mutable tag 'main'"),
        ("Not An Image!", "not a valid image reference"),
    ],
)
def test_unpinned_image_fails_naming_resource_and_field(b, image, expected):
    (finding,) = check(b.deployment(image=image), ImageOptions(), b.PROD)
    assert "checkout-blue-deployment" in finding.message
    assert "spec.template.spec.containers[0].image" in finding.message
    assert expected in finding.message
    assert finding.urn.endswith("::checkout-blue-deployment")


def test_every_backend_shape_is_checked(b):
    latest = "ghcr.io/acme/checkout:latest"
    ecs = check(b.ecs_task(image=latest), ImageOptions(), b.PROD)
    assert "containerDefinitions[0].image" in ecs[0].message
    docker = check(b.docker_container(image=latest), ImageOptions(), b.PROD)
    assert "checkout-blue-container" in docker[0].message and ": image " in docker[0].message
    remote = b.resource("docker:index/remoteImage:RemoteImage", "checkout-image", {"name": "redis"})
    assert "has no tag" in check(remote, ImageOptions(), b.PROD)[0].message
    function = b.resource(
        "aws:lambda/function:Function",
        "fn",
        {"imageUri": latest, "tags": {"tricolor.dev/environment": "production"}},
    )
    assert "imageUri" in check(function, ImageOptions(), b.PROD)[0].message


def test_missing_image_and_missing_containers_are_handled(b):
    (finding,) = check(b.deployment(image=None), ImageOptions(), b.PROD)
    assert "spec.template.spec.containers[0].image is missing" in finding.message
    bare = b.resource("kubernetes:apps/v1:Deployment", "bare", {})
    assert check(bare, ImageOptions(), b.PROD) == []
    unknown = b.deployment(image="[unknown]")  # an output not known during preview
    assert check(unknown, ImageOptions(), b.PROD) == []
    ecs = b.resource("aws:ecs/taskDefinition:TaskDefinition", "t", {"containerDefinitions": "not json"})
    assert check(ecs, ImageOptions(), b.PROD) == []


def test_only_production_by_default_and_options_change_that(b):
    staging = b.deployment(color=None, environment="staging", image="ghcr.io/acme/checkout:latest")
    assert check(staging, ImageOptions(), b.STAGING) == []
    everywhere = ImageOptions.model_validate({"environments": ["*"]})
    assert len(check(staging, everywhere, b.STAGING)) == 1
    strict = ImageOptions.model_validate({"requireDigest": True})
    assert "not pinned by a @sha256 digest" in check(b.deployment(), strict, b.PROD)[0].message
    relaxed = ImageOptions.model_validate({"mutableTags": []})
    assert check(b.deployment(image="ghcr.io/acme/checkout:main"), relaxed, b.PROD) == []


def test_environment_comes_from_the_context_when_unlabelled(b):
    unlabelled = b.deployment(color=None, environment=None, image="nginx:latest")
    assert len(check(unlabelled, ImageOptions(), b.PROD)) == 1
    assert check(unlabelled, ImageOptions(), b.STAGING) == []
