"""The live Kubernetes source, through the real kubernetes client, against recorded API
objects served on 127.0.0.1 the way an API server returns them (list kinds, items
without kind, managedFields, status, resourceVersion, defaulted fields, pagination)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tricolor.drift import SourceError, compare
from tricolor.drift.kubernetes_live import KINDS, KubernetesSource

ALLOWED = ["replicas", "autoscaling.*", "resources.*", "disruptionBudget.*", "env.LOG_LEVEL"]
PLURALS = {k.kind: k for k in KINDS}


def _as_live(obj: dict[str, Any], number: int) -> dict[str, Any]:
    """What the API server returns for an applied object: server fields and defaults."""
    live = copy.deepcopy(obj)
    live.pop("apiVersion", None)
    live.pop("kind", None)
    meta = live["metadata"]
    meta.update({"uid": f"6f1c-{number:04d}", "resourceVersion": str(48000 + number), "generation": 2,
                 "creationTimestamp": "2026-11-20T10:00:00Z",
                 "managedFields": [{"manager": "pulumi-kubernetes", "operation": "Apply", "apiVersion": "v1",
                                    "time": "2026-11-20T10:00:00Z", "fieldsType": "FieldsV1",
                                    "fieldsV1": {"f:metadata": {"f:labels": {}}}}]})
    spec = live.get("spec", {})
    if "template" in spec:
        meta.setdefault("annotations", {})["deployment.kubernetes.io/revision"] = str(3 + number % 2)
        spec.setdefault("progressDeadlineSeconds", 600)
        spec.setdefault("revisionHistoryLimit", 10)
        pod = spec["template"]["spec"]
        pod.setdefault("dnsPolicy", "ClusterFirst")
        pod.setdefault("restartPolicy", "Always")
        for container in pod["containers"]:
            container.setdefault("terminationMessagePath", "/dev/termination-log")
            container.setdefault("imagePullPolicy", "IfNotPresent")
        condition = {"type": "Available", "status": "True", "lastUpdateTime": f"2026-11-2{number % 9}T00:00:00Z"}
        live["status"] = {"observedGeneration": 2, "replicas": spec.get("replicas", 1),
                          "readyReplicas": spec.get("replicas", 1), "conditions": [condition]}
    if live.get("kind") == "Service" or "ports" in spec and "selector" in spec:
        spec.setdefault("clusterIP", f"10.96.{number}.{number}")
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("sessionAffinity", "None")
    return live


def _recorded(rendered: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """path -> list response, from the rendered staging and prod objects."""
    lists: dict[str, dict[str, Any]] = {}
    number = 0
    for stack in rendered.values():
        for r in stack.resources:
            kind = r.inputs.get("kind")
            if not r.custom or kind not in PLURALS:
                continue
            number += 1
            k = PLURALS[kind]
            ns = r.inputs["metadata"]["namespace"]
            prefix = "/api" if "/" not in k.api_version else "/apis"
            path = f"{prefix}/{k.api_version}/namespaces/{ns}/{k.plural}"
            body = lists.setdefault(path, {"kind": f"{kind}List", "apiVersion": k.api_version,
                                           "metadata": {"resourceVersion": "50000"}, "items": []})
            body["items"].append(_as_live(r.inputs, number))
    return lists


class _Server:
    def __init__(self, lists: dict[str, dict[str, Any]]) -> None:
        self.lists = lists
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                query = parse_qs(url.query)
                server.requests.append(self.path)
                if query.get("labelSelector") != ["app.kubernetes.io/managed-by=tricolor"]:
                    return self._send(400, {"kind": "Status", "status": "Failure", "message": "no selector"})
                body = server.lists.get(url.path)
                if body is None:
                    if url.path.endswith("/httproutes") and "no-gateway" in url.path:
                        return self._send(404, {"kind": "Status", "status": "Failure", "reason": "NotFound"})
                    body = {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": []}
                items = body["items"]
                # Paginate deployments one item per page, as a server honouring ``limit`` may.
                if url.path.endswith("/deployments") and len(items) > 1:
                    start = int(query.get("continue", ["0"])[0])
                    page = {**body, "items": items[start:start + 1],
                            "metadata": {"continue": str(start + 1)} if start + 1 < len(items) else {}}
                    return self._send(200, page)
                return self._send(200, body)

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _client(port: int) -> Any:
    from kubernetes import client

    configuration = client.Configuration()
    configuration.host = f"http://127.0.0.1:{port}"
    return client.ApiClient(configuration)


@pytest.fixture
def api(rendered: dict[str, Any]) -> Iterator[_Server]:
    with _Server(_recorded(rendered)) as server:
        yield server


NAMESPACES = {"staging": "checkout-staging", "prod": "checkout-prod"}


def test_live_objects_are_at_parity(api: _Server) -> None:
    source = KubernetesSource(namespaces=NAMESPACES, api_client=_client(api.port))
    snapshots = source.snapshots("staging") + source.snapshots("prod")
    assert [s.environment for s in snapshots] == ["staging", "prod/blue", "prod/green"]
    roles = set(snapshots[1].resources)
    assert "kubernetes:apps/v1:Deployment::checkout" in roles
    assert "kubernetes:core/v1:ConfigMap::checkout-config" in roles
    assert "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::checkout" in roles
    result = compare(snapshots, ALLOWED)
    assert result.counts["drift"] == 0, [d.as_json() for d in result.of_status("drift")]
    assert {d.path for d in result.differences} >= {"spec.replicas", "data.LOG_LEVEL"}
    # Never Secrets; always the selector; deployments read page by page.
    assert not any("/secrets" in r for r in api.requests)
    assert sum("/deployments" in r and "continue=" in r for r in api.requests) >= 1


def test_a_hand_edited_object_is_drift(api: _Server) -> None:
    path = "/apis/apps/v1/namespaces/checkout-prod/deployments"
    green = next(i for i in api.lists[path]["items"] if i["metadata"]["name"] == "checkout-green")
    container = green["spec"]["template"]["spec"]["containers"][0]
    container["env"].append({"name": "DEBUG_SQL", "value": "1"})
    container["image"] = "ghcr.io/acme/checkout:1.5.0"
    source = KubernetesSource(namespaces=NAMESPACES, api_client=_client(api.port))
    result = compare(source.snapshots("staging") + source.snapshots("prod"), ALLOWED)
    drift = result.of_status("drift")
    assert [(d.resource, d.path) for d in drift] == [
        ("kubernetes:apps/v1:Deployment::checkout", "spec.template.spec.containers.checkout.env.DEBUG_SQL")]
    assert drift[0].values == {"staging": None, "prod/blue": None, "prod/green": "1"}
    image = [d for d in result.differences if d.path.endswith(".image")]
    assert image and image[0].status == "allowed" and image[0].reason == "release-managed: image"


def test_missing_gateway_api_and_unreachable_server(api: _Server) -> None:
    source = KubernetesSource(namespaces={"x": "no-gateway"}, api_client=_client(api.port))
    assert source.snapshots("x")[0].resources == {}
    with pytest.raises(SourceError, match="no Kubernetes namespace known"):
        source.snapshots("unknown-stack")
    dead = KubernetesSource(namespaces=NAMESPACES, api_client=_client(_closed_port()), timeout=2)
    with pytest.raises(SourceError, match="API server unreachable"):
        dead.snapshots("staging")


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_reads_the_cluster_from_kubeconfig(api: _Server, cli: Any, tmp_path: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "recorded",
        "clusters": [{"name": "recorded", "cluster": {"server": f"http://127.0.0.1:{api.port}"}}],
        "users": [{"name": "reader", "user": {"token": "read-only"}}],
        "contexts": [{"name": "recorded", "context": {"cluster": "recorded", "user": "reader"}}]}))
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    result = cli("drift", "--stacks", "staging,prod", "--source", "kubernetes", "--format", "json", "--no-history")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["stacks"] == ["staging", "prod/blue", "prod/green"]
    assert document["environments"][0]["source"] == "kubernetes namespace checkout-staging"
    assert document["summary"]["drift"] == 0 and document["summary"]["allowed"] > 0
