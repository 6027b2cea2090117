"""``KubernetesMigrationRunner``: a migration phase as a Job, through the Kubernetes API.

Why the Kubernetes client and not the Pulumi program: a migration is a one-off run per
release, not desired state. Declared in the stack, the Job would be replaced, deleted
or reported as drift by every later ``pulumi up``; created through the API (as Helm
hooks and Argo CD's ``PreSync`` hooks do) it is an event of the release, recorded in
the ledger, with its manifest built by the same pure code as the service's pods
(``components.kubernetes.migration``: the same ConfigMap, Secret references, pull
secrets and resources), and ``plan`` shows it in the schedule.

Idempotent by name: ``POST`` the Job; ``409 Conflict`` means a run of that name exists
(a killed process created it): it is observed, not created again. The runner then
reads the Job until its ``Complete`` or ``Failed`` condition (``succeeded``/``failed``
counts for older clusters), at most the phase's timeout plus a minute (the cluster
itself stops it at ``activeDeadlineSeconds``). The kubeconfig context is the stack's
``kubernetes:context`` (in a cluster: its service account).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson

from ...components.kubernetes.migration import job
from ...drift.errors import SourceError
from ...drift.kubernetes_live import load_client
from ...spec.stack import Stack
from ..errors import MigrationError
from .base import MigrationContext, MigrationRelease, MigrationResult

__all__ = ["KubernetesMigrationRunner", "job_outcome"]

GRACE = 60.0  # seconds past the timeout before the runner gives up waiting


def job_outcome(body: dict[str, Any]) -> tuple[bool, str] | None:
    """``(ok, detail)`` once a Job has ended, ``None`` while it runs."""
    status = body.get("status") or {}
    for condition in status.get("conditions") or []:
        if condition.get("status") != "True":
            continue
        if condition.get("type") in ("Complete", "SuccessCriteriaMet"):
            return True, "the Job completed"
        if condition.get("type") in ("Failed", "FailureTarget"):
            why = ": ".join(str(x) for x in (condition.get("reason"), condition.get("message")) if x)
            return False, f"the Job failed ({why or 'no reason given'})"
    if (status.get("succeeded") or 0) >= 1:
        return True, "the Job completed"
    if (status.get("failed") or 0) >= 1:
        return False, "the Job failed (its pod failed)"
    return None


class KubernetesMigrationRunner:
    name = "kubernetes"

    def __init__(self, context: MigrationContext) -> None:
        self.stack: Stack = context.stack
        self.api_client = context.client
        self.poll = context.poll
        self.sleep: Callable[[float], None] = context.extra.get("sleep", time.sleep)
        self.clock: Callable[[], float] = context.extra.get("clock", time.monotonic)

    def _client(self) -> Any:
        if self.api_client is None:
            kube = self.stack.other_config.get("kubernetes:context")
            try:
                self.api_client = load_client(context=kube if isinstance(kube, str) else None)
            except SourceError as exc:
                raise MigrationError(str(exc)) from None
        return self.api_client

    def _call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One API call: (HTTP status, decoded JSON body)."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        client = self._client()
        try:
            params = client.param_serialize(method=method, resource_path=path, body=body, auth_settings=["BearerToken"],
                                            header_params={"Content-Type": "application/json",
                                                           "Accept": "application/json"})
            response = client.call_api(*params, _request_timeout=30)
            response.read()
            status, data = response.status, response.data
        except ApiException as exc:
            status, data = exc.status, exc.body or b"{}"
        except (HTTPError, OSError) as exc:
            raise MigrationError(f"kubernetes: API server unreachable ({method} {path}): {exc}") from None
        try:
            decoded = orjson.loads(data or b"{}")
        except orjson.JSONDecodeError:
            raise MigrationError(f"kubernetes: {method} {path}: HTTP {status}, not JSON") from None
        return status, decoded if isinstance(decoded, dict) else {}

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult:
        manifest = job(self.stack, release.name, release.image, list(release.command), phase, release.release_id,
                       release.timeout, release.source)
        namespace = manifest["metadata"]["namespace"]
        jobs = f"/apis/batch/v1/namespaces/{namespace}/jobs"
        status, body = self._call("POST", jobs, manifest)
        created = status in (200, 201)
        if status == 409:
            created = False  # a run of that name exists: observe it
        elif not created:
            raise MigrationError(f"kubernetes: creating Job {release.name} in {namespace}: HTTP {status} "
                                 f"{str((body or {}).get('message', ''))[:200]}")
        deadline = self.clock() + release.timeout + GRACE
        while True:
            status, body = self._call("GET", f"{jobs}/{release.name}")
            if status == 404:
                return MigrationResult(False, f"Job {release.name} in {namespace} is gone (deleted while it ran)",
                                       created)
            if status >= 400:
                raise MigrationError(f"kubernetes: reading Job {release.name} in {namespace}: HTTP {status}")
            outcome = job_outcome(body)
            if outcome is not None:
                ok, detail = outcome
                return MigrationResult(ok, f"{detail}: Job {release.name} in {namespace}", created)
            if self.clock() >= deadline:
                return MigrationResult(False, f"Job {release.name} in {namespace} did not end within "
                                              f"{release.timeout:g}s", created)
            self.sleep(self.poll)

