"""Normalisation: roles, affixes, volatile fields, secrets, unknowns."""

from __future__ import annotations

from typing import Any

from tricolor.drift import RELEASE_MANAGED, Affixes, Item, build_snapshots, canonical, deep_normalize, role_from_urn
from tricolor.drift.diff import fields_of
from tricolor.drift.normalize import SECRET_TEXT, UNKNOWN_MARKER, UNKNOWN_TEXT, color_of, loads
from tricolor.spec.parity import RELEASE_MANAGED as SPEC_RELEASE_MANAGED
from tricolor.vocab.wire import Urn


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


def test_a_rolling_production_stack_is_one_environment() -> None:
    """``release.strategy: rolling`` builds one environment: drift shows it once, not as
    two identical colors."""
    from tricolor.drift import snapshots_from_rendered
    from tricolor.stacks.render import render_stack

    (only,) = snapshots_from_rendered(render_stack("small"))
    assert only.environment == "small" and only.color is None
    assert any(role.startswith("kubernetes:apps/v1:Deployment::") for role in only.resources)


# -- one test per normalisation rule (README, "Normalisation") ------------------------------

def _form(body: dict[str, Any], affixes: Affixes, type_: str = "") -> Any:
    return loads(canonical(body, affixes, type_))


def test_rule_embedded_json_is_parsed_and_normalised_inside() -> None:
    policy = {"Statement": [{"Resource": "arn:aws:sns:us-east-2:111111111111:topic-1a2b3c4d5e6f7a8b"}]}
    import json

    form = _form({"policy": json.dumps(policy)}, Affixes("a", accounts=("111111111111",), regions=("us-east-2",)))
    assert form == {"policy": {"Statement": [{"Resource": "arn:aws:sns:{region}:{account}:topic-{suffix}"}]}}
    assert _form({"note": "[not json", "list": "[1, 2]"}, Affixes("a")) == {"note": "[not json", "list": [1, 2]}


def test_rule_policy_statements_are_a_set_and_single_values_lists() -> None:
    one = {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
    two = {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]}
    assert deep_normalize(one) == deep_normalize(two)
    a = {"Statement": [{"Sid": "A", "Action": ["x", "y"]}, {"Sid": "B", "Action": "z"}]}
    b = {"Statement": [{"Sid": "B", "Action": ["z"]}, {"Sid": "A", "Action": ["y", "x", "x"]}]}
    assert deep_normalize(a) == deep_normalize(b) == {"Statement": {"A": {"Action": ["x", "y"]},
                                                                    "B": {"Action": ["z"]}}}


def test_rule_accounts_and_regions_are_learnt_from_the_stacks_own_arns() -> None:
    from tricolor.drift.normalize import learn

    bodies = [{"arn": "arn:aws:sns:us-east-2:111111111111:t", "policy": "arn:aws:iam::999999999999:root"},
              {"roleArn": "arn:aws:iam::222222222222:role/r", "id": "x"}, {"name": "arn:aws:s3:::bucket"}]
    assert learn(bodies) == (("111111111111", "222222222222"), ("us-east-2",))
    affixes = Affixes("a", accounts=("111111111111",), regions=("us-east-2",))
    form = _form({"SourceOwner": "111111111111", "principal": "logs.us-east-2.amazonaws.com",
                  "zone": "us-east-2a", "other": "999999999999", "bigger": "1111111111112"}, affixes)
    assert form == {"SourceOwner": "{account}", "principal": "logs.{region}.amazonaws.com", "zone": "{region}a",
                    "other": "999999999999", "bigger": "1111111111112"}


def test_rule_an_environments_own_labels_and_descriptions_line_up() -> None:
    """Docker's list of labels as a map of labels; a description naming its environment
    ("checkout-qa tasks") as a name."""
    labels = [{"label": "tricolor.dev/stack", "value": "qa"}, {"label": "tricolor.dev/environment", "value": "staging"},
              {"label": "tricolor.dev/team", "value": "qa"}]
    assert _form({"labels": labels, "description": "checkout-qa tasks"}, Affixes("qa")) == {
        "labels": [{"label": "tricolor.dev/stack", "value": "{stack}"},
                   {"label": "tricolor.dev/environment", "value": "{environment}"},
                   {"label": "tricolor.dev/team", "value": "qa"}],
        "description": "checkout tasks"}
    assert _form({"description": "qa"}, Affixes("qa")) == {"description": "qa"}  # a whole value: never


def test_rule_tokens_only_in_names_never_a_whole_value() -> None:
    affixes = Affixes("qa")
    body = {"name": "checkout-qa", "serviceName": "qa-worker", "family": "app_qa",
            "hosts": ["api.qa.example.com"], "UPSTREAM_URL": "http://checkout-qa.svc",
            "GREETING": "hello-qa", "container": {"name": "qa"}, "env": "qa",
            "labels": {"app.kubernetes.io/instance": "checkout-qa"}, "quality": "qaz-1"}
    assert _form(body, affixes) == {
        "name": "checkout", "serviceName": "worker", "family": "app", "hosts": ["api.{stack}.example.com"],
        "UPSTREAM_URL": "http://checkout.svc", "GREETING": "hello-qa", "container": {"name": "qa"}, "env": "qa",
        "labels": {"app.kubernetes.io/instance": "checkout"}, "quality": "qaz-1"}
    entries = {"env": [{"name": "UPSTREAM_HOST", "value": "db-qa"}, {"name": "MOTTO", "value": "hello-qa"}]}
    assert _form(entries, affixes) == {"env": [{"name": "UPSTREAM_HOST", "value": "db"},
                                               {"name": "MOTTO", "value": "hello-qa"}]}


def test_rule_namespace_that_is_a_bare_stack_name() -> None:
    affixes = Affixes("qa", None, "qa")
    body = {"container": "qa", "namespace": "qa", "host": "db.qa.svc.cluster.local"}
    assert _form(body, affixes) == {"container": "qa", "namespace": "{namespace}",
                                    "host": "db.{namespace}.svc.cluster.local"}


def test_rule_autoname_suffix_only_in_names() -> None:
    form = _form({"name": "bucket-1a2b3c4", "target": {"id": "topic-9d430501c4510322-x"}, "BUILD": "web-1a2b3c4",
                  "uuid": "ab-1234abcd-12"}, Affixes("a"))
    assert form == {"name": "bucket-{suffix}", "target": {"id": "topic-{suffix}-x"}, "BUILD": "web-1a2b3c4",
                    "uuid": "ab-1234abcd-12"}


def test_rule_secrets_are_redacted_before_the_fingerprint() -> None:
    from tricolor.drift import Resource

    a = canonical({"env": [{"name": "LOG", "value": "x"}, {"name": "LOG", "value": "y"},
                           {"name": "DB_PASS", "value": "one"}]}, Affixes("a"))
    b = canonical({"env": [{"name": "LOG", "value": "x"}, {"name": "LOG", "value": "y"},
                           {"name": "DB_PASS", "value": "two"}]}, Affixes("b"))
    assert a == b and b"one" not in a
    assert Resource("r", "t", "n", a).fingerprint == Resource("r", "t", "n", b).fingerprint


def _k8s(stack: str, namespace: str, name: str, container: str) -> Item:
    return Item("kubernetes:apps/v1:Deployment", name, {
        "metadata": {"name": name, "namespace": namespace, "labels": {"tricolor.dev/stack": stack}},
        "spec": {"template": {"spec": {"containers": [{"name": container, "image": "app:1",
                                                        "env": [{"name": "TEAM", "value": "qa"}]}]}}}})


def test_resources_named_like_a_stack_or_a_color_invent_no_drift() -> None:
    """A container called ``qa`` in stack ``qa`` (namespace ``qa``), a ConfigMap called
    ``green`` in every stack (shared in production): the same everywhere, no drift."""
    def stack(name: str, namespace: str, colors: tuple[str, ...] = ()) -> list[Any]:
        items = [_k8s(name, namespace, "qa", "qa"),
                 Item("kubernetes:core/v1:ConfigMap", "green", {"metadata": {"name": "green", "namespace": namespace},
                                                                "data": {"COLOR_NAME": "green", "STAGE": "qa"}})]
        items += [_k8s(name, namespace, f"checkout-{c}", "app") for c in colors]
        items += [_k8s(name, namespace, "checkout", "app")] if not colors else []
        for item in items[2:]:
            item.body["metadata"].setdefault("labels", {})["app"] = "checkout"
        return build_snapshots(name, [Item(i.type, i.name, i.body, color_of(i.name, i.body["metadata"].get("labels")))
                                      for i in items], namespace=namespace)

    from tricolor.drift import compare

    snapshots = stack("staging", "staging") + stack("qa", "qa") + stack("prod", "prod", ("blue", "green"))
    assert [s.environment for s in snapshots] == ["staging", "qa", "prod/blue", "prod/green"]
    result = compare(snapshots, [])
    assert result.differences == (), [d.as_json() for d in result.differences]
    assert "kubernetes:core/v1:ConfigMap::green" in snapshots[2].resources


def test_redaction_trigger_sees_every_key_and_entry_name() -> None:
    from tricolor.drift.normalize import needs_redaction

    long_key = "x" * 5_000 + "_PASSWORD"
    assert needs_redaction(b'{"' + long_key.encode() + b'":"v"}')
    assert b"hunter2" not in canonical({long_key: "hunter2", "n": 1}, Affixes("a"))
    escaped = {'we"ird': {"env": [{"name": 'DB_"PASSWORD', "value": "hunter2"}]}}
    assert b"hunter2" not in canonical(escaped, Affixes("a"))
    assert not needs_redaction(b'{"name":"checkout","replicas":3}')


def test_the_redaction_trigger_is_a_superset_of_redact() -> None:
    """``fields_of`` does not redact again: whatever ``redact`` would change, the
    trigger must see (a ``NAME=value`` string in a list that cannot be keyed, too)."""
    import orjson
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tricolor.drift.canonical import deep_form
    from tricolor.drift.normalize import needs_redaction

    names = st.sampled_from(["name", "value", "API_TOKEN", "DB_PASS", "mode", "url", "key", "Key", "Value",
                             "label", "envs", "note"])
    texts = st.sampled_from(["x", "API_TOKEN=abc", "mode=fast", "postgres://u:p@h/db", "p@ss", "[1]"])
    values = st.recursive(texts | st.integers(-1000, 1000), lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(names, inner, max_size=3), max_leaves=10)

    @settings(max_examples=300, deadline=None)
    @given(values)
    def check(value: Any) -> None:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        if not needs_redaction(data):
            assert deep_normalize(orjson.loads(data)) == deep_form(orjson.loads(data))

    check()
    assert b"abc" not in canonical({"args": [{"name": "x"}, "API_TOKEN=abc"]}, Affixes("a"))
