"""The AWS TrafficRouter: the production listener of the stack's ALB, whose default
action forwards to the colors' target groups by weight (ALB limits checked before
anything is registered), and one listener rule per match of each header route in force
(``header_routes.py``); staging forwards to its one target group, in the same weighted
shape (one group at 100), so staging and a production color's view of the listener line
up in drift and in the cross-stack-parity policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.canary import HeaderRoute
from ...spec.stack import Stack
from ...vocab import limits
from .. import skeleton
from ..args import RouterArgs
from ..skeleton import child
from . import header_routes
from .alb import action_weights, forward_action
from .shared import Shared, any_input

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


class TrafficRouter(skeleton.RouterBase[Shared, dict[str, Any]]):
    """A weight step of a release changes only this component's listener. The
    smoke-test header rules sit on the test listener (``Shared``)."""

    backend = "aws"

    def plan(self, args: RouterArgs[Shared], weights: Mapping[str, int] | None) -> dict[str, Any]:
        targets = dict(args.targets)
        header_routes.rules(args.header_routes, targets)  # BackendLimitError before registering
        if weights is None and len(targets) == 1:  # staging, previews: all to the one target group
            weights = dict.fromkeys(targets, limits.TOTAL)
        return forward_action(targets, weights)

    @classmethod
    def route_problems(cls, stack: Stack, routes: tuple[HeaderRoute, ...]) -> list[str]:
        return header_routes.problems(routes)

    def build(self, name: str, args: RouterArgs[Shared], native: dict[str, Any],
              shared: Shared | None) -> pulumi.Input[dict[str, int]]:
        assert shared is not None
        settings = shared.plan.settings
        tls: dict[str, Any] = {"protocol": "HTTP"}
        if settings.certificate_arn:
            tls = {"protocol": "HTTPS", "ssl_policy": TLS_POLICY, "certificate_arn": settings.certificate_arn}
        self.listener = aws.lb.Listener(
            f"{name}-listener", load_balancer_arn=shared.alb.arn, port=settings.listener_port,
            default_actions=[any_input(native)], tags=shared.tags, **tls, opts=child(self, shared))
        for role, rule in header_routes.rules(args.header_routes, dict(args.targets)):
            aws.lb.ListenerRule(f"{name}-route-{role}", listener_arn=self.listener.arn, **any_input(rule),
                                tags=shared.tags, opts=child(self, self.listener))
        return action_weights(native, list(args.targets))

    def exports(self) -> dict[str, Any]:
        return {"listener": self.listener.arn}
