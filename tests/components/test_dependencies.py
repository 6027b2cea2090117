"""Shared dependencies run as their official images document: the rendered objects are
checked against what the postgres, mysql and redis images ask for (variables, data
path, port, readiness), against the Kubernetes schemas, and ``kind: external`` wires
the service to a managed database without creating one."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from tricolor.components import ComponentError
from tricolor.spec.errors import SpecError
from tricolor.spec.load import parse_spec
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import Rendered, render

KUBERNETES_VERSION = kubernetes_validate.utils.latest_version()
SECRET = "checkout-secrets"  # the stack's Secret: the dependencies' credentials
ENV_SECRET = "checkout-env-secrets"  # the environment's own: what the service reads

# What each official image documents (Docker Hub "How to use this image"), written here
# independently of the code under test.
OFFICIAL = {
    "postgres": {"port": 5432, "data": "/var/lib/postgresql/data", "password": "POSTGRES_PASSWORD",
                 "ready": "pg_isready"},
    "mysql": {"port": 3306, "data": "/var/lib/mysql", "password": "MYSQL_ROOT_PASSWORD", "ready": "mysqladmin"},
    "redis": {"port": 6379, "data": "/data", "password": None, "ready": "redis-cli"},
}

DEPENDENCIES = [
    {"name": "orders-db", "kind": "postgres", "version": "16", "size": "20Gi", "credentials": "ORDERS_DB_PASSWORD",
     "env": {"DATABASE_HOST": "host", "DATABASE_PORT": "port", "DATABASE_NAME": "database",
             "DATABASE_USER": "user", "DATABASE_PASSWORD": "password"}},
    {"name": "ledger", "kind": "mysql", "version": "8.4", "user": "ledger", "credentials": "LEDGER_PASSWORD",
     "env": {"LEDGER_URL": "url", "LEDGER_USER": "user"}},
    {"name": "sessions", "kind": "redis", "version": "7", "credentials": "SESSIONS_PASSWORD",
     "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}},
     "env": {"REDIS_URL": "url", "REDIS_PASSWORD": "password"}},
    {"name": "uploads", "kind": "volume", "size": "5Gi", "env": {"UPLOADS_DIR": "path"}},
    {"name": "billing", "kind": "external", "engine": "postgres", "host": "billing.abc123.eu-west-1.rds.amazonaws.com",
     "port": 5433, "database": "billing", "user": "checkout", "credentials": "BILLING_PASSWORD",
     "env": {"BILLING_URL": "url", "BILLING_HOST": "host", "BILLING_PORT": "port", "BILLING_DB": "database",
             "BILLING_PASSWORD": "password"}},
]
SECRETS = {"ORDERS_DB_PASSWORD": "ordersDbPassword", "LEDGER_PASSWORD": "ledgerPassword",
           "SESSIONS_PASSWORD": "sessionsPassword", "BILLING_PASSWORD": "billingPassword"}


def spec_with(spec_data: dict[str, Any], dependencies: list[dict[str, Any]],
              secrets: dict[str, str] | None = None) -> dict[str, Any]:
    data = copy.deepcopy(spec_data)
    data["dependencies"] = copy.deepcopy(dependencies)
    data["secrets"] = {**data["secrets"], **{k: {"config": v} for k, v in (secrets or SECRETS).items()}}
    return data


def render_spec(path: Path, backend: str = "kubernetes", environment: str = "staging",
                extra: dict[str, Any] | None = None) -> Rendered:
    config: dict[str, Any] = {"tricolor:environment": environment, "tricolor:backend": backend, **(extra or {})}
    (item,) = load_stacks(["deps"], spec_file=path, configs={"deps": (config, set())})
    return render(item)


@pytest.fixture
def k8s(spec_data: dict[str, Any], write_spec: Callable[..., Path]) -> Rendered:
    return render_spec(write_spec(spec_with(spec_data, DEPENDENCIES)))


def statefulset(r: Rendered, dep: str) -> dict[str, Any]:
    return r.find(f"checkout-shared-{dep}-statefulset").inputs


def only_container(obj: dict[str, Any]) -> dict[str, Any]:
    (container,) = obj["spec"]["template"]["spec"]["containers"]
    return container


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


# ---- the official images' requirements ----------------------------------------------

@pytest.mark.parametrize(("dep", "kind"), [("orders-db", "postgres"), ("ledger", "mysql"), ("sessions", "redis")])
def test_database_runs_as_its_official_image_documents(k8s: Rendered, dep: str, kind: str) -> None:
    wanted = OFFICIAL[kind]
    sts = statefulset(k8s, dep)
    container = only_container(sts)
    assert container["image"].split(":")[0] == kind
    assert [p["containerPort"] for p in container["ports"]] == [wanted["port"]]
    (mount,) = container["volumeMounts"]
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert mount["name"] == claim["metadata"]["name"]
    # The volume holds the image's data directory, so the data survives a restart.
    assert mount["mountPath"] == wanted["data"]
    env = env_of(container)
    if wanted["password"]:
        # The image refuses to start without its password; it comes from the stack's Secret.
        assert env[wanted["password"]] == {"secretKeyRef": {"name": SECRET, "key": f"{dep.upper().replace('-', '_')}"
                                                                                   "_PASSWORD"}}
    for probe in ("readinessProbe", "livenessProbe"):
        command = container[probe]["exec"]["command"]
        assert command[0] == wanted["ready"], probe
        assert "127.0.0.1" in command  # TCP: the images' init servers listen on a socket only
    assert container["resources"]["requests"] and container["resources"]["limits"]


def test_postgres_keeps_its_data_in_a_subdirectory_of_the_volume(k8s: Rendered) -> None:
    env = env_of(only_container(statefulset(k8s, "orders-db")))
    assert env["PGDATA"].startswith(OFFICIAL["postgres"]["data"] + "/")  # not the mount point (lost+found)
    assert env["POSTGRES_DB"] == "orders_db" and env["POSTGRES_USER"] == "postgres"


def test_mysql_gets_an_empty_data_directory_and_its_user(k8s: Rendered) -> None:
    container = only_container(statefulset(k8s, "ledger"))
    (mount,) = container["volumeMounts"]
    assert mount.get("subPath")  # the volume's root holds lost+found; mysqld wants an empty directory
    env = env_of(container)
    assert env["MYSQL_DATABASE"] == "ledger" and env["MYSQL_USER"] == "ledger"
    assert env["MYSQL_PASSWORD"] == {"secretKeyRef": {"name": SECRET, "key": "LEDGER_PASSWORD"}}


def test_redis_requires_its_password_and_persists(k8s: Rendered) -> None:
    container = only_container(statefulset(k8s, "sessions"))
    args = container["args"]
    assert args[args.index("--requirepass") + 1] == "$(REDIS_PASSWORD)"  # expanded by the kubelet from env
    assert "--appendonly" in args
    env = env_of(container)
    assert env["REDIS_PASSWORD"] == env["REDISCLI_AUTH"] == {"secretKeyRef": {"name": SECRET,
                                                                              "key": "SESSIONS_PASSWORD"}}
    assert container["resources"]["limits"] == {"cpu": "200m", "memory": "128Mi"}  # the spec's


@pytest.mark.parametrize("dep", ["orders-db", "ledger", "sessions"])
def test_each_statefulset_has_its_headless_service(k8s: Rendered, dep: str) -> None:
    sts = statefulset(k8s, dep)
    service = k8s.find(f"checkout-shared-{dep}-service").inputs
    assert service["spec"]["clusterIP"] == "None"
    assert sts["spec"]["serviceName"] == service["metadata"]["name"]
    pod_labels = sts["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] in {p["name"] for p in only_container(sts)["ports"]}


def test_every_rendered_object_validates_against_the_kubernetes_schemas(k8s: Rendered) -> None:
    checked = 0
    for resource in k8s.resources:
        if not resource.type.startswith("kubernetes:") or resource.type.endswith(":HTTPRoute"):
            continue
        document = copy.deepcopy(resource.inputs)
        if document["kind"] == "Secret":
            document["stringData"] = {"X": "x"}  # redacted by the renderer
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        checked += 1
    assert checked >= 12


# ---- the service is wired to its dependencies ------------------------------------------

def test_external_dependency_creates_nothing_and_wires_the_service(k8s: Rendered) -> None:
    assert not [r for r in k8s.resources if "billing" in r.name]
    data = k8s.find("checkout-config").inputs["data"]
    assert data["BILLING_HOST"] == "billing.abc123.eu-west-1.rds.amazonaws.com"
    assert data["BILLING_PORT"] == "5433"
    assert data["BILLING_URL"] == "postgres://billing.abc123.eu-west-1.rds.amazonaws.com:5433"
    assert data["BILLING_DB"] == "billing"
    assert "BILLING_PASSWORD" not in data  # a secret never goes into a ConfigMap
    env = env_of(only_container(k8s.find("checkout-deployment").inputs))
    assert env["BILLING_PASSWORD"] == {"secretKeyRef": {"name": ENV_SECRET, "key": "BILLING_PASSWORD"}}


def test_in_cluster_dependencies_wiring(k8s: Rendered) -> None:
    data = k8s.find("checkout-config").inputs["data"]
    assert data["DATABASE_HOST"] == "checkout-orders-db.checkout-deps.svc.cluster.local"
    assert (data["DATABASE_PORT"], data["DATABASE_NAME"], data["DATABASE_USER"]) == ("5432", "orders_db", "postgres")
    assert data["LEDGER_URL"] == "mysql://checkout-ledger.checkout-deps.svc.cluster.local:3306"
    assert data["UPLOADS_DIR"] == "/data/uploads"
    env = env_of(only_container(k8s.find("checkout-deployment").inputs))
    assert env["DATABASE_PASSWORD"] == {"secretKeyRef": {"name": ENV_SECRET, "key": "ORDERS_DB_PASSWORD"}}
    assert env["REDIS_PASSWORD"] == {"secretKeyRef": {"name": ENV_SECRET, "key": "SESSIONS_PASSWORD"}}
    kinds = sorted(r.inputs["kind"] for r in k8s.resources if r.type == "kubernetes:apps/v1:StatefulSet")
    assert kinds == ["StatefulSet"] * 3


def test_storage_class_from_the_stack_settings(spec_data: dict[str, Any], write_spec: Callable[..., Path]) -> None:
    r = render_spec(write_spec(spec_with(spec_data, DEPENDENCIES)),
                    extra={"tricolor:kubernetes": {"storageClassName": "gp3", "imagePullSecrets": ["registry"]}})
    (claim,) = statefulset(r, "orders-db")["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["storageClassName"] == "gp3"
    assert r.find("checkout-shared-uploads-volume").inputs["spec"]["storageClassName"] == "gp3"
    pod = r.find("checkout-deployment").inputs["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "registry"}]


# ---- refusals, before anything is registered --------------------------------------------

@pytest.mark.parametrize("kind", ["postgres", "mysql"])
def test_a_database_without_credentials_is_refused_naming_a_config_key(
        kind: str, spec_data: dict[str, Any], write_spec: Callable[..., Path], registrations: list[str]) -> None:
    path = write_spec(spec_with(spec_data, [{"name": "orders-db", "kind": kind}]))
    with pytest.raises(ComponentError) as caught:
        render_spec(path)
    message = str(caught.value)
    assert "dependencies.orders-db.credentials" in message and "ordersDbPassword" in message
    assert [t for t in registrations if t != "pulumi:pulumi:Stack"] == []


def test_credentials_must_name_a_spec_secret(spec_data: dict[str, Any], write_spec: Callable[..., Path]) -> None:
    path = write_spec(spec_with(spec_data, [{"name": "db", "kind": "postgres", "credentials": "NOPE"}]))
    with pytest.raises(ComponentError, match=r"'NOPE' is not one of the spec's secrets"):
        render_spec(path)


def test_a_missing_secret_value_names_its_config_key(spec_data: dict[str, Any], write_spec: Callable[..., Path]
                                                     ) -> None:
    """Outside the offline renderer (which fills placeholders), a secret config that is not
    set stops the program with the key and the command that sets it."""
    from tricolor.components.secrets import secret_values
    from tricolor.spec.stack import resolve_stack

    spec = parse_spec(spec_with(spec_data, DEPENDENCIES[:1]))
    stack = resolve_stack("deps", {"tricolor:environment": "staging", "tricolor:backend": "kubernetes"}, spec, "f")
    with pytest.raises(ComponentError, match=r"tricolor:ordersDbPassword.*pulumi config set --secret"):
        secret_values(stack)


@pytest.mark.parametrize(("dependency", "message"), [
    ({"name": "x", "kind": "volume", "env": {"A": "host"}}, "'host' is not something a volume dependency gives"),
    ({"name": "x", "kind": "redis", "env": {"A": "hots"}}, "'hots' is not something a redis dependency gives"),
    ({"name": "x", "kind": "external", "env": {"A": "host"}}, "an external dependency needs host and port"),
    ({"name": "x", "kind": "external", "host": "db.example.com", "port": 5432, "env": {"A": "url"}},
     "url needs engine"),
    ({"name": "x", "kind": "postgres", "host": "db.example.com"}, "host is only for kind external"),
    ({"name": "x", "kind": "mysql", "user": "root"}, "'root' is MySQL's own account"),
    ({"name": "x", "kind": "redis", "database": "zero"}, "database is only for postgres, mysql"),
])
def test_the_spec_refuses_what_a_dependency_cannot_give(spec_data: dict[str, Any], dependency: dict[str, Any],
                                                         message: str) -> None:
    data = copy.deepcopy(spec_data)
    data["dependencies"] = [dependency]
    with pytest.raises(SpecError) as caught:
        parse_spec(data)
    (problem,) = caught.value.problems
    assert problem.path == "dependencies[0]" and message in problem.message


# ---- the same table on the other backends -------------------------------------------------

def test_docker_runs_the_same_images_with_the_same_requirements(spec_data: dict[str, Any],
                                                                 write_spec: Callable[..., Path]) -> None:
    deps = [d for d in DEPENDENCIES if d["kind"] != "external"]
    r = render_spec(write_spec(spec_with(spec_data, deps)), backend="docker")
    for dep, kind in (("orders-db", "postgres"), ("ledger", "mysql"), ("sessions", "redis")):
        container = r.find(f"checkout-shared-{dep}").inputs
        (volume,) = container["volumes"]
        assert volume["containerPath"] == OFFICIAL[kind]["data"]
        assert container["healthcheck"]["tests"][1] == OFFICIAL[kind]["ready"]
        assert container["envs"] == "[secret]"  # the password is among them


def test_docker_without_credentials_starts_a_laptop_database(spec_data: dict[str, Any],
                                                              write_spec: Callable[..., Path]) -> None:
    path = write_spec(spec_with(spec_data, [{"name": "db", "kind": "postgres", "env": {"H": "host"}}]))
    r = render_spec(path, backend="docker")
    assert "POSTGRES_HOST_AUTH_METHOD=trust" in r.find("checkout-shared-db").inputs["envs"]


def test_aws_reads_the_rds_managed_password_by_reference(spec_data: dict[str, Any],
                                                          write_spec: Callable[..., Path]) -> None:
    from tricolor.stacks.config import read_stack_config

    aws = read_stack_config("aws-prod")[0]["tricolor:aws"]
    deps = [DEPENDENCIES[0], DEPENDENCIES[4]]
    r = render_spec(write_spec(spec_with(spec_data, deps)), backend="aws",
                    extra={"tricolor:aws": aws, "aws:region": "eu-west-1"})
    (db,) = r.by_type("aws:rds/instance:Instance")
    assert db.inputs["dbName"] == "orders_db" and db.inputs["manageMasterUserPassword"] is True
    (container,) = json.loads(r.find("checkout-task").inputs["containerDefinitions"])
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets["DATABASE_PASSWORD"].endswith(":password::")  # the JSON key of RDS's secret
    assert secrets["BILLING_PASSWORD"].startswith("arn:aws:secretsmanager:")
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["BILLING_URL"] == "postgres://billing.abc123.eu-west-1.rds.amazonaws.com:5433"
    assert env["DATABASE_USER"] == "tricolor"
    # Nothing is created for the external database (only its password's secret, from config).
    assert {x.type for x in r.resources if "billing" in x.name} <= {"aws:secretsmanager/secret:Secret",
                                                                     "aws:secretsmanager/secretVersion:SecretVersion"}
