"""The Lambda TrafficRouter: the production alias (``tricolor:lambda.alias``, ``live`` by
default) on the primary version, with ``routingConfig.additionalVersionWeights`` carrying
the other color's share (``routing.py``). Staging: the alias on the one version, no split.

A weight step of a release changes only this alias. Callers (API Gateway, a function
URL, an event source) invoke the alias, never a version.

Header routes (``setHeaderRoute``) are refused: an alias splits invocations by weight
alone and never sees an HTTP header (a function URL or API Gateway would have to route).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.canary import HeaderRoute
from ...spec.stack import Stack
from .. import skeleton
from ..args import RouterArgs
from ..errors import BackendLimitError
from ..skeleton import child
from . import routing
from .shared import Shared


class TrafficRouter(skeleton.RouterBase[Shared, None]):
    backend = "lambda"

    def plan(self, args: RouterArgs[Shared], weights: Mapping[str, int] | None) -> None:
        routing.check(list(args.targets), weights)
        problems = self.route_problems(args.stack, args.header_routes)
        if problems:
            raise BackendLimitError("; ".join(problems))

    @classmethod
    def route_problems(cls, stack: Stack, routes: tuple[HeaderRoute, ...]) -> list[str]:
        return [f"setHeaderRoute {route.name}: the Lambda router is an alias that splits invocations by weight "
                "alone; it never sees an HTTP header, so it cannot route on one (use the color's own alias to "
                "reach the new version)" for route in routes]

    def build(self, name: str, args: RouterArgs[Shared], native: None,
              shared: Shared | None) -> pulumi.Input[dict[str, int]]:
        assert shared is not None
        weights = args.weights.as_dict() if args.weights is not None else None
        names = list(args.targets)
        versions = pulumi.Output.all(*[args.targets[n] for n in names]).apply(
            lambda resolved: dict(zip(names, resolved, strict=True)))
        alias = versions.apply(lambda v: routing.alias_for(v, weights))
        self.alias = aws.lambda_.Alias(
            f"{name}-alias", name=shared.plan.settings.alias, function_name=shared.function.name,
            function_version=alias.apply(lambda a: a.function_version),
            routing_config=alias.apply(_routing_config),
            description="production traffic" if weights else "all traffic", opts=child(self, shared))
        self.alias_name = shared.plan.settings.alias
        return pulumi.Output.all(alias, versions).apply(lambda pair: routing.weights_of(pair[0], pair[1]))

    def exports(self) -> dict[str, Any]:
        return {"alias": self.alias_name, "aliasArn": self.alias.arn}


def _routing_config(alias: routing.AliasRouting) -> aws.lambda_.AliasRoutingConfigArgsDict | None:
    """The alias's ``routing_config`` input (``None``: all traffic on its version)."""
    return {"additional_version_weights": dict(alias.additional)} if alias.additional else None
