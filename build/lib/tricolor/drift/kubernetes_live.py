"""Live Kubernetes as a drift source (the kubernetes Python client).

Lists, in each stack's namespace, the objects tricolor labels
(``app.kubernetes.io/managed-by=tricolor``): Deployments, Services, ConfigMaps,
HorizontalPodAutoscalers, PodDisruptionBudgets and Gateway API HTTPRoutes. Secrets are
never read (the drift job's role has no access to them). Objects are taken as the API
server sends them (raw JSON, paginated), so normalisation sees exactly what is live.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from .errors import SourceError
from .model import Snapshot
from .normalize import Item, build_snapshots, color_of

SELECTOR = "app.kubernetes.io/managed-by=tricolor"
PAGE = 500


@dataclass(frozen=True)
class Kind:
    """One listed kind: its API group/version, kind and how to list it."""

    api_version: str
    kind: str
    plural: str

    @property
    def type(self) -> str:
        group_version = self.api_version if "/" in self.api_version else f"core/{self.api_version}"
        return f"kubernetes:{group_version}:{self.kind}"


KINDS = (
    Kind("apps/v1", "Deployment", "deployments"),
    Kind("v1", "Service", "services"),
    Kind("v1", "ConfigMap", "configmaps"),
    Kind("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
    Kind("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets"),
    Kind("gateway.networking.k8s.io/v1", "HTTPRoute", "httproutes"),
)


def load_client(context: str | None = None, in_cluster: bool | None = None) -> Any:
    """An ``ApiClient`` from the in-cluster service account or the kubeconfig."""
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    try:
        if in_cluster or (in_cluster is None and context is None and _in_cluster()):
            config.load_incluster_config()
        else:
            import os

            # KUBECONFIG is read now, not when the client was first imported.
            config.load_kube_config(config_file=os.environ.get("KUBECONFIG") or None, context=context)
    except (ConfigException, OSError, TypeError) as exc:
        raise SourceError(f"kubernetes: no usable cluster configuration ({exc})") from None
    return client.ApiClient()


def _in_cluster() -> bool:
    import os

    return bool(os.environ.get("KUBERNETES_SERVICE_HOST"))


@dataclass
class KubernetesSource:
    """Reads each stack's namespace (``namespaces``: stack -> namespace)."""

    namespaces: Mapping[str, str] = field(default_factory=dict)
    api_client: Any = None
    client_factory: Callable[[], Any] = load_client
    selector: str = SELECTOR
    timeout: float = 30.0
    name: str = "kubernetes"

    def describe(self, stack: str) -> str:
        return f"kubernetes namespace {self._namespace(stack)}"

    def _namespace(self, stack: str) -> str:
        if stack not in self.namespaces:
            raise SourceError(f"stack {stack}: no Kubernetes namespace known (give --namespace {stack}=NAME)")
        return self.namespaces[stack]

    def _client(self) -> Any:
        if self.api_client is None:
            self.api_client = self.client_factory()
        return self.api_client

    def list_objects(self, kind: Kind, namespace: str) -> list[dict[str, Any]]:
        """Every labelled object of ``kind`` in ``namespace`` as the API server sends it."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        prefix = "/api" if "/" not in kind.api_version else "/apis"
        path = f"{prefix}/{kind.api_version}/namespaces/{namespace}/{kind.plural}"
        items: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(10_000):  # bounded pagination
            query = [("labelSelector", self.selector), ("limit", PAGE)] + ([("continue", token)] if token else [])
            try:
                response = self._client().call_api(*self._request(path, query), _request_timeout=self.timeout)
                response.read()
                if response.status == 404 and kind.kind == "HTTPRoute":
                    return []  # the Gateway API is not installed in this cluster
                if response.status >= 400:
                    raise SourceError(f"kubernetes: listing {kind.plural} in namespace {namespace} "
                                      f"failed: HTTP {response.status} {response.data[:200]!r}")
                page = orjson.loads(response.data)
            except ApiException as exc:
                if exc.status == 404 and kind.kind == "HTTPRoute":
                    return []
                raise SourceError(f"kubernetes: listing {kind.plural} in namespace {namespace} failed: "
                                  f"{exc.status} {exc.reason}") from None
            except (HTTPError, OSError) as exc:
                raise SourceError(f"kubernetes: API server unreachable while listing {kind.plural} "
                                  f"in namespace {namespace}: {exc}") from None
            except orjson.JSONDecodeError as exc:
                raise SourceError(f"kubernetes: {path} returned invalid JSON: {exc}") from None
            items.extend(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                break
        return items

    def _request(self, path: str, query: list[tuple[str, Any]]) -> tuple[Any, ...]:
        client = self._client()
        params = client.param_serialize(
            method="GET", resource_path=path, query_params=query, header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"])
        return tuple(params)

    def snapshots(self, stack: str) -> list[Snapshot]:
        namespace = self._namespace(stack)
        items: list[Item] = []
        for kind in KINDS:
            for obj in self.list_objects(kind, namespace):
                obj = {"apiVersion": kind.api_version, "kind": kind.kind, **obj}
                meta = obj.get("metadata") or {}
                name = str(meta.get("name", ""))
                items.append(Item(kind.type, name, obj, color_of(name, meta.get("labels"))))
        return build_snapshots(stack, items, namespace=namespace, source=f"kubernetes namespace {namespace}")
