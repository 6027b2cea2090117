"""stateful-shared: volumes, databases and caches are never created per color."""

from __future__ import annotations

from tricolor.policies.rules_stateful import StatefulOptions, check


def test_shared_stateful_resources_pass(b):
    pvc = b.resource(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "checkout-shared-data",
        {"metadata": {"labels": b.labels(None)}},
        parent=b.urn("tricolor:kubernetes:Shared", "checkout-shared"),
    )
    rds = b.resource("aws:rds/instance:Instance", "checkout-shared-orders-db", {"tags": b.labels(None)})
    db = b.docker_container(None, image="postgres:16")
    for item in (pvc, rds, db):
        assert check(item, StatefulOptions(), b.PROD) == []


def test_per_color_volume_fails_naming_the_evidence(b):
    pvc = b.resource(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "checkout-data",
        {"metadata": {"labels": b.labels("green")}},
    )
    (finding,) = check(pvc, StatefulOptions(), b.PROD)
    assert "checkout-data" in finding.message and "green color" in finding.message
    assert "label or tag tricolor.dev/color" in finding.message


def test_color_from_name_or_parent(b):
    cache = b.resource("aws:elasticache/cluster:Cluster", "checkout-blue-sessions", {"engine": "redis"})
    assert "its name" in check(cache, StatefulOptions(), b.PROD)[0].message
    volume = b.resource(
        "docker:index/volume:Volume",
        "data",
        {},
        parent=b.urn("tricolor:docker:Environment", "checkout-green"),
    )
    assert "its parent 'checkout-green'" in check(volume, StatefulOptions(), b.PROD)[0].message


def test_database_images_count_as_stateful(b):
    (finding,) = check(b.docker_container("blue", image="redis:7"), StatefulOptions(), b.PROD)
    assert "runs the stateful image 'redis:7' (image)" in finding.message
    assert check(b.docker_container("blue"), StatefulOptions(), b.PROD) == []


def test_missing_properties_and_options(b):
    bare = b.resource("kubernetes:apps/v1:StatefulSet", "checkout-blue-db", {})
    assert len(check(bare, StatefulOptions(), b.PROD)) == 1
    options = StatefulOptions.model_validate({"statefulTypes": [], "statefulImages": []})
    assert check(bare, options, b.PROD) == []
