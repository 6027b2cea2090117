"""DriftJob: run ``tricolor drift`` on a schedule inside the cluster (a CronJob).

The job reads the live objects of the watched namespaces with a read-only
ServiceAccount: ``get``/``list``/``watch`` on exactly the kinds drift compares, and no
access to Secrets. A run that finds drift exits 2, so the Job fails and the cluster's
usual alerting on failed Jobs fires; ``backoffLimit: 0`` keeps it from re-running.

Usable from the stack program::

    DriftJob("checkout-drift", DriftJobArgs(stacks=["staging", "prod"],
             namespaces={"staging": "checkout-staging", "prod": "checkout-prod"},
             image="ghcr.io/acme/tricolor:0.1.0"))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...spec.model import image_problem
from ...spec.naming import dns_label, dns_label_problem
from ..args import LABEL_PREFIX, MANAGED_BY
from ..errors import ComponentError

# What ``tricolor drift --source kubernetes`` lists (see tricolor.drift.kubernetes_live).
READ_RULES: tuple[dict[str, Any], ...] = (
    {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": [""], "resources": ["services", "configmaps"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["gateway.networking.k8s.io"], "resources": ["httproutes"], "verbs": ["get", "list", "watch"]},
)
_CRON_FIELD = r"(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*|[A-Za-z]{3}(-[A-Za-z]{3})?"
_CRON = re.compile(rf"^(@(hourly|daily|weekly|monthly|yearly|annually)|({_CRON_FIELD})( ({_CRON_FIELD})){{4}})$")


@dataclass(frozen=True)
class DriftJobArgs:
    """``stacks`` to compare, each stack's ``namespaces``, the ``image`` holding tricolor."""

    stacks: Sequence[str]
    namespaces: Mapping[str, str]
    image: str
    namespace: str = "tricolor-drift"
    schedule: str = "0 3 * * *"
    formats: Sequence[str] = ("json", "markdown", "html")
    extra_args: Sequence[str] = ()
    cluster_wide: bool = False
    suspend: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)

    def problems(self) -> list[str]:
        out = []
        if not self.stacks:
            out.append("stacks: give at least one stack")
        missing = [s for s in self.stacks if s not in self.namespaces]
        if missing:
            out.append(f"namespaces: no namespace for stack(s) {', '.join(missing)}")
        for stack, ns in self.namespaces.items():
            problem = dns_label_problem(ns)
            if problem:
                out.append(f"namespaces.{stack}: {problem}")
        problem = dns_label_problem(self.namespace)
        if problem:
            out.append(f"namespace: {problem}")
        problem = image_problem(self.image)
        if problem:
            out.append(f"image: {problem}")
        if not _CRON.match(self.schedule.strip()):
            out.append(f"schedule: {self.schedule!r} is not a cron schedule such as '0 3 * * *'")
        return out

    def command(self) -> list[str]:
        args = ["tricolor", "drift", "--source", "kubernetes", "--stacks", ",".join(self.stacks)]
        for stack in self.stacks:
            args += ["--namespace", f"{stack}={self.namespaces[stack]}"]
        for fmt in self.formats:
            args += ["--format", fmt]
        return [*args, "--out", "/reports", "--history", "/reports/drift-history.sqlite", *self.extra_args]


class DriftJob(pulumi.ComponentResource):
    """A CronJob running ``tricolor drift`` with a read-only ServiceAccount."""

    def __init__(self, name: str, args: DriftJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = args.problems()
        if problems:
            raise ComponentError(f"DriftJob {name}: " + "; ".join(problems))
        super().__init__("tricolor:kubernetes:DriftJob", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = {"app.kubernetes.io/name": "tricolor-drift", "app.kubernetes.io/managed-by": MANAGED_BY,
                  f"{LABEL_PREFIX}/role": "drift", **args.labels}
        account_name = dns_label(name, "reader")
        meta = {"name": account_name, "namespace": args.namespace, "labels": labels}
        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account", metadata=meta, automount_service_account_token=True, opts=child)
        subject = {"kind": "ServiceAccount", "name": account_name, "namespace": args.namespace}
        self.roles: list[pulumi.Resource] = []
        self.bindings: list[pulumi.Resource] = []
        if args.cluster_wide:
            role = k8s.rbac.v1.ClusterRole(f"{name}-cluster-role", metadata={"name": account_name, "labels": labels},
                                           rules=list(READ_RULES), opts=child)
            self.roles.append(role)
            self.bindings.append(k8s.rbac.v1.ClusterRoleBinding(
                f"{name}-cluster-role-binding", metadata={"name": account_name, "labels": labels},
                role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": account_name},
                subjects=[subject], opts=pulumi.ResourceOptions(parent=self, depends_on=[role])))
        else:
            for watched in sorted(set(args.namespaces.values())):
                role_meta = {"name": account_name, "namespace": watched, "labels": labels}
                role = k8s.rbac.v1.Role(f"{name}-{watched}-role", metadata=role_meta, rules=list(READ_RULES),
                                        opts=child)
                self.roles.append(role)
                self.bindings.append(k8s.rbac.v1.RoleBinding(
                    f"{name}-{watched}-role-binding", metadata=role_meta,
                    role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": account_name},
                    subjects=[subject], opts=pulumi.ResourceOptions(parent=self, depends_on=[role])))
        container = {
            "name": "drift",
            "image": args.image,
            "args": args.command(),
            "env": [{"name": "TRICOLOR_DRIFT_HISTORY", "value": "/reports/drift-history.sqlite"}],
            "volumeMounts": [{"name": "reports", "mountPath": "/reports"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
            "securityContext": {"runAsNonRoot": True, "readOnlyRootFilesystem": True,
                                "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
        }
        self.cron_job = k8s.batch.v1.CronJob(
            f"{name}-cron-job",
            metadata={"name": dns_label(name), "namespace": args.namespace, "labels": labels},
            spec={
                "schedule": args.schedule.strip(),
                "suspend": args.suspend,
                "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {"spec": {"backoffLimit": 0, "template": {
                    "metadata": {"labels": labels},
                    "spec": {"serviceAccountName": account_name, "restartPolicy": "Never",
                             "securityContext": {"runAsNonRoot": True, "runAsUser": 65532},
                             "containers": [container],
                             "volumes": [{"name": "reports", "emptyDir": {}}]}}}},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.service_account, *self.bindings]),
        )
        self.register_outputs({"service_account": account_name, "schedule": args.schedule})
