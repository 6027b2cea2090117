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
from ...vocab import labels as keys
from ..errors import ComponentError
from ..skeleton import child

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
        return [*args, "--out", "/reports", "--record", "--history", "/reports/drift-history.sqlite",
                *self.extra_args]


class DriftJob(pulumi.ComponentResource):
    """A CronJob running ``tricolor drift`` with a read-only ServiceAccount."""

    def __init__(self, name: str, args: DriftJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = args.problems()
        if problems:
            raise ComponentError(f"DriftJob {name}: " + "; ".join(problems))
        super().__init__("tricolor:kubernetes:DriftJob", name, None, opts)
        own = child(self)
        labels: dict[str, str] = {keys.APP_NAME: "tricolor-drift", keys.APP_MANAGED_BY: keys.MANAGED_BY,
                                  keys.ROLE: "drift", **args.labels}
        account_name = dns_label(name, "reader")
        # Kubernetes objects as plain data (``dict[str, Any]``, unpacked), as the other
        # components write them: pulumi_kubernetes types them as TypedDicts
        account: dict[str, Any] = {"metadata": {"name": account_name, "namespace": args.namespace,
                                                "labels": labels}, "automount_service_account_token": True}
        self.service_account = k8s.core.v1.ServiceAccount(f"{name}-service-account", **account, opts=own)
        subject = {"kind": "ServiceAccount", "name": account_name, "namespace": args.namespace}
        self.roles: list[pulumi.Resource] = []
        self.bindings: list[pulumi.Resource] = []
        role: pulumi.Resource
        if args.cluster_wide:
            meta: dict[str, Any] = {"name": account_name, "labels": labels}
            role = k8s.rbac.v1.ClusterRole(f"{name}-cluster-role", **_role(meta), opts=own)
            self.roles.append(role)
            self.bindings.append(k8s.rbac.v1.ClusterRoleBinding(
                f"{name}-cluster-role-binding", **_binding(meta, "ClusterRole", subject), opts=child(self, role)))
        else:
            for watched in sorted(set(args.namespaces.values())):
                meta = {"name": account_name, "namespace": watched, "labels": labels}
                role = k8s.rbac.v1.Role(f"{name}-{watched}-role", **_role(meta), opts=own)
                self.roles.append(role)
                self.bindings.append(k8s.rbac.v1.RoleBinding(
                    f"{name}-{watched}-role-binding", **_binding(meta, "Role", subject), opts=child(self, role)))
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
        job: dict[str, Any] = {
            "metadata": {"name": dns_label(name), "namespace": args.namespace, "labels": labels},
            "spec": {
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
        }
        self.cron_job = k8s.batch.v1.CronJob(f"{name}-cron-job", **job,
                                             opts=child(self, self.service_account, *self.bindings))
        self.register_outputs({"service_account": account_name, "schedule": args.schedule})


def _role(meta: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": meta, "rules": list(READ_RULES)}


def _binding(meta: dict[str, Any], kind: str, subject: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": meta, "role_ref": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind,
                                           "name": meta["name"]}, "subjects": [subject]}
