"""Normalisation: roles, affixes, volatile fields, secrets, unknowns."""

from __future__ import annotations

from typing import Any

from tricolor.drift import RELEASE_MANAGED, Affixes, Item, build_snapshots, canonical, deep_normalize, role_from_urn
from tricolor.drift.diff import fields_of
from tricolor.drift.normalize import SECRET_TEXT, UNKNOWN_MARKER, UNKNOWN_TEXT, color_of, loads
from tricolor.vocab.wire import Urn
from tricolor.spec.parity import RELEASE_MANAGED as SPEC_RELEASE_MANAGED


def test_release_managed_mirrors_the_spec() -> None:
    assert RELEASE_MANAGED == SPEC_RELEASE_MANAGED


def test_role_takes_stack_and_color_out_of_the_urn() -> None:
    staging = ("urn:pulumi:staging::tricolor::tricolor:kubernetes:Environment"
               "$kubernetes:apps/v1:Deployment::checkout-deployment")
    blue = ("urn:pulumi:prod::tricolor::tricolor:kubernetes:BlueGreen$tricolor:kubernetes:Environment"
            "$kubernetes:apps/v1:Deployment::checkout-blue-deployment")
    assert role_from_urn(staging) == "kubernetes:apps/v1:Deployment::checkout-deployment"
    assert role_from_urn(blue, "blue") == role_from_urn(staging)
    assert role_from_urn("urn:pulumi:foo::countdown::aws:iam/role:Role::pulumi-foo-log-collector-iamrole") \
        == "aws:iam/role:Role::pulumi-log-collector-iamrole"
    assert Urn.parse(blue).stack == "prod"


def test_affixes_strip_environment_and_color_from_names() -> None:
    affixes = Affixes("prod", "green", "checkout-prod")
    assert affixes.without("checkout-green-config") == "checkout-config"
    assert affixes.without("green-checkout") == "checkout"
    assert affixes.without("checkout-production") == "checkout-production"  # not a whole token
    assert color_of("checkout-blue-deployment") == "blue"
    assert color_of("checkout-deployment") is None
    assert color_of("x", {"tricolor.dev/color": "green"}) == "green"


def _object(namespace: str, color: str | None, stack: str) -> dict[str, Any]:
    suffix = f"-{color}" if color else ""
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": f"checkout{suffix}", "namespace": namespace, "uid": f"u-{stack}",
                     "resourceVersion": "42" if color else "7", "generation": 3,
                     "creationTimestamp": "2026-01-01T00:00:00Z",
                     "managedFields": [{"manager": "pulumi", "time": "2026"}],
                     "annotations": {"deployment.kubernetes.io/revision": "9"},
                     "labels": {"tricolor.dev/stack": stack, "tricolor.dev/environment": "x",
                                "app.kubernetes.io/instance": f"checkout{suffix}"}},
        "spec": {"template": {"spec": {"containers": [{"name": "checkout", "envFrom": [
            {"configMapRef": {"name": f"checkout{suffix}-config"}}],
            "env": [{"name": "DB_HOST", "value": f"db.{namespace}.svc.cluster.local"}]}]}}},
        "status": {"replicas": 3, "observedGeneration": 3},
    }


def test_canonical_forms_of_two_environments_are_equal() -> None:
    staging = canonical(_object("checkout-staging", None, "staging"), Affixes("staging", None, "checkout-staging"))
    green = canonical(_object("checkout-prod", "green", "prod"), Affixes("prod", "green", "checkout-prod"))
    assert staging == green
    for volatile in (b"resourceVersion", b"managedFields", b"creationTimestamp", b'"uid"', b"status",
                     b"deployment.kubernetes.io/revision", b"checkout-prod", b"checkout-staging"):
        assert volatile not in green


def test_learnt_accounts_and_autoname_suffixes_are_masked() -> None:
    a = canonical({"role": "arn:aws:iam::111111111111:role/app-1a2b3c4"}, Affixes("a", accounts=("111111111111",)))
    b = canonical({"role": "arn:aws:iam::222222222222:role/app-9f8e7d6"}, Affixes("b", accounts=("222222222222",)))
    assert a == b and b"111111111111" not in a


def test_deep_normalize_redacts_secrets_and_marks_unknowns() -> None:
    body = {
        "password": "hunter2",
        "secretName": "db-credentials",  # a reference, not a secret
        "token": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "abc"},
        "env": [{"name": "STRIPE_API_KEY", "value": "sk_live_1"}, {"name": "MODE", "value": "fast"}],
        "later": UNKNOWN_MARKER,
        "policy": '{"Statement": [{"Effect": "Allow"}]}',
        "size": 3.0,
        "taskDefinitionArn": "arn:aws:ecs:1",
        "updatedAt": "2026",
    }
    out = deep_normalize(body)
    assert out["password"] == SECRET_TEXT
    assert out["secretName"] == "db-credentials"
    assert out["token"] == SECRET_TEXT
    assert out["env"] == {"STRIPE_API_KEY": SECRET_TEXT, "MODE": "fast"}
    assert out["later"] == UNKNOWN_TEXT
    assert out["policy"] == {"Statement": [{"Effect": "Allow"}]}
    assert out["size"] == 3 and isinstance(out["size"], int)
    assert "taskDefinitionArn" not in out and "updatedAt" not in out
    assert "hunter2" not in repr(out) and "sk_live_1" not in repr(out)


def test_kubernetes_secret_data_is_redacted_but_keys_kept() -> None:
    out = deep_normalize({"kind": "Secret", "data": {"DATABASE_PASSWORD": "c2VjcmV0"}},
                         "kubernetes:core/v1:Secret")
    assert out["data"] == {"DATABASE_PASSWORD": SECRET_TEXT}


def test_production_stack_becomes_two_colors_with_shared_resources() -> None:
    items = [
        Item("kubernetes:core/v1:Namespace", "checkout-shared-namespace", {"metadata": {"name": "checkout-prod"}}),
        Item("kubernetes:apps/v1:Deployment", "checkout-blue-deployment", {"spec": {"replicas": 1}}, "blue"),
        Item("kubernetes:apps/v1:Deployment", "checkout-green-deployment", {"spec": {"replicas": 1}}, "green"),
    ]
    blue, green = build_snapshots("prod", items)
    assert (blue.environment, green.environment) == ("prod/blue", "prod/green")
    assert set(blue.resources) == set(green.resources) == {
        "kubernetes:core/v1:Namespace::checkout-shared-namespace", "kubernetes:apps/v1:Deployment::checkout-deployment"}
    assert loads(blue.resources["kubernetes:core/v1:Namespace::checkout-shared-namespace"].canonical) == {
        "metadata": {"name": "{namespace}"}}


def test_router_view_per_color(rendered: dict[str, Any]) -> None:
    from tricolor.drift import snapshots_from_rendered

    blue, green = snapshots_from_rendered(rendered["prod"])
    role = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::checkout-router-route"
    blue_route, green_route = fields_of(blue.resources[role]), fields_of(green.resources[role])
    assert blue_route["spec"]["rules"][0]["backendRefs"] == {"checkout": {"port": 80, "weight": 100}}
    assert green_route["spec"]["rules"][0]["backendRefs"] == {"checkout": {"port": 80, "weight": 0}}
    assert blue_route["colorRoute"]["matches"][0]["headers"]["x-tricolor-color"]["value"] == "blue"
