"""The Kubernetes TrafficRouter: one Gateway API HTTPRoute with weighted backendRefs."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from ..args import RouterArgs
from . import manifests as m


class TrafficRouter(pulumi.ComponentResource):
    """Weighted routing to the colors plus a header route per color for smoke tests.

    A weight step of a release changes only this component's HTTPRoute.
    """

    def __init__(self, name: str, args: RouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tricolor:kubernetes:TrafficRouter", name, None, opts)
        ns = m.Names.of(args.stack, None).namespace
        body = m.http_route(args.stack, ns, dict(args.targets), args.weights)
        depends = [args.shared] if args.shared is not None else []
        self.route = k8s.apiextensions.CustomResource(
            f"{name}-route",
            api_version=body["apiVersion"],
            kind=body["kind"],
            metadata=body["metadata"],
            spec=body["spec"],
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )
        self.weights = args.weights.as_dict() if args.weights else None
        self.register_outputs({"route": body["metadata"]["name"], "weights": self.weights})
