"""The Docker TrafficRouter: an nginx container whose generated configuration splits
traffic by weight and routes the smoke-test header to the named color."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_docker as docker

from ...spec.canary import HeaderRoute
from ...spec.stack import Stack
from ...vocab import labels as keys
from .. import skeleton
from ..args import RouterArgs
from ..skeleton import child
from . import header_routes, nginx
from .environment import Shared, docker_labels
from .settings import container_name

CONFIG_FILE = "/etc/nginx/conf.d/default.conf"


class TrafficRouter(skeleton.RouterBase[Shared, dict[str, int]]):
    """nginx on the stack's network, published on ``bindAddress:routerPort``.

    A weight step regenerates the configuration, which replaces this container only.
    """

    backend = "docker"

    def plan(self, args: RouterArgs[Shared], weights: Mapping[str, int] | None) -> dict[str, int]:
        # Limits checked on placeholder addresses before anything is registered; the
        # weights read back from the upstream servers that configuration holds.
        names = {n: f"{n}:1" for n in args.targets}
        config = nginx.RouterConfig(names, weights, args.stack.spec.routing.header, args.stack.spec.routing.path,
                                    routes=args.header_routes)
        nginx.check(config)
        return nginx.server_weights(config)

    def build(self, name: str, args: RouterArgs[Shared], native: dict[str, int],
              shared: Shared | None) -> pulumi.Input[dict[str, int]]:
        assert shared is not None
        stack, settings = args.stack, shared.settings
        weights = args.weights.as_dict() if args.weights is not None else None
        routes = args.header_routes

        def config(addresses: Mapping[str, str]) -> str:
            return nginx.render(nginx.RouterConfig(
                dict(addresses), weights, stack.spec.routing.header, stack.spec.routing.path, routes=routes))

        self.config = pulumi.Output.from_input(dict(args.targets)).apply(config)
        image = docker.RemoteImage(f"{name}-image", name=settings.nginx_image, keep_locally=True, opts=child(self))
        self.container = docker.Container(
            f"{name}-nginx", name=container_name(stack, "router"), image=image.name,
            uploads=[{"file": CONFIG_FILE, "content": self.config}],
            ports=[{"internal": int(nginx.LISTEN), "external": settings.router_port, "ip": settings.bind_address}],
            networks_advanced=[{"name": shared.network.name}], restart="unless-stopped",
            labels=docker_labels({**shared.labels, keys.ROLE: "router"}), opts=child(self, shared))
        self.url = f"http://{settings.bind_address}:{settings.router_port}"
        return native

    @classmethod
    def route_problems(cls, stack: Stack, routes: tuple[HeaderRoute, ...]) -> list[str]:
        return header_routes.problems(routes)

    def exports(self) -> dict[str, Any]:
        return {"url": self.url}
