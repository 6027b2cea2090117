"""The AWS TrafficRouter: the production listener of the stack's ALB, whose default
action forwards to the colors' target groups by weight."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from ..args import RouterArgs
from ..errors import ComponentError
from .alb import forward_action
from .environment import Environment
from .shared import Shared

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


class TrafficRouter(pulumi.ComponentResource):
    """Weighted forward to the colors (ALB limits checked before anything is registered);
    staging forwards to its one target group. A weight step of a release changes only
    this component's listener. The smoke-test header rules sit on the test listener."""

    def __init__(self, name: str, args: RouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        weights = args.weights.as_dict() if args.weights is not None else None
        action = forward_action(dict(args.targets), weights)  # BackendLimitError before registering
        shared = args.shared.shared if isinstance(args.shared, Environment) else args.shared
        if not isinstance(shared, Shared):
            raise ComponentError("the AWS router needs the stack's shared resources: "
                                 "RouterArgs.shared must be BlueGreen.shared or the Environment")
        super().__init__("tricolor:aws:TrafficRouter", name, None, opts)
        settings = shared.plan.settings
        tls: dict[str, Any] = {"protocol": "HTTP"}
        if settings.certificate_arn:
            tls = {"protocol": "HTTPS", "ssl_policy": TLS_POLICY, "certificate_arn": settings.certificate_arn}
        self.listener = aws.lb.Listener(
            f"{name}-listener", load_balancer_arn=shared.alb.arn, port=settings.listener_port,
            default_actions=[shared._any(action)], tags=shared.tags, **tls,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[shared]))
        self.weights = weights
        self.register_outputs({"listener": self.listener.arn, "weights": weights})
