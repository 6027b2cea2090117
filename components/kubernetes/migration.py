"""The Kubernetes Job of a migration phase, as a plain dict (pure, like ``manifests``).

A migration runs the release's image with the command and arguments of its phase, in
the pod the service itself runs in: the same ConfigMap (of the color whose settings it
borrows) and the same Secret references, the same resources, image pull secrets and
grace period, but no ports and no probes (it is a one-off task, not a server).

The Job's name is the run's deterministic name (``<stack>-<phase>-<release>-<attempt>``),
so creating it twice answers 409 and the runner observes the one that exists. It is
never retried blindly (``backoffLimit: 0``: a migration that failed half way is a
person's call), it is stopped by the cluster after ``timeout`` (``activeDeadlineSeconds``)
and kept for a day after it ends (``ttlSecondsAfterFinished``) so its logs can be read.
"""

from __future__ import annotations

from typing import Any

from ...spec.backends import KubernetesSettings
from ...spec.stack import Stack
from ...spec.weights import Color
from ...vocab import labels as keys
from .manifests import Names, container, labels, metadata, pod_spec

__all__ = ["KEEP_FINISHED", "PHASE_LABEL", "RELEASE_LABEL", "job"]

KEEP_FINISHED = 86400  # seconds a finished Job stays readable
PHASE_LABEL = f"{keys.PREFIX}/migration"
RELEASE_LABEL = f"{keys.PREFIX}/release"


def job(stack: Stack, name: str, image: str, command: list[str], phase: str, release_id: str,
        timeout: float, color: Color | None = None, settings: KubernetesSettings | None = None) -> dict[str, Any]:
    """A ``batch/v1`` Job running ``command`` with ``image`` in ``color``'s settings."""
    names = Names.of(stack, color)
    settings = settings or stack.config.kubernetes
    run = container(stack, image, names)
    for key in ("ports", "readinessProbe", "livenessProbe"):
        run.pop(key, None)
    run.update(name="migration", command=list(command[:1]), args=list(command[1:]))
    pod = pod_spec(stack, image, names, settings)
    pod.update(containers=[run], restartPolicy="Never")
    job_labels = {**labels(stack, color, image), keys.APP_COMPONENT: "migration", PHASE_LABEL: phase,
                  RELEASE_LABEL: release_id[:63]}
    job_labels.pop(keys.APP_INSTANCE, None)  # the service's pods are selected by instance: never this pod
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(name, names.namespace, job_labels),
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": max(1, int(timeout)),
            "ttlSecondsAfterFinished": KEEP_FINISHED,
            "template": {"metadata": {"labels": job_labels}, "spec": pod},
        },
    }
