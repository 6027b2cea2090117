"""The Docker TrafficRouter: an nginx container whose generated configuration splits
traffic by weight and routes the smoke-test header to the named color."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_docker as docker

from ..args import RouterArgs
from ..errors import ComponentError
from . import nginx
from .environment import Environment, Shared, _child, docker_labels
from .settings import container_name

CONFIG_FILE = "/etc/nginx/conf.d/default.conf"


class TrafficRouter(pulumi.ComponentResource):
    """nginx on the stack's network, published on ``bindAddress:routerPort``.

    A weight step regenerates the configuration, which replaces this container only.
    """

    def __init__(self, name: str, args: RouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        stack = args.stack
        weights = args.weights.as_dict() if args.weights is not None else None
        names = list(args.targets)
        # Limits checked on placeholder addresses before anything is registered.
        nginx.check(nginx.RouterConfig({n: "host:1" for n in names}, weights, stack.spec.routing.header,
                                       stack.spec.routing.path))
        shared = args.shared.shared if isinstance(args.shared, Environment) else args.shared
        if not isinstance(shared, Shared):
            raise ComponentError("the Docker router needs the stack's shared resources: "
                                 "RouterArgs.shared must be BlueGreen.shared or the Environment")
        super().__init__("tricolor:docker:TrafficRouter", name, None, opts)
        settings = shared.settings

        def config(addresses: Mapping[str, str]) -> str:
            return nginx.render(nginx.RouterConfig(
                dict(addresses), weights, stack.spec.routing.header, stack.spec.routing.path))

        self.config = pulumi.Output.from_input(dict(args.targets)).apply(config)
        image = docker.RemoteImage(f"{name}-image", name=settings.nginx_image, keep_locally=True,
                                   opts=_child(self))
        self.container = docker.Container(
            f"{name}-nginx", name=container_name(stack, "router"), image=image.name,
            uploads=[{"file": CONFIG_FILE, "content": self.config}],
            ports=[{"internal": int(nginx.LISTEN), "external": settings.router_port, "ip": settings.bind_address}],
            networks_advanced=[{"name": shared.network.name}], restart="unless-stopped",
            labels=docker_labels({**shared.labels, "tricolor.dev/role": "router"}),
            opts=_child(self, [shared]))
        self.weights = weights
        self.url = f"http://{settings.bind_address}:{settings.router_port}"
        self.register_outputs({"url": self.url, "weights": weights})
