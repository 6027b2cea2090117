"""DriftJob under Pulumi's mock runtime (driven as stacks/render.py drives it): a
read-only ServiceAccount without access to Secrets, and a CronJob running tricolor drift."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

import pytest

from tricolor.components import ComponentError
from tricolor.components.kubernetes import DriftJob, DriftJobArgs
from tricolor.stacks.render import RenderedResource, run_program


def _run(build: Callable[[], None]) -> list[RenderedResource]:
    records = contextvars.copy_context().run(run_program, build, "ops", {}, [])
    return sorted(records, key=lambda r: r.urn)


ARGS = DriftJobArgs(stacks=["staging", "prod"], namespaces={"staging": "checkout-staging", "prod": "checkout-prod"},
                    image="ghcr.io/acme/tricolor:0.1.0")


def _by_type(records: list[RenderedResource]) -> dict[str, list[RenderedResource]]:
    out: dict[str, list[RenderedResource]] = {}
    for record in records:
        out.setdefault(record.type, []).append(record)
    return out


def test_drift_job_resources() -> None:
    records = _by_type(_run(lambda: DriftJob("checkout-drift", ARGS) and None))
    (component,) = records["tricolor:kubernetes:DriftJob"]
    assert component.name == "checkout-drift"
    (account,) = records["kubernetes:core/v1:ServiceAccount"]
    assert account.inputs["metadata"] == {"name": "checkout-drift-reader", "namespace": "tricolor-drift",
                                          "labels": account.inputs["metadata"]["labels"]}
    roles = records["kubernetes:rbac.authorization.k8s.io/v1:Role"]
    assert sorted(r.inputs["metadata"]["namespace"] for r in roles) == ["checkout-prod", "checkout-staging"]
    for role in roles:
        for rule in role.inputs["rules"]:
            assert set(rule["verbs"]) <= {"get", "list", "watch"}
            assert "secrets" not in rule["resources"] and "*" not in rule["resources"]
    bindings = records["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"]
    assert {b.inputs["subjects"][0]["name"] for b in bindings} == {"checkout-drift-reader"}
    (cron,) = records["kubernetes:batch/v1:CronJob"]
    spec = cron.inputs["spec"]
    assert spec["schedule"] == "0 3 * * *" and spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "checkout-drift-reader"
    args = pod["containers"][0]["args"]
    assert args[:6] == ["tricolor", "drift", "--source", "kubernetes", "--stacks", "staging,prod"]
    assert "staging=checkout-staging" in args and "prod=checkout-prod" in args
    assert all(r.parent and "DriftJob" in r.parent for t, rs in records.items() if t != "tricolor:kubernetes:DriftJob"
               for r in rs)


def test_cluster_wide_role_has_no_secrets() -> None:
    args = DriftJobArgs(**{**ARGS.__dict__, "cluster_wide": True})
    records = _by_type(_run(lambda: DriftJob("d", args) and None))
    (role,) = records["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"]
    resources = {r for rule in role.inputs["rules"] for r in rule["resources"]}
    assert resources == {"deployments", "services", "configmaps", "horizontalpodautoscalers",
                         "poddisruptionbudgets", "httproutes"}
    assert "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" in records


def test_bad_arguments_are_refused_before_anything_is_created() -> None:
    bad = DriftJobArgs(stacks=["staging", "prod"], namespaces={"staging": "Bad_NS"}, image="not an image",
                       schedule="every night")
    problems = bad.problems()
    assert any("prod" in p for p in problems) and any("namespaces.staging" in p for p in problems)
    assert any(p.startswith("image:") for p in problems) and any(p.startswith("schedule:") for p in problems)
    with pytest.raises(ComponentError, match="DriftJob d: "):
        DriftJob("d", bad)
    assert DriftJobArgs(**{**ARGS.__dict__, "schedule": "*/30 1-5 * * MON-FRI"}).problems() == []
    assert DriftJobArgs(**{**ARGS.__dict__, "schedule": "@daily"}).problems() == []


