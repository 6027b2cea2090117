"""The Kubernetes TrafficRouter: one Gateway API HTTPRoute with weighted backendRefs
(``weight: 0`` kept), a header rule per color for smoke tests and one rule per header
route in force (``header_routes.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...spec.canary import HeaderRoute
from ...spec.stack import Stack
from .. import skeleton
from ..args import RouterArgs
from ..skeleton import child
from . import header_routes
from . import manifests as m
from .environment import Shared


class TrafficRouter(skeleton.RouterBase[Shared, tuple[dict[str, Any], dict[str, int]]]):
    """A weight step of a release changes only this component's HTTPRoute."""

    backend = "kubernetes"
    needs_shared = False

    def plan(self, args: RouterArgs[Shared], weights: Mapping[str, int] | None
             ) -> tuple[dict[str, Any], dict[str, int]]:
        ns = m.Names.of(args.stack, None).namespace
        route = m.http_route(args.stack, ns, dict(args.targets), args.weights, args.header_routes)
        return route, m.route_weights(route, list(args.targets))

    @classmethod
    def route_problems(cls, stack: Stack, routes: tuple[HeaderRoute, ...]) -> list[str]:
        return header_routes.problems(routes)

    def build(self, name: str, args: RouterArgs[Shared], native: tuple[dict[str, Any], dict[str, int]],
              shared: Shared | None) -> pulumi.Input[dict[str, int]]:
        route, weights = native
        self.route = k8s.apiextensions.CustomResource(
            f"{name}-route", api_version=route["apiVersion"], kind=route["kind"], metadata=route["metadata"],
            spec=route["spec"], opts=child(self, shared))
        self._name = route["metadata"]["name"]
        return weights

    def exports(self) -> dict[str, Any]:
        return {"route": self._name}
